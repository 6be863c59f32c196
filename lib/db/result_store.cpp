// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/db/result_store.hpp"

#include "lib/calc/month_params.hpp"
#include "lib/core/error.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/bulk.hpp"
#include "lib/db/payment_store.hpp"
#include "lib/db/result_lines.hpp"
#include "lib/db/row.hpp"

#include <algorithm>

namespace sozbatch::db {

namespace {

std::string param_text(calc::line_item_t const &l)
{
    std::string s;
    for (std::size_t i = 0; i < l.n_params; ++i) {
        auto const &p = l.params[i];
        if (!s.empty()) {
            s += ' ';
        }
        s += calc::param_key(p.id);
        s += '=';
        s += std::to_string(p.number);
        if (p.den != 1) {
            s += '/' + std::to_string(p.den);
        }
    }
    return s;
}

std::string person_of(calc::case_result_t const &r, std::uint16_t idx)
{
    return idx == calc::NO_PERSON || idx >= r.persons.size() ? std::string{} : r.persons[idx].person_id;
}

result_header_t header_from_row(soci::row const &r)
{
    // id, case_id, file_ref, month, version, case_version_id, law, wg, hash, needs, in_kind, counted, applied,
    // entitlement, offsets, payout, created_at, paid
    result_header_t h;
    h.id = int64(r, 0);
    h.case_id = int64(r, 1);
    h.file_ref = text(r, 2);
    h.month = text(r, 3);
    h.version = static_cast<int>(int64(r, 4));
    h.case_version_id = int64(r, 5);
    h.law = text(r, 6);
    h.work_group = text(r, 7);
    h.hash = text(r, 8);
    h.totals.needs = money_t::cents(int64(r, 9));
    h.totals.in_kind = money_t::cents(int64(r, 10));
    h.totals.income_counted = money_t::cents(int64(r, 11));
    h.totals.income_applied = money_t::cents(int64(r, 12));
    h.totals.entitlement = money_t::cents(int64(r, 13));
    h.totals.offsets = money_t::cents(int64(r, 14));
    h.totals.payout = money_t::cents(int64(r, 15));
    h.created_at = text(r, 16);
    h.paid = int64(r, 17) != 0;
    return h;
}

// "paid": an order of the result went out (exported or booked, as of its run: db::order_paid_sql).
// The run is looked up per order in EXISTS, not joined: with a join PostgreSQL planned a scan of
// all payment_orders per result while pay prepare was inserting them (statistics of an empty
// table), and prepare at 100,000 cases took 106 s instead of 29 s.
std::string const HEADER_SELECT =
    "SELECT r.id, r.case_id, c.file_ref, r.month, r.version, r.case_version_id, r.law, wg.code, r.result_hash, "
    "r.needs_cents, r.in_kind_cents, r.income_counted_cents, r.income_applied_cents, r.entitlement_cents, "
    "r.offsets_cents, r.payout_cents, r.created_at, "
    "(SELECT COUNT(*) FROM payment_orders o WHERE o.calc_result_id = r.id AND " + order_paid_sql("o", "") + ") "
    "FROM calc_results r JOIN cases c ON c.id = r.case_id JOIN work_groups wg ON wg.id = r.work_group_id ";

// the newest version of the case's month: no newer one exists (NOT EXISTS rather than a
// correlated MAX, which on PostgreSQL read the newest result once more with its row-level
// security check; the probe for a newer version usually finds nothing)
std::string const NEWEST = "NOT EXISTS (SELECT 1 FROM calc_results r2 WHERE r2.case_id = r.case_id AND r2.month = r.month "
                           "AND r2.version > r.version)";

} // namespace

std::string canonical(calc::case_result_t const &r)
{
    std::string s;
    auto f = [&](auto const &v) {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, money_t>) {
            s += std::to_string(v.as_cents());
        } else if constexpr (std::is_arithmetic_v<std::decay_t<decltype(v)>>) {
            s += std::to_string(v);
        } else {
            s += v;
        }
        s += '\x1f';
    };
    f(r.file_ref);
    f(std::string{domain::law_code(r.law)});
    f(r.month.to_string());
    auto const &t = r.totals;
    f(t.needs), f(t.in_kind), f(t.income_counted), f(t.income_applied), f(t.entitlement), f(t.offsets), f(t.payout);
    s += '\n';
    for (auto const &l : r.lines) {
        f(person_of(r, l.person));
        f(std::string{calc::line_kind_code(l.kind)});
        f(std::string{calc::line_class_code(l.cls)});
        f(r.legal_basis_text(l));
        f(l.basis), f(l.factor_num), f(l.factor_den), f(l.monthly), f(static_cast<int>(l.days)), f(l.amount);
        f(param_text(l));
        s += '\n';
    }
    for (auto const &p : r.payouts) {
        f(p.payee_id);
        f(std::string{domain::assignment_purpose_code(p.purpose)});
        f(p.amount);
        s += '\n';
    }
    for (auto const &fl : r.flags) {
        f(person_of(r, fl.person));
        f(std::string{fl.code});
        s += '\n';
    }
    return s;
}

