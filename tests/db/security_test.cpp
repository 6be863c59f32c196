// SPDX-License-Identifier: GPL-3.0-or-later
// Security on both backends: authentication, work-group isolation (data layer; PostgreSQL also
// row-level security for a hand-written query as the operator's own role), the write log's
// chain and its tamper detection, append-only guards, archive purge.
#include "db_fixture.hpp"

#include "formats/case_import/reader.hpp"
#include "jobs/job.hpp"
#include "lib/core/error.hpp"
#include "lib/calc/calculate.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/result_store.hpp"
#include "lib/params/parameter_set.hpp"
#include "lib/db/migrations.hpp"
#include "lib/security/archive.hpp"
#include "lib/security/audit.hpp"
#include "lib/security/operators.hpp"
#include "lib/security/protection.hpp"
#include "lib/security/protocol.hpp"

#include <sstream>

using namespace sozbatch;
using sozbatch::testing::backend_t;
using sozbatch::testing::db_test;

namespace {

char const *const T0 = "2026-11-20T09:00:00Z";

long long count(db::database_t &db, std::string const &sql)
{
    long long n = 0;
    db.sql() << sql, soci::into(n);
    return n;
}

/// A PostgreSQL URL for the same database as another login role.
std::string as_role(std::string url, std::string const &role)
{
    auto const pos = url.find("user=");
    auto const end = url.find(' ', pos);
    url.replace(pos, end == std::string::npos ? std::string::npos : end - pos, "user=" + role);
    return url;
}

} // namespace

class security_test : public db_test
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
        security::set_audit_context(db(), "setup", T0);
        db::case_store_t store{db()};
        auto const bundle = formats::read_case_import(SOZBATCH_SOURCE_DIR "/samples/demo-cases.xml");
        store.import_bundle(bundle, "demo-cases.xml", "sha-demo", "setup", T0);
        m_tenant = *store.find_tenant("kiel");
    }

    bool pg() const { return GetParam() == backend_t::postgresql; }

    /// An operator with a password (SQLite) or a login role (PostgreSQL) in one work group.
    security::operator_t make_operator(std::string const &login, std::string const &group, std::string const &role)
    {
        security::operator_store_t ops{db()};
        std::string db_role;
        if (pg()) {
            db_role = login + "_" + std::to_string(::getpid()) + "_" + std::to_string(++s_roles);
            db().sql() << "CREATE ROLE " + db_role + " LOGIN";
            db().sql() << "GRANT sozbatch_app TO " + db_role;
        }
        ops.add(m_tenant, login, login, pg() ? "" : security::hash_password("secret-" + login), db_role, T0);
        auto op = *ops.find(m_tenant, login);
        ops.grant(op, role);
        ops.assign_group(op, group);
        return *ops.find(m_tenant, login);
    }

    long long m_tenant = 0;
    static inline int s_roles = 0;
};

TEST_P(security_test, EveryDomainTableIsProtected)
{
    EXPECT_TRUE(security::unprotected_tables(db()).empty());
    auto const tables = security::domain_tables(db());
    EXPECT_GE(tables.size(), 20u);
    // a table added by a later migration is covered by the next install
    db().sql() << db().translate("CREATE TABLE later_results (id {{pk}}, tenant_id BIGINT NOT NULL, case_version_id BIGINT "
                                 "NOT NULL, amount_cents BIGINT NOT NULL)");
    ASSERT_EQ(security::unprotected_tables(db()), std::vector<std::string>{"later_results"});
    security::install_protection(db());
    EXPECT_TRUE(security::unprotected_tables(db()).empty());
    long long const before = count(db(), "SELECT COUNT(*) FROM audit_log");
    db().sql() << "INSERT INTO later_results (tenant_id, case_version_id, amount_cents) VALUES (:t, 1, 100)",
        soci::use(m_tenant);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM audit_log"), before + 1);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM audit_log WHERE table_name = 'later_results' AND operation = 'INSERT' "
                          "AND operator = 'setup'"),
              1);
}

TEST_P(security_test, WriteLogChainIsIntactAndTamperingIsFound)
{
    auto const ok = security::verify_chain(db());
    EXPECT_FALSE(ok.broken) << ok.reason;
    EXPECT_GT(ok.entries, 400); // 40 cases with members, needs, incomes ...
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM audit_log WHERE table_name = 'person_versions'"),
              count(db(), "SELECT COUNT(*) FROM person_versions"));
    // an update and a delete are recorded with old and new values
    db().sql() << "UPDATE needs SET note = 'changed' WHERE id = 1";
    db().sql() << "DELETE FROM offsets WHERE id = (SELECT MIN(id) FROM offsets)";
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM audit_log WHERE table_name = 'needs' AND operation = 'UPDATE' AND "
                          "row_key = 'id=1' AND new_values LIKE '%changed%' AND old_values <> ''"),
              1);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM audit_log WHERE table_name = 'offsets' AND operation = 'DELETE' AND "
                          "new_values = ''"),
              1);
    EXPECT_FALSE(security::verify_chain(db()).broken);

    // the application cannot change or delete log entries
    EXPECT_ANY_THROW(db().sql() << "UPDATE audit_log SET operator = 'someone' WHERE id = 3");
    EXPECT_ANY_THROW(db().sql() << "DELETE FROM audit_log WHERE id = 3");
    security::protocol_entry_t e;
    e.at = T0;
    e.event = "job-start";
    e.operator_name = "setup";
    e.job = "test";
    security::append_protocol(db(), e);
    EXPECT_ANY_THROW(db().sql() << "UPDATE protocol SET detail = 'x'");
    EXPECT_ANY_THROW(db().sql() << "DELETE FROM protocol");

    // a database superuser switches the guard off, alters entry 3 and switches it on again
    if (pg()) {
        db().sql() << "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only";
        db().sql() << "UPDATE audit_log SET operator = 'someone' WHERE id = 3";
        db().sql() << "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only";
    } else {
        db().sql() << "DROP TRIGGER audit_log_no_update";
        db().sql() << "UPDATE audit_log SET operator = 'someone' WHERE id = 3";
        security::install_protection(db());
    }
    auto const broken = security::verify_chain(db());
    ASSERT_TRUE(broken.broken);
    EXPECT_EQ(*broken.broken, 3);
}

