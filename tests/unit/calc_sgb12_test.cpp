// SPDX-License-Identifier: GPL-3.0-or-later
// SGB XII 3./4. Kapitel rules at their boundaries, and the DRV 2016 worked example.
#include "calc_test_support.hpp"

#include "lib/calc/day_share.hpp"
#include "lib/calc/sgb12/p41_altersgrenze.hpp"
#include "lib/core/error.hpp"

#include <gtest/gtest.h>

using namespace sozbatch;
using namespace sozbatch::calc_test;
using calc::line_kind_t;
using domain::dwelling_t;
using domain::law_t;
using domain::member_role_t;

// Deutsche Rentenversicherung, worked example for Grundsicherung im Alter (2016): a single woman
// aged 65 with Merkzeichen G, rent 285 + Nebenkosten 50 + heating 35, widow's pension 325 EUR:
// 404 (RBS 1 2016) + 68.68 (17 %) + 370 (KdU) − 325 = 517.68 EUR. Figures as quoted in issue 4
// and in the project's parameter notes (section (b): "2016 G 68.68 (404 × 17 %): [V] DRV example").
TEST(CalcSgb12, DrvWorkedExample2016)
{
    builder_t b{law_t::sgb12_kap4, "DRV-2016"};
    b.person("W", date(1951, 1, 10))
        .approval(date(2016, 7, 1))
        .housing(dwelling_t::wohnung, 28500, 5000, 3500)
        .need("W", "merkzeichen-g")
        .income("W", "widow-pension", 32500);
    auto const r = b.run(month_t{2016, 8}, generous());
    EXPECT_EQ(cents(r, line_kind_t::regelbedarf), 40400);
    EXPECT_EQ(cents(r, line_kind_t::mehrbedarf_g), 6868);
    EXPECT_EQ(cents(r, line_kind_t::unterkunft), 33500);
    EXPECT_EQ(cents(r, line_kind_t::heizung), 3500);
    EXPECT_EQ(r.totals.needs.as_cents(), 84268);
    EXPECT_EQ(r.totals.income_counted.as_cents(), 32500);
    EXPECT_EQ(r.totals.entitlement.as_cents(), 51768);
    EXPECT_EQ(r.totals.payout.as_cents(), 51768);
    ASSERT_EQ(r.payouts.size(), 1U);
    EXPECT_EQ(r.payouts[0].amount.as_cents(), 51768);
    auto const *g = first_line(r, line_kind_t::mehrbedarf_g);
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->legal_basis, "§ 30 Abs. 1 Nr. 1 SGB XII");
    EXPECT_EQ(g->factor_num, 17);
    EXPECT_EQ(g->factor_den, 100);
}

TEST(CalcSgb12, P41AgeLimitByYearOfBirth)
{
    struct row_t { date birth; int extra; month_t first; };
    row_t const rows[] = {
        {date(1946, 5, 15), 0, month_t{2011, 6}},   // 65: completed 2011-05-14, from June
        {date(1946, 6, 1), 0, month_t{2011, 6}},    // completes 65 on 31 May
        {date(1947, 1, 1), 1, month_t{2012, 2}},    // 65 + 1 month
        {date(1952, 2, 29), 6, month_t{2017, 9}},   // 65 + 6 months, leap-day birthday
        {date(1958, 7, 20), 12, month_t{2024, 8}},  // 66
        {date(1959, 1, 1), 14, month_t{2025, 3}},   // 66 + 2 months
        {date(1963, 12, 31), 22, month_t{2030, 11}}, // 66 + 10 months
        {date(1964, 3, 1), 24, month_t{2031, 3}},   // 67: completed 2031-02-28
    };
    for (auto const &row : rows) {
        EXPECT_EQ(calc::p41_extra_months(row.birth.year()), row.extra) << to_iso(row.birth);
        EXPECT_EQ(calc::p41_first_month(row.birth), row.first) << to_iso(row.birth);
    }
}

