// SPDX-License-Identifier: GPL-3.0-or-later
/// \file
/// \brief Invariants of the payment run on both backends (docs/payments.md): four eyes, every
/// payable order in exactly one exported file and nothing exported twice, held orders in no file,
/// idempotent bank feedback.

#include "db_fixture.hpp"
#include "erika_bundle.hpp"

#include "lib/core/error.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/migrations.hpp"
#include "lib/db/payment_store.hpp"
#include "lib/payments/payment_run.hpp"
#include "lib/security/audit.hpp"
#include "lib/security/protection.hpp"
#include "jobs/payment_delta.hpp"

#include <soci/soci.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace sozbatch;
using namespace sozbatch::domain;
using sozbatch::testing::db_test;
using sozbatch::testing::erika_bundle;

namespace {

char const *const T0 = "2026-11-20T09:00:00Z";
char const *const T1 = "2026-11-21T10:00:00Z";
char const *const RUN = "KIEL-202612-R1";

db::payee_row_t payee(std::string ext, std::string kind, std::string name, std::string iban)
{
    return db::payee_row_t{std::move(ext), std::move(kind), std::move(name), std::move(iban), "", "", ""};
}

std::string read(std::string const &path)
{
    std::ifstream in{path, std::ios::binary};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

long long count_occurrences(std::string const &text, std::string const &what)
{
    long long n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) {
        ++n;
    }
    return n;
}

} // namespace

class payments_test : public db_test
{
protected:
    void SetUp() override
    {
        db_test::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        db::migrate(db(), T0);
        db::case_store_t cases{db()};
        cases.import_bundle(erika_bundle(), "a.xml", "sha-a", "tester", T0);
        m_tenant = *cases.find_tenant("kiel");
        auto const list = cases.list_cases(m_tenant, db::case_filter_t{});
        ASSERT_EQ(list.size(), 1u);
        m_case = list[0].case_id;
        m_cfg = payments::payment_config_t::from_settings({{"sepa.debtor-name", "Landeshauptstadt Kiel Sozialamt"},
                                                           {"sepa.debtor-iban", "DE28210501700001000017"},
                                                           {"sepa.max-transactions", "2"}});
        char tmpl[] = "/tmp/sozbatch-paytest.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        m_dir = tmpl;
    }
    void TearDown() override
    {
        if (!m_dir.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(m_dir, ec);
        }
        db_test::TearDown();
    }

    /// What an order of the test case for 2026-12 is built from.
    payments::order_source_t source(std::string file_ref, std::string law, std::string purpose,
                                    std::optional<db::payee_row_t> p, char const *amount) const
    {
        payments::order_source_t s;
        s.case_id = m_case;
        s.file_ref = std::move(file_ref);
        s.law = std::move(law);
        s.month = "2026-12";
        s.purpose = std::move(purpose);
        s.payee = std::move(p);
        s.applicant_name = "Erika Musterfrau";
        s.amount = money_t::parse(amount);
        return s;
    }

    /// Run RUN for 2026-12 as prepared by \p by (hashes and totals still empty).
    static db::payment_run_t run_header(std::string const &by)
    {
        db::payment_run_t run;
        run.run_ref = RUN;
        run.month = "2026-12";
        run.execution_date = "2026-11-30";
        run.prepared_by = by;
        run.prepared_at = T0;
        return run;
    }