TEST_P(security_test, EntriesNameTheRowsKeyAndTenantAndHoldItsValues)
{
    // a key of two columns, one of them text (operator_roles), and one of two ids (operator_work_groups)
    auto const op = make_operator("keys", "SG-NORD", "caseworker-read");
    long long const group = count(db(), "SELECT work_group_id FROM operator_work_groups WHERE operator_id = " +
                                            std::to_string(op.id));
    auto const entries = [&](std::string const &table, std::string const &key) {
        return count(db(), "SELECT COUNT(*) FROM audit_log WHERE table_name = '" + table + "' AND operation = 'INSERT' "
                           "AND row_key = '" + key + "' AND tenant_id = " + std::to_string(m_tenant));
    };
    EXPECT_EQ(entries("operator_roles", "operator_id=" + std::to_string(op.id) + ",role=caseworker-read"), 1);
    EXPECT_EQ(entries("operator_work_groups",
                      "operator_id=" + std::to_string(op.id) + ",work_group_id=" + std::to_string(group)),
              1);
    // an update's entry holds the old and the new values of the row, as JSON the database reads back
    std::string const note = "Miete \"Mai\" \\ ü";
    db().sql() << "UPDATE needs SET note = :n WHERE id = 1", soci::use(note);
    long long const id = count(db(), "SELECT MAX(id) FROM audit_log");
    auto const value = [&](std::string const &side, std::string const &name) {
        std::string const field = pg() ? "CAST(" + side + " AS json) ->> '" + name + "'"
                                       : "json_extract(" + side + ", '$." + name + "')";
        std::string v;
        db().sql() << "SELECT " + field + " FROM audit_log WHERE id = " + std::to_string(id), soci::into(v);
        return v;
    };
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM audit_log WHERE id = " + std::to_string(id) +
                              " AND table_name = 'needs' AND row_key = 'id=1' AND tenant_id = " + std::to_string(m_tenant)),
              1);
    EXPECT_EQ(value("new_values", "note"), note);
    EXPECT_NE(value("old_values", "note"), note);
    std::string kind;
    db().sql() << "SELECT kind FROM needs WHERE id = 1", soci::into(kind);
    EXPECT_EQ(value("new_values", "kind"), kind);
    EXPECT_EQ(value("old_values", "kind"), kind);
    EXPECT_EQ(value("new_values", "tenant_id"), std::to_string(m_tenant));
    auto const r = security::verify_chain(db());
    EXPECT_FALSE(r.broken) << r.reason;
}

TEST_P(security_test, RolledBackWritesLeaveNoGapAndEveryRowOfAStatementIsLogged)
{
    long long const before = count(db(), "SELECT COUNT(*) FROM audit_log");
    long long const needs = count(db(), "SELECT COUNT(*) FROM needs");
    ASSERT_GT(needs, 3);
    // a job that fails and rolls back: its entries go, and the next write continues the chain
    db().sql().begin();
    db().sql() << "UPDATE needs SET note = 'rolled back'";
    db().sql().rollback();
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM audit_log"), before);
    // one statement writing many rows: one entry per row, in one unbroken chain
    db().sql() << "UPDATE needs SET note = 'kept'";
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM audit_log"), before + needs);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM audit_log WHERE table_name = 'needs' AND operation = 'UPDATE' AND "
                          "new_values LIKE '%kept%' AND old_values <> '' AND old_values NOT LIKE '%kept%'"),
              needs);
    EXPECT_EQ(count(db(), "SELECT COUNT(DISTINCT row_key) FROM audit_log WHERE table_name = 'needs' AND "
                          "operation = 'UPDATE'"),
              needs);
    db().sql() << "DELETE FROM offsets";
    auto const r = security::verify_chain(db());
    EXPECT_FALSE(r.broken) << r.reason;
    EXPECT_EQ(r.entries, count(db(), "SELECT COUNT(*) FROM audit_log"));
    EXPECT_EQ(r.head_id, r.entries); // ids without gaps
}

TEST_P(security_test, ChangedValuesAndDeletedEntriesAreFound)
{
    if (pg()) {
        db().sql() << "ALTER TABLE audit_log DISABLE TRIGGER USER";
    } else {
        db().sql() << "DROP TRIGGER audit_log_no_update";
        db().sql() << "DROP TRIGGER audit_log_no_delete";
    }
    db().sql() << "UPDATE audit_log SET new_values = REPLACE(new_values, '1', '2') WHERE id = 7";
    auto r = security::verify_chain(db());
    ASSERT_TRUE(r.broken);
    EXPECT_EQ(*r.broken, 7);
    EXPECT_NE(r.reason.find("new values"), std::string::npos) << r.reason;
    db().sql() << "DELETE FROM audit_log WHERE id >= 7 AND id <= 9";
    r = security::verify_chain(db());
    ASSERT_TRUE(r.broken);
    EXPECT_EQ(*r.broken, 10);
}

