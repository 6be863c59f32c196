// SPDX-License-Identifier: GPL-3.0-or-later
// The scale paths of the data layer on both backends (docs/scaling.md): bulk inserts (COPY on
// PostgreSQL) with the write log intact, the chunked case reader against single loads, shards of
// a month, and batched result saving against save().
#include "db_fixture.hpp"

#include "formats/case_import/reader.hpp"
#include "lib/calc/calculate.hpp"
#include "lib/core/error.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/bulk.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/migrations.hpp"
#include "lib/db/result_store.hpp"
#include "lib/db/row.hpp"
#include "lib/params/parameter_set.hpp"
#include "lib/security/audit.hpp"
#include "lib/security/protection.hpp"

#include <algorithm>
#include <map>
#include <set>

using namespace sozbatch;
using sozbatch::testing::db_test;

namespace {

char const *const T0 = "2026-11-01T08:00:00Z";
char const *const T1 = "2026-11-20T09:00:00Z";

long long count(db::database_t &db, std::string const &sql)
{
    long long n = 0;
    db.sql() << sql, soci::into(n);
    return n;
}

std::string persons_text(std::vector<domain::person_t> const &ps)
{
    std::string s;
    for (auto const &p : ps) {
        s += db::canonical(p) + "\n";
    }
    return s;
}

std::string payees_text(std::vector<domain::payee_t> const &ps)
{
    std::string s;
    for (auto const &p : ps) {
        s += db::canonical(p) + "\n";
    }
    return s;
}

} // namespace

class bulk_test : public db_test
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

    long long m_tenant = 0;
};

TEST_P(bulk_test, InsertRowsKeepsEveryValueAndWritesOneLogEntryPerRow)
{
    // texts with the characters COPY's text format escapes, NULLs, and more than one COPY buffer
    std::string const odd = "tab\there, new\nline, cr\rx, back\\slash, quote ' \" and Jürgen Weiß €";
    long long const n = 2500;
    db::bulk_rows_t rows{"job_runs", {"tenant_id", "job", "parameters", "operator", "started_at", "ended_at", "exit_code",
                                      "summary"}};
    for (long long i = 0; i < n; ++i) {
        rows.add(m_tenant).add("bulk-" + std::to_string(i)).add(odd + std::string(400, 'x')).add("tester").add(T1);
        if (i % 2) {
            rows.add(T1).add(i % 3).add(odd);
        } else {
            rows.add_null().add_null().add_null();
        }
    }
    ASSERT_EQ(rows.size(), static_cast<std::size_t>(n));
    long long const log_before = count(db(), "SELECT COUNT(*) FROM audit_log WHERE table_name = 'job_runs'");
    {
        soci::transaction tr{db().sql()};
        db::insert_rows(db(), rows);
        tr.commit();
    }
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM job_runs WHERE job LIKE 'bulk-%'"), n);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM job_runs WHERE job LIKE 'bulk-%' AND ended_at IS NULL"), n / 2);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM job_runs WHERE job LIKE 'bulk-%' AND summary IS NULL AND exit_code IS NULL"),
              n / 2);
    soci::row r;
    db().sql() << "SELECT parameters, summary, exit_code FROM job_runs WHERE job = 'bulk-7'", soci::into(r);
    EXPECT_EQ(db::text(r, 0), odd + std::string(400, 'x'));
    EXPECT_EQ(db::text(r, 1), odd);
    EXPECT_EQ(db::int64(r, 2), 1);
    // the write log got one entry per row and its chain is intact
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM audit_log WHERE table_name = 'job_runs'") - log_before, n);
    auto const v = security::verify_chain(db());
    EXPECT_FALSE(v.broken) << v.reason;
    EXPECT_GE(v.entries, n);
}

TEST_P(bulk_test, InsertRowsReturningNamesTheIdOfEveryKey)
{
    db::bulk_rows_t rows{"work_groups", {"tenant_id", "code", "name"}};
    for (int i = 0; i < 40; ++i) {
        rows.add(m_tenant).add("WG-" + std::to_string(100 + i)).add("Gruppe " + std::to_string(i));
    }
    std::vector<std::pair<long long, std::string>> got;
    {
        soci::transaction tr{db().sql()};
        got = db::insert_rows_returning(db(), rows, "code");
        tr.commit();
    }
    ASSERT_EQ(got.size(), 40u);
    std::set<long long> ids;
    for (auto const &[id, code] : got) {
        ids.insert(id);
        std::string stored;
        db().sql() << "SELECT code FROM work_groups WHERE id = :i", soci::use(id), soci::into(stored);
        EXPECT_EQ(stored, code);
    }
    EXPECT_EQ(ids.size(), 40u);
    // ids are assigned in row order
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got.front().second, "WG-100");
    EXPECT_EQ(got.back().second, "WG-139");
}