    /// A run prepared by \p by: three SEPA transfers (two files at max 2), one cash order, two held.
    long long prepare(std::string const &by)
    {
        std::vector<payments::order_source_t> src;
        auto add = [&](std::string purpose, std::optional<db::payee_row_t> p, char const *amount) {
            src.push_back(source("50.1-0001", "SGB12-4", std::move(purpose), std::move(p), amount));
        };
        add("benefit", payee("Z1", "person", "Erika Musterfrau", "DE89370400440532013000"), "512.34");
        add("rent", payee("Z2", "landlord", "Kieler Wohnungsbau GmbH", "DE02120300000000202051"), "335.00");
        add("energy", payee("Z3", "energy-provider", "Stadtwerke Kiel AG", "DE02500105170137075030"), "41.00");
        add("benefit", payee("Z4", "person", "Hans Bar", ""), "100.00");                                 // cash
        add("rent", payee("Z5", "landlord", "Vermieter mit Fehler", "DE00210501700001000017"), "200.00"); // held
        add("benefit", payee("Z6", "person", "Null Betrag", "DE89370400440532013000"), "0.00");          // held
        auto run = run_header(by);
        std::vector<std::string> notes;
        long long no = 0;
        for (auto const &s : src) {
            m_orders.push_back(payments::build_order(m_cfg, s, RUN, ++no, notes));
        }
        for (auto const &o : m_orders) {
            if (o.state == "held") {
                ++run.held_count;
            } else {
                run.total += o.amount;
            }
        }
        run.orders_count = static_cast<long long>(m_orders.size());
        run.content_hash = payments::content_hash(m_orders);
        run.files_hash = payments::compute_files_hash(m_cfg, run, m_orders).files_hash;
        db::payment_store_t store{db()};
        return store.create_run(m_tenant, run, m_orders);
    }

    /// Renders and records the export as pay export does (without the job around it).
    payments::rendered_t export_run(long long run_id)
    {
        db::payment_store_t store{db()};
        auto const run = *store.find_run(m_tenant, RUN);
        auto const rendered = payments::render_files(m_cfg, run, store.orders(run_id), m_dir);
        EXPECT_EQ(rendered.files_hash, run.files_hash) << "the files differ from the prepared ones";
        store.record_export(m_tenant, run_id, rendered.files, T1);
        return rendered;
    }

    long long scalar(std::string const &sql)
    {
        long long n = 0;
        db().sql() << sql, soci::into(n);
        return n;
    }

    std::string order_state(std::string const &e2e)
    {
        db::payment_store_t store{db()};
        return store.order_by_e2e(m_tenant, e2e)->state;
    }

    long long m_tenant = 0;
    long long m_case = 0;
    payments::payment_config_t m_cfg;
    std::vector<db::payment_order_t> m_orders;
    std::string m_dir;
};

TEST_P(payments_test, HeldOrdersCarryTheirReason)
{
    prepare("anna");
    ASSERT_EQ(m_orders.size(), 6u);
    EXPECT_EQ(m_orders[0].state, "prepared");
    EXPECT_EQ(m_orders[0].channel, "sepa");
    EXPECT_EQ(m_orders[3].channel, "cash");
    EXPECT_EQ(m_orders[3].state, "prepared");
    EXPECT_EQ(m_orders[4].state, "held");
    EXPECT_NE(m_orders[4].hold_reason.find("invalid IBAN"), std::string::npos) << m_orders[4].hold_reason;
    EXPECT_EQ(m_orders[5].state, "held");
    EXPECT_NE(m_orders[5].hold_reason.find("zero"), std::string::npos) << m_orders[5].hold_reason;
    EXPECT_EQ(m_orders[1].ultimate_creditor, "Erika Musterfrau"); // rent to the landlord names the client
    EXPECT_EQ(m_orders[0].end_to_end_id, std::string{RUN} + "-00001");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_orders WHERE state = 'held'"), 2);
}

TEST_P(payments_test, FourEyesReleaseNeedsASecondOperator)
{
    auto const id = prepare("anna");
    db::payment_store_t store{db()};
    EXPECT_THROW(store.release(id, "anna", T1), access_error);
    EXPECT_EQ(store.find_run(m_tenant, RUN)->state, "prepared");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_order_states WHERE state = 'released'"), 0);

    store.release(id, "paul", T1);
    auto const run = *store.find_run(m_tenant, RUN);
    EXPECT_EQ(run.state, "released");
    EXPECT_EQ(run.released_by, "paul");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_order_states WHERE state = 'released'"), 4);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_order_states WHERE state = 'held'"), 2);
    EXPECT_THROW(store.release(id, "paul", T1), internal_error); // released once only
}