long long result_store_t::begin_run(long long tenant, month_t month, std::string const &as_of, std::string const &now,
                                    std::string const &operator_name, std::string const &overlay)
{
    return guard(m_db, [&] {
        long long id = 0;
        std::string const m = month.to_string();
        m_db.sql() << "INSERT INTO calc_runs (tenant_id, month, as_of, started_at, operator, params_overlay) "
                      "VALUES (:t, :m, :a, :s, :o, :p) RETURNING id",
            soci::into(id), soci::use(tenant), soci::use(m), soci::use(as_of), soci::use(now), soci::use(operator_name),
            soci::use(overlay);
        return id;
    });
}

void result_store_t::finish_run(long long run_id, calc_run_stats_t const &s, std::string const &now)
{
    guard(m_db, [&] {
        long long const ent = s.entitlement.as_cents(), pay = s.payout.as_cents();
        m_db.sql() << "UPDATE calc_runs SET ended_at = :e, cases_total = :t, cases_new_results = :n, cases_failed = :f, "
                      "entitlement_cents = :ent, payout_cents = :pay WHERE id = :id",
            soci::use(now), soci::use(s.cases_total), soci::use(s.new_results), soci::use(s.failed), soci::use(ent),
            soci::use(pay), soci::use(run_id);
    });
}

void result_store_t::record_failure(long long tenant, long long run_id, std::string const &file_ref,
                                    std::string const &reason)
{
    guard(m_db, [&] {
        m_db.sql() << "INSERT INTO calc_failures (tenant_id, calc_run_id, file_ref, reason) VALUES (:t, :r, :f, :why)",
            soci::use(tenant), soci::use(run_id), soci::use(file_ref), soci::use(reason);
    });
}

struct result_batch_t::pending_t
{
    long long case_id = 0;
    long long case_version_id = 0;
    long long work_group_id = 0;
    std::string file_ref;
    std::string hash;
    calc::case_result_t result;
};

result_batch_t::result_batch_t(database_t &db, long long tenant, long long run_id, std::string now, std::size_t batch)
: m_db(db), m_tenant(tenant), m_run(run_id), m_now(std::move(now)), m_batch(std::max<std::size_t>(batch, 1))
{
}

result_batch_t::~result_batch_t() = default;

void result_batch_t::add(stored_case_t const &c, calc::case_result_t const &r)
{
    for (std::size_t i = 0; i < m_used; ++i) {
        if (m_pending[i].case_id == c.case_id && m_pending[i].result.month == r.month) {
            flush(); // a second result of the same case-month compares with the first
            break;
        }
    }
    if (m_used == m_pending.size()) {
        m_pending.emplace_back();
    }
    auto &p = m_pending[m_used++];
    p.case_id = c.case_id;
    p.case_version_id = c.case_version_id;
    p.work_group_id = c.work_group_id;
    p.file_ref = c.data.file_ref;
    p.hash = sha256_hex(canonical(r));
    p.result = r;
    if (m_used >= m_batch) {
        flush();
    }
}