TEST_P(bulk_test, ChunkedReadGivesWhatSingleLoadsGive)
{
    db::case_store_t store{db()};
    // a second version of some cases, so that "as of" matters
    auto bundle = formats::read_case_import(SOZBATCH_SOURCE_DIR "/samples/demo-cases.xml");
    bundle.cases.at(0).incomes.at(0).gross = money_t::euros(333);
    bundle.persons.at(0).family_name = "Geändert";
    store.import_bundle(bundle, "demo-cases-2.xml", "sha-demo-2", "setup", T1);
    for (std::optional<std::string> const &as_of : {std::optional<std::string>{}, std::optional<std::string>{T0}}) {
        db::case_filter_t all;
        all.as_of = as_of;
        long long seen = 0;
        store.for_each_case(
            m_tenant, all,
            [&](db::stored_case_t &&c) {
                ++seen;
                auto const one = store.load_case(m_tenant, c.data.file_ref, as_of);
                ASSERT_TRUE(one.has_value());
                EXPECT_EQ(c.case_version_id, one->case_version_id);
                EXPECT_EQ(c.version, one->version);
                EXPECT_EQ(c.work_group_id, one->work_group_id);
                EXPECT_NE(c.work_group_id, 0);
                EXPECT_EQ(db::canonical(c.data), db::canonical(one->data)) << c.data.file_ref;
                EXPECT_EQ(persons_text(c.persons), persons_text(one->persons)) << c.data.file_ref;
                EXPECT_EQ(payees_text(c.payees), payees_text(one->payees)) << c.data.file_ref;
                EXPECT_FALSE(c.persons.empty());
            },
            4);
        EXPECT_EQ(seen, static_cast<long long>(bundle.cases.size()));
    }
    // the reader gives the data as known then: the first version before T1, the second after
    auto const then = store.load_case(m_tenant, bundle.cases.at(0).file_ref, std::string{T0});
    auto const now = store.load_case(m_tenant, bundle.cases.at(0).file_ref);
    ASSERT_TRUE(then && now);
    EXPECT_EQ(then->version, 1);
    EXPECT_EQ(now->version, 2);
    EXPECT_EQ(now->data.incomes.at(0).gross, money_t::euros(333));
    EXPECT_NE(then->data.incomes.at(0).gross, money_t::euros(333));
}

TEST_P(bulk_test, PartsLeaveOutWhatTheJobDoesNotNeedAndKeepTheRest)
{
    db::case_store_t store{db()};
    std::map<std::string, db::stored_case_t> whole;
    store.for_each_case(m_tenant, {}, [&](db::stored_case_t &&c) { whole.emplace(c.data.file_ref, std::move(c)); }, 4);
    db::case_filter_t payments;
    payments.parts = db::case_parts_t::for_payments();
    std::size_t seen = 0, with_offsets = 0, with_incomes = 0, with_others = 0;
    store.for_each_case(
        m_tenant, payments,
        [&](db::stored_case_t &&c) {
            ++seen;
            auto const &w = whole.at(c.data.file_ref);
            with_incomes += w.data.incomes.empty() ? 0 : 1;
            with_offsets += w.data.offsets.empty() ? 0 : 1;
            // what a payment run needs, as in the whole case
            EXPECT_EQ(c.case_version_id, w.case_version_id);
            // of the members only the applicants, in their order, and only the applicants' persons
            std::vector<std::string> applicants;
            std::vector<domain::person_t> applicant_persons;
            for (auto const &m : w.data.members) {
                if (m.role == domain::member_role_t::applicant) {
                    applicants.push_back(m.person_id);
                }
            }
            for (auto const &p : w.persons) {
                if (std::find(applicants.begin(), applicants.end(), p.ext_id) != applicants.end()) {
                    applicant_persons.push_back(p);
                }
            }
            with_others += w.data.members.size() > applicants.size() ? 1 : 0;
            ASSERT_EQ(c.data.members.size(), applicants.size()) << c.data.file_ref;
            for (std::size_t i = 0; i < applicants.size(); ++i) {
                EXPECT_EQ(c.data.members[i].role, domain::member_role_t::applicant);
                EXPECT_EQ(c.data.members[i].person_id, applicants[i]);
            }
            EXPECT_FALSE(applicants.empty()) << c.data.file_ref;
            EXPECT_EQ(persons_text(c.persons), persons_text(applicant_persons));
            EXPECT_EQ(c.data.assignments.size(), w.data.assignments.size());
            EXPECT_EQ(c.data.offsets.size(), w.data.offsets.size());
            EXPECT_EQ(payees_text(c.payees), payees_text(w.payees));
            // the calculation's parts are not read
            EXPECT_TRUE(c.data.approvals.empty() && c.data.needs.empty() && c.data.incomes.empty() &&
                        c.data.housing.empty() && c.data.assets.empty() && c.data.claims.empty())
                << c.data.file_ref;
        },
        4);
    EXPECT_EQ(seen, whole.size());
    EXPECT_GT(with_incomes, 0u);
    EXPECT_GT(with_offsets, 0u);
    EXPECT_GT(with_others, 0u); // some case has a partner or child, whom the payment parts leave out
}

