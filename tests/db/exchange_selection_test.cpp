// SPDX-License-Identifier: GPL-3.0-or-later
// Who is sent in the § 118 Datenabgleich and the § 151 query (lib/exchange/selection.hpp), and
// the exchange registry (lib/db/exchange_store.hpp), on SQLite and PostgreSQL.
#include "db_fixture.hpp"

#include "lib/core/error.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/exchange_store.hpp"
#include "lib/db/migrations.hpp"
#include "lib/exchange/selection.hpp"

#include <algorithm>

using namespace sozbatch;
using namespace sozbatch::domain;
using sozbatch::testing::db_test;

namespace {

char const *const T0 = "2026-11-01T08:00:00Z";

person_t person(std::string id, std::string name, std::string birth)
{
    person_t p;
    p.ext_id = std::move(id);
    p.family_name = std::move(name);
    p.first_names = "Vorname";
    p.birth_date = parse_date(birth);
    p.sex = sex_t::female;
    p.nationality = "000";
    p.address = address_t{"Beispielweg", "3", "24103", "Kiel", "DE", ""};
    return p;
}

case_t a_case(std::string ref, law_t law, std::string person, std::string from, std::optional<std::string> to,
              approval_state_t state = approval_state_t::approved, std::string group = "SG-NORD")
{
    case_t c;
    c.file_ref = std::move(ref);
    c.law = law;
    c.work_group = std::move(group);
    c.established_on = parse_date("2020-01-01");
    c.members.push_back(member_t{person, member_role_t::applicant, period_t{parse_date("2020-01-01"), std::nullopt}, {}});
    c.approvals.push_back(approval_t{"B-" + c.file_ref,
                                     period_t{parse_date(from), to ? std::optional<date_t>{parse_date(*to)} : std::nullopt},
                                     "A", std::nullopt, state});
    return c;
}

case_bundle_t bundle()
{
    case_bundle_t b;
    b.tenant = "kiel";
    b.tenant_name = "Landeshauptstadt Kiel";
    b.source = "test";
    b.work_group_names = {{"SG-NORD", "Sachgebiet Nord"}, {"SG-SUED", "Sachgebiet Süd"}};
    for (auto const &[id, name, birth] : {std::tuple{"P1", "Alt", "1950-05-05"}, std::tuple{"P2", "Neu", "1990-01-01"},
                                          std::tuple{"P3", "Kof", "1940-01-01"}, std::tuple{"P4", "Vorjahr", "1985-01-01"},
                                          std::tuple{"P5", "Offen", "1980-01-01"}}) {
        b.persons.push_back(person(id, name, birth));
    }
    b.cases.push_back(a_case("50.1-0001", law_t::sgb12_kap4, "P1", "2026-01-01", "2026-12-31"));
    b.cases.push_back(a_case("50.1-0002", law_t::sgb12_kap3, "P2", "2026-08-01", std::nullopt, approval_state_t::approved,
                             "SG-SUED"));
    b.cases.push_back(a_case("50.1-0003", law_t::bvg_kof, "P3", "2026-01-01", std::nullopt));
    b.cases.push_back(a_case("50.1-0004", law_t::asylblg_3, "P4", "2025-03-01", "2025-12-31"));
    b.cases.push_back(a_case("50.1-0005", law_t::sgb12_kap3, "P5", "2026-07-01", std::nullopt, approval_state_t::pending));
    return b;
}

std::vector<std::string> ids(exchange::match118_selection_t const &s)
{
    std::vector<std::string> out;
    for (auto const &p : s.persons) {
        out.push_back(p.person.ext_id);
    }
    return out;
}

} // namespace

TEST(exchange_quarter, ParsesAndNamesTheRunQuarter)
{
    auto const q = exchange::quarter_t::parse("2026Q3");
    EXPECT_EQ(q.period().to_string(), "2026-07-01..2026-09-30");
    EXPECT_EQ(q.run_quarter().to_string(), "2026Q4");
    EXPECT_EQ(exchange::quarter_t::parse("2026Q4").run_quarter().to_string(), "2027Q1");
    EXPECT_THROW(exchange::quarter_t::parse("2026Q5"), usage_error);
    EXPECT_THROW(exchange::quarter_t::parse("2026-3"), usage_error);
}

