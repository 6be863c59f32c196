// SPDX-License-Identifier: GPL-3.0-or-later
/// \file
/// \brief The run report on both backends (docs/formats/run-report.md): two months of the demo
/// office run through the real commands (calc, pay prepare, pay release by a second operator, pay
/// export); the report's totals by law, channel and state equal the payment orders' sums, the
/// 12-month series equals the orders per run month and law, the month-over-month comparison equals
/// the case sets of the two months, an operator of one work group sees only its orders, and two
/// reports of the same run are byte-identical.

#include "demo_office.hpp"

#include "formats/case_import/reader.hpp"
#include "jobs/job.hpp"
#include "jobs/payment_delta.hpp"
#include "jobs/report_job.hpp"
#include "lib/config/options.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/migrations.hpp"
#include "lib/db/payment_store.hpp"
#include "lib/db/report_store.hpp"
#include "lib/db/result_store.hpp"
#include "lib/security/audit.hpp"
#include "lib/security/operators.hpp"
#include "lib/security/protection.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace sozbatch;
using sozbatch::testing::db_test;
namespace fs = std::filesystem;
namespace po = boost::program_options;

namespace {

char const *const T0 = sozbatch::testing::DEMO_T0;

std::string read(fs::path const &path)
{
    std::ifstream in{path, std::ios::binary};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

class report_test : public sozbatch::testing::demo_office_test
{
};

TEST_P(report_test, TotalsSeriesAndComparisonEqualThePaymentOrders)
{
    std::string const nov = pay_month("2026-11");
    raise_pension();
    std::string const dec = pay_month("2026-12");
    ASSERT_EQ(dec, "KIEL-202612-R1");
    db::payment_store_t payments{db()};
    db::report_store_t store{db()};
    auto const run = *payments.find_run(m_tenant, dec);
    EXPECT_EQ(run.state, "exported");
    auto const orders = payments.orders(run.id);
    ASSERT_FALSE(orders.empty());

    // totals by law / channel / state, counted independently from the orders
    std::map<std::string, std::pair<long long, money_t>> law, channel, state;
    long long held = 0;
    money_t paid;
    for (auto const &o : orders) {
        ++state[o.state].first;
        state[o.state].second += o.amount;
        if (o.state == "held") {
            ++held;
            continue;
        }
        ++law[o.law].first;
        law[o.law].second += o.amount;
        ++channel[o.channel + "/" + o.purpose].first;
        channel[o.channel + "/" + o.purpose].second += o.amount;
        paid += o.amount;
    }
    EXPECT_GT(held, 0);
    EXPECT_EQ(paid, run.total) << "the run's stored total is the sum of its orders to pay";
    EXPECT_GE(law.size(), 3u) << "the demo office pays under several laws";
    EXPECT_GE(channel.size(), 3u) << "SEPA to persons and landlords, card or cash";
    std::map<std::string, std::pair<long long, money_t>> r_law, r_channel, r_state;
    for (auto const &t : store.run_totals(m_tenant, run.id, {})) {
        r_state[t.state].first += t.count;
        r_state[t.state].second += t.amount;
        if (t.state != "held") {
            r_law[t.law].first += t.count;
            r_law[t.law].second += t.amount;
            r_channel[t.channel + "/" + t.purpose].first += t.count;
            r_channel[t.channel + "/" + t.purpose].second += t.amount;
        }
    }
    EXPECT_EQ(r_law, law);
    EXPECT_EQ(r_channel, channel);
    EXPECT_EQ(r_state, state);

    // the 12-month series: orders per run month and law of both runs
    std::map<std::pair<std::string, std::string>, money_t> expected;
    for (auto const &ref : {nov, dec}) {
        auto const r = *payments.find_run(m_tenant, ref);
        for (auto const &o : payments.orders(r.id)) {
            if (o.state != "held") {
                expected[{r.month, o.law}] += o.amount;
            }
        }
    }
    std::map<std::pair<std::string, std::string>, money_t> series;
    for (auto const &m : store.monthly_by_law(m_tenant, "2026-01", "2026-12", run.id, {})) {
        series[{m.month, m.law}] += m.amount;
        EXPECT_GE(m.month, "2026-11");
    }
    EXPECT_EQ(series, expected);
    // a report of November: December is outside its window; a report of an earlier run of the month
    // does not count later runs
    std::map<std::pair<std::string, std::string>, money_t> nov_only;
    auto const nov_run = *payments.find_run(m_tenant, nov);
    for (auto const &m : store.monthly_by_law(m_tenant, "2025-12", "2026-11", nov_run.id, {})) {
        nov_only[{m.month, m.law}] += m.amount;
    }
    for (auto const &[k, v] : nov_only) {
        EXPECT_EQ(k.first, "2026-11");
        EXPECT_EQ(v, expected.at(k));
    }

    // the month-over-month comparison: the case sets of the two months' regular orders
    auto regular = [&](std::string const &ref) {
        std::map<std::string, money_t> m;
        for (auto const &o : payments.orders(payments.find_run(m_tenant, ref)->id)) {
            if (o.state != "held" && !o.difference_id) {
                m[o.file_ref] += o.amount;
            }
        }
        return m;
    };
    auto const before = regular(nov);
    auto const after = regular(dec);
    long long added = 0, ended = 0, changed = 0;
    for (auto const &[ref, a] : after) {
        added += before.count(ref) == 0;
        changed += before.count(ref) != 0 && before.at(ref) != a;
    }
    for (auto const &[ref, a] : before) {
        ended += after.count(ref) == 0;
    }
    auto const b = store.regular_payments(m_tenant, "2026-11", std::nullopt, {});
    auto const a = store.regular_payments(m_tenant, "2026-12", run.id, {});
    ASSERT_EQ(b.size(), before.size());
    ASSERT_EQ(a.size(), after.size());
    for (auto const &[ref, v] : after) {
        EXPECT_EQ(a.at(ref).amount, v) << ref;
        EXPECT_TRUE(a.at(ref).result_id.has_value()) << ref;
    }
    auto const delta = jobs::compare_payments(b, a);
    EXPECT_EQ(delta.added, added);
    EXPECT_EQ(delta.ended, ended);
    EXPECT_EQ(delta.changed, changed);
    EXPECT_GE(changed, 1) << "50.1-0001's pension changed";
    EXPECT_GE(ended, 1) << "approvals of the demo data end in November";
    auto const changed_case = std::find_if(delta.cases.begin(), delta.cases.end(),
                                           [](auto const &c) { return c.file_ref == "50.1-0001"; });
    ASSERT_NE(changed_case, delta.cases.end());
    EXPECT_EQ(changed_case->kind, jobs::delta_case_t::kind_t::changed);
    EXPECT_LT(changed_case->after, changed_case->before) << "more pension, less benefit";
    db::result_store_t results{db()};
    auto const lines = jobs::changed_lines(results, *changed_case->before_result, *changed_case->after_result);
    EXPECT_FALSE(lines.empty()) << "the changed line items of 50.1-0001";
    money_t tb, ta;
    for (auto const &[k, v] : before) tb += v;
    for (auto const &[k, v] : after) ta += v;
    EXPECT_EQ(delta.total_before, tb);
    EXPECT_EQ(delta.total_after, ta);

    // the written report shows these numbers
    auto ctx = context("anna", {"SG-NORD", "SG-SUED"});
    auto const files = jobs::write_run_report(*ctx, dec, m_dir + "/r1");
    ASSERT_EQ(files.size(), 4u);
    std::string const html = read(files[0]);
    EXPECT_NE(html.find("<html lang=\"de\">"), std::string::npos);
    EXPECT_NE(html.find(run.total.to_german()), std::string::npos) << "the run's total";
    for (auto const &[code, v] : law) {
        EXPECT_NE(html.find(v.second.to_german()), std::string::npos) << "the total of " << code;
    }
    EXPECT_NE(html.find(delta.total_before.to_german()), std::string::npos) << "the previous month's total";
    EXPECT_NE(html.find(nov), std::string::npos) << "the run compared with";
    EXPECT_NE(html.find("<tr><td>50.1-0001</td><td class=\"num\">" + changed_case->before.to_german() +
                        "</td><td class=\"num\">" + changed_case->after.to_german() + "</td>"),
              std::string::npos)
        << "the changed case with both amounts";
    for (auto const &l : lines) {
        EXPECT_NE(html.find("<tr class=\"detail\"><td>" + l.key + "</td><td class=\"num\">" + l.before.to_german()),
                  std::string::npos)
            << "the changed line item " << l.key;
    }
    for (auto const &f : files) {
        EXPECT_TRUE(fs::exists(f.string() + ".manifest")) << f;
        EXPECT_GT(fs::file_size(f), 100u) << f;
    }
    EXPECT_EQ(read(files[1]).substr(0, 5), "%PDF-");
    EXPECT_NE(read(files[2]).find("<svg"), std::string::npos);
    EXPECT_EQ(read(files[3]).substr(1, 3), "PNG");

    // deterministic: a second report of the same run gives the same bytes
    auto ctx2 = context("anna", {"SG-NORD", "SG-SUED"});
    auto const again = jobs::write_run_report(*ctx2, dec, m_dir + "/r2");
    for (std::size_t i = 0; i < files.size(); ++i) {
        EXPECT_EQ(read(files[i]), read(again[i])) << files[i].filename();
        EXPECT_EQ(read(files[i].string() + ".manifest"), read(again[i].string() + ".manifest"));
    }
    // --month picks the month's run
    EXPECT_EQ(jobs::latest_run_of_month(*ctx, "2026-11"), nov);
    EXPECT_THROW(jobs::latest_run_of_month(*ctx, "2027-01"), usage_error);
    EXPECT_THROW(jobs::write_run_report(*ctx, "KIEL-209901-R1", m_dir + "/r3"), usage_error);
}

TEST_P(report_test, AnOperatorOfOneWorkGroupSeesOnlyItsOrders)
{
    pay_month("2026-11");
    std::string const dec = pay_month("2026-12");
    db::payment_store_t payments{db()};
    db::report_store_t store{db()};
    auto const run = *payments.find_run(m_tenant, dec);
    auto const group = groups_of_cases();
    long long nord_orders = 0, sued_orders = 0;
    money_t nord_paid;
    for (auto const &o : payments.orders(run.id)) {
        if (group.at(o.file_ref) == "SG-NORD") {
            ++nord_orders;
            if (o.state != "held") {
                nord_paid += o.amount;
            }
        } else {
            ++sued_orders;
        }
    }
    ASSERT_GT(nord_orders, 0);
    ASSERT_GT(sued_orders, 0);
    long long count = 0;
    money_t paid;
    for (auto const &t : store.run_totals(m_tenant, run.id, {"SG-NORD"})) {
        count += t.count;
        if (t.state != "held") {
            paid += t.amount;
        }
    }
    EXPECT_EQ(count, nord_orders);
    EXPECT_EQ(paid, nord_paid);
    for (auto const &[ref, p] : store.regular_payments(m_tenant, "2026-12", run.id, {"SG-NORD"})) {
        EXPECT_EQ(group.at(ref), "SG-NORD") << ref;
    }

    auto ctx = context("nora", {"SG-NORD"});
    auto const files = jobs::write_run_report(*ctx, dec, m_dir + "/nord");
    std::string const html = read(files[0]);
    EXPECT_NE(html.find(std::to_string(sued_orders) + " Anordnungen dieses Zahllaufs gehören zu Fällen anderer "
                                                      "Arbeitsgruppen"),
              std::string::npos);
    EXPECT_NE(html.find(nord_paid.to_german()), std::string::npos);
    for (auto const &[ref, g] : group) {
        if (g == "SG-SUED") {
            EXPECT_EQ(html.find(">" + ref + "<"), std::string::npos) << "a case of SG-SUED in the report: " << ref;
        }
    }
}

SOZBATCH_BOTH_BACKENDS(report_test);