TEST(CalcSgb12, P41KapitelFourNeedsTheAgeLimit)
{
    // born 1958-07-20: age limit reached from 2024-08 (see above)
    builder_t b{law_t::sgb12_kap4};
    b.person("A", date(1958, 7, 20)).approval(date(2024, 1, 1)).housing(dwelling_t::wohnung, 30000, 5000, 4000);
    auto const july = b.run(month_t{2024, 7});
    EXPECT_TRUE(july.has_flag("p41-not-met"));
    EXPECT_EQ(july.totals.entitlement.as_cents(), 0);
    auto const aug = b.run(month_t{2024, 8});
    EXPECT_FALSE(aug.has_flag("p41-not-met"));
    EXPECT_EQ(aug.totals.entitlement.as_cents(), 56300 + 35000 + 4000);
    // a temporary (befristete) full Erwerbsminderung is not § 41 Abs. 3
    b.need("A", "erwerbsminderung-voll");
    b.c.needs.back().validity = period_t{date(2024, 1, 1), date(2025, 12, 31)};
    EXPECT_TRUE(b.run(month_t{2024, 7}).has_flag("p41-not-met"));
    // a permanent one is
    b.c.needs.back().validity = period_t{date(2024, 1, 1), std::nullopt};
    EXPECT_EQ(b.run(month_t{2024, 7}).totals.entitlement.as_cents(), 56300 + 35000 + 4000);
}

TEST(CalcSgb12, DaysWithThirtyDayMonth)
{
    // [first, last] in a month of n days -> days counted
    EXPECT_EQ(calc::days_30(1, 28, 28), 30);
    EXPECT_EQ(calc::days_30(1, 29, 29), 30);
    EXPECT_EQ(calc::days_30(1, 30, 30), 30);
    EXPECT_EQ(calc::days_30(1, 31, 31), 30);
    EXPECT_EQ(calc::days_30(15, 28, 28), 16); // February: the last day completes the 30
    EXPECT_EQ(calc::days_30(1, 14, 28), 14);
    EXPECT_EQ(calc::days_30(2, 31, 31), 29);
    EXPECT_EQ(calc::days_30(16, 31, 31), 15);
    EXPECT_EQ(calc::days_30(31, 31, 31), 0);
    EXPECT_EQ(calc::days_30(1, 15, 31) + calc::days_30(16, 31, 31), 30);
    EXPECT_EQ(calc::pro_rata(money_t::euros(502), 16).as_cents(), 26773); // 267.7333 -> 267.73
    EXPECT_EQ(calc::pro_rata(money_t::cents(100), 15).as_cents(), 50);
    EXPECT_EQ(calc::exact_share(money_t::cents(10000), 0, 3).as_cents() + calc::exact_share(money_t::cents(10000), 1, 3).as_cents() +
                  calc::exact_share(money_t::cents(10000), 2, 3).as_cents(),
              10000);
}

TEST(CalcSgb12, PartialMonthsFromApprovals)
{
    auto rbs_for = [](date from, std::optional<date> to, month_t m) {
        builder_t b{law_t::sgb12_kap3};
        b.person("A", date(1980, 1, 1)).approval(from, to).housing(dwelling_t::wohnung, 0, 0, 0);
        return b.run(m);
    };
    // 28-day February 2023 from the 15th: 16 days of 502
    auto const feb = rbs_for(date(2023, 2, 15), std::nullopt, month_t{2023, 2});
    EXPECT_EQ(cents(feb, line_kind_t::regelbedarf), 26773);
    ASSERT_EQ(feb.segments.size(), 1U);
    EXPECT_EQ(feb.segments[0].days, 16);
    // leap February 2024, whole month: 30 days
    EXPECT_EQ(cents(rbs_for(date(2024, 2, 1), std::nullopt, month_t{2024, 2}), line_kind_t::regelbedarf), 56300);
    // 31-day month ending on the 15th: 15/30
    EXPECT_EQ(cents(rbs_for(date(2024, 1, 1), date(2024, 3, 15), month_t{2024, 3}), line_kind_t::regelbedarf), 28150);
    // 30-day month from the 2nd: 29/30
    EXPECT_EQ(cents(rbs_for(date(2024, 4, 2), std::nullopt, month_t{2024, 4}), line_kind_t::regelbedarf), 54423);
    // a pending approval pays nothing
    builder_t b{law_t::sgb12_kap3};
    b.person("A", date(1980, 1, 1))
        .approval(date(2024, 1, 1), std::nullopt, domain::approval_state_t::pending)
        .housing(dwelling_t::wohnung, 0, 0, 0);
    auto const pending = b.run(month_t{2024, 3});
    EXPECT_TRUE(pending.has_flag("no-approval"));
    EXPECT_EQ(pending.totals.payout.as_cents(), 0);
}