TEST_P(bulk_test, ShardsTogetherAreTheWholeMonthEachCaseOnce)
{
    db::case_store_t store{db()};
    std::vector<std::string> whole;
    store.for_each_case(m_tenant, {}, [&](db::stored_case_t &&c) { whole.push_back(c.data.file_ref); });
    ASSERT_GT(whole.size(), 10u);
    std::multiset<std::string> from_shards;
    for (int k = 0; k < 3; ++k) {
        db::case_filter_t f;
        f.shard_count = 3;
        f.shard_index = k;
        std::size_t in_shard = 0;
        // pages of 4 Aktenzeichen, of which the shard keeps some: a short page is not the end
        store.for_each_case(
            m_tenant, f,
            [&](db::stored_case_t &&c) {
                EXPECT_EQ(c.case_id % 3, k);
                from_shards.insert(c.data.file_ref);
                ++in_shard;
            },
            4);
        EXPECT_GT(in_shard, 0u);
        EXPECT_LT(in_shard, whole.size());
    }
    EXPECT_EQ(std::vector<std::string>(from_shards.begin(), from_shards.end()), whole);
}

TEST_P(bulk_test, BatchedSavingHasTheOutcomesOfSave)
{
    month_t const month{2026, 12};
    auto const params = params::parameter_set_t::load();
    calc::month_params_t const mp{params, month};
    calc::calculator_t calculator{mp};
    db::case_store_t store{db()};
    db::result_store_t results{db()};
    long long const run = results.begin_run(m_tenant, month, T1, T1, "tester", "kiel");
    std::vector<std::pair<db::stored_case_t, calc::case_result_t>> done;
    store.for_each_case(m_tenant, {}, [&](db::stored_case_t &&c) {
        calc::case_result_t r;
        try {
            calculator.calculate(c.data, c.persons, r);
        } catch (sozbatch::error_t const &) {
            return;
        }
        if (r.lines.empty()) {
            return;
        }
        done.emplace_back(std::move(c), std::move(r));
    });
    ASSERT_GT(done.size(), 10u);
    std::size_t lines = 0, payouts = 0;
    {
        db::result_batch_t batch{db(), m_tenant, run, T1, 4};
        for (auto const &[c, r] : done) {
            batch.add(c, r);
            lines += r.lines.size();
            payouts += r.payouts.size();
        }
        batch.flush();
        EXPECT_EQ(batch.counts().new_results, static_cast<long long>(done.size()));
        EXPECT_EQ(batch.counts().unchanged, 0);
    }
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM calc_results"), static_cast<long long>(done.size()));
    // the lines are a document of their result (migration 0018): no row in calc_lines and no write-log
    // entry of their own, but every line in the result's entry and in the view calc_result_lines
    long long amounts = 0;
    for (auto const &[c, r] : done) {
        for (auto const &l : r.lines) {
            amounts += l.amount.as_cents();
        }
    }
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM calc_lines"), 0);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM calc_result_lines"), static_cast<long long>(lines));
    EXPECT_EQ(count(db(), "SELECT SUM(amount_cents) FROM calc_result_lines"), amounts);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM audit_log WHERE table_name = 'calc_lines'"), 0);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM audit_log WHERE table_name = 'calc_results' AND new_values LIKE "
                          "'%[[1,%'"),
              static_cast<long long>(done.size()));
    // payouts and flags likewise (migration 0020): in the result's document, its log entry and the views
    long long payout_cents = 0, flags = 0;
    for (auto const &[c, r] : done) {
        for (auto const &p : r.payouts) {
            payout_cents += p.amount.as_cents();
        }
        flags += static_cast<long long>(r.flags.size());
    }
    ASSERT_GT(payouts, 0u);
    ASSERT_GT(flags, 0);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM calc_payouts"), 0);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM calc_flags"), 0);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM audit_log WHERE table_name IN ('calc_payouts', 'calc_flags')"), 0);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM calc_result_payouts"), static_cast<long long>(payouts));
    EXPECT_EQ(count(db(), "SELECT SUM(amount_cents) FROM calc_result_payouts"), payout_cents);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM calc_result_flags"), flags);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM calc_result_payouts p JOIN calc_results r ON r.id = p.calc_result_id "
                          "WHERE p.seq = 1 AND r.payouts NOT LIKE '[[\"' || p.payee_ext_id || '\",%'"),
              0);
    for (auto const &[c, r] : done) {
        auto const h = results.latest(m_tenant, c.data.file_ref, month);
        ASSERT_TRUE(h.has_value());
        auto const stored = results.payouts(h->id);
        ASSERT_EQ(stored.size(), r.payouts.size()) << c.data.file_ref;
        for (std::size_t i = 0; i < stored.size(); ++i) {
            EXPECT_EQ(stored[i].payee_id, r.payouts[i].payee_id);
            EXPECT_EQ(stored[i].purpose, r.payouts[i].purpose);
            EXPECT_EQ(stored[i].amount, r.payouts[i].amount);
        }
    }
    for (auto const &[c, r] : done) {
        auto const h = results.latest(m_tenant, c.data.file_ref, month);
        ASSERT_TRUE(h.has_value());
        EXPECT_EQ(h->hash, sha256_hex(db::canonical(r)));
        EXPECT_EQ(h->version, 1);
        EXPECT_EQ(h->totals, r.totals);
        auto const stored = results.lines(h->id);
        ASSERT_EQ(stored.size(), r.lines.size());
        for (std::size_t i = 0; i < stored.size(); ++i) {
            EXPECT_EQ(stored[i].kind, calc::line_kind_code(r.lines[i].kind));
            EXPECT_EQ(stored[i].cls, calc::line_class_code(r.lines[i].cls));
            EXPECT_EQ(stored[i].legal_basis, r.legal_basis_text(r.lines[i]));
            EXPECT_EQ(stored[i].monthly, r.lines[i].monthly);
            EXPECT_EQ(stored[i].amount, r.lines[i].amount);
            EXPECT_EQ(stored[i].days, static_cast<int>(r.lines[i].days));
            EXPECT_EQ(stored[i].note, r.lines[i].note);
        }
        EXPECT_EQ(results.payouts(h->id), r.payouts);
    }
    // the same results again: unchanged, nothing written; one changed result: a new version
    {
        db::result_batch_t batch{db(), m_tenant, run, T1, 3};
        for (auto const &[c, r] : done) {
            batch.add(c, r);
        }
        batch.flush();
        EXPECT_EQ(batch.counts().unchanged, static_cast<long long>(done.size()));
        EXPECT_EQ(batch.counts().new_results + batch.counts().new_versions, 0);
    }
    auto changed = done.front().second;
    changed.totals.payout += money_t::cents(100);
    auto const saved = results.save(m_tenant, run, done.front().first, changed, T1);
    EXPECT_EQ(saved.outcome, db::save_outcome_t::new_version);
    EXPECT_EQ(saved.version, 2);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM calc_results"), static_cast<long long>(done.size()) + 1);
    auto const v = security::verify_chain(db());
    EXPECT_FALSE(v.broken) << v.reason;
}