void result_batch_t::flush()
{
    m_outcomes.clear();
    if (m_used == 0) {
        return;
    }
    guard(m_db, [&] {
        write_transaction_t tr{m_db}; // shards of a month may write side by side
        // the newest stored version of each case-month of the batch
        std::map<std::pair<long long, std::string>, result_header_t> prev;
        std::map<std::string, std::vector<long long>> by_month;
        for (std::size_t i = 0; i < m_used; ++i) {
            by_month[m_pending[i].result.month.to_string()].push_back(m_pending[i].case_id);
        }
        for (auto const &[month, ids] : by_month) {
            soci::rowset<soci::row> rs = (m_db.sql().prepare << HEADER_SELECT + "WHERE " + unindexed("r.tenant_id") + " = :t AND r.month = :m "
                                                                "AND r.case_id" + in_ids(m_db, ids) + " AND " + NEWEST,
                                          soci::use(m_tenant), soci::use(month));
            for (auto const &row : rs) {
                auto h = header_from_row(row);
                prev.emplace(std::pair{h.case_id, month}, std::move(h));
            }
        }
        bulk_rows_t results{"calc_results",
                            {"tenant_id", "case_id", "month", "version", "calc_run_id", "case_version_id", "law",
                             "work_group_id", "result_hash", "needs_cents", "in_kind_cents", "income_counted_cents",
                             "income_applied_cents", "entitlement_cents", "offsets_cents", "payout_cents", "created_at",
                             "lines", "payouts", "flags"}};
        m_outcomes.resize(m_used);
        std::vector<line_row_t> line_rows;
        std::vector<payout_row_t> payout_rows;
        std::vector<flag_row_t> flag_rows;
        std::string document;
        for (std::size_t i = 0; i < m_used; ++i) {
            auto &p = m_pending[i];
            auto &out = m_outcomes[i];
            auto const it = prev.find({p.case_id, p.result.month.to_string()});
            if (it != prev.end() && it->second.hash == p.hash) {
                out.outcome = save_outcome_t::unchanged;
                out.result_id = it->second.id;
                out.version = it->second.version;
                ++m_counts.unchanged;
                continue;
            }
            bool const has_prev = it != prev.end();
            out.version = has_prev ? it->second.version + 1 : 1;
            out.outcome = has_prev ? save_outcome_t::new_version : save_outcome_t::new_result;
            if (p.work_group_id == 0) {
                m_db.sql() << "SELECT work_group_id FROM case_versions WHERE id = :cv", soci::into(p.work_group_id),
                    soci::use(p.case_version_id);
            }
            auto const &r = p.result;
            auto const &t = r.totals;
            results.add(m_tenant).add(p.case_id).add(r.month.to_string()).add(out.version).add(m_run)
                .add(p.case_version_id).add(domain::law_code(r.law)).add(p.work_group_id).add(p.hash)
                .add(t.needs.as_cents()).add(t.in_kind.as_cents()).add(t.income_counted.as_cents())
                .add(t.income_applied.as_cents()).add(t.entitlement.as_cents()).add(t.offsets.as_cents())
                .add(t.payout.as_cents()).add(m_now);
            // the lines as one document of the result (migration 0018; lib/db/result_lines.hpp)
            line_rows.clear();
            long long seq = 0;
            for (auto const &l : r.lines) {
                auto const &seg = r.segments.at(l.segment);
                line_rows.push_back(line_row_t{++seq, person_of(r, l.person), to_iso(seg.from), to_iso(seg.to),
                                               std::string{calc::line_kind_code(l.kind)},
                                               std::string{calc::line_class_code(l.cls)}, r.legal_basis_text(l),
                                               l.basis.as_cents(), static_cast<long long>(l.factor_num),
                                               static_cast<long long>(l.factor_den), l.monthly.as_cents(),
                                               static_cast<long long>(l.days), l.day_share ? 1 : 0,
                                               l.amount.as_cents(), param_text(l), std::string{l.note}});
            }
            document.clear();
            append_lines_document(document, line_rows);
            results.add(document);
            // the payouts and flags likewise (migration 0020)
            payout_rows.clear();
            for (auto const &po : r.payouts) {
                payout_rows.push_back(payout_row_t{po.payee_id, std::string{domain::assignment_purpose_code(po.purpose)},
                                                   po.amount.as_cents()});
            }
            document.clear();
            append_payouts_document(document, payout_rows);
            results.add(document);
            flag_rows.clear();
            for (auto const &fl : r.flags) {
                flag_rows.push_back(flag_row_t{person_of(r, fl.person), std::string{fl.code}, std::string{fl.text}});
            }
            document.clear();
            append_flags_document(document, flag_rows);
            results.add(document);
        }
        std::map<long long, long long> result_id; // case id -> new result id
        for (auto const &[id, key] : insert_rows_returning(m_db, results, "case_id")) {
            result_id[std::stoll(key)] = id;
        }
        for (std::size_t i = 0; i < m_used; ++i) {
            auto &out = m_outcomes[i];
            if (out.outcome != save_outcome_t::unchanged) {
                out.result_id = result_id.at(m_pending[i].case_id);
            }
        }
        // a changed result of a paid month: the difference for the next payment run (rare)
        result_store_t store{m_db};
        for (std::size_t i = 0; i < m_used; ++i) {
            auto &out = m_outcomes[i];
            if (out.outcome == save_outcome_t::unchanged) {
                continue;
            }
            auto const &p = m_pending[i];
            auto const &r = p.result;
            auto const it = prev.find({p.case_id, r.month.to_string()});
            if (it == prev.end()) {
                ++m_counts.new_results;
                continue;
            }
            ++m_counts.new_versions;
            auto const &before = it->second;
            if (!before.paid) {
                continue;
            }
            auto const d = calc::difference(p.file_ref, r.month, before.totals, store.payouts(before.id), r.totals, r.payouts);
            if (d.kind == calc::difference_kind_t::none) {
                continue;
            }
            std::string const month = r.month.to_string();
            std::string const kind{calc::difference_kind_code(d.kind)};
            long long const ed = d.entitlement_delta.as_cents(), pd = d.payout_delta.as_cents();
            long long diff_id = 0;
            m_db.sql() << "INSERT INTO calc_differences (tenant_id, case_id, month, paid_result_id, new_result_id, "
                          "kind, entitlement_delta_cents, payout_delta_cents, created_at) VALUES (:t, :c, :m, :p, :n, "
                          ":k, :e, :d, :now) RETURNING id",
                soci::into(diff_id), soci::use(m_tenant), soci::use(p.case_id), soci::use(month), soci::use(before.id),
                soci::use(out.result_id), soci::use(kind), soci::use(ed), soci::use(pd), soci::use(m_now);
            for (auto const &bp : d.by_payee) {
                std::string const purpose{domain::assignment_purpose_code(bp.purpose)};
                long long const amount = bp.amount.as_cents();
                m_db.sql() << "INSERT INTO calc_difference_payees (tenant_id, difference_id, payee_ext_id, purpose, "
                              "amount_cents) VALUES (:t, :d, :p, :pu, :a)",
                    soci::use(m_tenant), soci::use(diff_id), soci::use(bp.payee_id), soci::use(purpose),
                    soci::use(amount);
            }
            out.outcome = save_outcome_t::difference;
            out.difference = d;
            ++m_counts.differences;
        }
        tr.commit();
    });
    // The batch's results are destroyed, not kept for reuse: a reused slot would keep the
    // capacity of the largest result it ever held, and that maximum grows with the number of
    // cases (the calculation's peak RSS grew by 8 MiB per tenfold N until this was changed).
    m_pending.clear();
    m_used = 0;
}

