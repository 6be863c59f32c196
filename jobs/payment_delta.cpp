// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/payment_delta.hpp"

#include "lib/core/error.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <utility>
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

payment_delta_t compare_payments(db::case_payments_t const &before, db::case_payments_t const &after)
{
    std::vector<delta_case_t> cases;
    auto d = compare_payments(payments_of(before), payments_of(after),
                              [&](delta_case_t const &c) { cases.push_back(c); });
    d.cases = std::move(cases);
    return d;
}

payment_source_t payments_of(db::case_payments_t const &payments)
{
    return [&payments]() -> payment_cursor_t {
        return [it = payments.begin(), end = payments.end()]() mutable -> std::optional<case_payment_entry_t> {
            if (it == end) {
                return std::nullopt;
            }
            return *it++;
        };
    };
}

payment_source_t regular_payments_of_run(db::payment_store_t &store, long long run_id, std::size_t page)
{
    page = std::max<std::size_t>(page, 1);
    return [&store, run_id, page]() -> payment_cursor_t {
        struct state_t
        {
            std::vector<db::payment_order_t> page;
            std::size_t pos = 0;
            long long last = -1;
            bool exhausted = false;
            std::optional<case_payment_entry_t> current; ///< the case being summed
        };
        auto st = std::make_shared<state_t>();
        return [&store, run_id, page, st]() -> std::optional<case_payment_entry_t> {
            for (;;) {
                if (st->pos == st->page.size()) {
                    if (st->exhausted) {
                        return std::exchange(st->current, std::nullopt);
                    }
                    st->page = store.orders_page(run_id, st->last, page);
                    st->pos = 0;
                    st->exhausted = st->page.size() < page;
                    if (!st->page.empty()) {
                        st->last = st->page.back().order_no;
                    }
                    continue;
                }
                auto const &o = st->page[st->pos];
                if (o.difference_id || o.state == "held") {
                    ++st->pos;
                    continue;
                }
                if (st->current && st->current->first != o.file_ref) {
                    return std::exchange(st->current, std::nullopt); // o is read again by the next call
                }
                if (!st->current) {
                    st->current = case_payment_entry_t{o.file_ref, db::case_payment_t{}};
                }
                st->current->second.amount += o.amount;
                st->current->second.result_id = o.calc_result_id;
                ++st->pos;
            }
        };
    };
}

namespace {

/// A cursor that checks its Aktenzeichen ascend (the merge relies on it).
class ordered_cursor_t
{
public:
    ordered_cursor_t(payment_cursor_t c, char const *what) : m_cursor(std::move(c)), m_what(what) { advance(); }
    std::optional<case_payment_entry_t> const &peek() const { return m_next; }
    void advance()
    {
        auto n = m_cursor();
        if (n && m_next && !(m_next->first < n->first)) {
            throw internal_error{std::string{"the regular payments of "} + m_what + " are not in ascending byte order of "
                                 "the Aktenzeichen (" + m_next->first + " before " + n->first + "): the database must "
                                 "sort text in byte order (collation C or C.UTF-8, docs/operations.md)"};
        }
        m_next = std::move(n);
    }

private:
    payment_cursor_t m_cursor;
    char const *m_what;
    std::optional<case_payment_entry_t> m_next;
};

} // namespace

payment_delta_t compare_payments(payment_source_t const &before, payment_source_t const &after,
                                 std::function<void(delta_case_t const &)> const &each)
{
    using kind_t = delta_case_t::kind_t;
    payment_delta_t d;
    // first merge: totals, new and changed cases
    {
        ordered_cursor_t b{before(), "the previous month"};
        ordered_cursor_t a{after(), "this month"};
        while (b.peek() || a.peek()) {
            if (a.peek() && (!b.peek() || a.peek()->first < b.peek()->first)) {
                auto const &[ref, s] = *a.peek();
                ++d.cases_after;
                d.total_after += s.amount;
                ++d.added;
                each(delta_case_t{kind_t::added, ref, money_t{}, s.amount, std::nullopt, s.result_id});
                a.advance();
            } else if (b.peek() && (!a.peek() || b.peek()->first < a.peek()->first)) {
                ++d.cases_before;
                d.total_before += b.peek()->second.amount;
                b.advance();
            } else {
                auto const &[ref, s] = *a.peek();
                auto const &p = b.peek()->second;
                ++d.cases_before;
                ++d.cases_after;
                d.total_before += p.amount;
                d.total_after += s.amount;
                if (p.amount != s.amount) {
                    ++d.changed;
                    each(delta_case_t{kind_t::changed, ref, p.amount, s.amount, p.result_id, s.result_id});
                }
                a.advance();
                b.advance();
            }
        }
    }
    // second merge: the ended cases, listed after the others
    if (d.cases_before > 0) {
        ordered_cursor_t b{before(), "the previous month"};
        ordered_cursor_t a{after(), "this month"};
        while (b.peek()) {
            while (a.peek() && a.peek()->first < b.peek()->first) {
                a.advance();
            }
            if (!a.peek() || a.peek()->first != b.peek()->first) {
                auto const &[ref, s] = *b.peek();
                ++d.ended;
                each(delta_case_t{kind_t::ended, ref, s.amount, money_t{}, s.result_id, std::nullopt});
            }
            b.advance();
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