TEST(CalcSgb12, StageChangesOnTheBirthday)
{
    // child turns 6 on 2024-05-16: RBS 6 for 15 days, RBS 5 from the birthday (15 of 30 days)
    builder_t b{law_t::sgb12_kap3};
    b.person("M", date(1990, 3, 3))
        .person("K", date(2018, 5, 16), member_role_t::child)
        .approval(date(2024, 1, 1))
        .housing(dwelling_t::wohnung, 0, 0, 0, 2);
    auto const r = b.run(month_t{2024, 5});
    ASSERT_EQ(r.segments.size(), 2U);
    EXPECT_EQ(r.segments[0].to, date(2024, 5, 15));
    EXPECT_EQ(r.segments[1].from, date(2024, 5, 16));
    EXPECT_EQ(cents(r, line_kind_t::regelbedarf, "K"), 35700 / 2 + 39000 / 2);
    EXPECT_EQ(cents(r, line_kind_t::regelbedarf, "M"), 56300);
    // 14th birthday moves to RBS 4, 18th to RBS 1
    builder_t t{law_t::sgb12_kap3};
    t.person("T", date(2006, 6, 1)).approval(date(2024, 1, 1)).housing(dwelling_t::wohnung, 0, 0, 0);
    EXPECT_EQ(cents(t.run(month_t{2024, 5}), line_kind_t::regelbedarf), 47100);
    EXPECT_EQ(cents(t.run(month_t{2024, 6}), line_kind_t::regelbedarf), 56300);
}

TEST(CalcSgb12, RegelbedarfsstufeByWohnform)
{
    auto stage_amount = [](dwelling_t d, bool couple, int year) {
        builder_t b{law_t::sgb12_kap3};
        b.person("A", date(1970, 1, 1));
        if (couple) {
            b.person("P", date(1971, 1, 1), member_role_t::partner);
        }
        b.approval(date(2016, 1, 1)).housing(d, 0, 0, 0, couple ? 2 : 1);
        return cents(b.run(month_t{year, 3}), line_kind_t::regelbedarf, "A");
    };
    EXPECT_EQ(stage_amount(dwelling_t::wohnung, false, 2024), 56300);
    EXPECT_EQ(stage_amount(dwelling_t::wohnung, true, 2024), 50600);
    EXPECT_EQ(stage_amount(dwelling_t::einrichtung, false, 2024), 45100);
    EXPECT_EQ(stage_amount(dwelling_t::besondere_wohnform, false, 2024), 50600); // RBS 2 since 2020
    EXPECT_EQ(stage_amount(dwelling_t::besondere_wohnform, false, 2019), 33900); // RBS 3 before
}

