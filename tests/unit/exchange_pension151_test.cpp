// SPDX-License-Identifier: GPL-3.0-or-later
// § 151 SGB VI pension query with the PROVISIONAL layout family: query export (golden), answers
// (payment with adjustment, no payment known, payee, death, errors) and negative cases.
#include "formats/exchange/pension151.hpp"
#include "lib/core/error.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace sozbatch;
using namespace sozbatch::exchange;

namespace {

std::string golden_path(std::string const &name)
{
    return std::string{SOZBATCH_SOURCE_DIR} + "/tests/golden/exchange/" + name;
}

std::string golden(std::string const &name)
{
    std::ifstream in{golden_path(name), std::ios::binary};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Regenerates a golden file when SOZBATCH_REGEN_GOLDEN is set (review the diff before committing).
void maybe_regenerate(std::string const &name, std::string const &content)
{
    if (std::getenv("SOZBATCH_REGEN_GOLDEN") != nullptr) {
        std::ofstream{golden_path(name), std::ios::binary} << content;
    }
}

std::vector<std::string> lines_of(std::string const &content)
{
    std::vector<std::string> out;
    std::istringstream in{content};
    std::string l;
    while (std::getline(in, l)) {
        out.push_back(l);
    }
    return out;
}

std::string join(std::vector<std::string> const &ls)
{
    std::string s;
    for (auto const &l : ls) {
        s += l + "\n";
    }
    return s;
}

pension151_request_t query()
{
    pension151_request_t r;
    r.office_id = "01002000";
    r.office_name = "Landeshauptstadt Kiel (TEST) Sozialamt";
    r.receiver_id = "99900002";
    r.created = date_t(2025, 6, 2);
    r.key_date = date_t(2025, 7, 1);
    r.file_number = 1;
    pension151_person_t p1;
    p1.reference = "SH-2025-R-000001/P01";
    p1.vsnr = "26120356B506";
    p1.family_name = "Testfrau";
    p1.first_name = "Erika";
    p1.birth_name = "Beispiel";
    p1.birth_date = date_t(1956, 3, 12);
    pension151_person_t p2;
    p2.reference = "SH-2025-R-000002/P01";
    p2.vsnr = "65290260U012";
    p2.family_name = "Übungsfall";
    p2.first_name = "Jürgen";
    p2.name_prefix = "von";
    p2.birth_date = date_t(1960, 2, 29);
    pension151_person_t p3;
    p3.reference = "SH-2025-R-000003/P01";
    p3.vsnr = "12010784B021";
    p3.family_name = "Beispielmann";
    p3.first_name = "Max";
    p3.birth_date = date_t(1984, 7, 1);
    r.persons = {p1, p2, p3};
    return r;
}

/// The answer the Renten Service might send to query(): an adjustment for P1 (987,65 -> 1 023,26
/// from 01.07.2025, example 8), a survivor's pension with an authorised payee and a death date for
/// P2, nothing known for P3.
std::string answer_content()
{
    auto const &fam = family(PENSION151_DEFAULT_FAMILY);
    auto const base = [](std::string ze, std::string vsnr, std::string na, std::string vona, date_t birth,
                         std::string fekz) {
        record_values_t r;
        r.fields = {{"FEKZ", fekz},        {"ANZFE", std::string{"0"}}, {"VSNR", vsnr},
                    {"GEMSC", std::string{"01002000"}}, {"GBDT", birth}, {"NA", na},
                    {"VONA", vona},        {"STTG", date_t(2025, 7, 1)}, {"ZE", ze}};
        return r;
    };
    auto r1 = base("SH-2025-R-000001/P01", "26120356B506", "Testfrau", "Erika", date_t(1956, 3, 12), "0");
    r1.fields["GBNA"] = std::string{"Beispiel"};
    r1.blocks.push_back({"01",
                         {{"RTAT", std::string{"01"}},
                          {"PABN", std::string{"26"}},
                          {"VSNR", std::string{"26120356B506"}},
                          {"BSNR", std::string{"1"}},
                          {"ZANR", std::string{"1"}},
                          {"GLAB", date_t(2025, 7, 1)},
                          {"RTBT", money_t::cents(102326)},
                          {"AEGR", std::string{"01"}}}});
    auto r2 = base("SH-2025-R-000002/P01", "65290260U012", "Übungsfall", "Jürgen", date_t(1960, 2, 29), "0");
    r2.fields["VOSZWT"] = std::string{"von"};
    r2.blocks.push_back({"01",
                         {{"RTAT", std::string{"02"}},
                          {"PABN", std::string{"65"}},
                          {"VSNR", std::string{"65290260U012"}},
                          {"GLAB", date_t(2025, 1, 1)},
                          {"GLBI", date_t(2025, 6, 30)},
                          {"RTBT", money_t::cents(45000)},
                          {"AEGR", std::string{"04"}}}});
    r2.blocks.push_back({"02",
                         {{"ARTZE", std::string{"02"}},
                          {"NA", std::string{"Betreuungsverein Test e.V."}},
                          {"PLZL", std::string{"24103"}},
                          {"OT", std::string{"Kiel"}},
                          {"GLAB", date_t(2024, 10, 1)}}});
    r2.blocks.push_back({"03", {{"STDT", date_t(2025, 6, 14)}}});
    auto r3 = base("SH-2025-R-000003/P01", "12010784B021", "Beispielmann", "Max", date_t(1984, 7, 1), "3");
    file_header_t h;
    h.sender = "99900002";
    h.receiver = "01002000";
    h.created = date_t(2025, 7, 20);
    h.file_number = 1;
    h.sender_name = "Renten Service (FIKTIVER TESTABSENDER)";
    return encode_exchange_file(fam, direction_t::answer, h, {r1, r2, r3}, "answer");
}

pension151_read_options_t options()
{
    pension151_read_options_t o;
    o.office_id = "01002000";
    return o;
}

} // namespace

TEST(ExchangePension151, LayoutIsMarkedProvisional)
{
    auto const &fam = family(PENSION151_DEFAULT_FAMILY);
    EXPECT_EQ(fam.status, "provisional");
    EXPECT_EQ(fam.request.status, "provisional");
    EXPECT_EQ(fam.answer.status, "provisional");
    EXPECT_EQ(fam.request.fixed_length, 243u);
}

TEST(ExchangePension151, QueryMatchesGolden)
{
    auto const built = build_pension151_query(query());
    maybe_regenerate("rtaus-query-2025.txt", built.content);
    EXPECT_EQ(built.records, 3u);
    EXPECT_EQ(built.content, golden("rtaus-query-2025.txt"));
    auto const lines = lines_of(built.content);
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_EQ(lines[2].size(), 243u);
    // upper case with Latin-1 umlauts, as the provisional layout says `case upper`
    EXPECT_NE(lines[2].find("\xDC" "BUNGSFALL"), std::string::npos);
    EXPECT_NE(lines[2].find("J\xDCRGEN"), std::string::npos);
}

TEST(ExchangePension151, QueryValidatesVsnr)
{
    auto r = query();
    r.persons[0].vsnr = "26120356B505";
    try {
        (void)build_pension151_query(r);
        FAIL();
    } catch (input_error const &e) {
        EXPECT_EQ(e.where().field, "VSNR");
        EXPECT_NE(e.reason().find("check digit"), std::string::npos);
    }
    r.persons[0].vsnr = "01070649C107"; // Bereichsnummer 01 is not assigned
    EXPECT_THROW((void)build_pension151_query(r), input_error);
    auto const partial = build_pension151_query(r, true);
    EXPECT_EQ(partial.records, 2u);
    ASSERT_EQ(partial.rejected.size(), 1u);
    EXPECT_EQ(partial.rejected[0].reference, "SH-2025-R-000001/P01");
}

TEST(ExchangePension151, QueryRefusesABadOrRepeatedReference)
{
    auto r = query();
    r.persons[1].reference = r.persons[0].reference;
    try {
        (void)build_pension151_query(r);
        FAIL();
    } catch (input_error const &e) {
        EXPECT_EQ(e.where().field, "ZE");
        EXPECT_NE(e.reason().find("'SH-2025-R-000001/P01' appears twice"), std::string::npos) << e.reason();
    }
    r = query();
    r.persons[1].reference = "Testfrau, Erika"; // personal data and characters the layout cannot carry
    try {
        (void)build_pension151_query(r);
        FAIL();
    } catch (input_error const &e) {
        EXPECT_EQ(e.where().field, "ZE");
        EXPECT_NE(e.reason().find("may hold only A-Z 0-9"), std::string::npos) << e.reason();
    }
    auto const partial = build_pension151_query(r, true);
    EXPECT_EQ(partial.records, 2u);
    ASSERT_EQ(partial.rejected.size(), 1u);
    EXPECT_EQ(partial.rejected[0].reference, "Testfrau, Erika");
}

TEST(ExchangePension151, AnswerBecomesPaymentsPayeesAndDeath)
{
    maybe_regenerate("rtaus-answer-2025.txt", answer_content());
    EXPECT_EQ(answer_content(), golden("rtaus-answer-2025.txt"));
    auto const file = read_pension151_answer(golden_path("rtaus-answer-2025.txt"), options());
    EXPECT_EQ(file.sender, "99900002");
    ASSERT_EQ(file.answers.size(), 3u);

    auto const &a1 = file.answers[0];
    EXPECT_EQ(a1.reference, "SH-2025-R-000001/P01");
    EXPECT_EQ(a1.status, 0);
    ASSERT_EQ(a1.payments.size(), 1u);
    auto const &p = a1.payments[0];
    EXPECT_EQ(p.pension_type, "01");
    EXPECT_EQ(p.pension_type_label, "Versichertenrente");
    EXPECT_EQ(p.area_number, "26");
    EXPECT_EQ(p.payment_ref, "26120356B50611");
    EXPECT_EQ(p.valid_from, date_t(2025, 7, 1));
    EXPECT_FALSE(p.valid_to.has_value());
    EXPECT_EQ(p.monthly_amount, money_t::cents(102326));
    EXPECT_EQ(p.change_reason_label, "Rentenanpassung");

    auto const &a2 = file.answers[1];
    ASSERT_EQ(a2.payments.size(), 1u);
    EXPECT_EQ(a2.payments[0].pension_type_label, "Hinterbliebenenrente");
    EXPECT_EQ(a2.payments[0].valid_to, date_t(2025, 6, 30));
    ASSERT_EQ(a2.payees.size(), 1u);
    EXPECT_EQ(a2.payees[0].role_label, "Bevollmaechtigter");
    EXPECT_EQ(a2.payees[0].name, "BETREUUNGSVEREIN TEST E.V.");
    EXPECT_EQ(a2.payees[0].since, date_t(2024, 10, 1));
    EXPECT_EQ(a2.death_date, date_t(2025, 6, 14));

    auto const &a3 = file.answers[2];
    EXPECT_EQ(a3.status, 3);
    EXPECT_TRUE(a3.payments.empty());
}

TEST(ExchangePension151, AnswerNegativeCases)
{
    auto const lines = lines_of(golden("rtaus-answer-2025.txt"));
    ASSERT_EQ(lines.size(), 5u);
    auto const error_of = [](std::string const &content, pension151_read_options_t const &o) -> input_error {
        try {
            (void)parse_pension151_answer(content, "RTAUSANT", o);
        } catch (input_error const &e) {
            return e;
        }
        ADD_FAILURE() << "accepted";
        return input_error{{}, "none"};
    };
    auto edit = [&](std::size_t line, std::size_t from, std::string const &text) {
        auto ls = lines;
        ls[line].replace(from - 1, text.size(), text);
        return join(ls);
    };
    // another office
    auto o = options();
    o.office_id = "01058000";
    EXPECT_EQ(error_of(join(lines), o).where().field, "EPNR");
    // bad VSNR check digit in the echo
    EXPECT_EQ(error_of(edit(1, 36, "26120356B505"), options()).where().field, "VSNR");
    // 31.02. as "gültig ab" in block 01 (block starts at 246)
    EXPECT_EQ(error_of(edit(1, 266, "31022025"), options()).where().field, "01.GLAB");
    // unknown block type
    EXPECT_EQ(error_of(edit(1, 246, "09"), options()).where().field, "BLNR");
    // unknown reference
    o = options();
    o.is_known_reference = [](std::string const &) { return false; };
    EXPECT_EQ(error_of(join(lines), o).where().field, "ZE");
    // wrong record length
    auto ls = lines;
    ls[3] += " ";
    EXPECT_EQ(error_of(join(ls), options()).where().line, 4);
}