saved_result_t result_store_t::save(long long tenant, long long run_id, stored_case_t const &c,
                                    calc::case_result_t const &r, std::string const &now)
{
    result_batch_t one{m_db, tenant, run_id, now, 1};
    one.add(c, r);
    return one.last_outcomes().at(0);
}

std::optional<result_header_t> result_store_t::latest(long long tenant, std::string const &file_ref, month_t month)
{
    return guard(m_db, [&]() -> std::optional<result_header_t> {
        std::string const m = month.to_string();
        soci::row row;
        m_db.sql() << HEADER_SELECT + "WHERE r.tenant_id = :t AND c.file_ref = :f AND r.month = :m AND " + NEWEST,
            soci::into(row), soci::use(tenant), soci::use(file_ref), soci::use(m);
        if (!m_db.sql().got_data()) {
            return std::nullopt;
        }
        return header_from_row(row);
    });
}

std::vector<stored_line_t> result_store_t::lines(long long result_id)
{
    return guard(m_db, [&] {
        std::vector<stored_line_t> out;
        for (auto &l : read_result_lines(m_db, result_id)) {
            out.push_back(stored_line_t{std::move(l.person_ext_id), std::move(l.kind), std::move(l.cls),
                                        std::move(l.legal_basis), money_t::cents(l.basis_cents), l.factor_num,
                                        l.factor_den, money_t::cents(l.monthly_cents), static_cast<int>(l.days),
                                        money_t::cents(l.amount_cents), std::move(l.params), std::move(l.note)});
        }
        return out;
    });
}