TEST(exchange_coverage, SgbXiiAllChaptersSince2019AsylbLgNeverBvg)
{
    EXPECT_TRUE(exchange::match118_covers(law_t::sgb12_kap4, 2019));
    EXPECT_FALSE(exchange::match118_covers(law_t::sgb12_kap4, 2018));
    EXPECT_TRUE(exchange::match118_covers(law_t::sgb12_kap3, 2018));
    EXPECT_TRUE(exchange::match118_covers(law_t::asylblg_2, 2026));
    EXPECT_FALSE(exchange::match118_covers(law_t::bvg_kof, 2026));
}

class exchange_selection_test : public db_test
{
protected:
    void SetUp() override
    {
        db_test::SetUp();
        if (!IsSkipped() && !HasFatalFailure()) {
            db::migrate(db(), T0);
            db::case_store_t{db()}.import_bundle(bundle(), "t.xml", "sha-t", "tester", T0);
            m_tenant = *db::case_store_t{db()}.find_tenant("kiel");
        }
    }
    long long m_tenant = 0;
};

TEST_P(exchange_selection_test, QuarterRecipientsWithoutBvgAndPendingApprovals)
{
    db::case_store_t cases{db()};
    auto const sel = exchange::select_match118(cases, m_tenant, {}, exchange::quarter_t::parse("2026Q3"));
    EXPECT_EQ(ids(sel), (std::vector<std::string>{"P1", "P2"}));
    EXPECT_FALSE(sel.full_cohort);
    EXPECT_EQ(sel.new_or_renewed, 1);
    EXPECT_FALSE(sel.persons[0].new_or_renewed);
    EXPECT_TRUE(sel.persons[1].new_or_renewed);
    EXPECT_EQ(sel.persons[0].benefit_period.to_string(), "2026-01-01..2026-12-31");
    EXPECT_EQ(sel.persons[1].benefit_period.to_string(), "2026-08-01..");
    EXPECT_EQ(sel.persons[1].work_group, "SG-SUED");
    EXPECT_EQ(sel.persons[1].file_ref, "50.1-0002");
}

TEST_P(exchange_selection_test, RunPerformedInThirdQuarterIncludesThePreviousYear)
{
    db::case_store_t cases{db()};
    auto const sel = exchange::select_match118(cases, m_tenant, {}, exchange::quarter_t::parse("2026Q2"));
    EXPECT_TRUE(sel.full_cohort);
    EXPECT_EQ(sel.cohort_year, 2025);
    EXPECT_EQ(ids(sel), (std::vector<std::string>{"P1", "P4"}));
    EXPECT_EQ(sel.previous_year_only, 1);
    EXPECT_EQ(sel.persons[1].benefit_period.to_string(), "2025-03-01..2025-12-31");
}

TEST_P(exchange_selection_test, WorkGroupFilterRestrictsTheSelection)
{
    db::case_store_t cases{db()};
    db::case_filter_t f;
    f.work_groups = {"SG-SUED"};
    auto const sel = exchange::select_match118(cases, m_tenant, f, exchange::quarter_t::parse("2026Q3"));
    EXPECT_EQ(ids(sel), (std::vector<std::string>{"P2"}));
}

TEST_P(exchange_selection_test, PensionQueryAsksAboutPersonsAbovePensionAge)
{
    db::case_store_t cases{db()};
    auto const sel = exchange::select_pension151(cases, m_tenant, {}, parse_date("2026-07-01"));
    // P1 (born 1950, approved) is above the age limit without pension income; P3 (BVG) too;
    // P2 is young; P4 has no approval on the key date.
    ASSERT_EQ(sel.size(), 2u);
    EXPECT_EQ(sel[0].person.ext_id, "P1");
    EXPECT_EQ(sel[0].reason, "pension-age-without-pension");
    EXPECT_EQ(sel[1].person.ext_id, "P3");
}