TEST(CalcSgb12, MehrbedarfCapAbs6)
{
    // G (17 %) + pregnancy (17 %) + nutrition 80 % of RBS 1 > RBS: cut to the RBS (563.00)
    builder_t b{law_t::sgb12_kap3};
    b.person("A", date(1990, 1, 1))
        .approval(date(2024, 1, 1))
        .housing(dwelling_t::wohnung, 0, 0, 0)
        .need("A", "merkzeichen-g")
        .need("A", "erwerbsminderung-voll")
        .need("A", "pregnancy")
        .need("A", "kostenaufwendige-ernaehrung", 80);
    auto const r = b.run(month_t{2024, 3});
    money_t const sum = sum_of(r, line_kind_t::mehrbedarf_g) + sum_of(r, line_kind_t::mehrbedarf_pregnancy) +
                        sum_of(r, line_kind_t::mehrbedarf_nutrition);
    EXPECT_EQ(sum.as_cents(), 9571 + 9571 + 45040);
    EXPECT_EQ((sum + sum_of(r, line_kind_t::mehrbedarf_cap)).as_cents(), 56300);
    // below the cap: no cut
    builder_t c{law_t::sgb12_kap3};
    c.person("A", date(1990, 1, 1)).approval(date(2024, 1, 1)).housing(dwelling_t::wohnung, 0, 0, 0).need("A", "pregnancy");
    EXPECT_EQ(first_line(c.run(month_t{2024, 3}), line_kind_t::mehrbedarf_cap), nullptr);
    // Merkzeichen G below the age limit without Erwerbsminderung: none, flagged
    builder_t d{law_t::sgb12_kap3};
    d.person("A", date(1990, 1, 1)).approval(date(2024, 1, 1)).housing(dwelling_t::wohnung, 0, 0, 0).need("A", "merkzeichen-g");
    auto const rd = d.run(month_t{2024, 3});
    EXPECT_EQ(cents(rd, line_kind_t::mehrbedarf_g), 0);
    EXPECT_TRUE(rd.has_flag("p30-abs1-not-met"));
}

TEST(CalcSgb12, SingleParentShares)
{
    auto share = [](std::vector<date> const &children) {
        builder_t b{law_t::sgb12_kap3};
        b.person("M", date(1985, 1, 1));
        int i = 0;
        for (auto const &c : children) {
            b.person("K" + std::to_string(++i), c, member_role_t::child);
        }
        b.approval(date(2024, 1, 1)).housing(dwelling_t::wohnung, 0, 0, 0, 1 + i).need("M", "single-parent");
        return cents(b.run(month_t{2024, 3}), line_kind_t::mehrbedarf_single_parent);
    };
    EXPECT_EQ(share({date(2020, 1, 1)}), 20268);                                        // 1 child < 7: 36 %
    EXPECT_EQ(share({date(2014, 1, 1)}), 6756);                                         // 1 child of 10: 12 %
    EXPECT_EQ(share({date(2012, 1, 1), date(2014, 1, 1)}), 20268);                    // 2 under 16: 36 %
    EXPECT_EQ(share({date(2008, 1, 1), date(2010, 1, 1), date(2012, 1, 1), date(2014, 1, 1)}), 27024); // 4: 48 %
    EXPECT_EQ(share({date(2008, 1, 1), date(2009, 1, 1), date(2010, 1, 1), date(2011, 1, 1), date(2012, 1, 1),
                     date(2013, 1, 1)}),
              33780); // 6 children: max 60 %
}

TEST(CalcSgb12, HotWaterBySStage)
{
    builder_t b{law_t::sgb12_kap3};
    b.person("A", date(1980, 1, 1))
        .person("K", date(2015, 1, 1), member_role_t::child)
        .approval(date(2024, 1, 1))
        .housing(dwelling_t::wohnung, 0, 0, 0, 2, true);
    auto const r = b.run(month_t{2024, 3});
    EXPECT_EQ(cents(r, line_kind_t::mehrbedarf_hot_water, "A"), 1295); // 2.3 % of 563
    EXPECT_EQ(cents(r, line_kind_t::mehrbedarf_hot_water, "K"), 468);  // 1.2 % of 390
}