TEST_P(payments_test, ExportNeedsTheRelease)
{
    auto const id = prepare("anna");
    db::payment_store_t store{db()};
    auto const run = *store.find_run(m_tenant, RUN);
    auto const rendered = payments::render_files(m_cfg, run, store.orders(id), m_dir);
    EXPECT_THROW(store.record_export(m_tenant, id, rendered.files, T1), internal_error);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_files"), 0);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_orders WHERE state = 'exported'"), 0);
}

TEST_P(payments_test, EveryPayableOrderInExactlyOneExportedFile)
{
    auto const id = prepare("anna");
    db::payment_store_t store{db()};
    store.release(id, "paul", T1);
    auto const rendered = export_run(id);

    // three transfers split at max 2 into two pain.001 files, plus the cash list
    ASSERT_EQ(rendered.files.size(), 3u);
    EXPECT_EQ(rendered.files[0].file_name, std::string{RUN} + "-F01.xml");
    EXPECT_EQ(rendered.files[0].tx_count, 2);
    EXPECT_EQ(rendered.files[1].file_name, std::string{RUN} + "-F02.xml");
    EXPECT_EQ(rendered.files[1].tx_count, 1);
    EXPECT_EQ(rendered.files[2].file_name, std::string{RUN} + "-CASH.csv");
    EXPECT_EQ(store.find_run(m_tenant, RUN)->state, "exported");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_files"), 3);
    EXPECT_EQ(scalar("SELECT COUNT(DISTINCT msg_id) FROM payment_files"), 3);
    EXPECT_EQ(scalar("SELECT SUM(tx_count) FROM payment_files"), 4);
    // the orders are exported as of the run, each in its file's range (migration 0019): the view
    // shows every state and file, and neither release nor export updated an order
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_order_states WHERE state = 'exported' AND payment_file_id IS NOT NULL"), 4);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_order_states WHERE state = 'held' AND payment_file_id IS NULL"), 2);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_order_states"), 6);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_orders WHERE payment_file_id IS NOT NULL OR state NOT IN ('prepared', "
                     "'held')"),
              0);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_files WHERE first_order_no IS NULL OR last_order_no IS NULL"), 0);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit_log WHERE table_name = 'payment_orders' AND operation <> 'INSERT'"), 0);
    for (auto const &f : rendered.files) {
        // the bank's MsgId finds exactly the file's orders, in order-number order
        auto const of_msg = store.orders_of_msg(m_tenant, f.msg_id);
        std::vector<long long> nos;
        for (auto const &o : of_msg) {
            nos.push_back(o.order_no);
            EXPECT_EQ(o.state, "exported") << o.end_to_end_id;
        }
        EXPECT_EQ(nos, f.order_nos.to_vector()) << f.file_name;
    }

    // on disk: each payable EndToEndId in exactly one file, the held ones in none
    std::map<std::string, long long> seen;
    for (auto const &f : rendered.files) {
        auto const text = read(m_dir + "/" + f.file_name);
        for (auto const &o : m_orders) {
            seen[o.end_to_end_id] += count_occurrences(text, o.end_to_end_id);
        }
    }
    for (auto const &o : m_orders) {
        EXPECT_EQ(seen[o.end_to_end_id], o.state == "held" ? 0 : 1) << o.end_to_end_id;
    }

    // a second export of the same run records nothing (no new MsgIds, no order twice)
    EXPECT_THROW(store.record_export(m_tenant, id, rendered.files, T1), internal_error);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_files"), 3);
    // rendering the exported run again gives the same bytes under the same MsgIds
    auto const again = payments::compute_files_hash(m_cfg, *store.find_run(m_tenant, RUN), store.orders(id));
    EXPECT_EQ(again.files_hash, rendered.files_hash);
    for (std::size_t i = 0; i < again.files.size(); ++i) {
        EXPECT_EQ(again.files[i].msg_id, rendered.files[i].msg_id);
        EXPECT_EQ(again.files[i].sha256, rendered.files[i].sha256);
    }
    // the exported benefit is covered: the next prepare of the month does not pay it again
    auto const covered = store.covered(m_tenant, "2026-12");
    EXPECT_EQ(covered.count({m_case, "benefit"}), 1u);
    EXPECT_EQ(covered.count({m_case, "rent"}), 1u);
}

