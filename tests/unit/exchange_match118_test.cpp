// SPDX-License-Identifier: GPL-3.0-or-later
// § 118 SGB XII request export (golden, byte for byte) and answer import (hits, no hits, errors,
// negative cases) with the persons P1-P5 of ../shared/reference/exchange-examples.md.
#include "formats/exchange/match118.hpp"
#include "lib/core/error.hpp"
#include "lib/core/sha256.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

using namespace sozbatch;
using namespace sozbatch::exchange;

namespace {

std::string read_file(std::string const &path)
{
    std::ifstream in{path, std::ios::binary};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string golden_path(std::string const &name)
{
    return std::string{SOZBATCH_SOURCE_DIR} + "/tests/golden/exchange/" + name;
}

std::string golden(std::string const &name) { return read_file(golden_path(name)); }

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

match118_person_t person(std::string ref, std::string family_name, std::string first_name, date_t birth,
                         std::string place, sex_t sex, std::optional<postal_address_t> address, period_t benefit)
{
    match118_person_t p;
    p.reference = std::move(ref);
    p.family_name = std::move(family_name);
    p.first_name = std::move(first_name);
    p.birth_date = birth;
    p.birth_place = std::move(place);
    p.sex = sex;
    p.nationality = "000";
    p.address = std::move(address);
    p.benefit_period = benefit;
    return p;
}

/// P1-P5 of the examples (Abgleichszeitraum Q1/2025, Träger Kiel).
match118_request_t examples_request()
{
    match118_request_t r;
    r.office_id = "01002000";
    r.office_name = "Landeshauptstadt Kiel (TEST) Sozialamt 24103 Kiel";
    r.receiver_id = "99900001";
    r.created = date_t(2025, 4, 7);
    r.file_number = 1;
    auto p1 = person("SH-2025-000001/P01", "Testfrau", "Erika", date_t(1956, 3, 12), "Musterstadt", sex_t::female,
                     postal_address_t{"24103", "Kiel", "Musterweg", "1a"}, period_t{date_t(2025, 1, 1), std::nullopt});
    p1.birth_name = "Beispiel";
    auto p2 = person("SH-2025-000002/P01", "Beispielmann", "Max", date_t(1984, 7, 1), "Exempelhausen", sex_t::male,
                     postal_address_t{"24114", "Kiel", "Probestraße", "22"},
                     period_t{date_t(2025, 1, 1), date_t(2025, 2, 28)});
    p2.birth_name = "Beispielmann"; // equal to the family name: not sent
    auto p3 = person("SH-2025-000003/P01", "Übungsfall", "Jürgen", date_t(1960, 2, 29), "Attrappingen", sex_t::male,
                     std::nullopt, period_t{date_t(2025, 1, 1), std::nullopt});
    p3.name_prefix = "von";
    auto p4 = person("SH-2025-000004/P01", "Probe", "Paula", date_t(1990, 11, 5), "Damaskus", sex_t::female,
                     postal_address_t{"24143", "Kiel", "Fiktivallee", "7"}, period_t{date_t(2025, 2, 15), std::nullopt});
    p4.nationality = "475";
    auto p5 = person("SH-2025-000005/P01", "Platzhalter", "Karl", date_t(1972, 3, 15), "", sex_t::male,
                     postal_address_t{"24105", "", "Nirgendweg", "3"}, period_t{date_t(2025, 1, 1), std::nullopt});
    r.persons = {p1, p2, p3, p4, p5};
    return r;
}

match118_read_options_t kiel_options()
{
    match118_read_options_t o;
    o.office_id = "01002000";
    o.expected_period = period_t{date_t(2025, 1, 1), date_t(2025, 3, 31)};
    o.is_known_reference = [](std::string const &ze) { return ze.starts_with("SH-2025-00000"); };
    return o;
}

input_error answer_error(std::string const &content, match118_read_options_t const &o = kiel_options())
{
    try {
        (void)parse_match118_answer(content, "SOZHIANT", o);
    } catch (input_error const &e) {
        return e;
    }
    ADD_FAILURE() << "answer accepted";
    return input_error{{}, "none"};
}

} // namespace

TEST(ExchangeMatch118, InterimVsnr)
{
    EXPECT_EQ(interim_vsnr(date_t(1956, 3, 12), "Beispiel", sex_t::female, 0), "71120356B500");
    EXPECT_EQ(interim_vsnr(date_t(1960, 2, 29), "Übungsfall", sex_t::male, 0), "71290260U000");
    EXPECT_EQ(interim_vsnr(date_t(1960, 2, 29), "Übungsfall", sex_t::male, 3), "71290260U003");
    EXPECT_EQ(interim_vsnr(date_t(1990, 1, 1), "Éclair", sex_t::diverse, 1), "71010190E501");
    EXPECT_THROW(interim_vsnr(date_t(1990, 1, 1), "", sex_t::male, 0), validation_error);
    EXPECT_THROW(interim_vsnr(date_t(1990, 1, 1), "A", sex_t::male, 500), validation_error);
}

TEST(ExchangeMatch118, RequestMatchesGoldenByteForByte)
{
    auto const built = build_match118_request(examples_request(), true);
    EXPECT_EQ(built.records, 4u);
    ASSERT_EQ(built.rejected.size(), 1u);
    EXPECT_EQ(built.rejected[0].reference, "SH-2025-000005/P01");
    EXPECT_EQ(built.rejected[0].field, "WHOT");
    EXPECT_EQ(built.content, golden("sozhianf-2025q1.txt"));
}

TEST(ExchangeMatch118, GoldenRecordsMatchTheReferenceHashes)
{
    std::string const md = SOZBATCH_SOURCE_DIR "/../shared/reference/exchange-examples.md";
    if (!std::filesystem::exists(md)) {
        GTEST_SKIP() << "reference material " << md << " is not available";
    }
    // Every record of the golden files has the SHA-256 published with the examples.
    std::string const text = read_file(md);
    std::regex const sha_re{"SHA-256 \\(ISO-8859-1, ohne Zeilenende\\): `([0-9a-f]{64})`"};
    std::set<std::string> published;
    for (std::sregex_iterator it{text.begin(), text.end(), sha_re}, end; it != end; ++it) {
        published.insert((*it)[1]);
    }
    ASSERT_GE(published.size(), 14u);
    for (auto const *name : {"sozhianf-2025q1.txt", "sozhiant-2025q1.txt"}) {
        for (auto const &line : lines_of(golden(name))) {
            EXPECT_TRUE(published.contains(sha256_hex(line))) << name << ": " << line.substr(0, 40);
        }
    }
}

TEST(ExchangeMatch118, StrictExportRefusesInvalidPerson)
{
    try {
        (void)build_match118_request(examples_request(), false);
        FAIL();
    } catch (input_error const &e) {
        EXPECT_EQ(e.where().record, "person 'SH-2025-000005/P01'");
        EXPECT_EQ(e.where().field, "WHOT");
    }
    auto r = examples_request();
    r.persons.pop_back();
    r.persons[1].reference = r.persons[0].reference; // duplicate Erkennungszeichen
    try {
        (void)build_match118_request(r, false);
        FAIL();
    } catch (input_error const &e) {
        EXPECT_EQ(e.where().field, "ZE");
        EXPECT_NE(e.reason().find("'" + r.persons[0].reference + "' appears twice"), std::string::npos) << e.reason();
    }
    r = examples_request();
    r.persons.pop_back();
    r.persons[0].family_name = "Testfrau€"; // not representable in ISO-8859-1
    try {
        (void)build_match118_request(r, false);
        FAIL();
    } catch (input_error const &e) {
        EXPECT_EQ(e.where().field, "NA");
    }
    r = examples_request();
    r.persons.pop_back();
    r.persons[0].reference = "Testfrau, Erika"; // personal data / lower case in the reference
    try {
        (void)build_match118_request(r, false);
        FAIL();
    } catch (input_error const &e) {
        EXPECT_EQ(e.where().field, "ZE");
    }
    r = examples_request();
    r.persons.pop_back();
    r.persons[0].first_name.clear(); // mandatory
    EXPECT_THROW((void)build_match118_request(r, false), input_error);
    r = examples_request();
    r.persons.pop_back();
    r.persons[0].vsnr = "26120356B506"; // the 2004 layout does not let the office send a VSNR
    EXPECT_EQ(build_match118_request(r).content, golden("sozhianf-2025q1.txt"));
}

TEST(ExchangeMatch118, DiverseSexIsLeftBlankInThe2004Layout)
{
    auto r = examples_request();
    r.persons = {r.persons[0]};
    r.persons[0].sex = sex_t::diverse;
    auto const built = build_match118_request(r);
    auto const lines = lines_of(built.content);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[1].substr(78, 1), " ");
    EXPECT_EQ(lines[1].substr(35, 12), "71120356B500"); // serial range 500-999
}

