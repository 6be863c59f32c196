// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/db/month_run_store.hpp"

#include "lib/db/row.hpp"

namespace sozbatch::db {

month_facts_t month_run_store_t::facts(long long tenant, month_t month)
{
    return guard(m_db, [&] {
        month_facts_t f;
        std::string const m = month.to_string();
        std::string const first = to_iso(month.first_day());
        std::string const last = to_iso(month.last_day());
        std::string const date_cast = m_db.dialect() == dialect_t::postgresql ? "CAST(:l AS DATE)" : ":l";
        std::string const date_cast_f = m_db.dialect() == dialect_t::postgresql ? "CAST(:f AS DATE)" : ":f";
        m_db.sql() << "SELECT COUNT(*) FROM approvals a JOIN case_versions cv ON cv.id = a.case_version_id "
                      "WHERE cv.tenant_id = :t AND a.state = 'approved' AND a.period_from <= " + date_cast +
                          " AND (a.period_to IS NULL OR a.period_to >= " + date_cast_f +
                          ") AND cv.version = (SELECT MAX(v2.version) FROM case_versions v2 WHERE v2.case_id = cv.case_id)",
            soci::use(tenant, "t"), soci::use(last, "l"), soci::use(first, "f"), soci::into(f.approvals_in_month);
        {
            soci::rowset<soci::row> rs =
                (m_db.sql().prepare << "SELECT ended_at, as_of, cases_total, cases_failed FROM calc_runs WHERE tenant_id = :t "
                                       "AND month = :m AND ended_at IS NOT NULL ORDER BY id DESC LIMIT 1",
                 soci::use(tenant), soci::use(m));
            for (auto const &r : rs) {
                f.calc_ended_at = text(r, 0);
                f.calc_as_of = text(r, 1);
                f.calc_cases = int64(r, 2);
                f.calc_failed = int64(r, 3);
            }
        }
        {
            soci::rowset<soci::row> rs =
                (m_db.sql().prepare << "SELECT run_ref, state, prepared_at, released_by, refused_by, refusal_reason "
                                       "FROM payment_runs WHERE tenant_id = :t AND month = :m ORDER BY id DESC LIMIT 1",
                 soci::use(tenant), soci::use(m));
            for (auto const &r : rs) {
                f.run_ref = text(r, 0);
                f.run_state = text(r, 1);
                f.run_prepared_at = text(r, 2);
                f.run_released_by = text(r, 3);
                f.run_refused_by = text(r, 4);
                f.run_refusal_reason = text(r, 5);
            }
        }
        {
            soci::rowset<soci::row> rs =
                (m_db.sql().prepare << "SELECT COUNT(*), MAX(ended_at) FROM notice_runs WHERE tenant_id = :t AND month = :m "
                                       "AND ended_at IS NOT NULL",
                 soci::use(tenant), soci::use(m));
            for (auto const &r : rs) {
                f.notice_runs = int64(r, 0);
                f.notices_ended_at = opt_text(r, 1);
            }
        }
        if (f.calc_as_of) {
            m_db.sql() << "SELECT COUNT(*) FROM case_versions WHERE tenant_id = :t AND recorded_at > :a", soci::use(tenant),
                soci::use(*f.calc_as_of), soci::into(f.cases_changed_since_calc);
        }
        f.calc_newer_than_run = f.calc_ended_at && f.run_ref && *f.calc_ended_at > f.run_prepared_at;
        return f;
    });
}

long long month_run_store_t::begin_step(long long tenant, month_t month, std::string const &step, std::string const &now,
                                        std::string const &operator_name, bool forced, std::string const &reason,
                                        std::string const &run_ref)
{
    return guard(m_db, [&] {
        long long id = 0;
        std::string const m = month.to_string();
        int const f = forced ? 1 : 0;
        m_db.sql() << "INSERT INTO month_run_steps (tenant_id, month, step, state, started_at, operator, forced, "
                      "force_reason, run_ref) VALUES (:t, :m, :s, 'started', :n, :o, :f, :r, :run) RETURNING id",
            soci::into(id), soci::use(tenant), soci::use(m), soci::use(step), soci::use(now), soci::use(operator_name),
            soci::use(f), soci::use(reason), soci::use(run_ref);
        return id;
    });
}

void month_run_store_t::finish_step(long long id, std::string const &state, int exit_code, std::string const &now,
                                    std::string const &detail, std::string const &run_ref)
{
    guard(m_db, [&] {
        m_db.sql() << "UPDATE month_run_steps SET state = :s, exit_code = :c, ended_at = :e, detail = :d, run_ref = :r "
                      "WHERE id = :id",
            soci::use(state), soci::use(exit_code), soci::use(now), soci::use(detail), soci::use(run_ref), soci::use(id);
    });
}

std::vector<month_step_row_t> month_run_store_t::steps(long long tenant, month_t month)
{
    return guard(m_db, [&] {
        std::vector<month_step_row_t> out;
        std::string const m = month.to_string();
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << "SELECT id, step, state, started_at, ended_at, operator, exit_code, forced, "
                                   "force_reason, run_ref, detail FROM month_run_steps WHERE tenant_id = :t AND month = :m "
                                   "ORDER BY id",
             soci::use(tenant), soci::use(m));
        for (auto const &r : rs) {
            month_step_row_t s;
            s.id = int64(r, 0);
            s.step = text(r, 1);
            s.state = text(r, 2);
            s.started_at = text(r, 3);
            s.ended_at = text(r, 4);
            s.operator_name = text(r, 5);
            s.exit_code = opt_int64(r, 6);
            s.forced = int64(r, 7) != 0;
            s.force_reason = text(r, 8);
            s.run_ref = text(r, 9);
            s.detail = text(r, 10);
            out.push_back(std::move(s));
        }
        return out;
    });
}

std::vector<hand_over_row_t> month_run_store_t::hand_overs(long long tenant, month_t month)
{
    return guard(m_db, [&] {
        std::vector<hand_over_row_t> out;
        std::string const m = month.to_string();
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << "SELECT recipient, run_ref, file_name, sha256, handed_over_at, operator FROM hand_overs "
                                   "WHERE tenant_id = :t AND month = :m ORDER BY id",
             soci::use(tenant), soci::use(m));
        for (auto const &r : rs) {
            out.push_back(hand_over_row_t{text(r, 0), text(r, 1), text(r, 2), text(r, 3), text(r, 4), text(r, 5)});
        }
        return out;
    });
}

void month_run_store_t::record_hand_over(long long tenant, month_t month, hand_over_row_t const &row)
{
    guard(m_db, [&] {
        std::string const m = month.to_string();
        m_db.sql() << "INSERT INTO hand_overs (tenant_id, month, recipient, run_ref, file_name, sha256, handed_over_at, "
                      "operator) VALUES (:t, :m, :r, :run, :f, :s, :a, :o)",
            soci::use(tenant), soci::use(m), soci::use(row.recipient), soci::use(row.run_ref), soci::use(row.file_name),
            soci::use(row.sha256), soci::use(row.handed_over_at), soci::use(row.operator_name);
    });
}

std::vector<std::string> month_run_store_t::produced_batches(long long tenant, month_t month)
{
    return guard(m_db, [&] {
        std::vector<std::string> out;
        std::string const m = month.to_string();
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << "SELECT DISTINCT batch_id FROM notices WHERE tenant_id = :t AND month = :m AND "
                                   "state = 'produced' AND batch_id <> '' ORDER BY batch_id",
             soci::use(tenant), soci::use(m));
        for (auto const &r : rs) {
            out.push_back(text(r, 0));
        }
        return out;
    });
}

} // namespace sozbatch::db
