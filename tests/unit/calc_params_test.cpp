// SPDX-License-Identifier: GPL-3.0-or-later
// Parameter files: schema validation, dated lookup, missing values, unverified list.
#include "lib/calc/month_params.hpp"
#include "lib/core/embedded.hpp"
#include "lib/core/error.hpp"
#include "lib/params/parameter_set.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace sozbatch;
using params::parameter_set_t;

namespace {

parameter_set_t const &kiel()
{
    static parameter_set_t const set = parameter_set_t::load();
    return set;
}

std::string const CITY_MIN = R"(<?xml version="1.0"?>
<parameter-set scope="city" name="Test">
  <param key="city.kdu.limit.1" unit="EUR" norm="test" title="t">
    <value from="2016-01-01" status="V" enacted-by="test" evidence="test">400.00</value>
  </param>
</parameter-set>)";

std::string federal_with(std::string const &param)
{
    return R"(<?xml version="1.0"?><parameter-set scope="federal" name="T">)" + param + "</parameter-set>";
}

} // namespace

TEST(CalcParams, EmbeddedFilesValidateAndLoad)
{
    EXPECT_EQ(kiel().overlay_name(), "Kiel");
    EXPECT_GT(kiel().entries().size(), 250U);
}

TEST(CalcParams, RegelbedarfByDate)
{
    using boost::gregorian::date;
    EXPECT_EQ(kiel().money("sgb12.rbs.1", date(2016, 6, 1)).as_cents(), 40400);
    EXPECT_EQ(kiel().money("sgb12.rbs.1", date(2022, 12, 31)).as_cents(), 44900);
    EXPECT_EQ(kiel().money("sgb12.rbs.1", date(2023, 1, 1)).as_cents(), 50200);
    EXPECT_EQ(kiel().money("sgb12.rbs.6", date(2017, 3, 1)).as_cents(), 23700); // not GETTSIM's 236
    EXPECT_EQ(kiel().money("sgb12.rbs.2", date(2026, 1, 1)).as_cents(), 50600);
    EXPECT_EQ(kiel().ratio("sgb12.p30.abs1.ratio", date(2024, 5, 1)), (params::ratio_t{17, 100}));
    EXPECT_EQ(kiel().integer("sgb12.p35.karenzzeit", date(2024, 5, 1)), 12);
    EXPECT_EQ(kiel().money("city.kdu.limit.1", date(2025, 3, 1)).as_cents(), 47450);
    EXPECT_EQ(kiel().money("city.kdu.limit.further", date(2021, 3, 1)).as_cents(), 8000);
}

TEST(CalcParams, NoValueInForceIsAClearError)
{
    try {
        (void)kiel().money("sgb12.rbs.1", boost::gregorian::date(2027, 1, 1));
        FAIL() << "expected config_error";
    } catch (config_error const &e) {
        std::string const msg = e.what();
        EXPECT_NE(msg.find("sgb12.rbs.1"), std::string::npos) << msg;
        EXPECT_NE(msg.find("2027-01-01"), std::string::npos) << msg;
    }
    EXPECT_THROW((void)kiel().money("no.such.key", boost::gregorian::date(2024, 1, 1)), config_error);
    EXPECT_THROW((void)kiel().ratio("sgb12.rbs.1", boost::gregorian::date(2024, 1, 1)), config_error);
}

TEST(CalcParams, CompleteForMonthListsMissingRequiredKeys)
{
    EXPECT_TRUE(calc::missing_required(kiel(), month_t{2026, 1}).empty());
    EXPECT_TRUE(calc::missing_required(kiel(), month_t{2017, 1}).empty());
    auto const missing = calc::missing_required(kiel(), month_t{2027, 1});
    ASSERT_FALSE(missing.empty());
    EXPECT_NE(std::find(missing.begin(), missing.end(), "sgb12.rbs.1"), missing.end());
    // AsylbLG amounts start in 2017 in the data: 2016 is incomplete for the AsylbLG only
    auto const m2016 = calc::missing_required(kiel(), month_t{2016, 8});
    EXPECT_NE(std::find(m2016.begin(), m2016.end(), "asylblg.p3a.bs1.total"), m2016.end());
    domain::law_t const kap4[] = {domain::law_t::sgb12_kap4};
    EXPECT_TRUE(calc::missing_required(kiel(), month_t{2016, 8}, kap4).empty());
}