TEST_P(security_test, OperatorOfGroupASeesNoCaseOfGroupB)
{
    auto const a = make_operator("anna", "SG-NORD", "caseworker-read");
    db::case_store_t store{db()};
    long long const all = static_cast<long long>(store.list_cases(m_tenant, {}).size());
    db::case_filter_t nord_only;
    nord_only.work_groups = {"SG-NORD"};
    long long const nord = static_cast<long long>(store.list_cases(m_tenant, nord_only).size());
    ASSERT_GT(nord, 0);
    ASSERT_GT(all - nord, 0);

    // the data layer through the job context (SQLite's enforcement; also used on PostgreSQL)
    config::global_options_t opts;
    std::ostringstream out;
    jobs::job_context_t ctx{opts, out};
    security::session_t s;
    s.authenticated = true;
    s.login = a.login;
    s.work_groups = a.work_groups;
    ctx.set_session(s);
    db::case_filter_t f;
    ctx.restrict_to_visible(f);
    auto const seen = store.list_cases(m_tenant, f);
    EXPECT_EQ(static_cast<long long>(seen.size()), nord);
    for (auto const &c : seen) {
        EXPECT_EQ(c.work_group, "SG-NORD");
    }
    db::case_filter_t wants_sued;
    wants_sued.work_groups = {"SG-SUED"};
    ctx.restrict_to_visible(wants_sued);
    EXPECT_TRUE(store.list_cases(m_tenant, wants_sued).empty());
    security::session_t nobody;
    nobody.authenticated = true;
    ctx.set_session(nobody);
    db::case_filter_t none;
    ctx.restrict_to_visible(none);
    EXPECT_TRUE(store.list_cases(m_tenant, none).empty());

    if (!pg()) {
        return;
    }
    // PostgreSQL: a hand-written query as anna's own login role sees no row of SG-SUED
    long long const sued_versions = count(db(), "SELECT COUNT(*) FROM case_versions cv JOIN work_groups w ON w.id = "
                                                "cv.work_group_id WHERE w.code = 'SG-SUED'");
    ASSERT_GT(sued_versions, 0);
    db::database_t as_anna{as_role(url(), a.db_role), "anna", true};
    EXPECT_EQ(count(as_anna, "SELECT COUNT(*) FROM case_versions cv JOIN work_groups w ON w.id = cv.work_group_id "
                             "WHERE w.code = 'SG-SUED'"),
              0);
    EXPECT_EQ(count(as_anna, "SELECT COUNT(*) FROM case_versions"),
              count(db(), "SELECT COUNT(*) FROM case_versions cv JOIN work_groups w ON w.id = cv.work_group_id WHERE "
                          "w.code = 'SG-NORD'"));
    EXPECT_EQ(count(as_anna, "SELECT COUNT(*) FROM cases"), nord);
    for (std::string const t : {"case_members", "needs", "incomes", "housing", "approvals", "payment_assignments"}) {
        EXPECT_EQ(count(as_anna, "SELECT COUNT(*) FROM " + t + " x JOIN case_versions cv ON cv.id = x.case_version_id "
                                 "JOIN work_groups w ON w.id = cv.work_group_id WHERE w.code = 'SG-SUED'"),
                  0)
            << t;
        EXPECT_EQ(count(as_anna, "SELECT COUNT(*) FROM " + t),
                  count(db(), "SELECT COUNT(*) FROM " + t + " x JOIN case_versions cv ON cv.id = x.case_version_id "
                              "JOIN work_groups w ON w.id = cv.work_group_id WHERE w.code = 'SG-NORD'"))
            << t;
    }
    // calculation lines: the view calc_result_lines (migration 0018) runs with anna's rights, so
    // she sees the lines of her group's results only (the month calculated by the owner)
    {
        month_t const month{2026, 12};
        auto const params = params::parameter_set_t::load();
        calc::month_params_t const mp{params, month};
        calc::calculator_t calculator{mp};
        db::result_store_t results{db()};
        long long const run = results.begin_run(m_tenant, month, T0, T0, "setup", "kiel");
        db::result_batch_t batch{db(), m_tenant, run, T0, 50};
        store.for_each_case(m_tenant, {}, [&](db::stored_case_t &&c) {
            calc::case_result_t r;
            try {
                calculator.calculate(c.data, c.persons, r);
            } catch (sozbatch::error_t const &) {
                return;
            }
            batch.add(c, r);
        });
        batch.flush();
    }
    auto lines_of = [&](std::string const &group) {
        return count(db(), "SELECT COUNT(*) FROM calc_result_lines l JOIN calc_results r ON r.id = l.calc_result_id "
                           "JOIN case_access a ON a.case_id = r.case_id JOIN work_groups w ON w.id = a.work_group_id "
                           "WHERE w.code = '" + group + "'");
    };
    ASSERT_GT(lines_of("SG-NORD"), 0);
    ASSERT_GT(lines_of("SG-SUED"), 0);
    EXPECT_EQ(count(as_anna, "SELECT COUNT(*) FROM calc_result_lines"), lines_of("SG-NORD"));
    // payouts and flags (migration 0020): the same through their views
    for (std::string const v : {"calc_result_payouts", "calc_result_flags"}) {
        auto rows_of = [&](std::string const &group) {
            return count(db(), "SELECT COUNT(*) FROM " + v + " x JOIN calc_results r ON r.id = x.calc_result_id JOIN "
                               "case_access a ON a.case_id = r.case_id JOIN work_groups w ON w.id = a.work_group_id "
                               "WHERE w.code = '" + group + "'");
        };
        EXPECT_GT(rows_of("SG-SUED"), 0) << v;
        EXPECT_EQ(count(as_anna, "SELECT COUNT(*) FROM " + v), rows_of("SG-NORD")) << v;
    }
    // payment orders' states: the view payment_order_states (migration 0019) runs with anna's
    // rights as well; a released run with one order per result, written by the owner
    {
        long long run_id = 0;
        db().sql() << "INSERT INTO payment_runs (tenant_id, run_ref, month, state, execution_date, prepared_by, "
                      "prepared_at, content_hash, files_hash, orders_count, total_cents, held_count) VALUES (:t, "
                      "'KIEL-202612-R1', '2026-12', 'released', '2026-11-30', 'setup', :n, 'h', 'f', 0, 0, 0) RETURNING id",
            soci::use(m_tenant), soci::use(std::string{T0}), soci::into(run_id);
        db().sql() << "INSERT INTO payment_orders (tenant_id, payment_run_id, case_id, month, law, budget_line, channel, "
                      "purpose, payee_ext_id, creditor_name, iban, bic, card_ref, remittance, amount_cents, end_to_end_id, "
                      "state, hold_reason, order_no, destination) SELECT r.tenant_id, :r, r.case_id, '2026-12', r.law, "
                      "'3120', 'sepa', 'benefit', 'Z', 'N', 'DE89370400440532013000', '', '', 'T', r.payout_cents, "
                      "'KIEL-202612-R1-' || CAST(r.id AS TEXT), 'prepared', '', r.id, 'sepa' FROM calc_results r",
            soci::use(run_id);
    }
    auto orders_of = [&](std::string const &group) {
        return count(db(), "SELECT COUNT(*) FROM payment_order_states s JOIN case_access a ON a.case_id = s.case_id "
                           "JOIN work_groups w ON w.id = a.work_group_id WHERE s.state = 'released' AND w.code = '" +
                               group + "'");
    };
    ASSERT_GT(orders_of("SG-NORD"), 0);
    ASSERT_GT(orders_of("SG-SUED"), 0);
    EXPECT_EQ(count(as_anna, "SELECT COUNT(*) FROM payment_order_states WHERE state = 'released'"), orders_of("SG-NORD"));
    EXPECT_EQ(count(as_anna, "SELECT COUNT(*) FROM calc_results"),
              count(db(), "SELECT COUNT(*) FROM calc_results r JOIN case_access a ON a.case_id = r.case_id JOIN "
                          "work_groups w ON w.id = a.work_group_id WHERE w.code = 'SG-NORD'"));
    // persons only through membership: nobody who is only a member of SG-SUED cases
    long long const sued_only_persons =
        count(db(), "SELECT COUNT(*) FROM persons p WHERE EXISTS (SELECT 1 FROM case_members m JOIN case_versions cv ON "
                    "cv.id = m.case_version_id JOIN work_groups w ON w.id = cv.work_group_id WHERE m.person_id = p.id AND "
                    "w.code = 'SG-SUED') AND NOT EXISTS (SELECT 1 FROM case_members m JOIN case_versions cv ON cv.id = "
                    "m.case_version_id JOIN work_groups w ON w.id = cv.work_group_id WHERE m.person_id = p.id AND "
                    "w.code = 'SG-NORD')");
    ASSERT_GT(sued_only_persons, 0);
    EXPECT_EQ(count(as_anna, "SELECT COUNT(*) FROM persons"), count(db(), "SELECT COUNT(*) FROM persons") - sued_only_persons);
    std::string const sued_only = "SELECT p.id FROM persons p WHERE EXISTS (SELECT 1 FROM case_members m JOIN "
                                  "case_versions cv ON cv.id = m.case_version_id JOIN work_groups w ON w.id = "
                                  "cv.work_group_id WHERE m.person_id = p.id AND w.code = 'SG-SUED') AND NOT EXISTS "
                                  "(SELECT 1 FROM case_members m JOIN case_versions cv ON cv.id = m.case_version_id JOIN "
                                  "work_groups w ON w.id = cv.work_group_id WHERE m.person_id = p.id AND w.code = 'SG-NORD')";
    EXPECT_EQ(count(as_anna, "SELECT COUNT(*) FROM person_versions"),
              count(db(), "SELECT COUNT(*) FROM person_versions WHERE person_id NOT IN (" + sued_only + ")"));
    // the application role can neither read nor change the logs, nor write another group's case
    EXPECT_ANY_THROW(count(as_anna, "SELECT COUNT(*) FROM audit_log"));
    EXPECT_ANY_THROW(count(as_anna, "SELECT COUNT(*) FROM protocol"));
    EXPECT_ANY_THROW(as_anna.sql() << "UPDATE operators SET active = 1");
    std::string const sued_wg = std::to_string(count(db(), "SELECT id FROM work_groups WHERE code = 'SG-SUED'"));
    EXPECT_ANY_THROW(as_anna.sql() << "UPDATE case_versions SET work_group_id = " + sued_wg);
    // writes by the role are logged with its database role, which it cannot choose
    security::set_audit_context(as_anna, "mallory", T0);
    as_anna.sql() << "UPDATE needs SET note = 'seen' WHERE id = (SELECT MIN(id) FROM needs)";
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM audit_log WHERE db_role = '" + a.db_role + "' AND table_name = 'needs'"),
              1);
    EXPECT_FALSE(security::verify_chain(db()).broken);

    // a case handed over to SG-SUED by a new version leaves anna's sight with all its rows;
    // calculation lines, flags and payouts follow their result
    long long const moved = count(db(), "SELECT MIN(cv.case_id) FROM case_versions cv JOIN work_groups w ON w.id = "
                                        "cv.work_group_id WHERE w.code = 'SG-NORD'");
    long long const lines_before = count(as_anna, "SELECT COUNT(*) FROM case_members");
    long long const moved_members =
        count(db(), "SELECT COUNT(*) FROM case_members m JOIN case_versions cv ON cv.id = m.case_version_id WHERE "
                    "cv.case_id = " + std::to_string(moved));
    for (std::string const t : {"calc_lines", "calc_flags", "calc_payouts"}) {
        EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM pg_policies WHERE tablename = '" + t + "' AND policyname = "
                              "'sozbatch_visible' AND qual LIKE '%calc_results%'"),
                  1)
            << t;
    }
    db().sql() << "INSERT INTO case_versions (tenant_id, case_id, version, recorded_at, import_file_id, content_hash, law, "
                  "work_group_id, state, established_on, closed_on) SELECT tenant_id, case_id, version + 1, recorded_at, "
                  "import_file_id, content_hash || '-moved', law, " + sued_wg + ", state, established_on, closed_on FROM "
                  "case_versions WHERE case_id = " + std::to_string(moved) + " ORDER BY version DESC LIMIT 1";
    EXPECT_EQ(count(as_anna, "SELECT COUNT(*) FROM cases"), nord - 1);
    EXPECT_EQ(count(as_anna, "SELECT COUNT(*) FROM cases WHERE id = " + std::to_string(moved)), 0);
    EXPECT_EQ(count(as_anna, "SELECT COUNT(*) FROM case_members"), lines_before - moved_members);
    // and comes back when the newest version is gone again
    db().sql() << "DELETE FROM case_versions WHERE case_id = " + std::to_string(moved) +
                      " AND version = (SELECT MAX(version) FROM case_versions WHERE case_id = " + std::to_string(moved) + ")";
    EXPECT_EQ(count(as_anna, "SELECT COUNT(*) FROM cases"), nord);
}

