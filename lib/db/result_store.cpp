// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/db/result_store.hpp"

#include "lib/calc/month_params.hpp"
#include "lib/core/error.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/row.hpp"

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

std::string const HEADER_SELECT =
    "SELECT r.id, r.case_id, c.file_ref, r.month, r.version, r.case_version_id, r.law, wg.code, r.result_hash, "
    "r.needs_cents, r.in_kind_cents, r.income_counted_cents, r.income_applied_cents, r.entitlement_cents, "
    "r.offsets_cents, r.payout_cents, r.created_at, "
    "(SELECT COUNT(*) FROM payment_orders o WHERE o.calc_result_id = r.id AND o.state IN ('exported', 'booked')) "
    "FROM calc_results r JOIN cases c ON c.id = r.case_id JOIN work_groups wg ON wg.id = r.work_group_id ";

std::string const NEWEST = "r.version = (SELECT MAX(r2.version) FROM calc_results r2 WHERE r2.case_id = r.case_id AND r2.month = r.month)";

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

saved_result_t result_store_t::save(long long tenant, long long run_id, stored_case_t const &c,
                                    calc::case_result_t const &r, std::string const &now)
{
    return guard(m_db, [&] {
        saved_result_t out;
        std::string const hash = sha256_hex(canonical(r));
        auto const prev = latest(tenant, c.data.file_ref, r.month);
        if (prev && prev->hash == hash) {
            out.result_id = prev->id;
            out.version = prev->version;
            return out;
        }
        soci::transaction tr{m_db.sql()};
        out.version = prev ? prev->version + 1 : 1;
        out.outcome = prev ? save_outcome_t::new_version : save_outcome_t::new_result;
        std::string const month = r.month.to_string();
        std::string const law{domain::law_code(r.law)};
        long long wg = 0;
        m_db.sql() << "SELECT work_group_id FROM case_versions WHERE id = :cv", soci::into(wg), soci::use(c.case_version_id);
        auto const &t = r.totals;
        long long const needs = t.needs.as_cents(), in_kind = t.in_kind.as_cents(),
                        counted = t.income_counted.as_cents(), applied = t.income_applied.as_cents(),
                        ent = t.entitlement.as_cents(), offs = t.offsets.as_cents(), pay = t.payout.as_cents();
        m_db.sql() << "INSERT INTO calc_results (tenant_id, case_id, month, version, calc_run_id, case_version_id, law, "
                      "work_group_id, result_hash, needs_cents, in_kind_cents, income_counted_cents, "
                      "income_applied_cents, entitlement_cents, offsets_cents, payout_cents, created_at) VALUES (:t, :c, "
                      ":m, :v, :run, :cv, :law, :wg, :h, :n, :ik, :ic, :ia, :e, :o, :p, :now) RETURNING id",
            soci::into(out.result_id), soci::use(tenant), soci::use(c.case_id), soci::use(month), soci::use(out.version),
            soci::use(run_id), soci::use(c.case_version_id), soci::use(law), soci::use(wg), soci::use(hash),
            soci::use(needs), soci::use(in_kind), soci::use(counted), soci::use(applied), soci::use(ent),
            soci::use(offs), soci::use(pay), soci::use(now);
        int seq = 0;
        for (auto const &l : r.lines) {
            auto const &seg = r.segments.at(l.segment);
            std::string const person = person_of(r, l.person), from = to_iso(seg.from), to = to_iso(seg.to),
                              kind{calc::line_kind_code(l.kind)}, cls{calc::line_class_code(l.cls)},
                              basis_text = r.legal_basis_text(l), params = param_text(l), note{l.note};
            long long const basis = l.basis.as_cents(), fnum = l.factor_num, fden = l.factor_den,
                            monthly = l.monthly.as_cents(), amount = l.amount.as_cents();
            int const days = l.days, share = l.day_share ? 1 : 0;
            ++seq;
            m_db.sql() << "INSERT INTO calc_lines (tenant_id, calc_result_id, seq, person_ext_id, segment_from, "
                          "segment_to, kind, cls, legal_basis, basis_cents, factor_num, factor_den, monthly_cents, days, "
                          "day_share, amount_cents, params, note) VALUES (:t, :r, :s, :p, :f, :to, :k, :c, :l, :b, :fn, "
                          ":fd, :m, :d, :ds, :a, :pa, :n)",
                soci::use(tenant), soci::use(out.result_id), soci::use(seq), soci::use(person), soci::use(from),
                soci::use(to), soci::use(kind), soci::use(cls), soci::use(basis_text), soci::use(basis),
                soci::use(fnum), soci::use(fden), soci::use(monthly), soci::use(days), soci::use(share),
                soci::use(amount), soci::use(params), soci::use(note);
        }
        for (auto const &p : r.payouts) {
            std::string const purpose{domain::assignment_purpose_code(p.purpose)};
            long long const amount = p.amount.as_cents();
            m_db.sql() << "INSERT INTO calc_payouts (tenant_id, calc_result_id, payee_ext_id, purpose, amount_cents) "
                          "VALUES (:t, :r, :p, :pu, :a)",
                soci::use(tenant), soci::use(out.result_id), soci::use(p.payee_id), soci::use(purpose), soci::use(amount);
        }
        for (auto const &fl : r.flags) {
            std::string const person = person_of(r, fl.person), code{fl.code}, txt{fl.text};
            m_db.sql() << "INSERT INTO calc_flags (tenant_id, calc_result_id, person_ext_id, code, text) VALUES (:t, :r, "
                          ":p, :c, :x)",
                soci::use(tenant), soci::use(out.result_id), soci::use(person), soci::use(code), soci::use(txt);
        }
        if (prev && prev->paid) {
            auto const d = calc::difference(c.data.file_ref, r.month, prev->totals, payouts(prev->id), r.totals, r.payouts);
            if (d.kind != calc::difference_kind_t::none) {
                std::string const kind{calc::difference_kind_code(d.kind)};
                long long const ed = d.entitlement_delta.as_cents(), pd = d.payout_delta.as_cents();
                long long diff_id = 0;
                m_db.sql() << "INSERT INTO calc_differences (tenant_id, case_id, month, paid_result_id, new_result_id, "
                              "kind, entitlement_delta_cents, payout_delta_cents, created_at) VALUES (:t, :c, :m, :p, :n, "
                              ":k, :e, :d, :now) RETURNING id",
                    soci::into(diff_id), soci::use(tenant), soci::use(c.case_id), soci::use(month), soci::use(prev->id),
                    soci::use(out.result_id), soci::use(kind), soci::use(ed), soci::use(pd), soci::use(now);
                for (auto const &bp : d.by_payee) {
                    std::string const purpose{domain::assignment_purpose_code(bp.purpose)};
                    long long const amount = bp.amount.as_cents();
                    m_db.sql() << "INSERT INTO calc_difference_payees (tenant_id, difference_id, payee_ext_id, purpose, "
                                  "amount_cents) VALUES (:t, :d, :p, :pu, :a)",
                        soci::use(tenant), soci::use(diff_id), soci::use(bp.payee_id), soci::use(purpose),
                        soci::use(amount);
                }
                out.outcome = save_outcome_t::difference;
                out.difference = d;
            }
        }
        tr.commit();
        return out;
    });
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
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << "SELECT person_ext_id, kind, cls, legal_basis, basis_cents, factor_num, factor_den, "
                                   "monthly_cents, days, amount_cents, params, note FROM calc_lines WHERE calc_result_id = :r "
                                   "ORDER BY seq",
             soci::use(result_id));
        for (auto const &r : rs) {
            out.push_back(stored_line_t{text(r, 0), text(r, 1), text(r, 2), text(r, 3), money_t::cents(int64(r, 4)),
                                        int64(r, 5), int64(r, 6), money_t::cents(int64(r, 7)),
                                        static_cast<int>(int64(r, 8)), money_t::cents(int64(r, 9)), text(r, 10),
                                        text(r, 11)});
        }
        return out;
    });
}