TEST(CalcParams, UnverifiedValuesAreListed)
{
    auto const u = kiel().list_unverified();
    auto has = [&](std::string const &key) {
        return std::any_of(u.begin(), u.end(), [&](auto const *e) { return e->key == key; });
    };
    EXPECT_TRUE(has("sgb12.p145.sofortzuschlag"));    // change date to 25 EUR unverified
    EXPECT_TRUE(has("city.kdu.limit.1"));             // 2023/2024 values not found
    EXPECT_TRUE(has("city.asylblg.p1a.npb.ratio"));   // local practice
    EXPECT_FALSE(has("sgb12.rbs.1"));
    for (auto const *e : u) {
        EXPECT_EQ(e->status, params::status_t::unverified);
    }
}

TEST(CalcParams, ListInForceIsSortedAndDated)
{
    auto const list = kiel().list_in_force(boost::gregorian::date(2025, 6, 1));
    ASSERT_FALSE(list.empty());
    for (std::size_t i = 1; i < list.size(); ++i) {
        EXPECT_LT(list[i - 1]->key, list[i]->key);
    }
    for (auto const *e : list) {
        EXPECT_TRUE(e->in_force(boost::gregorian::date(2025, 6, 1)));
        EXPECT_FALSE(e->enacted_by.empty());
    }
}

TEST(CalcParams, AsylblgPartsAddUpToTotals)
{
    for (auto const &e : kiel().entries()) {
        if (!e.key.starts_with("asylblg.p3a.") || !e.key.ends_with(".total")) {
            continue;
        }
        std::string const stem = e.key.substr(0, e.key.size() - 5);
        auto const *nb = kiel().find(stem + "nb", e.from);
        auto const *npb = kiel().find(stem + "npb", e.from);
        if (nb && npb) {
            EXPECT_EQ(nb->number + npb->number, e.number) << e.key << " " << to_iso(e.from);
        }
    }
}

TEST(CalcParams, SchemaAndRulesRejectBadFiles)
{
    std::string const federal{embedded::get("lib/params/data/federal.xml")};
    // not month-granular
    EXPECT_THROW(parameter_set_t::from_xml(federal_with(R"(<param key="x.y" unit="EUR" norm="n" title="t">
        <value from="2024-01-15" status="V" enacted-by="e" evidence="e">1.00</value></param>)"),
                                           CITY_MIN),
                 config_error);
    // overlapping values
    EXPECT_THROW(parameter_set_t::from_xml(federal_with(R"(<param key="x.y" unit="EUR" norm="n" title="t">
        <value from="2024-01-01" status="V" enacted-by="e" evidence="e">1.00</value>
        <value from="2024-02-01" status="V" enacted-by="e" evidence="e">2.00</value></param>)"),
                                           CITY_MIN),
                 config_error);
    // unknown status (schema)
    EXPECT_THROW(parameter_set_t::from_xml(federal_with(R"(<param key="x.y" unit="EUR" norm="n" title="t">
        <value from="2024-01-01" status="X" enacted-by="e" evidence="e">1.00</value></param>)"),
                                           CITY_MIN),
                 config_error);
    // ratio written as an amount
    EXPECT_THROW(parameter_set_t::from_xml(federal_with(R"(<param key="x.y" unit="ratio" norm="n" title="t">
        <value from="2024-01-01" status="V" enacted-by="e" evidence="e">0.17</value></param>)"),
                                           CITY_MIN),
                 config_error);
    // a federal key in the city overlay
    EXPECT_THROW(parameter_set_t::from_xml(federal, R"(<parameter-set scope="city" name="T">
        <param key="sgb12.rbs.9" unit="EUR" norm="n" title="t">
        <value from="2024-01-01" status="V" enacted-by="e" evidence="e">1.00</value></param></parameter-set>)"),
                 config_error);
    EXPECT_NO_THROW(parameter_set_t::from_xml(federal, CITY_MIN));
}

TEST(CalcParams, OverlayFromDirectory)
{
    auto const dir = std::filesystem::temp_directory_path() / "sozbatch-calc-params-test";
    std::filesystem::create_directories(dir);
    {
        std::ofstream f{dir / "teststadt.xml"};
        f << CITY_MIN;
    }
    auto const set = parameter_set_t::load(params::source_t{"teststadt", dir});
    EXPECT_EQ(set.overlay_name(), "Test");
    EXPECT_EQ(set.money("city.kdu.limit.1", boost::gregorian::date(2024, 1, 1)).as_cents(), 40000);
    EXPECT_EQ(set.money("sgb12.rbs.1", boost::gregorian::date(2024, 1, 1)).as_cents(), 56300);
    EXPECT_THROW(parameter_set_t::load(params::source_t{"nowhere", dir}), config_error);
    EXPECT_THROW(parameter_set_t::load(params::source_t{"nowhere", {}}), config_error);
    std::filesystem::remove_all(dir);
}
