// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/payment_delta.hpp"

#include <map>
#include <set>

namespace sozbatch::jobs {

namespace {

/// Sum of a result's line amounts per (kind, person).
std::map<std::string, money_t> line_sums(db::result_store_t &results, long long result_id)
{
    std::map<std::string, money_t> m;
    for (auto const &l : results.lines(result_id)) {
        if (l.cls == "result" || l.kind == "entitlement") {
            continue;
        }
        m[l.kind + (l.person_id.empty() ? std::string{} : " " + l.person_id)] += l.amount;
    }
    return m;
}

} // namespace

db::case_payments_t regular_payments(std::vector<db::payment_order_t> const &orders)
{
    db::case_payments_t m;
    for (auto const &x : orders) {
        if (!x.difference_id && x.state != "held") {
            auto &s = m[x.file_ref];
            s.amount += x.amount;
            s.result_id = x.calc_result_id;
        }
    }
    return m;
}

payment_delta_t compare_payments(db::case_payments_t const &before, db::case_payments_t const &after)
{
    using kind_t = delta_case_t::kind_t;
    payment_delta_t d;
    d.cases_before = static_cast<long long>(before.size());
    d.cases_after = static_cast<long long>(after.size());
    for (auto const &[ref, s] : before) {
        d.total_before += s.amount;
    }
    for (auto const &[ref, s] : after) {
        d.total_after += s.amount;
        auto const it = before.find(ref);
        if (it == before.end()) {
            ++d.added;
            d.cases.push_back(delta_case_t{kind_t::added, ref, money_t{}, s.amount, std::nullopt, s.result_id});
        } else if (it->second.amount != s.amount) {
            ++d.changed;
            d.cases.push_back(delta_case_t{kind_t::changed, ref, it->second.amount, s.amount, it->second.result_id,
                                           s.result_id});
        }
    }
    for (auto const &[ref, s] : before) {
        if (after.count(ref) == 0) {
            ++d.ended;
            d.cases.push_back(delta_case_t{kind_t::ended, ref, s.amount, money_t{}, s.result_id, std::nullopt});
        }
    }
    return d;
}

std::vector<line_change_t> changed_lines(db::result_store_t &results, long long before, long long after)
{
    auto const a = line_sums(results, before);
    auto const b = line_sums(results, after);
    std::set<std::string> keys;
    for (auto const &[k, v] : a) keys.insert(k);
    for (auto const &[k, v] : b) keys.insert(k);
    std::vector<line_change_t> out;
    for (auto const &k : keys) {
        auto const va = a.count(k) ? a.at(k) : money_t{};
        auto const vb = b.count(k) ? b.at(k) : money_t{};
        if (va != vb) {
            out.push_back(line_change_t{k, va, vb});
        }
    }
    return out;
}

} // namespace sozbatch::jobs