TEST(CalcSgb12, EarningsAllowanceAbs3WithCap)
{
    auto allowance = [](std::int64_t gross, std::string kind) {
        builder_t b{law_t::sgb12_kap3};
        b.person("A", date(1980, 1, 1)).approval(date(2024, 1, 1)).housing(dwelling_t::wohnung, 0, 0, 0).income("A", kind, gross);
        return -cents(b.run(month_t{2024, 3}), line_kind_t::income_allowance);
    };
    EXPECT_EQ(allowance(50000, "earnings"), 15000);  // 30 %
    EXPECT_EQ(allowance(93833, "earnings"), 28150);  // 30 % = 281.499 -> 281.50 = cap
    EXPECT_EQ(allowance(100000, "earnings"), 28150); // capped at 50 % of RBS 1
    EXPECT_EQ(allowance(20000, "wfbm"), 7038 + 6481); // 1/8 RBS 1 (70.375 -> 70.38) + 50 % of 129.62
    EXPECT_EQ(allowance(5000, "wfbm"), 5000);         // below 1/8: all free
    EXPECT_EQ(allowance(30000, "ehrenamt"), 25000);
    EXPECT_EQ(allowance(20000, "supplementary-pension"), 13000); // 100 + 30 % of 100
    EXPECT_EQ(allowance(150000, "supplementary-pension"), 28150); // capped
    EXPECT_EQ(allowance(30000, "pension"), 0);
}

TEST(CalcSgb12, GrundrenteAllowanceP82a)
{
    auto run = [](month_t m) {
        builder_t b{law_t::sgb12_kap4};
        b.person("A", date(1950, 1, 1)).approval(date(2019, 1, 1)).housing(dwelling_t::wohnung, 30000, 5000, 4000);
        b.income("A", "pension", 60000);
        b.c.incomes.back().grundrentenzeiten_33_years = true;
        return b.run(m);
    };
    EXPECT_EQ(cents(run(month_t{2020, 12}), line_kind_t::income_allowance), 0); // before 2021
    EXPECT_EQ(cents(run(month_t{2021, 1}), line_kind_t::income_allowance), -22300); // 100 + 150 = 250 > cap 223
    EXPECT_EQ(cents(run(month_t{2024, 1}), line_kind_t::income_allowance), -25000); // below cap 281.50
}

TEST(CalcSgb12, RentLimitAndKarenzzeit)
{
    auto run = [](date first_approval, month_t m) {
        builder_t b{law_t::sgb12_kap3};
        b.person("A", date(1980, 1, 1)).approval(first_approval).housing(dwelling_t::wohnung, 45000, 6000, 7000);
        return b.run(m);
    };
    // Kiel 2025: 1 person 474.50; actual bruttokalt 510.00
    auto const capped = run(date(2023, 6, 1), month_t{2025, 6});
    EXPECT_EQ(cents(capped, line_kind_t::unterkunft), 47450);
    EXPECT_EQ(cents(capped, line_kind_t::heizung), 7000);
    EXPECT_TRUE(capped.has_flag("rent-above-limit"));
    // within the first 12 months of receipt: actual rent
    auto const karenz = run(date(2025, 1, 1), month_t{2025, 12});
    EXPECT_EQ(cents(karenz, line_kind_t::unterkunft), 51000);
    EXPECT_TRUE(karenz.has_flag("rent-above-limit-karenzzeit"));
    auto const after = run(date(2025, 1, 1), month_t{2026, 1});
    EXPECT_EQ(cents(after, line_kind_t::unterkunft), 47450);
}

TEST(CalcSgb12, RentSharesPerHead)
{
    builder_t b{law_t::sgb12_kap4};
    b.person("A", date(1950, 1, 1)).approval(date(2020, 1, 1)).housing(dwelling_t::wohnung, 40000, 5000, 10000, 3);
    auto const r = b.run(month_t{2025, 3});
    EXPECT_EQ(cents(r, line_kind_t::unterkunft), 15000); // 450 / 3 (limit for 3: 679)
    EXPECT_EQ(cents(r, line_kind_t::heizung), 3333);
}