// PostgreSQL (migration 0022): the batch's operator holds every work group of its office and
// reads the office's rows without the per-row probes; it never sees another tenant's rows, loses
// the shortcut when the office gets a group it does not hold, and writes are still probed.
TEST_P(security_test, OperatorOfEveryGroupSeesTheWholeTenantAndNothingElse)
{
    if (!pg()) {
        GTEST_SKIP() << "row-level security is PostgreSQL's";
    }
    auto const anna = make_operator("anna", "SG-NORD", "caseworker-read");
    auto const batch = make_operator("batch", "SG-NORD", "payment-preparer");
    {
        security::operator_store_t ops{db()};
        std::vector<std::string> codes;
        soci::rowset<std::string> rs = (db().sql().prepare << "SELECT code FROM work_groups WHERE tenant_id = :t ORDER BY "
                                                              "code",
                                        soci::use(m_tenant));
        codes.assign(rs.begin(), rs.end());
        ASSERT_GE(codes.size(), 2U);
        for (auto const &c : codes) {
            ops.assign_group(*ops.find(m_tenant, "batch"), c);
        }
    }
    // another office in the same database, with a case of its own
    long long other = 0;
    long long other_wg = 0;
    long long other_case = 0;
    std::string const t0 = T0;
    db().sql() << "INSERT INTO tenants (code, name, created_at) VALUES ('luebeck', 'Luebeck', :n) RETURNING id",
        soci::use(t0), soci::into(other);
    db().sql() << "INSERT INTO work_groups (tenant_id, code, name) VALUES (:t, 'SG-L', 'SG-L') RETURNING id",
        soci::use(other), soci::into(other_wg);
    db().sql() << "INSERT INTO cases (tenant_id, file_ref) VALUES (:t, 'L-1') RETURNING id", soci::use(other),
        soci::into(other_case);
    db().sql() << "INSERT INTO case_versions (tenant_id, case_id, version, recorded_at, import_file_id, content_hash, law, "
                  "work_group_id, state, established_on) SELECT :t, :c, 1, recorded_at, import_file_id, 'l1', law, :w, "
                  "'open', established_on FROM case_versions ORDER BY id LIMIT 1",
        soci::use(other), soci::use(other_case), soci::use(other_wg);

    db::database_t as_batch{as_role(url(), batch.db_role), "batch", true};
    db::database_t as_anna{as_role(url(), anna.db_role), "anna", true};
    auto const ids = [](db::database_t &d) {
        std::string v;
        d.sql() << "SELECT CAST(sozbatch_my_whole_tenant_ids() AS TEXT)", soci::into(v);
        return v;
    };
    EXPECT_EQ(ids(as_batch), "{" + std::to_string(m_tenant) + "}");
    EXPECT_EQ(ids(as_anna), "{}");
    std::string const own = " WHERE tenant_id = " + std::to_string(m_tenant);
    for (std::string const t : {"cases", "case_versions", "case_access", "persons", "person_versions", "case_members",
                                "needs", "incomes", "approvals", "payment_assignments", "payees", "payee_versions"}) {
        ASSERT_GT(count(db(), "SELECT COUNT(*) FROM " + t + own), 0) << t;
        EXPECT_EQ(count(as_batch, "SELECT COUNT(*) FROM " + t), count(db(), "SELECT COUNT(*) FROM " + t + own)) << t;
    }
    // the plan: the probes are not run for the office's rows
    {
        std::string plan;
        soci::rowset<std::string> rs = (as_batch.sql().prepare << "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT "
                                                                  "COUNT(*) FROM case_members");
        for (auto const &l : rs) {
            plan += l + "\n";
        }
        EXPECT_NE(plan.find("(tenant_id = ANY ($"), std::string::npos) << plan;
        EXPECT_NE(plan.find("never executed"), std::string::npos) << plan;
    }
    // nothing of the other office: neither the batch's nor anna's
    EXPECT_EQ(count(as_batch, "SELECT COUNT(*) FROM cases WHERE id = " + std::to_string(other_case)), 0);
    EXPECT_EQ(count(as_batch, "SELECT COUNT(*) FROM case_versions WHERE tenant_id = " + std::to_string(other)), 0);
    EXPECT_EQ(count(as_anna, "SELECT COUNT(*) FROM case_versions WHERE tenant_id = " + std::to_string(other)), 0);
    // writing is still probed: a row of the own office for the other office's case is refused
    EXPECT_ANY_THROW(as_batch.sql() << "INSERT INTO archive_handovers (tenant_id, case_id, handed_over_on, closed_on, law, "
                                       "recorded_at, operator) VALUES (" +
                                           std::to_string(m_tenant) + ", " + std::to_string(other_case) +
                                           ", '2026-11-20', '2026-11-20', 'SGB12-3', '" + T0 + "', 'batch')");
    // anna still sees only her group
    long long const nord = count(db(), "SELECT COUNT(*) FROM case_access a JOIN work_groups w ON w.id = a.work_group_id "
                                       "WHERE w.code = 'SG-NORD'");
    EXPECT_EQ(count(as_anna, "SELECT COUNT(*) FROM cases"), nord);

    // a new group in the office that the batch does not hold: the probes decide again, and the
    // case handed over to it leaves the batch's sight
    long long new_wg = 0;
    db().sql() << "INSERT INTO work_groups (tenant_id, code, name) VALUES (:t, 'SG-NEU', 'SG-NEU') RETURNING id",
        soci::use(m_tenant), soci::into(new_wg);
    EXPECT_EQ(ids(as_batch), "{}");
    long long const all = count(db(), "SELECT COUNT(*) FROM cases" + own);
    EXPECT_EQ(count(as_batch, "SELECT COUNT(*) FROM cases"), all);
    long long const moved = count(db(), "SELECT MIN(case_id) FROM case_versions" + own);
    db().sql() << "INSERT INTO case_versions (tenant_id, case_id, version, recorded_at, import_file_id, content_hash, law, "
                  "work_group_id, state, established_on, closed_on) SELECT tenant_id, case_id, version + 1, recorded_at, "
                  "import_file_id, content_hash || '-neu', law, :w, state, established_on, closed_on FROM case_versions "
                  "WHERE case_id = :c ORDER BY version DESC LIMIT 1",
        soci::use(new_wg), soci::use(moved);
    EXPECT_EQ(count(as_batch, "SELECT COUNT(*) FROM cases"), all - 1);
    EXPECT_EQ(count(as_batch, "SELECT COUNT(*) FROM cases WHERE id = " + std::to_string(moved)), 0);
    // given the new group too, the batch sees the whole office again
    {
        security::operator_store_t ops{db()};
        ops.assign_group(*ops.find(m_tenant, "batch"), "SG-NEU");
    }
    EXPECT_EQ(ids(as_batch), "{" + std::to_string(m_tenant) + "}");
    EXPECT_EQ(count(as_batch, "SELECT COUNT(*) FROM cases"), all);
    // a disabled operator holds nothing
    {
        security::operator_store_t ops{db()};
        ops.set_active(*ops.find(m_tenant, "batch"), false, T0);
    }
    EXPECT_EQ(ids(as_batch), "{}");
}