std::vector<calc::payout_t> result_store_t::payouts(long long result_id)
{
    auto all = payouts_of({result_id});
    return std::move(all[result_id]);
}

namespace {

/// The payouts document of result \p id (migration 0020) into \p out, or \p id into \p legacy
/// when the result has none (written before the migration: its rows are in calc_payouts).
void take_payouts(long long id, std::optional<std::string> const &doc, std::map<long long, std::vector<calc::payout_t>> &out,
                  std::vector<long long> &legacy)
{
    if (!doc) {
        legacy.push_back(id);
        return;
    }
    auto &payouts = out[id];
    for (auto &p : parse_payouts_document(*doc, "calc_results.payouts of result " + std::to_string(id))) {
        payouts.push_back(
            calc::payout_t{std::move(p.payee_ext_id), domain::parse_assignment_purpose(p.purpose), money_t::cents(p.amount_cents)});
    }
}

/// The payout rows of results written before migration 0020.
void legacy_payouts(database_t &db, std::vector<long long> legacy, std::map<long long, std::vector<calc::payout_t>> &out)
{
    if (legacy.empty()) {
        return;
    }
    std::sort(legacy.begin(), legacy.end());
    soci::rowset<soci::row> rs =
        (db.sql().prepare << "SELECT calc_result_id, payee_ext_id, purpose, amount_cents FROM calc_payouts "
                             "WHERE calc_result_id" + in_ids(db, legacy) + " ORDER BY calc_result_id, id");
    for (auto const &r : rs) {
        out[int64(r, 0)].push_back(
            calc::payout_t{text(r, 1), domain::parse_assignment_purpose(text(r, 2)), money_t::cents(int64(r, 3))});
    }
}

} // namespace

