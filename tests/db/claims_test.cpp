// SPDX-License-Identifier: GPL-3.0-or-later
/// \file
/// \brief Überzahlungen as claims on both backends (docs/payments.md, "Überzahlungen and claims"):
/// one claim per difference however often prepare runs, deductions of later runs reduce it month by
/// month until it is settled, never below zero, only runs that count (not refused) count, and every
/// write is in the write log.

#include "db_fixture.hpp"
#include "erika_bundle.hpp"

#include "lib/core/error.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/claim_store.hpp"
#include "lib/db/migrations.hpp"
#include "lib/db/payment_store.hpp"
#include "lib/db/row.hpp"
#include "lib/security/audit.hpp"
#include "lib/security/protection.hpp"

#include <soci/soci.h>

using namespace sozbatch;
using namespace sozbatch::domain;
using sozbatch::testing::db_test;
using sozbatch::testing::erika_bundle;

namespace {

char const *const T0 = "2026-11-20T09:00:00Z";

} // namespace

class claims_test : public db_test
{
protected:
    void SetUp() override
    {
        db_test::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        db::migrate(db(), T0);
        security::install_protection(db());
        security::attach_connection(db(), "setup");
        security::set_audit_context(db(), "tester", T0);
        db::case_store_t cases{db()};
        cases.import_bundle(erika_bundle(), "a.xml", "sha-a", "tester", T0);
        m_tenant = *cases.find_tenant("kiel");
        m_case = cases.list_cases(m_tenant, db::case_filter_t{}).at(0).case_id;
        // a paid result of 2026-12 and its recalculation: an Überzahlung of 150,00 €
        long long cv = 0, wg = 0, calc_run = 0;
        db().sql() << "SELECT id, work_group_id FROM case_versions WHERE case_id = :c", soci::use(m_case), soci::into(cv),
            soci::into(wg);
        db().sql() << "INSERT INTO calc_runs (tenant_id, month, as_of, started_at, operator, params_overlay) VALUES "
                      "(:t, '2026-12', :a, :a2, 'tester', '') RETURNING id",
            soci::use(m_tenant), soci::use(std::string{T0}), soci::use(std::string{T0}), soci::into(calc_run);
        long long result[2] = {0, 0};
        for (int v = 0; v < 2; ++v) {
            long long const payout = v == 0 ? 50000 : 35000;
            db().sql() << "INSERT INTO calc_results (tenant_id, case_id, month, version, calc_run_id, case_version_id, law, "
                          "work_group_id, result_hash, needs_cents, in_kind_cents, income_counted_cents, "
                          "income_applied_cents, entitlement_cents, offsets_cents, payout_cents, created_at) VALUES "
                          "(:t, :c, '2026-12', :v, :r, :cv, 'SGB12-4', :wg, 'h', 0, 0, 0, 0, :e, 0, :p, :now) RETURNING id",
                soci::use(m_tenant), soci::use(m_case), soci::use(v + 1), soci::use(calc_run), soci::use(cv), soci::use(wg),
                soci::use(payout), soci::use(payout), soci::use(std::string{T0}), soci::into(result[v]);
        }
        db().sql() << "INSERT INTO calc_differences (tenant_id, case_id, month, paid_result_id, new_result_id, kind, "
                      "entitlement_delta_cents, payout_delta_cents, created_at) VALUES (:t, :c, '2026-12', :p, :n, "
                      "'ueberzahlung', -15000, -15000, :now) RETURNING id",
            soci::use(m_tenant), soci::use(m_case), soci::use(result[0]), soci::use(result[1]), soci::use(std::string{T0}),
            soci::into(m_difference);
    }

    /// An (empty) payment run of \p month, prepared by "prep".
    long long run(std::string const &ref, std::string const &month)
    {
        db::payment_run_t r;
        r.run_ref = ref;
        r.month = month;
        r.execution_date = "2026-12-30";
        r.prepared_by = "prep";
        r.prepared_at = T0;
        r.content_hash = r.files_hash = "x";
        return db::payment_store_t{db()}.create_run(m_tenant, r, {});
    }

    db::new_claim_t claim(std::string const &ref) const
    {
        return db::new_claim_t{m_case, ref, m_difference, "2026-12", "P1", money_t::cents(15000), "§ 50 SGB X"};
    }

    db::claim_deduction_t deduction(long long claim_id, std::string const &month, long long cents) const
    {
        return db::claim_deduction_t{claim_id, m_case, month, money_t::cents(cents), "§ 26 Abs. 2 SGB XII"};
    }

    long long count(std::string const &sql)
    {
        long long n = 0;
        db().sql() << sql, soci::into(n);
        return n;
    }

    long long m_tenant = 0;
    long long m_case = 0;
    long long m_difference = 0;
};

