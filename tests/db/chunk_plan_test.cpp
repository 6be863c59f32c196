// SPDX-License-Identifier: GPL-3.0-or-later
/// \file
/// \brief The queries the jobs run for a chunk of case ids must be driven by the case ids, not by
/// an index on the tenant and month (docs/scaling.md, "Chunk queries"). SQLite has no statistics:
/// given the choice it used calc_results (tenant_id, month) for "the results of the month of these
/// 1,000 cases" and read every result of the month per chunk, so pay prepare took 416 s at a
/// million cases against 16 s at 100,000. The look-ups by difference need their own indexes.
///
/// The test runs each store function, takes the SQL it sent (SOCI's last query) and asks SQLite
/// for its plan. PostgreSQL plans by its statistics, so there is nothing fixed to check there.

#include "demo_office.hpp"

#include "lib/db/case_store.hpp"
#include "lib/db/claim_store.hpp"
#include "lib/db/notice_store.hpp"
#include "lib/db/payment_store.hpp"
#include "lib/db/result_store.hpp"

#include <map>
#include <string>
#include <vector>

using namespace sozbatch;

class chunk_plan_test : public sozbatch::testing::demo_office_test
{
protected:
    /// SQLite's plan of the last query sent, its placeholders bound to \p binds in order.
    std::string plan_of_last_query(std::vector<std::string> const &binds)
    {
        std::string const sql = db().sql().get_last_query();
        EXPECT_FALSE(sql.empty());
        soci::statement st{db().sql()};
        std::string plan, detail;
        soci::indicator ind = soci::i_ok;
        int id = 0, parent = 0, unused = 0;
        st.exchange(soci::into(id));
        st.exchange(soci::into(parent));
        st.exchange(soci::into(unused));
        st.exchange(soci::into(detail, ind));
        for (auto const &b : binds) {
            st.exchange(soci::use(b));
        }
        st.alloc();
        st.prepare("EXPLAIN QUERY PLAN " + sql);
        st.define_and_bind();
        st.execute(false);
        while (st.fetch()) {
            plan += detail + "\n";
        }
        return plan;
    }

    std::vector<long long> all_case_ids()
    {
        db::case_store_t cases{db()};
        std::vector<long long> ids;
        cases.for_each_case(m_tenant, {}, [&](db::stored_case_t &&c) { ids.push_back(c.case_id); });
        return ids;
    }
};

TEST_P(chunk_plan_test, ChunkQueriesAreDrivenByTheCaseIds)
{
    if (db().dialect() != db::dialect_t::sqlite) {
        GTEST_SKIP() << "PostgreSQL chooses its plans by statistics; the fixed plans are SQLite's";
    }
    pay_month("2026-11");
    EXPECT_EQ(run("calc", {"--month", "2026-12"}, "prep"), exit_code_t::ok);
    auto const ids = all_case_ids();
    ASSERT_GT(ids.size(), 30u);
    std::string const t = std::to_string(m_tenant);
    month_t const dec = month_t::parse("2026-12");

    // the newest results of the month of a chunk (pay prepare, notices; calc's batch asks the same)
    db::result_store_t results{db()};
    auto const latest = results.latest_of_cases(m_tenant, dec, ids);
    EXPECT_FALSE(latest.empty());
    auto plan = plan_of_last_query({t, "2026-12"});
    EXPECT_NE(plan.find("sqlite_autoindex_calc_results_1 (case_id=? AND month=?)"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("calc_results_month"), std::string::npos) << plan;
    // the same with the payouts (pay prepare): the same headers, the payouts as payouts_of gives them
    std::map<long long, std::vector<calc::payout_t>> payouts;
    auto const with_payouts = results.latest_of_cases(m_tenant, dec, ids, payouts);
    plan = plan_of_last_query({t, "2026-12"});
    EXPECT_NE(plan.find("sqlite_autoindex_calc_results_1 (case_id=? AND month=?)"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("calc_results_month"), std::string::npos) << plan;
    ASSERT_EQ(with_payouts.size(), latest.size());
    std::vector<long long> result_ids;
    for (std::size_t i = 0; i < latest.size(); ++i) {
        EXPECT_EQ(with_payouts[i].id, latest[i].id);
        EXPECT_EQ(with_payouts[i].file_ref, latest[i].file_ref);
        EXPECT_EQ(with_payouts[i].totals.payout, latest[i].totals.payout);
        EXPECT_EQ(with_payouts[i].paid, latest[i].paid);
        result_ids.push_back(latest[i].id);
    }
    auto const expected = results.payouts_of(result_ids);
    ASSERT_EQ(payouts.size(), expected.size());
    std::size_t with_any = 0;
    for (auto const &[id, ps] : expected) {
        auto const &got = payouts.at(id);
        ASSERT_EQ(got.size(), ps.size()) << id;
        for (std::size_t k = 0; k < ps.size(); ++k) {
            EXPECT_EQ(got[k].payee_id, ps[k].payee_id);
            EXPECT_EQ(got[k].purpose, ps[k].purpose);
            EXPECT_EQ(got[k].amount, ps[k].amount);
        }
        with_any += ps.empty() ? 0 : 1;
    }
    EXPECT_GT(with_any, 0u);

    // which cases have results before the month (notices: Erstbescheid or not)
    db::notice_store_t notices{db()};
    EXPECT_FALSE(notices.cases_with_results_before_of(m_tenant, dec, ids).empty());
    plan = plan_of_last_query({t, "2026-12"});
    EXPECT_NE(plan.find("(case_id=? AND month<?)"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("calc_results_month"), std::string::npos) << plan;

    // the letters already produced for a chunk
    (void)notices.produced_keys_of(m_tenant, dec, ids);
    plan = plan_of_last_query({t, "2026-12"});
    EXPECT_NE(plan.find("notices_case (case_id=?"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("notices_month"), std::string::npos) << plan;

    db::payment_store_t payments{db()};
    // what of the month is already paid for a chunk (not "every order without a difference")
    (void)payments.covered_of(m_tenant, "2026-12", ids);
    plan = plan_of_last_query({t, "2026-12"});
    EXPECT_NE(plan.find("payment_orders_case (case_id=? AND month=?)"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("payment_orders_difference"), std::string::npos) << plan;

    // the open differences of a chunk: is one already paid? (no matching case: only the query runs)
    EXPECT_TRUE(payments.open_differences_of(m_tenant, {-1}).empty());
    plan = plan_of_last_query({t});
    EXPECT_NE(plan.find("payment_orders_difference (difference_id=?)"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("SCAN o"), std::string::npos) << plan;

    // the claims list: the newest Anhörung of each claim's difference
    db::claim_store_t claims{db()};
    (void)claims.claims(m_tenant);
    plan = plan_of_last_query({t});
    EXPECT_NE(plan.find("notices_difference (difference_id=?)"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("SCAN n"), std::string::npos) << plan;
}

SOZBATCH_BOTH_BACKENDS(chunk_plan_test);