TEST(CalcSgb12, Kapitel4PartnerIncomeAboveOwnNeed)
{
    // applicant past the age limit; partner 60, not eligible, pension 1500: the partner's own need
    // is RBS 2 (506) + half the KdU (225); the surplus covers the applicant (§ 43 Abs. 1)
    builder_t b{law_t::sgb12_kap4};
    b.person("A", date(1950, 1, 1))
        .person("P", date(1965, 1, 1), member_role_t::partner)
        .approval(date(2020, 1, 1))
        .housing(dwelling_t::wohnung, 40000, 5000, 0, 2)
        .income("P", "pension", 90000);
    auto const r = b.run(month_t{2025, 3});
    EXPECT_TRUE(r.has_flag("p41-not-met"));
    // partner surplus 900 − 731 = 169; applicant need 506 + 225 = 731 -> 562
    EXPECT_EQ(r.totals.entitlement.as_cents(), 73100 - 16900);
    EXPECT_EQ(cents(r, line_kind_t::household_transfer, "A"), 16900);
    EXPECT_EQ(cents(r, line_kind_t::household_transfer, "P"), -16900);
}

TEST(CalcSgb12, KindergeldSurplusCountsForTheParent)
{
    // child of 10 with Kindergeld 255 and maintenance 400: need 390; Kindergeld surplus 255 − 0 ...
    builder_t b{law_t::sgb12_kap3};
    b.person("M", date(1985, 1, 1))
        .person("K", date(2014, 1, 1), member_role_t::child)
        .approval(date(2024, 1, 1))
        .housing(dwelling_t::wohnung, 0, 0, 0, 2)
        .income("K", "maintenance", 30000)
        .income("K", "kindergeld", 25000);
    auto const r = b.run(month_t{2024, 3});
    // child's need 390 + 25 Sofortzuschlag? (2024: 20) = 410; income 550: surplus 140, all Kindergeld
    EXPECT_EQ(cents(r, line_kind_t::kindergeld_transfer, "K"), -14000);
    EXPECT_EQ(cents(r, line_kind_t::kindergeld_transfer, "M"), 14000);
    EXPECT_EQ(r.totals.entitlement.as_cents(), 56300 - 14000);
}

TEST(CalcSgb12, SofortzuschlagForMinors)
{
    auto run = [](month_t m) {
        builder_t b{law_t::sgb12_kap3};
        b.person("M", date(1985, 1, 1))
            .person("K", date(2014, 1, 1), member_role_t::child)
            .approval(date(2020, 1, 1))
            .housing(dwelling_t::wohnung, 0, 0, 0, 2);
        return cents(b.run(m), line_kind_t::sofortzuschlag);
    };
    EXPECT_EQ(run(month_t{2022, 6}), 0);
    EXPECT_EQ(run(month_t{2022, 7}), 2000);
    EXPECT_EQ(run(month_t{2025, 1}), 2500);
}

TEST(CalcSgb12, BarbetragInEinrichtung)
{
    builder_t b{law_t::sgb12_kap3};
    b.person("A", date(1960, 1, 1)).approval(date(2020, 1, 1)).housing(dwelling_t::einrichtung, 0, 0, 0);
    auto const r = b.run(month_t{2024, 3});
    EXPECT_EQ(cents(r, line_kind_t::barbetrag), 15201); // 27 % of 563
    EXPECT_EQ(cents(r, line_kind_t::regelbedarf), 45100); // RBS 3
}

TEST(CalcSgb12, OneOffIncomeSpread)
{
    builder_t b{law_t::sgb12_kap3};
    b.person("A", date(1980, 1, 1)).approval(date(2024, 1, 1)).housing(dwelling_t::wohnung, 0, 0, 0);
    domain::income_t i;
    i.person_id = "A";
    i.kind = "one-off";
    i.gross = money_t::cents(100000);
    i.spread_months = 3;
    i.validity = period_t{date(2024, 2, 10), date(2024, 2, 10)};
    b.c.incomes.push_back(i);
    std::int64_t total = 0;
    for (int m = 1; m <= 5; ++m) {
        total += cents(b.run(month_t{2024, m}), line_kind_t::income_gross);
    }
    EXPECT_EQ(cents(b.run(month_t{2024, 1}), line_kind_t::income_gross), 0);
    EXPECT_EQ(cents(b.run(month_t{2024, 2}), line_kind_t::income_gross), 33333);
    EXPECT_EQ(cents(b.run(month_t{2024, 5}), line_kind_t::income_gross), 0);
    EXPECT_EQ(total, 100000);
}

