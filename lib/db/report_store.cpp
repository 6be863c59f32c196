// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/db/report_store.hpp"
#include "lib/db/bulk.hpp"
#include "lib/db/payment_store.hpp"

#include "lib/db/row.hpp"

#include <algorithm>
#include <tuple>

namespace sozbatch::db {

namespace {

/// " AND o.case_id IN (cases whose newest version is in one of n work groups)"; "" for n = 0.
std::string visible_sql(std::size_t n)
{
    if (n == 0) {
        return {};
    }
    std::string s = " AND o.case_id IN (SELECT cv.case_id FROM case_versions cv JOIN work_groups wg ON wg.id = "
                    "cv.work_group_id WHERE cv.version = (SELECT MAX(v2.version) FROM case_versions v2 WHERE "
                    "v2.case_id = cv.case_id) AND wg.code IN (";
    for (std::size_t i = 0; i < n; ++i) {
        s += (i ? ", :w" : ":w") + std::to_string(i);
    }
    return s + "))";
}

/// Runs \p sql with the values bound in order and calls \p fn for each row.
template <typename Bind, typename Fn>
void for_each_row(database_t &db, std::string const &sql, Bind &&bind, Fn &&fn)
{
    soci::row r;
    soci::statement st{db.sql()};
    st.exchange(soci::into(r));
    bind(st);
    st.alloc();
    st.prepare(sql);
    st.define_and_bind();
    st.execute();
    while (st.fetch()) {
        fn(r);
    }
}

/// Which runs count: not refused or invalidated, and with \p up_to only up to that run (which
/// counts whatever its state). Binds: up_to twice when given.
std::string const VALID_RUN = "r.state NOT IN ('refused', 'invalidated')";

} // namespace

std::string report_store_t::tenant_name(long long tenant)
{
    return guard(m_db, [&] {
        std::string name;
        m_db.sql() << "SELECT name FROM tenants WHERE id = :t", soci::into(name), soci::use(tenant);
        return name;
    });
}

std::vector<order_total_t> report_store_t::run_totals(long long tenant, long long run_id,
                                                      std::vector<std::string> const &work_groups)
{
    return guard(m_db, [&] {
        std::vector<order_total_t> out;
        // the orders' states as of the run (migration 0019)
        std::string const state = order_state_sql("o", "r");
        std::string const sql = "SELECT o.law, o.channel, o.purpose, " + state + ", COUNT(*), CAST(SUM(o.amount_cents) AS "
                                "BIGINT) FROM payment_orders o JOIN payment_runs r ON r.id = o.payment_run_id WHERE "
                                "o.tenant_id = :t AND o.payment_run_id = :r" + visible_sql(work_groups.size()) +
                                " GROUP BY o.law, o.channel, o.purpose, " + state;
        for_each_row(
            m_db, sql,
            [&](soci::statement &st) {
                st.exchange(soci::use(tenant));
                st.exchange(soci::use(run_id));
                for (auto const &w : work_groups) {
                    st.exchange(soci::use(w));
                }
            },
            [&](soci::row const &r) {
                out.push_back(order_total_t{text(r, 0), text(r, 1), text(r, 2), text(r, 3), int64(r, 4),
                                            money_t::cents(int64(r, 5))});
            });
        // byte order on both backends (PostgreSQL would sort by the database's collation)
        std::sort(out.begin(), out.end(), [](auto const &a, auto const &b) {
            return std::tie(a.law, a.channel, a.purpose, a.state) < std::tie(b.law, b.channel, b.purpose, b.state);
        });
        return out;
    });
}

case_payments_t report_store_t::regular_payments(long long tenant, std::string const &month,
                                                 std::optional<long long> up_to_run,
                                                 std::vector<std::string> const &work_groups)
{
    return guard(m_db, [&] {
        case_payments_t out;
        std::string const runs = up_to_run ? "((" + VALID_RUN + " AND r.id <= :u1) OR r.id = :u2)" : VALID_RUN;
        std::string const sql = "SELECT o.file_ref, CAST(SUM(o.amount_cents) AS BIGINT), MAX(o.calc_result_id) FROM "
                                "payment_orders o JOIN payment_runs r ON r.id = o.payment_run_id WHERE o.tenant_id = :t "
                                "AND r.month = :m AND " + unindexed("o.difference_id") + " IS NULL AND o.state <> 'held' AND " +
                                runs + visible_sql(work_groups.size()) + " GROUP BY o.file_ref";
        long long const up_to = up_to_run.value_or(0);
        for_each_row(
            m_db, sql,
            [&](soci::statement &st) {
                st.exchange(soci::use(tenant));
                st.exchange(soci::use(month));
                if (up_to_run) {
                    st.exchange(soci::use(up_to));
                    st.exchange(soci::use(up_to));
                }
                for (auto const &w : work_groups) {
                    st.exchange(soci::use(w));
                }
            },
            [&](soci::row const &r) {
                out[text(r, 0)] = case_payment_t{money_t::cents(int64(r, 1)), opt_int64(r, 2)};
            });
        return out;
    });
}

std::vector<month_law_total_t> report_store_t::monthly_by_law(long long tenant, std::string const &from,
                                                              std::string const &to, long long up_to_run,
                                                              std::vector<std::string> const &work_groups)
{
    return guard(m_db, [&] {
        std::vector<month_law_total_t> out;
        std::string const sql =
            "SELECT r.month, o.law, COUNT(*), CAST(SUM(o.amount_cents) AS BIGINT) FROM payment_orders o JOIN "
            "payment_runs r ON r.id = o.payment_run_id WHERE o.tenant_id = :t AND r.month >= :f AND r.month <= :to "
            "AND o.state <> 'held' AND ((" + VALID_RUN + " AND (r.month <> :m OR r.id <= :u1)) OR r.id = :u2)" +
            visible_sql(work_groups.size()) + " GROUP BY r.month, o.law";
        for_each_row(
            m_db, sql,
            [&](soci::statement &st) {
                st.exchange(soci::use(tenant));
                st.exchange(soci::use(from));
                st.exchange(soci::use(to));
                st.exchange(soci::use(to));
                st.exchange(soci::use(up_to_run));
                st.exchange(soci::use(up_to_run));
                for (auto const &w : work_groups) {
                    st.exchange(soci::use(w));
                }
            },
            [&](soci::row const &r) {
                out.push_back(month_law_total_t{text(r, 0), text(r, 1), int64(r, 2), money_t::cents(int64(r, 3))});
            });
        std::sort(out.begin(), out.end(),
                  [](auto const &a, auto const &b) { return std::tie(a.month, a.law) < std::tie(b.month, b.law); });
        return out;
    });
}

} // namespace sozbatch::db
