// SPDX-License-Identifier: GPL-3.0-or-later
// The notice job's decision logic on both backends: which Bescheid a case-month needs from the
// stored results, differences and approvals, and that a recorded letter is not planned again.
#include "db_fixture.hpp"
#include "erika_bundle.hpp"
#include "jobs/notices_letter.hpp"
#include "jobs/notices_plan.hpp"
#include "jobs/params_source.hpp"
#include "lib/calc/calculate.hpp"
#include "lib/core/error.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/migrations.hpp"
#include "lib/db/notice_store.hpp"
#include "lib/db/result_store.hpp"

using namespace sozbatch;
using namespace sozbatch::domain;
using sozbatch::testing::db_test;
using sozbatch::testing::erika_bundle;
using sozbatch::testing::erika_payee;
using notice::notice_kind_t;

namespace {

char const *const T0 = "2026-09-01T08:00:00Z";

case_bundle_t bundle(money_t rent_from_nov15, std::string const &approval_to = "2026-12-31")
{
    auto b = erika_bundle("2026-10-01");
    b.payees.push_back(erika_payee());
    auto &c = b.cases.front();
    c.approvals.push_back(approval_t{"B1", period_t{parse_date("2026-10-01"), parse_date(approval_to)},
                                     "Sachbearbeiterin A", parse_timestamp("2026-09-20T10:00:00Z"),
                                     approval_state_t::approved});
    income_t in;
    in.person_id = "P1";
    in.kind = "widow-pension";
    in.gross = money_t::parse("325.00");
    in.validity = period_t{parse_date("2020-01-01"), std::nullopt};
    c.incomes.push_back(in);
    housing_t h;
    h.basic_rent = money_t::euros(285);
    h.service_charges = money_t::euros(50);
    h.heating = money_t::euros(35);
    h.validity = period_t{parse_date("2020-01-01"), parse_date("2026-11-14")};
    c.housing.push_back(h);
    h.basic_rent = rent_from_nov15;
    h.validity = period_t{parse_date("2026-11-15"), std::nullopt};
    c.housing.push_back(h);
    c.assignments.push_back(assignment_t{"Z1", assignment_purpose_t::benefit, std::nullopt,
                                         period_t{parse_date("2020-01-01"), std::nullopt}});
    return b;
}

} // namespace

class notice_plan_test : public db_test
{
protected:
    void SetUp() override
    {
        db_test::SetUp();
        if (!IsSkipped() && !HasFatalFailure()) {
            db::migrate(db(), T0);
        }
    }

    void import(case_bundle_t const &b, std::string const &sha, std::string const &now)
    {
        db::case_store_t store{db()};
        store.import_bundle(b, sha + ".xml", sha, "tester", now);
        m_tenant = *store.find_tenant("kiel");
    }

    /// Calculates the case for \p m and stores the result. \returns the outcome
    db::saved_result_t calc(std::string const &m, std::string const &now)
    {
        month_t const month = month_t::parse(m);
        auto const params = jobs::load_params("", "");
        calc::month_params_t const mp{params, month};
        calc::calculator_t calculator{mp};
        db::case_store_t cases{db()};
        db::result_store_t results{db()};
        auto const sc = cases.load_case(m_tenant, "50.1-0001");
        EXPECT_TRUE(sc.has_value());
        calc::case_result_t r;
        calculator.calculate(sc->data, sc->persons, r);
        long long const run = results.begin_run(m_tenant, month, now, now, "tester", params.overlay_name());
        return results.save(m_tenant, run, *sc, r, now);
    }

    std::vector<jobs::planned_notice_t> plan(std::string const &m, jobs::event_map_t const &map = {})
    {
        return jobs::plan_notices(db(), m_tenant, month_t::parse(m), map, {});
    }

    long long m_tenant = 0;
};

TEST_P(notice_plan_test, FirstMonthIsBewilligungAndAQuietMonthNeedsNoLetter)
{
    import(bundle(money_t::euros(285)), "a", T0);
    calc("2026-10", T0);
    auto const oct = plan("2026-10");
    ASSERT_EQ(oct.size(), 1u);
    EXPECT_EQ(oct[0].kind, notice_kind_t::bewilligung);
    EXPECT_EQ(oct[0].event, jobs::notice_event_t::first_approval);
    EXPECT_FALSE(oct[0].already_produced);

    calc("2026-11", T0); // nothing changed: the rent "change" keeps the amount
    EXPECT_TRUE(plan("2026-11").empty());
    // the optional payment notice, when configured
    auto const map = jobs::event_map_t::from_settings({{"notices.event.monthly-payment", "zahlungsmitteilung"}});
    auto const nov = plan("2026-11", map);
    ASSERT_EQ(nov.size(), 1u);
    EXPECT_EQ(nov[0].kind, notice_kind_t::zahlungsmitteilung);
}

