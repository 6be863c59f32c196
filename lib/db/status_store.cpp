// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/db/status_store.hpp"

#include "lib/db/migrations.hpp"
#include "lib/db/row.hpp"

namespace sozbatch::db {

status_t read_status(database_t &db, long long tenant, std::string const &tenant_code, int limit)
{
    status_t st;
    st.tenant = tenant_code;
    st.schema_version = schema_status(db).current;
    guard(db, [&] {
        std::string const lim = std::to_string(limit);
        soci::rowset<soci::row> calc = (db.sql().prepare << "SELECT id, month, started_at, ended_at, operator, cases_total, "
                                        "cases_new_results, cases_failed, entitlement_cents, payout_cents FROM calc_runs "
                                        "WHERE tenant_id = :t ORDER BY id DESC LIMIT " + lim,
                                        soci::use(tenant));
        for (auto const &r : calc) {
            st.calc_runs.push_back(calc_run_status_t{int64(r, 0), text(r, 1), text(r, 2), text(r, 3), text(r, 4),
                                                     int64(r, 5), int64(r, 6), int64(r, 7), money_t::cents(int64(r, 8)),
                                                     money_t::cents(int64(r, 9))});
        }
        soci::rowset<soci::row> pay = (db.sql().prepare << "SELECT run_ref, month, state, prepared_by, prepared_at, "
                                       "released_by, exported_at, orders_count, held_count, total_cents FROM payment_runs "
                                       "WHERE tenant_id = :t ORDER BY id DESC LIMIT " + lim,
                                       soci::use(tenant));
        for (auto const &r : pay) {
            st.payment_runs.push_back(payment_run_status_t{text(r, 0), text(r, 1), text(r, 2), text(r, 3), text(r, 4),
                                                           text(r, 5), text(r, 6), int64(r, 7), int64(r, 8),
                                                           money_t::cents(int64(r, 9))});
        }
        db.sql() << "SELECT COUNT(*) FROM payment_runs WHERE tenant_id = :t AND state = 'prepared'",
            soci::into(st.pending_releases), soci::use(tenant);
        db.sql() << "SELECT COUNT(*) FROM payment_orders o JOIN payment_runs r ON r.id = o.payment_run_id "
                    "WHERE o.tenant_id = :t AND o.state = 'held' AND r.state IN ('prepared', 'released')",
            soci::into(st.held_orders), soci::use(tenant);
        if (!st.calc_runs.empty()) {
            long long const newest = st.calc_runs.front().id;
            std::string const source = "calc " + st.calc_runs.front().month;
            soci::rowset<soci::row> errs = (db.sql().prepare << "SELECT file_ref, reason FROM calc_failures WHERE "
                                            "calc_run_id = :r ORDER BY id", soci::use(newest));
            for (auto const &r : errs) {
                st.last_errors.push_back(error_status_t{source, text(r, 0), text(r, 1)});
            }
        }
    });
    return st;
}

} // namespace sozbatch::db