// pay prepare, release and export read a run a page of orders at a time (docs/scaling.md): the
// files, hashes and totals from the stored run read in pages of 2 must be those of the orders in
// memory, with two debtor accounts whose transfers alternate, splits, cash, a card file and held
// orders; the export marks every payable order once.
TEST_P(payments_test, RunReadInPagesGivesTheFilesOfTheRunInMemory)
{
    auto const cfg = payments::payment_config_t::from_settings({{"sepa.debtor-name", "Landeshauptstadt Kiel Sozialamt"},
                                                                {"sepa.debtor-iban", "DE28210501700001000017"},
                                                                {"sepa.debtor-iban.SGB12-3", "DE02120300000000202051"},
                                                                {"sepa.max-transactions", "2"},
                                                                {"card.mode", "file"}});
    std::vector<db::payment_order_t> orders;
    std::vector<std::string> notes;
    long long no = 0;
    auto add = [&](char const *law, std::string purpose, db::payee_row_t p, char const *amount) {
        orders.push_back(payments::build_order(cfg, source("50.1-0001", law, std::move(purpose), std::move(p), amount),
                                               RUN, ++no, notes));
    };
    auto card = payee("K1", "card-provider", "Kartenanbieter GmbH", "");
    card.card_ref = "CARD-0042";
    for (int i = 0; i < 3; ++i) {
        add("SGB12-4", "benefit", payee("Z1", "person", "Erika Musterfrau", "DE89370400440532013000"), "512.34");
        add("SGB12-3", "rent", payee("Z2", "landlord", "Kieler Wohnungsbau GmbH", "DE02500105170137075030"), "335.00");
    }
    add("SGB12-4", "benefit", payee("Z4", "person", "Hans Bar", ""), "100.00");                      // cash
    add("SGB12-3", "benefit", payee("Z6", "person", "Null Betrag", "DE89370400440532013000"), "0.00"); // held
    add("SGB12-4", "benefit", card, "88.00");                                                      // card file
    add("SGB12-4", "energy", payee("Z3", "energy-provider", "Stadtwerke Kiel AG", "DE02500105170137075030"), "41.00");
    auto run = run_header("anna");
    run.content_hash = payments::content_hash(orders);
    run.orders_count = no;
    db::payment_store_t store{db()};
    long long const id = store.create_run(m_tenant, run, orders);
    auto const paged = payments::stored_orders(store, id, 2);

    EXPECT_EQ(payments::content_hash(paged), run.content_hash);
    auto const in_memory = payments::render_files(cfg, run, orders, m_dir + "/memory");
    auto const streamed = payments::render_files(cfg, run, paged, m_dir + "/paged");
    EXPECT_EQ(streamed.files_hash, in_memory.files_hash);
    // DE02… (SGB12-3: 3 transfers) sorts before DE28… (SGB12-4: 4): F01–F02, then F03–F04; then the lists
    std::vector<std::string> names;
    for (auto const &f : streamed.files) {
        names.push_back(f.file_name);
    }
    EXPECT_EQ(names, (std::vector<std::string>{std::string{RUN} + "-F01.xml", std::string{RUN} + "-F02.xml",
                                               std::string{RUN} + "-F03.xml", std::string{RUN} + "-F04.xml",
                                               std::string{RUN} + "-CASH.csv", std::string{RUN} + "-CARD.csv"}));
    ASSERT_EQ(streamed.files.size(), in_memory.files.size());
    for (std::size_t i = 0; i < streamed.files.size(); ++i) {
        auto const &a = streamed.files[i];
        auto const &b = in_memory.files[i];
        EXPECT_EQ(a.sha256, b.sha256) << a.file_name;
        EXPECT_EQ(a.order_nos.to_vector(), b.order_nos.to_vector()) << a.file_name;
        EXPECT_EQ(read(m_dir + "/paged/" + a.file_name), read(m_dir + "/memory/" + b.file_name)) << a.file_name;
        EXPECT_EQ(a.tx_count, static_cast<long long>(a.order_nos.size())) << a.file_name;
        money_t sum;
        for (auto const n : a.order_nos) {
            auto const &o = orders[static_cast<std::size_t>(n - 1)];
            sum += o.amount;
            EXPECT_NE(o.state, "held");
            if (a.channel == "sepa") {
                EXPECT_EQ(o.debtor_iban, a.debtor_iban) << a.file_name << " order " << n;
            }
        }
        EXPECT_EQ(a.ctrl_sum, sum) << a.file_name;
    }
    EXPECT_EQ(streamed.files[0].order_nos.to_vector(), (std::vector<long long>{2, 4}));
    EXPECT_EQ(streamed.files[1].order_nos.to_vector(), (std::vector<long long>{6}));
    EXPECT_EQ(streamed.files[2].order_nos.to_vector(), (std::vector<long long>{1, 3}));
    EXPECT_EQ(streamed.files[3].order_nos.to_vector(), (std::vector<long long>{5, 10}));
    EXPECT_EQ(streamed.files[4].order_nos.to_vector(), (std::vector<long long>{7}));
    EXPECT_EQ(streamed.files[5].order_nos.to_vector(), (std::vector<long long>{9}));

    // the protocol's totals and held list are the same read in pages as in memory
    auto const summary = payments::run_summary_t::of(paged);
    EXPECT_EQ(summary.orders, 10);
    EXPECT_EQ(summary.held, 1);
    ASSERT_EQ(summary.held_orders.size(), 1u);
    EXPECT_EQ(summary.held_orders[0].end_to_end_id, std::string{RUN} + "-00008");
    EXPECT_EQ(payments::protocol_csv(run, summary), payments::protocol_csv(run, payments::run_summary_t::of(
                                                                                   payments::orders_in(orders))));

    // the export records every payable order in its file, once
    store.release(id, "paul", T1);
    store.record_export(m_tenant, id, streamed.files, T1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_order_states WHERE state = 'exported' AND payment_file_id IS NOT NULL"), 9);
    // F04's range 5..10 holds 5 and 10 only: 6, 7 and 9 go to other files, 8 is held
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_order_states o JOIN payment_files f ON f.id = o.payment_file_id WHERE "
                     "f.file_name = 'KIEL-202612-R1-F04.xml'"),
              2);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_order_states o JOIN payment_files f ON f.id = o.payment_file_id WHERE "
                     "f.file_name = 'KIEL-202612-R1-F04.xml' AND o.order_no IN (5, 10)"),
              2);
    for (auto const &f : streamed.files) {
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_order_states o JOIN payment_files f ON f.id = o.payment_file_id "
                         "WHERE f.msg_id = '" + f.msg_id + "'"),
                  static_cast<long long>(f.order_nos.size()))
            << f.file_name;
    }
}