TEST_P(notice_plan_test, ChangedRentIsAenderungFromTheDayOfTheChange)
{
    import(bundle(money_t::euros(310)), "a", T0);
    calc("2026-10", T0);
    calc("2026-11", T0);
    auto const nov = plan("2026-11");
    ASSERT_EQ(nov.size(), 1u);
    EXPECT_EQ(nov[0].kind, notice_kind_t::aenderung);
    ASSERT_TRUE(nov[0].effective_from.has_value());
    EXPECT_EQ(to_iso(*nov[0].effective_from), "2026-11-15");
    ASSERT_FALSE(nov[0].changes.empty());
    bool rent = false;
    for (auto const &c : nov[0].changes) {
        if (c.kind == "unterkunft") {
            rent = true;
            ASSERT_TRUE(c.old_monthly && c.new_monthly);
            EXPECT_EQ((*c.new_monthly - *c.old_monthly).as_cents(), 2500);
        }
    }
    EXPECT_TRUE(rent);

    // The letter shows old and new side by side and says why.
    auto settings = jobs::notice_settings_t::from_settings({{"letterhead.authority", "Stadt"},
                                                            {"letterhead.department", "Sozialamt"},
                                                            {"letterhead.street", "Markt 1"},
                                                            {"letterhead.postcode-city", "24103 Kiel"}});
    auto const letter = jobs::build_letter(nov[0], db(), settings, notice::template_set_t::embedded_defaults(),
                                           month_t::parse("2026-11"), parse_date("2026-11-20"));
    EXPECT_EQ(letter.kind, notice_kind_t::aenderung);
    EXPECT_EQ(letter.aktenzeichen, "50.1-0001");
    EXPECT_EQ(letter.addressee.postcode, "24103");
    EXPECT_EQ(letter.addressee.lines.front(), "Frau Erika Musterfrau");
    ASSERT_TRUE(letter.decision.monthly_old.has_value());
    ASSERT_FALSE(letter.sheets.empty());
    bool side_by_side = false;
    for (auto const &r : letter.sheets[0].rows) {
        if (r.norm.find("35") != std::string::npos && r.old_amount && *r.old_amount != r.amount) {
            side_by_side = true;
        }
    }
    EXPECT_TRUE(side_by_side);
    ASSERT_FALSE(letter.reasons.empty());
    EXPECT_EQ(letter.reasons[0].rule, "aenderung.posten");
}

TEST_P(notice_plan_test, ApprovalEndingInTheMonthIsEinstellungAndNoResultAnyMoreToo)
{
    import(bundle(money_t::euros(285), "2026-11-15"), "a", T0);
    calc("2026-10", T0);
    calc("2026-11", T0);
    auto const nov = plan("2026-11");
    ASSERT_EQ(nov.size(), 1u);
    EXPECT_EQ(nov[0].kind, notice_kind_t::einstellung);
    ASSERT_TRUE(nov[0].effective_from.has_value());
    EXPECT_EQ(to_iso(*nov[0].effective_from), "2026-11-16");
}

TEST_P(notice_plan_test, DifferencesGiveNachzahlungAndAnhoerungOnce)
{
    import(bundle(money_t::euros(285)), "a", T0);
    auto const oct = calc("2026-10", T0);
    auto const nov = calc("2026-11", T0);
    // Differences as the calculation stores them after recalculating a paid month.
    for (auto const &[kind, delta] : {std::pair{std::string{"nachzahlung"}, 1234LL}, std::pair{std::string{"ueberzahlung"}, -2500LL}}) {
        db().sql() << "INSERT INTO calc_differences (tenant_id, case_id, month, paid_result_id, new_result_id, kind, "
                      "entitlement_delta_cents, payout_delta_cents, created_at) SELECT tenant_id, case_id, '2026-10', "
                      ":p, :n, :k, :d, :d2, :now FROM calc_results WHERE id = :p2",
            soci::use(oct.result_id), soci::use(oct.result_id), soci::use(kind), soci::use(delta), soci::use(delta),
            soci::use(std::string{T0}), soci::use(oct.result_id);
    }
    (void)nov;
    auto const p = plan("2026-11");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].kind, notice_kind_t::nachzahlung);
    EXPECT_EQ(p[1].kind, notice_kind_t::anhoerung);
    ASSERT_TRUE(p[1].difference.has_value());
    EXPECT_EQ(p[1].difference->payout_delta.as_cents(), -2500);

    // Recorded as produced: a rerun plans them as already produced, also in a later month.
    db::notice_store_t store{db()};
    long long const run = store.begin_run(m_tenant, month_t::parse("2026-11"), T0, "tester", false, "");
    db::notice_record_t r;
    r.case_id = p[1].stored->case_id;
    r.month = "2026-11";
    r.kind = "anhoerung";
    r.event = "overpayment";
    r.event_ref = p[1].event_ref;
    r.difference_id = p[1].difference->id;
    r.state = "produced";
    r.document_id = "x";
    store.record(m_tenant, run, r, T0);
    auto const again = plan("2026-11");
    ASSERT_EQ(again.size(), 2u);
    EXPECT_FALSE(again[0].already_produced);
    EXPECT_TRUE(again[1].already_produced);
    calc("2026-12", T0);
    auto const dec = plan("2026-12");
    long long open_diffs = 0;
    for (auto const &n : dec) {
        open_diffs += n.difference && !n.already_produced;
    }
    EXPECT_EQ(open_diffs, 1);
    // --force: superseded letters are planned again
    EXPECT_EQ(store.supersede(m_tenant, month_t::parse("2026-11")), 1);
    EXPECT_FALSE(plan("2026-11")[1].already_produced);
}

TEST_P(notice_plan_test, EventMappingIsConfigurable)
{
    import(bundle(money_t::euros(285)), "a", T0);
    calc("2026-10", T0);
    auto const off = jobs::event_map_t::from_settings({{"notices.event.first-approval", "off"}});
    EXPECT_TRUE(plan("2026-10", off).empty());
    EXPECT_THROW(jobs::event_map_t::from_settings({{"notices.event.first-approval", "brief"}}), config_error);
    EXPECT_THROW(jobs::event_map_t::from_settings({{"notices.event.holiday", "bewilligung"}}), config_error);
    EXPECT_THROW(plan("2027-05"), usage_error); // no results for the month at all
}

SOZBATCH_BOTH_BACKENDS(notice_plan_test);