SOZBATCH_BOTH_BACKENDS(bulk_test);

TEST_P(bulk_test, ResultsWrittenBeforeTheDocumentsKeepTheirRows)
{
    // a result as migration 0017 left it: no document, its lines as rows of calc_lines
    db::result_store_t results{db()};
    long long const run = results.begin_run(m_tenant, month_t{2026, 12}, T1, T1, "tester", "kiel");
    long long const cv = count(db(), "SELECT MIN(id) FROM case_versions");
    std::string const c = std::to_string(count(db(), "SELECT case_id FROM case_versions WHERE id = " + std::to_string(cv)));
    std::string const t = std::to_string(m_tenant);
    db().sql() << "INSERT INTO calc_results (tenant_id, case_id, month, version, calc_run_id, case_version_id, law, "
                  "work_group_id, result_hash, needs_cents, in_kind_cents, income_counted_cents, income_applied_cents, "
                  "entitlement_cents, offsets_cents, payout_cents, created_at) SELECT " + t + ", " + c + ", '2026-12', 1, " +
                      std::to_string(run) + ", id, law, work_group_id, 'h', 1, 0, 0, 0, 1, 0, 1, '" + T1 +
                      "' FROM case_versions WHERE id = " + std::to_string(cv);
    long long const id = count(db(), "SELECT MAX(id) FROM calc_results");
    for (int seq : {2, 1}) {
        db().sql() << "INSERT INTO calc_lines (tenant_id, calc_result_id, seq, person_ext_id, segment_from, segment_to, "
                      "kind, cls, legal_basis, basis_cents, factor_num, factor_den, monthly_cents, days, day_share, "
                      "amount_cents, params, note) VALUES (" + t + ", " + std::to_string(id) + ", " + std::to_string(seq) +
                          ", 'P1', '2026-12-01', '2026-12-31', 'regelbedarf', 'need', '§ 28', 100, 0, 0, " +
                          std::to_string(100 * seq) + ", 31, 1, " + std::to_string(100 * seq) + ", 'p', 'alt')";
    }
    auto const lines = results.lines(id);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].amount, money_t::cents(100)); // by seq
    EXPECT_EQ(lines[1].amount, money_t::cents(200));
    EXPECT_EQ(lines[1].note, "alt");
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM calc_result_lines WHERE calc_result_id = " + std::to_string(id)), 2);
    EXPECT_EQ(count(db(), "SELECT SUM(amount_cents) FROM calc_result_lines WHERE calc_result_id = " + std::to_string(id)),
              300);
    // its payouts and flags as migration 0019 left them: rows of calc_payouts and calc_flags (in id order)
    db().sql() << "INSERT INTO calc_payouts (tenant_id, calc_result_id, payee_ext_id, purpose, amount_cents) VALUES (" +
                      t + ", " + std::to_string(id) + ", 'Z-L', 'rent', 250)";
    db().sql() << "INSERT INTO calc_payouts (tenant_id, calc_result_id, payee_ext_id, purpose, amount_cents) VALUES (" +
                      t + ", " + std::to_string(id) + ", 'Z-A', 'benefit', 50)";
    db().sql() << "INSERT INTO calc_flags (tenant_id, calc_result_id, person_ext_id, code, text) VALUES (" + t + ", " +
                      std::to_string(id) + ", 'P1', 'alt', 'alter Hinweis')";
    auto const payouts = results.payouts(id);
    ASSERT_EQ(payouts.size(), 2u);
    EXPECT_EQ(payouts[0].payee_id, "Z-L");
    EXPECT_EQ(payouts[0].amount, money_t::cents(250));
    EXPECT_EQ(payouts[1].payee_id, "Z-A");
    EXPECT_EQ(count(db(), "SELECT SUM(amount_cents * seq) FROM calc_result_payouts WHERE calc_result_id = " +
                              std::to_string(id)),
              250 + 2 * 50);
    EXPECT_EQ(count(db(), "SELECT COUNT(*) FROM calc_result_flags WHERE calc_result_id = " + std::to_string(id) +
                              " AND code = 'alt' AND seq = 1"),
              1);
    // a damaged payouts document is refused with the result's id
    db().sql() << "UPDATE calc_results SET payouts = '[[\"Z-L\",\"rent\"]]' WHERE id = " + std::to_string(id);
    try {
        results.payouts(id);
        ADD_FAILURE() << "a damaged payouts document was read";
    } catch (db_error const &e) {
        EXPECT_NE(std::string{e.what()}.find("calc_results.payouts of result " + std::to_string(id)), std::string::npos)
            << e.what();
    }
    // a damaged document is refused with the result's id, not read as no lines
    db().sql() << "UPDATE calc_results SET lines = '[[1,' WHERE id = " + std::to_string(id);
    try {
        results.lines(id);
        ADD_FAILURE() << "a damaged document was read";
    } catch (db_error const &e) {
        EXPECT_NE(std::string{e.what()}.find("calc_results.lines of result " + std::to_string(id)), std::string::npos)
            << e.what();
    }
}