TEST_P(security_test, AuthenticationChecksPasswordOrLoginRoleAndCountsFailures)
{
    auto const a = make_operator("anna", "SG-NORD", "caseworker-read");
    if (pg()) {
        // the superuser's connection is not anna's role
        auto const res = security::authenticate(db(), m_tenant, "anna", [] { return std::string{}; });
        EXPECT_FALSE(res.session);
        db::database_t as_anna{as_role(url(), a.db_role), "anna", true};
        auto const ok = security::authenticate(as_anna, m_tenant, "anna", [] { return std::string{}; });
        ASSERT_TRUE(ok.session) << ok.failure;
        EXPECT_EQ(ok.session->work_groups, std::vector<std::string>{"SG-NORD"});
        return;
    }
    auto const ok = security::authenticate(db(), m_tenant, "anna", [] { return std::string{"secret-anna"}; });
    ASSERT_TRUE(ok.session) << ok.failure;
    EXPECT_TRUE(ok.session->roles.contains("caseworker-read"));
    EXPECT_FALSE(security::authenticate(db(), m_tenant, "nobody", [] { return std::string{"x"}; }).session);
    for (int i = 0; i < security::MAX_FAILED_ATTEMPTS; ++i) {
        auto const bad = security::authenticate(db(), m_tenant, "anna", [] { return std::string{"wrong"}; });
        EXPECT_FALSE(bad.session);
        EXPECT_EQ(bad.failure, "wrong password");
    }
    auto const locked = security::authenticate(db(), m_tenant, "anna", [] { return std::string{"secret-anna"}; });
    EXPECT_FALSE(locked.session);
    EXPECT_NE(locked.failure.find("locked"), std::string::npos);
    // the hash is salted and slow, never the password
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM operators WHERE password_hash LIKE '$argon2id$%'"), 1);
}