// The delta preview merges the regular payments of two stored runs read a page at a time; a source
// that is not in byte order of the Aktenzeichen is refused rather than merged wrongly.
TEST_P(payments_test, RegularPaymentsOfARunReadInPagesMergeLikeTheMaps)
{
    std::vector<db::payment_order_t> orders;
    std::vector<std::string> notes;
    long long no = 0;
    auto add = [&](std::string ref, std::string purpose, char const *amount) {
        auto const p = payee("Z1", "person", "Erika Musterfrau", "DE89370400440532013000");
        orders.push_back(payments::build_order(m_cfg, source(std::move(ref), "SGB12-4", std::move(purpose), p, amount),
                                               RUN, ++no, notes));
    };
    add("A-1", "benefit", "100.00");
    add("A-1", "rent", "50.00");
    add("B-2", "benefit", "0.00"); // held: not a payment
    add("C-3", "benefit", "10.00");
    add("C-3", "energy", "5.00");
    add("C-3", "rent", "1.00");
    add("D-4", "benefit", "20.00");
    auto run = run_header("anna");
    db::payment_store_t store{db()};
    long long const id = store.create_run(m_tenant, run, orders);

    std::vector<jobs::case_payment_entry_t> got;
    auto cursor = jobs::regular_payments_of_run(store, id, 2)();
    while (auto e = cursor()) {
        got.push_back(*e);
    }
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].first, "A-1");
    EXPECT_EQ(got[0].second.amount, money_t::parse("150.00"));
    EXPECT_EQ(got[1].first, "C-3");
    EXPECT_EQ(got[1].second.amount, money_t::parse("16.00"));
    EXPECT_EQ(got[2].first, "D-4");

    db::case_payments_t before{{"A-1", {money_t::parse("150.00"), 1}},
                               {"B-2", {money_t::parse("30.00"), 2}},
                               {"C-3", {money_t::parse("15.00"), 3}}};
    std::vector<std::string> seen;
    auto const d = jobs::compare_payments(jobs::payments_of(before), jobs::regular_payments_of_run(store, id, 3),
                                          [&](jobs::delta_case_t const &c) { seen.push_back(c.file_ref); });
    EXPECT_EQ(seen, (std::vector<std::string>{"C-3", "D-4", "B-2"})); // changed, new, then ended
    EXPECT_EQ(d.changed, 1);
    EXPECT_EQ(d.added, 1);
    EXPECT_EQ(d.ended, 1);
    EXPECT_EQ(d.total_before, money_t::parse("195.00"));
    EXPECT_EQ(d.total_after, money_t::parse("186.00"));
    auto const same = jobs::compare_payments(before, db::case_payments_t{{"A-1", {money_t::parse("150.00"), 1}},
                                                                         {"C-3", {money_t::parse("16.00"), 4}},
                                                                         {"D-4", {money_t::parse("20.00"), 7}}});
    EXPECT_EQ(same.total_after, d.total_after);
    EXPECT_EQ(same.cases.size(), 3u);

    jobs::payment_source_t const unordered = [] {
        return [n = 0]() mutable -> std::optional<jobs::case_payment_entry_t> {
            ++n;
            if (n == 1) return jobs::case_payment_entry_t{"B-2", {}};
            if (n == 2) return jobs::case_payment_entry_t{"A-1", {}};
            return std::nullopt;
        };
    };
    EXPECT_THROW(jobs::compare_payments(unordered, jobs::payments_of(before), [](auto const &) {}), internal_error);
}