TEST_P(claims_test, AnUeberzahlungBecomesOneClaimThatOffsetsReduceUntilSettledNeverBelowZero)
{
    db::claim_store_t store{db()};
    // established once: a rerun and a forced prepare (a new run) name the same difference
    long long const r1 = run("KIEL-202701-R1", "2027-01");
    auto const created = store.record(m_tenant, r1, {claim("KIEL-202701-R1-E01")}, {}, T0);
    ASSERT_EQ(created, std::vector<std::string>{"KIEL-202701-R1-E01"});
    long long const r2 = run("KIEL-202701-R2", "2027-01");
    EXPECT_TRUE(store.record(m_tenant, r2, {claim("KIEL-202701-R2-E01")}, {}, T0).empty());
    auto claims = store.claims(m_tenant);
    ASSERT_EQ(claims.size(), 1u);
    EXPECT_EQ(claims[0].claim_ref, "KIEL-202701-R1-E01");
    EXPECT_EQ(claims[0].run_ref, "KIEL-202701-R1");
    EXPECT_EQ(claims[0].file_ref, "50.1-0001");
    EXPECT_EQ(claims[0].amount.as_cents(), 15000);
    EXPECT_EQ(claims[0].open().as_cents(), 15000);
    EXPECT_EQ(claims[0].state, "open");
    EXPECT_EQ(claims[0].legal_basis, "§ 50 SGB X");
    EXPECT_EQ(claims[0].created_at.substr(0, 10), "2026-11-20");
    long long const id = claims[0].id;

    // February deducts 100,00 €
    long long const feb = run("KIEL-202702-R1", "2027-02");
    store.record(m_tenant, feb, {}, {deduction(id, "2027-02", 10000)}, T0);
    claims = store.claims(m_tenant);
    EXPECT_EQ(claims[0].open().as_cents(), 5000);
    EXPECT_EQ(claims[0].state, "offsetting");
    EXPECT_EQ(count("SELECT open_cents FROM overpayment_claims"), 5000);
    EXPECT_EQ(store.counted_deductions(m_tenant).count({id, "2027-02"}), 1u);

    // March: more than is open is refused and changes nothing; the rest settles the claim
    long long const mar = run("KIEL-202703-R1", "2027-03");
    EXPECT_THROW(store.record(m_tenant, mar, {}, {deduction(id, "2027-03", 8000)}, T0), validation_error);
    EXPECT_EQ(count("SELECT COUNT(*) FROM claim_offsets"), 1);
    EXPECT_EQ(store.claims(m_tenant)[0].open().as_cents(), 5000);
    store.record(m_tenant, mar, {}, {deduction(id, "2027-03", 5000)}, T0);
    claims = store.claims(m_tenant);
    EXPECT_EQ(claims[0].open().as_cents(), 0);
    EXPECT_EQ(claims[0].deducted.as_cents(), 15000);
    EXPECT_EQ(claims[0].state, "settled");
    EXPECT_EQ(count("SELECT open_cents FROM overpayment_claims"), 0);
    long long settled = 0;
    db().sql() << "SELECT COUNT(*) FROM overpayment_claims WHERE state = 'settled'", soci::into(settled);
    EXPECT_EQ(settled, 1);
    // settled: not one cent more
    long long const apr = run("KIEL-202704-R1", "2027-04");
    EXPECT_THROW(store.record(m_tenant, apr, {}, {deduction(id, "2027-04", 1)}, T0), validation_error);

    // the database itself refuses a negative open amount
    EXPECT_THROW(db().sql() << "UPDATE overpayment_claims SET open_cents = -1", std::exception);

    // a refused run's deductions no longer count: March is open again
    db::payment_store_t{db()}.refuse(mar, "boss", T0, "wrong month");
    store.refresh(m_tenant);
    claims = store.claims(m_tenant);
    EXPECT_EQ(claims[0].open().as_cents(), 5000);
    EXPECT_EQ(claims[0].state, "offsetting");
    EXPECT_EQ(count("SELECT open_cents FROM overpayment_claims"), 5000);
    EXPECT_EQ(store.counted_deductions(m_tenant).count({id, "2027-03"}), 0u);

    // every write in the write log
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE table_name = 'overpayment_claims' AND operation = 'INSERT'"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE table_name = 'claim_offsets' AND operation = 'INSERT'"), 2);
    EXPECT_GE(count("SELECT COUNT(*) FROM audit_log WHERE table_name = 'overpayment_claims' AND operation = 'UPDATE'"), 3);
    EXPECT_TRUE(security::unprotected_tables(db()).empty());
}

TEST_P(claims_test, ClaimsAreUnderRowLevelSecurityOnPostgreSQL)
{
    if (db().dialect() != db::dialect_t::postgresql) {
        GTEST_SKIP() << "row-level security is PostgreSQL's (SQLite filters by work group in the job)";
    }
    for (std::string const t : {"overpayment_claims", "claim_offsets"}) {
        long long n = 0;
        db().sql() << "SELECT COUNT(*) FROM pg_policies WHERE tablename = :t AND policyname = 'sozbatch_visible' AND "
                      "qual LIKE '%case_id%'",
            soci::use(t), soci::into(n);
        EXPECT_EQ(n, 1) << t << ": no row-level security policy by case";
        long long forced = 0;
        db().sql() << "SELECT CASE WHEN relforcerowsecurity THEN 1 ELSE 0 END FROM pg_class WHERE relname = :t",
            soci::use(t), soci::into(forced);
        EXPECT_EQ(forced, 1) << t;
    }
}

SOZBATCH_BOTH_BACKENDS(claims_test);