TEST(CalcSgb12, UndecidableCasesThrowCaseError)
{
    builder_t b{law_t::sgb12_kap3, "50.1-BAD"};
    b.person("A", date(1980, 1, 1)).approval(date(2024, 1, 1)).housing(dwelling_t::wohnung, 0, 0, 0);
    b.persons[0].birth_date.reset();
    try {
        (void)b.run(month_t{2024, 3});
        FAIL();
    } catch (case_error const &e) {
        std::string const msg = e.what();
        EXPECT_NE(msg.find("50.1-BAD"), std::string::npos);
        EXPECT_NE(msg.find("person A"), std::string::npos);
        EXPECT_NE(msg.find("birth date"), std::string::npos);
    }
    builder_t h{law_t::sgb12_kap3, "50.1-NOHOUSE"};
    h.person("A", date(1980, 1, 1)).approval(date(2024, 1, 1));
    EXPECT_THROW((void)h.run(month_t{2024, 3}), case_error);
    // no parameter in force: RBS for 2027 is not published
    builder_t p{law_t::sgb12_kap3, "50.1-2027"};
    p.person("A", date(1980, 1, 1)).approval(date(2024, 1, 1)).housing(dwelling_t::wohnung, 0, 0, 0);
    try {
        (void)p.run(month_t{2027, 1});
        FAIL();
    } catch (case_error const &e) {
        EXPECT_NE(std::string{e.what()}.find("sgb12.rbs.1"), std::string::npos) << e.what();
    }
}

TEST(CalcSgb12, PayoutSplitAndOffsetsAndDifference)
{
    builder_t b{law_t::sgb12_kap3};
    b.person("A", date(1980, 1, 1)).approval(date(2024, 1, 1)).housing(dwelling_t::wohnung, 40000, 5000, 6000);
    domain::assignment_t rent;
    rent.payee_id = "LANDLORD";
    rent.purpose = domain::assignment_purpose_t::rent;
    rent.validity = period_t{date(2024, 1, 1), std::nullopt};
    b.c.assignments.push_back(rent);
    domain::offset_t off;
    off.claim_id = "C1";
    off.monthly = money_t::cents(2815);
    off.validity = period_t{date(2024, 1, 1), std::nullopt};
    b.c.offsets.push_back(off);
    auto const r = b.run(month_t{2025, 3});
    ASSERT_EQ(r.payouts.size(), 2U);
    EXPECT_EQ(r.payouts[0].purpose, domain::assignment_purpose_t::rent);
    EXPECT_EQ(r.payouts[0].payee_id, "LANDLORD");
    EXPECT_EQ(r.payouts[0].amount.as_cents(), 45000);
    EXPECT_EQ(r.payouts[1].amount.as_cents(), 56300 + 6000 - 2815);
    EXPECT_EQ(r.totals.payout.as_cents(), 56300 + 45000 + 6000 - 2815);

    // a rent increase recalculated: Nachzahlung to the landlord
    builder_t b2 = b;
    b2.c.housing[0].basic_rent = money_t::cents(41000);
    auto const d = calc::difference(r, b2.run(month_t{2025, 3}));
    EXPECT_EQ(d.kind, calc::difference_kind_t::nachzahlung);
    EXPECT_EQ(d.payout_delta.as_cents(), 1000);
    ASSERT_EQ(d.by_payee.size(), 1U);
    EXPECT_EQ(d.by_payee[0].payee_id, "LANDLORD");
    auto const back = calc::difference(b2.run(month_t{2025, 3}), r);
    EXPECT_EQ(back.kind, calc::difference_kind_t::ueberzahlung);
    EXPECT_EQ(calc::difference(r, r).kind, calc::difference_kind_t::none);
}