// A release is one row whatever the size of the run (migration 0019): the run's state, not one
// update and write-log entry per order. Its orders read as released through the store and the
// view payment_order_states, the held ones stay held.
TEST_P(payments_test, ReleaseWritesTheRunNotEveryOrder)
{
    std::vector<db::payment_order_t> orders;
    std::vector<std::string> notes;
    auto s = source("50.1-0001", "SGB12-4", "benefit", payee("Z1", "person", "Erika Musterfrau", "DE89370400440532013000"),
                    "1.00");
    long long const n = 25'003;
    for (long long no = 1; no <= n; ++no) {
        s.amount = no % 10'000 == 0 ? money_t{} : money_t::parse("1.00"); // 2 held (zero) orders
        orders.push_back(payments::build_order(m_cfg, s, RUN, no, notes));
    }
    auto run = run_header("anna");
    security::install_protection(db()); // the write log, as `db migrate` installs it
    security::attach_connection(db(), "test");
    security::set_audit_context(db(), "tester", T0);
    db::payment_store_t store{db()};
    long long const id = store.create_run(m_tenant, run, orders);
    long long const logged = scalar("SELECT COUNT(*) FROM audit_log");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit_log WHERE table_name = 'payment_orders'"), n);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_order_states WHERE state = 'prepared'"), n - 2);
    store.release(id, "paul", T1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_order_states WHERE state = 'released'"), n - 2);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_order_states WHERE state = 'held'"), 2);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_order_states WHERE state = 'prepared'"), 0);
    long long released = 0;
    store.for_each_order(id, [&](db::payment_order_t const &o) { released += o.state == "released" ? 1 : 0; });
    EXPECT_EQ(released, n - 2);
    // one write-log entry: the run's update
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit_log"), logged + 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit_log WHERE table_name = 'payment_runs' AND operation = 'UPDATE'"), 1);
}