std::map<long long, std::vector<calc::payout_t>> result_store_t::payouts_of(std::vector<long long> const &result_ids)
{
    std::map<long long, std::vector<calc::payout_t>> out;
    if (result_ids.empty()) {
        return out;
    }
    guard(m_db, [&] {
        // the documents (migration 0020); results written before it have their rows in calc_payouts
        std::vector<long long> legacy;
        {
            soci::rowset<soci::row> rs = (m_db.sql().prepare << "SELECT id, payouts FROM calc_results WHERE id" +
                                                                    in_ids(m_db, result_ids) + " ORDER BY id");
            for (auto const &r : rs) {
                take_payouts(int64(r, 0), opt_text(r, 1), out, legacy);
            }
        }
        legacy_payouts(m_db, std::move(legacy), out);
    });
    return out;
}

bool result_store_t::any_for_month(long long tenant, month_t month, std::vector<std::string> const &work_groups)
{
    return guard(m_db, [&] {
        std::string const m = month.to_string();
        std::string q = "SELECT COUNT(*) FROM (SELECT r.id FROM calc_results r JOIN work_groups wg ON wg.id = "
                        "r.work_group_id WHERE r.tenant_id = :t AND r.month = :m";
        if (!work_groups.empty()) {
            q += " AND wg.code IN (";
            for (std::size_t i = 0; i < work_groups.size(); ++i) {
                q += (i ? ", :wg" : ":wg") + std::to_string(i);
            }
            q += ")";
        }
        q += " LIMIT 1) x";
        long long n = 0;
        soci::statement st{m_db.sql()};
        st.exchange(soci::into(n));
        st.exchange(soci::use(tenant));
        st.exchange(soci::use(m));
        for (auto const &w : work_groups) {
            st.exchange(soci::use(w));
        }
        st.alloc();
        st.prepare(q);
        st.define_and_bind();
        st.execute(true);
        return n > 0;
    });
}

namespace {

/// The newest result header of \p month for each of \p case_ids in Aktenzeichen order; with
/// \p payouts, also each result's payouts (the document read with the header, older results'
/// rows in a second query).
std::vector<result_header_t> newest_headers(database_t &db, long long tenant, month_t month,
                                            std::vector<long long> const &case_ids,
                                            std::map<long long, std::vector<calc::payout_t>> *payouts)
{
    std::vector<result_header_t> out;
    if (case_ids.empty()) {
        return out;
    }
    std::string const m = month.to_string();
    // HEADER_SELECT with the payouts document as column 18
    static std::string const with_payouts = [] {
        std::string s = HEADER_SELECT;
        auto const at = s.find(" FROM calc_results r ");
        return s.substr(0, at) + ", r.payouts" + s.substr(at);
    }();
    std::vector<long long> legacy;
    {
        soci::rowset<soci::row> rs =
            (db.sql().prepare << (payouts != nullptr ? with_payouts : HEADER_SELECT) + "WHERE " +
                                     unindexed("r.tenant_id") + " = :t AND r.month = :m AND r.case_id" +
                                     in_ids(db, case_ids) + " AND " + NEWEST + " ORDER BY c.file_ref",
             soci::use(tenant), soci::use(m));
        for (auto const &row : rs) {
            out.push_back(header_from_row(row));
            if (payouts != nullptr) {
                take_payouts(out.back().id, opt_text(row, 18), *payouts, legacy);
            }
        }
    }
    if (payouts != nullptr) {
        legacy_payouts(db, std::move(legacy), *payouts);
    }
    return out;
}

} // namespace

std::vector<result_header_t> result_store_t::latest_of_cases(long long tenant, month_t month,
                                                             std::vector<long long> const &case_ids,
                                                             std::map<long long, std::vector<calc::payout_t>> &payouts)
{
    return guard(m_db, [&] { return newest_headers(m_db, tenant, month, case_ids, &payouts); });
}

std::vector<result_header_t> result_store_t::latest_of_cases(long long tenant, month_t month,
                                                             std::vector<long long> const &case_ids)
{
    return guard(m_db, [&] { return newest_headers(m_db, tenant, month, case_ids, nullptr); });
}

} // namespace sozbatch::db