TEST_P(security_test, ArchivePurgeDeletesPersonalDataKeepsChainAndRedactsLog)
{
    // close one SG-NORD case long ago (a new version, as the import would) and hand it over
    db::case_store_t store{db()};
    auto sc = *store.load_case(m_tenant, "50.1-0001");
    sc.data.closed = true;
    sc.data.closed_on = parse_date("2019-06-30");
    domain::case_bundle_t b;
    b.tenant = "kiel";
    b.tenant_name = "Kiel";
    b.source = "test";
    b.persons = sc.persons;
    b.payees = sc.payees;
    b.cases = {sc.data};
    store.import_bundle(b, "close.xml", "sha-close", "setup", T0);
    auto cands = security::hand_over_candidates(db(), m_tenant, "2026-11-20", {"SG-NORD"});
    std::erase_if(cands, [](auto const &c) { return c.file_ref != "50.1-0001"; });
    ASSERT_EQ(cands.size(), 1u);
    EXPECT_TRUE(security::hand_over_candidates(db(), m_tenant, "2026-11-20", {"SG-SUED"}).size() <
                security::hand_over_candidates(db(), m_tenant, "2026-11-20", {"SG-NORD", "SG-SUED"}).size());
    security::record_hand_over(db(), m_tenant, cands[0], "2020-01-15", T0, "setup");
    auto const due = security::purge_candidates(db(), m_tenant, "2026-11-20", {"SG-NORD"},
                                                [](std::string const &) { return 5; });
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].file_ref, "50.1-0001");
    EXPECT_EQ(due[0].retention_end, "2024-12-31");
    EXPECT_TRUE(security::purge_candidates(db(), m_tenant, "2024-12-30", {"SG-NORD"},
                                           [](std::string const &) { return 5; })
                    .empty());
    long long const case_id = due[0].case_id;
    std::string const members_sql = "SELECT COUNT(*) FROM case_members m JOIN case_versions cv ON cv.id = "
                                    "m.case_version_id WHERE cv.case_id = " + std::to_string(case_id);
    ASSERT_GT(count(db(), members_sql), 0);
    std::string family;
    db().sql() << "SELECT pv.family_name FROM person_versions pv JOIN case_members m ON m.person_id = pv.person_id JOIN "
                  "case_versions cv ON cv.id = m.case_version_id WHERE cv.case_id = :c LIMIT 1",
        soci::use(case_id), soci::into(family);
    ASSERT_GT(count(db(), "SELECT COUNT(*) FROM audit_log WHERE new_values LIKE '%" + family + "%'"), 0);

    // a payment made to the person long ago: kept for the budget law, but pseudonymised
    long long run_id = 0;
    db().sql() << "INSERT INTO payment_runs (tenant_id, run_ref, month, state, execution_date, prepared_by, prepared_at, "
                  "content_hash, files_hash, orders_count, total_cents, held_count) VALUES (:t, 'KIEL-201906-R1', "
                  "'2019-06', 'exported', '2019-05-31', 'setup', :n, 'h', 'f', 1, 40000, 0) RETURNING id",
        soci::use(m_tenant), soci::use(std::string{T0}), soci::into(run_id);
    db().sql() << "INSERT INTO payment_orders (tenant_id, payment_run_id, case_id, month, law, budget_line, channel, "
                  "purpose, payee_ext_id, creditor_name, iban, bic, card_ref, remittance, amount_cents, end_to_end_id, "
                  "state, hold_reason) VALUES (:t, :r, :c, '2019-06', 'SGB12-4', '3120', 'sepa', 'benefit', 'Z-X', :name, "
                  "'DE89370400440532013000', '', '', 'SGB XII 4. Kap. 2019-06 50.1-0001', 40000, 'KIEL-201906-R1-00001', "
                  "'exported', '')",
        soci::use(m_tenant), soci::use(run_id), soci::use(case_id), soci::use(family);
    auto const order = security::ensure_archive_order(db(), m_tenant, "LASH-2026-1", T0, "setup");
    {
        soci::transaction tr{db().sql()};
        auto const r = security::purge_case(db(), case_id, "purged-x");
        security::record_purge(db(), m_tenant, order, due[0], "purged-x", r, "f.xml", "sha", T0, "setup");
        tr.commit();
        EXPECT_GT(r.rows_deleted, 0);
        EXPECT_GT(r.audit_redacted, 0);
    }
    EXPECT_EQ(count(db(), members_sql), 0);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM person_versions WHERE family_name = '" + family + "'"), 0);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM audit_log WHERE new_values LIKE '%" + family + "%' OR old_values LIKE '%" +
                              family + "%'"),
              0);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM case_versions WHERE case_id = " + std::to_string(case_id)), 2);
    std::string const orders_sql = "SELECT COUNT(*) FROM payment_orders WHERE case_id = " + std::to_string(case_id);
    EXPECT_EQ(count(db(), orders_sql), 1); // the budget record stays
    EXPECT_EQ(count(db(), orders_sql + " AND amount_cents = 40000 AND creditor_name = 'purged-x' AND iban = '' AND "
                                       "remittance = 'purged-x'"),
              1);
    auto const v = security::verify_chain(db());
    EXPECT_FALSE(v.broken) << v.reason;
    EXPECT_GT(v.redacted, 0);
    EXPECT_TRUE(security::purge_candidates(db(), m_tenant, "2026-11-20", {"SG-NORD"},
                                           [](std::string const &) { return 5; })
                    .empty());
}