// Orders prepared before migration 0019 have no destination, and a run released before it has
// its orders in state 'released': the export records them the old way (each order names its
// file, state 'exported') and the bank's MsgId still finds them.
TEST_P(payments_test, OrdersPreparedBeforeTheRangesAreExportedTheOldWay)
{
    auto const id = prepare("anna");
    db::payment_store_t store{db()};
    store.release(id, "paul", T1);
    db().sql() << "UPDATE payment_orders SET destination = '', state = CASE WHEN state = 'held' THEN 'held' ELSE "
                  "'released' END";
    auto const rendered = export_run(id);
    EXPECT_EQ(store.find_run(m_tenant, RUN)->state, "exported");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_files WHERE first_order_no IS NULL AND last_order_no IS NULL"), 3);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_orders WHERE state = 'exported' AND payment_file_id IS NOT NULL"), 4);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_order_states WHERE state = 'exported' AND payment_file_id IS NOT NULL"), 4);
    for (auto const &f : rendered.files) {
        std::vector<long long> nos;
        for (auto const &o : store.orders_of_msg(m_tenant, f.msg_id)) {
            nos.push_back(o.order_no);
        }
        EXPECT_EQ(nos, f.order_nos.to_vector()) << f.file_name;
    }
    EXPECT_EQ(store.covered(m_tenant, "2026-12").count({m_case, "rent"}), 1u);
}

