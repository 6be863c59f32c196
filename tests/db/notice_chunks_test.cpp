// SPDX-License-Identifier: GPL-3.0-or-later
/// \file
/// \brief The notice job plans a chunk of cases at a time and, after the presort, the cases of a
/// window of letters again (docs/scaling.md, "Bescheide"). On both backends, with the demo office
/// after two calculated months and a recalculation: the plan read in chunks of any size, and the
/// plan of any subset of cases loaded by id, are exactly the plan of the whole month.

#include "demo_office.hpp"

#include "jobs/notices_plan.hpp"
#include "lib/db/case_store.hpp"

#include <algorithm>
#include <string>
#include <vector>

using namespace sozbatch;

namespace {

/// What identifies a planned letter and what the letter is built from.
std::string describe(jobs::planned_notice_t const &p)
{
    std::string s = p.file_ref() + " " + std::string{notice::notice_kind_code(p.kind)} + " " +
                    std::string{jobs::notice_event_code(p.event)} + " " + p.event_ref;
    s += p.already_produced ? " produced" : " new";
    s += " cur=" + (p.current ? std::to_string(p.current->id) : "-");
    s += " prev=" + (p.previous ? std::to_string(p.previous->id) : "-");
    s += " from=" + (p.effective_from ? to_iso(*p.effective_from) : "-");
    s += " changes=" + std::to_string(p.changes.size());
    s += " version=" + std::to_string(p.stored->version);
    return s;
}

std::vector<std::string> describe_all(std::vector<jobs::planned_notice_t> const &plans)
{
    std::vector<std::string> out;
    for (auto const &p : plans) {
        out.push_back(describe(p));
    }
    return out;
}

} // namespace

class notice_chunks_test : public sozbatch::testing::demo_office_test
{
};

TEST_P(notice_chunks_test, ChunksAndSubsetsPlanWhatTheWholeMonthPlans)
{
    pay_month("2026-11");
    raise_pension(); // a new case version: an Änderung and a Nachzahlung for December
    EXPECT_EQ(run("calc", {"--month", "2026-12"}, "prep"), exit_code_t::ok);
    EXPECT_EQ(run("calc", {"--month", "2026-11"}, "prep"), exit_code_t::ok);

    jobs::event_map_t map;
    map.set(jobs::notice_event_t::monthly_payment, notice::notice_kind_t::zahlungsmitteilung);
    month_t const dec = month_t::parse("2026-12");
    auto const whole = describe_all(jobs::plan_notices(db(), m_tenant, dec, map, {}));
    ASSERT_GT(whole.size(), 30u);
    auto const has = [&](std::string const &what) {
        return std::any_of(whole.begin(), whole.end(), [&](auto const &d) { return d.find(what) != std::string::npos; });
    };
    EXPECT_TRUE(has(" aenderung amount-change ")) << "test data: no Änderung in December";
    EXPECT_TRUE(has(" zahlungsmitteilung monthly-payment "));

    for (std::size_t chunk : {1u, 3u, 7u, 1000u}) {
        std::vector<std::string> chunked;
        std::size_t calls = 0;
        jobs::for_each_planned_chunk(
            db(), m_tenant, dec, map, {},
            [&](std::vector<jobs::planned_notice_t> &&plans) {
                ++calls;
                EXPECT_LE(plans.size(), chunk * 4) << "a chunk holds the letters of at most " << chunk << " cases";
                for (auto const &d : describe_all(plans)) {
                    chunked.push_back(d);
                }
            },
            chunk);
        EXPECT_EQ(chunked, whole) << "chunks of " << chunk;
        if (chunk == 1) {
            EXPECT_GT(calls, 20u);
        }
    }

    // the second pass: any subset of the cases, loaded by id in any order, is planned as in the month
    db::case_store_t cases{db()};
    std::vector<long long> ids;
    cases.for_each_case(m_tenant, {}, [&](db::stored_case_t &&c) { ids.push_back(c.case_id); });
    std::vector<long long> every_third;
    for (std::size_t i = 0; i < ids.size(); i += 3) {
        every_third.push_back(ids[i]);
    }
    std::reverse(every_third.begin(), every_third.end());
    auto const subset = describe_all(jobs::plan_cases(db(), m_tenant, dec, map, {}, cases.load_cases(m_tenant, every_third)));
    std::vector<std::string> expected;
    for (auto const &d : whole) {
        for (std::size_t i = 0; i < ids.size(); i += 3) {
            auto const c = cases.load_cases(m_tenant, {ids[i]});
            ASSERT_EQ(c.size(), 1u);
            if (d.starts_with(c.front().data.file_ref + " ")) {
                expected.push_back(d);
            }
        }
    }
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(subset, expected);
    // the work groups of the operator apply: a group with no cases plans nothing
    EXPECT_TRUE(jobs::plan_cases(db(), m_tenant, dec, map, {"NO-SUCH-GROUP"}, cases.load_cases(m_tenant, ids)).empty());
}

SOZBATCH_BOTH_BACKENDS(notice_chunks_test);