TEST_P(exchange_selection_test, RegistryMapsReferencesAndDeletesPersonsWithoutFindings)
{
    db::exchange_store_t store{db()};
    db::case_store_t cases{db()};
    auto const sel = exchange::select_match118(cases, m_tenant, {}, exchange::quarter_t::parse("2026Q3"));
    db::exchange_run_t run;
    run.procedure = "match118";
    run.period_label = "2026Q3";
    run.period_from = "2026-07-01";
    run.period_to = "2026-09-30";
    run.file_number = store.next_file_number(m_tenant, "match118");
    EXPECT_EQ(run.file_number, 1);
    run.file_name = "f";
    run.sha256 = "x";
    run.sent_at = T0;
    run.sent_by = "tester";
    std::vector<db::exchange_person_t> persons;
    for (auto const &c : sel.persons) {
        db::exchange_person_t p;
        p.reference = "2026Q3-000001/" + c.person.ext_id;
        p.person_ext_id = c.person.ext_id;
        p.case_id = c.case_id;
        p.file_ref = c.file_ref;
        p.work_group = c.work_group;
        p.law = c.law;
        p.benefit_from = to_iso(c.benefit_period.from());
        persons.push_back(p);
    }
    // a failed publish records nothing
    EXPECT_THROW(store.create_run(m_tenant, run, persons, [] { throw sozbatch::error_t{"disk full"}; }), sozbatch::error_t);
    EXPECT_TRUE(store.runs(m_tenant, "match118", "2026Q3").empty());

    store.create_run(m_tenant, run, persons, [] {});
    EXPECT_EQ(store.runs(m_tenant, "match118", "2026Q3").size(), 1u);
    EXPECT_EQ(store.next_file_number(m_tenant, "match118"), 2);
    auto const p1 = store.find_person(m_tenant, "match118", "2026Q3-000001/P1");
    auto const p2 = store.find_person(m_tenant, "match118", "2026Q3-000001/P2");
    ASSERT_TRUE(p1 && p2);
    EXPECT_EQ(p1->file_ref, "50.1-0001");
    EXPECT_EQ(p1->period_label, "2026Q3");
    EXPECT_FALSE(store.find_person(m_tenant, "pension151", "2026Q3-000001/P1"));

    db::answer_file_t af{"match118", "a.txt", "sha-a", "99900001", 1, 2, 0, T0, "tester"};
    db::hit_row_t h;
    h.exchange_person_id = p2->id;
    h.record_no = 2;
    h.block = "11";
    h.source = "employment";
    h.kind = "employment_insured";
    h.agency = "DSRV";
    h.hit_from = "2026-07-01";
    h.hit_to = "2026-09-30";
    h.overlap_from = "2026-08-01";
    h.overlap_to = "2026-09-30";
    h.basis = "none";
    store.store_match118_answer(m_tenant, af, {h}, {p1->id, p2->id}, {p1->id});
    EXPECT_TRUE(store.answer_known(m_tenant, "match118", "sha-a"));
    EXPECT_FALSE(store.find_person(m_tenant, "match118", "2026Q3-000001/P1")) << "person without findings kept";
    EXPECT_TRUE(store.find_person(m_tenant, "match118", "2026Q3-000001/P2"));
    EXPECT_EQ(store.persons_deleted(m_tenant, "match118"), 1);

    auto const sued = store.hits(m_tenant, {"SG-SUED"});
    ASSERT_EQ(sued.size(), 1u);
    EXPECT_EQ(sued[0].file_ref, "50.1-0002");
    EXPECT_EQ(sued[0].work_group, "SG-SUED");
    EXPECT_EQ(sued[0].overlap_from, "2026-08-01");
    EXPECT_TRUE(store.hits(m_tenant, {"SG-NORD"}).empty());
    store.review_hit(m_tenant, sued[0].id, "overpayment-claim", "Einkommen nicht angegeben", "tester", T0);
    EXPECT_TRUE(store.hits(m_tenant, {"SG-SUED"}, std::string{"open"}).empty());
    EXPECT_EQ(store.hit(m_tenant, sued[0].id)->state, "overpayment-claim");
}

SOZBATCH_BOTH_BACKENDS(exchange_selection_test);