TEST_P(security_test, ProtocolIsAppendOnly)
{
    security::protocol_entry_t e;
    e.tenant_id = m_tenant;
    e.at = T0;
    e.event = "login-failed";
    e.operator_name = "anna";
    e.job = "cases list";
    e.detail = "wrong password";
    security::append_protocol(db(), e);
    auto const read = security::read_protocol(db(), m_tenant, "2026-01-01");
    ASSERT_EQ(read.size(), 1u);
    EXPECT_EQ(read[0].event, "login-failed");
    EXPECT_EQ(read[0].db_role.empty(), !pg());
    EXPECT_ANY_THROW(db().sql() << "DELETE FROM protocol");
    EXPECT_EQ(security::read_protocol(db(), m_tenant, "").size(), 1u);
}

TEST_P(security_test, ResultsAndOrdersNameACaseOfTheirOwnTenant)
{
    if (!pg()) {
        GTEST_SKIP() << "the tenant in the case's key is PostgreSQL's (migration 0025)";
    }
    std::string const t0 = T0;
    long long other = 0;
    db().sql() << "INSERT INTO tenants (code, name, created_at) VALUES ('luebeck', 'Luebeck', :n) RETURNING id",
        soci::use(t0), soci::into(other);
    long long case_id = 0, cv = 0, wg = 0;
    db().sql() << "SELECT case_id, id, work_group_id FROM case_versions WHERE tenant_id = :t ORDER BY id LIMIT 1",
        soci::use(m_tenant), soci::into(case_id), soci::into(cv), soci::into(wg);
    ASSERT_GT(case_id, 0);
    // a calculation run and a payment run of each tenant
    auto calc_run = [&](long long tenant) {
        long long id = 0;
        db().sql() << "INSERT INTO calc_runs (tenant_id, month, as_of, started_at, operator, params_overlay) "
                      "VALUES (:t, '2026-01', :a, :s, 'setup', '') RETURNING id",
            soci::use(tenant), soci::use(t0), soci::use(t0), soci::into(id);
        return id;
    };
    auto pay_run = [&](long long tenant, std::string const &ref) {
        long long id = 0;
        db().sql() << "INSERT INTO payment_runs (tenant_id, run_ref, month, state, execution_date, prepared_by, "
                      "prepared_at, content_hash, files_hash, orders_count, total_cents, held_count) VALUES (:t, :r, "
                      "'2026-01', 'prepared', '2026-01-30', 'setup', :p, '', '', 0, 0, 0) RETURNING id",
            soci::use(tenant), soci::use(ref), soci::use(t0), soci::into(id);
        return id;
    };
    auto result = [&](long long tenant, long long run, int version) {
        db().sql() << "INSERT INTO calc_results (tenant_id, case_id, month, version, calc_run_id, case_version_id, law, "
                      "work_group_id, result_hash, needs_cents, in_kind_cents, income_counted_cents, "
                      "income_applied_cents, entitlement_cents, offsets_cents, payout_cents, created_at) VALUES (:t, :c, "
                      "'2026-01', :v, :r, :cv, 'sgb12-hlu', :w, 'h', 0, 0, 0, 0, 0, 0, 0, :n)",
            soci::use(tenant), soci::use(case_id), soci::use(version), soci::use(run), soci::use(cv), soci::use(wg),
            soci::use(t0);
    };
    auto order = [&](long long tenant, long long run, std::string const &e2e) {
        db().sql() << "INSERT INTO payment_orders (tenant_id, payment_run_id, case_id, month, law, budget_line, channel, "
                      "purpose, payee_ext_id, creditor_name, iban, bic, card_ref, remittance, amount_cents, "
                      "end_to_end_id, state, hold_reason) VALUES (:t, :r, :c, '2026-01', 'sgb12-hlu', 'x', 'sepa', "
                      "'benefit', 'P', 'N', 'DE02120300000000202051', '', '', 'r', 100, :e, 'prepared', '')",
            soci::use(tenant), soci::use(run), soci::use(case_id), soci::use(e2e);
    };
    long long const own_calc = calc_run(m_tenant), other_calc = calc_run(other);
    long long const own_pay = pay_run(m_tenant, "R-OWN"), other_pay = pay_run(other, "R-OTHER");
    // the own tenant's rows are taken; the same rows under the other tenant name a case that is not theirs
    EXPECT_NO_THROW(result(m_tenant, own_calc, 901));
    EXPECT_NO_THROW(order(m_tenant, own_pay, "E2E-OWN"));
    try {
        result(other, other_calc, 902);
        ADD_FAILURE() << "a result of another tenant's case was stored";
    } catch (soci::soci_error const &e) {
        EXPECT_NE(std::string{e.what()}.find("calc_results_case_tenant_fkey"), std::string::npos) << e.what();
    }
    try {
        order(other, other_pay, "E2E-OTHER");
        ADD_FAILURE() << "an order for another tenant's case was stored";
    } catch (soci::soci_error const &e) {
        EXPECT_NE(std::string{e.what()}.find("payment_orders_case_tenant_fkey"), std::string::npos) << e.what();
    }
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM calc_results WHERE version IN (901, 902)"), 1);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM payment_orders WHERE end_to_end_id LIKE 'E2E-%'"), 1);
}

SOZBATCH_BOTH_BACKENDS(security_test);