TEST(ExchangeMatch118, WriteRequestAtomicallyWithManifest)
{
    auto const dir = std::filesystem::temp_directory_path() / ("sozbatch-exchange-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto const path = (dir / "SOZHIANF").string();
    auto const w = write_match118_request(path, examples_request(), true);
    EXPECT_EQ(read_file(path), golden("sozhianf-2025q1.txt"));
    EXPECT_EQ(w.records, 4u);
    EXPECT_EQ(w.sha256, sha256_hex(golden("sozhianf-2025q1.txt")));
    std::string const manifest = read_file(path + ".manifest");
    EXPECT_NE(manifest.find("records=4"), std::string::npos);
    EXPECT_NE(manifest.find("rejected=1"), std::string::npos);
    EXPECT_NE(manifest.find("sha256=" + w.sha256), std::string::npos);
    EXPECT_EQ(manifest.find("Testfrau"), std::string::npos); // no personal data
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
    std::filesystem::remove_all(dir);
}

TEST(ExchangeMatch118, AnswerWithHits)
{
    auto const file = read_match118_answer(golden_path("sozhiant-2025q1.txt"), kiel_options());
    EXPECT_EQ(file.sender, "99900001");
    EXPECT_EQ(file.receiver, "01002000");
    EXPECT_EQ(file.created, date_t(2025, 5, 27));
    ASSERT_EQ(file.answers.size(), 4u);

    auto const &r1 = file.answers[0];
    EXPECT_EQ(r1.reference, "SH-2025-000001/P01");
    EXPECT_EQ(r1.error_flag, 0);
    EXPECT_EQ(r1.vsnr, "26120356B506");
    EXPECT_EQ(r1.comparison_period, (period_t{date_t(2025, 1, 1), date_t(2025, 3, 31)}));
    ASSERT_EQ(r1.hits.size(), 2u);
    auto const &pension = r1.hits[0];
    EXPECT_EQ(pension.source, hit_source_t::pension);
    EXPECT_EQ(pension.agency, "DPAG");
    EXPECT_EQ(pension.code, "01");
    EXPECT_EQ(pension.code_label, "Versichertenrente");
    EXPECT_EQ(pension.area_number, "26");
    EXPECT_EQ(pension.payment_ref, "26120356B50611");
    EXPECT_EQ(pension.amount, money_t::cents(98765));
    EXPECT_EQ(pension.basis, amount_basis_t::monthly);
    EXPECT_EQ(pension.period, (period_t{date_t(2025, 1, 1), date_t(2025, 3, 31)}));
    auto const &minijob = r1.hits[1];
    EXPECT_EQ(minijob.source, hit_source_t::employment);
    EXPECT_EQ(minijob.kind, "employment_minor");
    EXPECT_EQ(minijob.party_id, "12345678");
    EXPECT_EQ(minijob.party_name, "Bäckerei Attrappe GmbH");
    EXPECT_EQ(minijob.party_street, "Teigweg 5");
    EXPECT_EQ(minijob.party_postcode, "24103");
    EXPECT_EQ(minijob.party_city, "Kiel");
    EXPECT_FALSE(minijob.amount.has_value()); // no wage amounts
    EXPECT_EQ(minijob.period, (period_t{date_t(2025, 2, 1), date_t(2025, 3, 31)}));

    auto const &r2 = file.answers[1];
    ASSERT_EQ(r2.hits.size(), 2u);
    EXPECT_EQ(r2.hits[0].source, hit_source_t::employment_agency);
    EXPECT_EQ(r2.hits[0].code_label, "Arbeitslosengeld");
    EXPECT_EQ(r2.hits[0].amount, money_t::cents(32050));
    EXPECT_EQ(r2.hits[0].basis, amount_basis_t::weekly);
    EXPECT_EQ(r2.hits[0].offset_amount, money_t::cents(0));
    EXPECT_EQ(r2.hits[0].reference, "000000123456789");
    EXPECT_EQ(r2.hits[0].party_postcode, "24114");
    EXPECT_EQ(r2.hits[0].party_city, "Kiel");
    EXPECT_EQ(r2.hits[1].kind, "employment_insured");
    EXPECT_EQ(r2.hits[1].party_name, "Werft Beispiel AG, Abteilung Test");

    auto const &r3 = file.answers[2];
    EXPECT_EQ(r3.error_flag, 3);
    EXPECT_EQ(r3.error_flag_label, "no_data");
    EXPECT_TRUE(r3.hits.empty());
    EXPECT_FALSE(r3.has_findings());
    EXPECT_FALSE(r3.vsnr.has_value());

    auto const &r4 = file.answers[3];
    ASSERT_EQ(r4.hits.size(), 1u);
    EXPECT_EQ(r4.hits[0].source, hit_source_t::other_welfare_office);
    EXPECT_EQ(r4.hits[0].party_id, "01058000");
    EXPECT_EQ(r4.hits[0].party_name, "Kreis Rendsburg-Eckernförde (TEST)");
    EXPECT_EQ(r4.hits[0].reference, "RD-TEST-4711");
    EXPECT_TRUE(r4.has_findings());
}

TEST(ExchangeMatch118, AnswerWithoutHitsAndWithErrors)
{
    auto const none = parse_match118_answer(golden("sozhiant-2025q1-nohits.txt"), "nohits", kiel_options());
    ASSERT_EQ(none.answers.size(), 1u);
    EXPECT_FALSE(none.answers[0].has_findings());

    auto const errors = parse_match118_answer(golden("sozhiant-2025q1-errors.txt"), "errors", kiel_options());
    ASSERT_EQ(errors.answers.size(), 1u);
    auto const &n2 = errors.answers[0];
    EXPECT_EQ(n2.reference, "SH-2025-000005/P01");
    EXPECT_EQ(n2.error_flag, 1);
    ASSERT_EQ(n2.hits.size(), 1u);
    EXPECT_EQ(n2.hits[0].source, hit_source_t::error);
    EXPECT_EQ(n2.hits[0].error_field, 20);
    EXPECT_EQ(n2.hits[0].error_number, 1);
    EXPECT_FALSE(n2.has_findings());

    auto const interest = parse_match118_answer(golden("sozhiant-block14.txt"), "b14", kiel_options());
    ASSERT_EQ(interest.answers.size(), 1u);
    ASSERT_EQ(interest.answers[0].hits.size(), 1u);
    EXPECT_EQ(interest.answers[0].hits[0].source, hit_source_t::interest);
    EXPECT_EQ(interest.answers[0].hits[0].amount, money_t::euros(612));
    EXPECT_EQ(interest.answers[0].hits[0].year, 2024);
    EXPECT_EQ(interest.answers[0].hits[0].party_id, "99999999");
}

TEST(ExchangeMatch118, AnswerNegativeCases)
{
    auto const lines = lines_of(golden("sozhiant-2025q1.txt"));
    auto edit = [&](std::size_t line, std::size_t from, std::string const &text) {
        auto ls = lines;
        ls[line].replace(from - 1, text.size(), text);
        return join(ls);
    };
    // unknown Erkennungszeichen
    auto e = answer_error(edit(1, 335, "SH-2025-999999/P01"));
    EXPECT_EQ(e.where().field, "ZE");
    EXPECT_EQ(e.where().line, 2);
    // unknown block type
    e = answer_error(edit(1, 389, "15"));
    EXPECT_EQ(e.where().field, "BLNR");
    EXPECT_EQ(e.where().file, "SOZHIANT");
    // AZBL mismatch
    EXPECT_EQ(answer_error(edit(1, 387, "03")).where().field, "AZBL");
    // bad VSNR check digit found by the DSRV
    EXPECT_EQ(answer_error(edit(1, 56, "26120356B505")).where().field, "VSNRZH");
    // 31.02. as birth date
    EXPECT_EQ(answer_error(edit(2, 71, "31021984")).where().field, "GBDT");
    // wrong quarter
    EXPECT_EQ(answer_error(edit(1, 319, "0104202530062025")).where().field, "AZR");
    // a record one character short
    auto ls = lines;
    ls[4].pop_back();
    EXPECT_NE(answer_error(join(ls)).reason().find("483"), std::string::npos);
    // FEKZ 1 without error numbers
    EXPECT_EQ(answer_error(edit(1, 34, "1")).where().field, "ANZFE");
}

TEST(ExchangeMatch118, AnswerForAnotherOfficeIsRejected)
{
    auto o = kiel_options();
    o.office_id = "01058000";
    auto const e = answer_error(golden("sozhiant-2025q1.txt"), o);
    EXPECT_EQ(e.where().line, 1);
    EXPECT_EQ(e.where().field, "EPNR");
    EXPECT_NE(e.reason().find("another office"), std::string::npos);
    // even when the operator takes the valid records
    o.accept_valid_records = true;
    EXPECT_THROW((void)parse_match118_answer(golden("sozhiant-2025q1.txt"), "x", o), input_error);
    // a record of another Träger inside our file
    auto lines = lines_of(golden("sozhiant-2025q1.txt"));
    lines[2].replace(47, 8, "01058000");
    EXPECT_EQ(answer_error(join(lines)).where().field, "GEMSC");
}

TEST(ExchangeMatch118, PartlyValidAnswerIsAllOrNothingUnlessAsked)
{
    auto lines = lines_of(golden("sozhiant-2025q1.txt"));
    lines[2].replace(388, 2, "15"); // R2: unknown block
    std::string const content = join(lines);
    EXPECT_THROW((void)parse_match118_answer(content, "x", kiel_options()), input_error);
    auto o = kiel_options();
    o.accept_valid_records = true;
    auto const file = parse_match118_answer(content, "x", o);
    EXPECT_EQ(file.answers.size(), 3u);
    ASSERT_EQ(file.rejected.size(), 1u);
    EXPECT_EQ(file.rejected[0].where.line, 3);
    EXPECT_EQ(file.rejected[0].where.field, "BLNR");
    EXPECT_NE(file.rejected[0].message().find("unknown block type"), std::string::npos);
}

TEST(ExchangeMatch118, OfficeIdIsRequired)
{
    match118_read_options_t o;
    EXPECT_THROW((void)parse_match118_answer(golden("sozhiant-2025q1.txt"), "x", o), config_error);
    EXPECT_THROW((void)read_match118_answer("/nonexistent/SOZHIANT", kiel_options()), sozbatch::error_t);
}