std::vector<calc::payout_t> result_store_t::payouts(long long result_id)
{
    return guard(m_db, [&] {
        std::vector<calc::payout_t> out;
        soci::rowset<soci::row> rs = (m_db.sql().prepare << "SELECT payee_ext_id, purpose, amount_cents FROM calc_payouts "
                                                            "WHERE calc_result_id = :r ORDER BY id",
                                      soci::use(result_id));
        for (auto const &r : rs) {
            out.push_back(calc::payout_t{text(r, 0), domain::parse_assignment_purpose(text(r, 1)),
                                         money_t::cents(int64(r, 2))});
        }
        return out;
    });
}

std::vector<result_header_t> result_store_t::latest_for_month(long long tenant, month_t month,
                                                              std::vector<std::string> const &work_groups)
{
    return guard(m_db, [&] {
        std::vector<result_header_t> out;
        std::string const m = month.to_string();
        std::string q = HEADER_SELECT + "WHERE r.tenant_id = :t AND r.month = :m AND " + NEWEST;
        if (!work_groups.empty()) {
            q += " AND wg.code IN (";
            for (std::size_t i = 0; i < work_groups.size(); ++i) {
                q += (i ? ", :wg" : ":wg") + std::to_string(i);
            }
            q += ")";
        }
        q += " ORDER BY c.file_ref";
        soci::row row;
        soci::statement st{m_db.sql()};
        st.exchange(soci::into(row));
        st.exchange(soci::use(tenant));
        st.exchange(soci::use(m));
        for (auto const &w : work_groups) {
            st.exchange(soci::use(w));
        }
        st.alloc();
        st.prepare(q);
        st.define_and_bind();
        st.execute();
        while (st.fetch()) {
            out.push_back(header_from_row(row));
        }
        return out;
    });
}

} // namespace sozbatch::db