// The export refuses files that leave an order of the run out, or hold one twice, and records
// nothing: the run stays released, no file row.
TEST_P(payments_test, ExportRefusesFilesThatDoNotHoldEveryOrderOnce)
{
    auto const id = prepare("anna");
    db::payment_store_t store{db()};
    store.release(id, "paul", T1);
    auto const run = *store.find_run(m_tenant, RUN);
    auto rendered = payments::render_files(m_cfg, run, store.orders(id), m_dir);
    ASSERT_EQ(rendered.files.size(), 3u);
    ASSERT_EQ(rendered.files[0].order_nos.size(), 2u);

    auto short_of_one = rendered.files;
    increasing_list_t first_only;
    first_only.push_back(*short_of_one[0].order_nos.begin());
    short_of_one[0].order_nos = first_only;
    short_of_one[0].tx_count = 1;
    EXPECT_THROW(store.record_export(m_tenant, id, short_of_one, T1), internal_error);

    auto twice = rendered.files;
    twice[1].order_nos = rendered.files[0].order_nos; // F02 claims F01's orders
    EXPECT_THROW(store.record_export(m_tenant, id, twice, T1), internal_error);

    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_files"), 0);
    EXPECT_EQ(store.find_run(m_tenant, RUN)->state, "released");
    store.record_export(m_tenant, id, rendered.files, T1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_order_states WHERE state = 'exported'"), 4);
}

// The export names a file's orders by their stored destination: an order whose destination no
// longer fits its channel and account is refused before any file is written.
TEST_P(payments_test, ChangedDestinationIsRefusedByTheExport)
{
    auto const id = prepare("anna");
    db::payment_store_t store{db()};
    store.release(id, "paul", T1);
    db().sql() << "UPDATE payment_orders SET destination = 'cash' WHERE order_no = 1";
    auto const run = *store.find_run(m_tenant, RUN);
    try {
        payments::render_files(m_cfg, run, store.orders(id), m_dir + "/changed");
        ADD_FAILURE() << "an order with a changed destination was rendered";
    } catch (internal_error const &e) {
        EXPECT_NE(std::string{e.what()}.find(std::string{RUN} + "-00001 is stored for the cash file"), std::string::npos)
            << e.what();
    }
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_files"), 0);
}

TEST_P(payments_test, ChangedOrderVoidsTheRelease)
{
    auto const id = prepare("anna");
    db::payment_store_t store{db()};
    store.release(id, "paul", T1);
    db().sql() << "UPDATE payment_orders SET iban = 'DE02120300000000202051' WHERE order_no = 1";
    auto const run = *store.find_run(m_tenant, RUN);
    EXPECT_NE(payments::content_hash(store.orders(id)), run.content_hash);
}

TEST_P(payments_test, BankFeedbackIsIdempotent)
{
    auto const id = prepare("anna");
    db::payment_store_t store{db()};
    store.release(id, "paul", T1);
    export_run(id);
    // e1: the rent to the landlord (the only rent order not held), e2: the benefit transfer
    std::string const e1 = std::string{RUN} + "-00002";
    std::string const e2 = std::string{RUN} + "-00001";

    db::bank_event_t rj;
    rj.payment_order_id = store.order_by_e2e(m_tenant, e1)->id;
    rj.end_to_end_id = e1;
    rj.status = "rejected";
    rj.reason_code = "AC04";
    rj.amount = money_t::parse("335.00");
    db::bank_event_t un;
    un.end_to_end_id = "NOT-OURS";
    un.status = "unmatched";
    un.reason_code = "AC01";
    ASSERT_FALSE(store.bank_message_known(m_tenant, "sha-1"));
    store.record_bank_message(m_tenant, "sha-1", "pain.002", "BANK-1", "p2.xml", T1, {rj, un}, {});
    EXPECT_EQ(order_state(e1), "rejected");
    EXPECT_EQ(store.order_by_e2e(m_tenant, e1)->bank_reason, "AC04");
    EXPECT_EQ(order_state(e2), "exported");
    EXPECT_TRUE(store.bank_message_known(m_tenant, "sha-1"));
    auto const events = scalar("SELECT COUNT(*) FROM bank_events");
    EXPECT_EQ(events, 2);

    // the same file again: refused by the database, nothing changed
    EXPECT_THROW(store.record_bank_message(m_tenant, "sha-1", "pain.002", "BANK-1", "p2.xml", T1, {rj, un}, {}),
                 db_error);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM bank_events"), events);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM bank_messages"), 1);

    // a rejected order is no longer covered: the next run of the month pays it again
    EXPECT_EQ(store.covered(m_tenant, "2026-12").count({m_case, "rent"}), 0u);
    EXPECT_EQ(store.covered(m_tenant, "2026-12").count({m_case, "energy"}), 1u);
    ASSERT_EQ(store.returns(m_tenant).size(), 1u);

    // a return (MD07) reported in two different messages: applied once, one payment stop
    db::bank_event_t rt;
    rt.payment_order_id = store.order_by_e2e(m_tenant, e2)->id;
    rt.end_to_end_id = e2;
    rt.status = "returned";
    rt.reason_code = "MD07";
    rt.amount = money_t::parse("512.34");
    store.record_bank_message(m_tenant, "sha-2", "camt.054", "BANK-2", "c1.xml", T1, {rt}, {{*rt.payment_order_id, "MD07"}});
    store.record_bank_message(m_tenant, "sha-3", "camt.054", "BANK-3", "c2.xml", T1, {rt}, {{*rt.payment_order_id, "MD07"}});
    EXPECT_EQ(order_state(e2), "returned");
    EXPECT_EQ(store.stops(m_tenant).size(), 1u);
    EXPECT_EQ(store.active_stops(m_tenant).count({m_case, "Z1"}), 1u); // the payee of the returned benefit
    // a later return report does not turn the rejected order into a returned one
    store.record_bank_message(m_tenant, "sha-4", "camt.054", "BANK-4", "c3.xml", T1,
                              {db::bank_event_t{rj.payment_order_id, e1, "returned", "AC06", rj.amount}}, {});
    EXPECT_EQ(order_state(e1), "rejected");
    EXPECT_EQ(store.order_by_e2e(m_tenant, e1)->bank_reason, "AC04");
}

SOZBATCH_BOTH_BACKENDS(payments_test);
