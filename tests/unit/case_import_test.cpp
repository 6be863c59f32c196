// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/case_import/reader.hpp"
#include "formats/case_import/writer.hpp"
#include "lib/core/clock.hpp"
#include "lib/core/embedded.hpp"
#include "lib/core/identifiers.hpp"
#include "lib/core/sha256.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

using namespace sozbatch;
using namespace sozbatch::domain;
using sozbatch::formats::case_import_error;
using sozbatch::formats::read_case_import;
using sozbatch::formats::read_case_import_string;
using sozbatch::formats::write_case_import;

namespace {

std::string const SAMPLES = std::string{SOZBATCH_SOURCE_DIR} + "/samples/";

std::string slurp(std::string const &path)
{
    std::ifstream in{path, std::ios::binary};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Collects what read_case_import_stream() hands out into one bundle, counting the slices.
class collecting_sink_t final : public formats::case_import_sink_t
{
public:
    explicit collecting_sink_t(bool want_records = true) : m_want(want_records) {}
    bool head(case_bundle_t const &head) override
    {
        ++heads;
        EXPECT_TRUE(bundle.persons.empty() && bundle.payees.empty() && bundle.cases.empty());
        bundle = head;
        return m_want;
    }
    void persons(std::vector<person_t> &&v) override { add(bundle.persons, v); }
    void payees(std::vector<payee_t> &&v) override { add(bundle.payees, v); }
    void cases(std::vector<case_t> &&v) override { add(bundle.cases, v); }

    case_bundle_t bundle;
    int heads = 0;
    std::size_t slices = 0, largest = 0;

private:
    template <class T> void add(std::vector<T> &to, std::vector<T> &v)
    {
        ++slices;
        largest = std::max(largest, v.size());
        to.insert(to.end(), v.begin(), v.end());
    }
    bool m_want;
};

case_bundle_t streamed(std::string const &xml, std::string const &name, std::size_t slice = 1000)
{
    collecting_sink_t sink;
    formats::read_case_import_stream(xml, name, sink, slice);
    EXPECT_EQ(sink.heads, 1);
    EXPECT_LE(sink.largest, slice);
    return sink.bundle;
}

/// Reads \p xml and returns the exception; fails the test when the reader accepts it. The
/// streaming reader must refuse it with the same messages.
case_import_error reject(std::string const &xml, std::string const &name = "inline.xml")
{
    try {
        read_case_import_string(xml, name);
    } catch (case_import_error const &e) {
        try {
            collecting_sink_t sink;
            formats::read_case_import_stream(xml, name, sink, 1);
            ADD_FAILURE() << name << " was accepted by the streaming reader";
        } catch (case_import_error const &s) {
            EXPECT_EQ(s.messages(), e.messages());
        }
        return e;
    }
    ADD_FAILURE() << name << " was accepted";
    return case_import_error{{}, "accepted", {"accepted"}};
}

std::string minimal() { return slurp(SAMPLES + "minimal-case.xml"); }

std::string replace(std::string s, std::string const &from, std::string const &to)
{
    auto const pos = s.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) {
        s.replace(pos, from.size(), to);
    }
    return s;
}

} // namespace

TEST(CaseImport, DemoFileHasTheExpectedCases)
{
    auto const bundle = read_case_import(SAMPLES + "demo-cases.xml");
    EXPECT_EQ(bundle.tenant, "kiel");
    EXPECT_EQ(bundle.tenant_name, "Landeshauptstadt Kiel, Amt f\xC3\xBCr Soziale Dienste");
    ASSERT_TRUE(bundle.created.has_value());
    EXPECT_EQ(to_iso(*bundle.created), "2026-09-28T06:00:00Z");
    EXPECT_EQ(bundle.work_groups, (std::vector<std::string>{"SG-NORD", "SG-SUED"}));
    EXPECT_EQ(bundle.cases.size(), 40U);
    EXPECT_EQ(bundle.persons.size(), 55U);
    EXPECT_EQ(bundle.payees.size(), 43U);

    std::map<law_t, int> per_law;
    for (auto const &c : bundle.cases) {
        ++per_law[c.law];
    }
    EXPECT_EQ(per_law[law_t::sgb12_kap4], 19);
    EXPECT_EQ(per_law[law_t::sgb12_kap3], 9);
    EXPECT_EQ(per_law[law_t::asylblg_3], 6);
    EXPECT_EQ(per_law[law_t::asylblg_2], 3);
    EXPECT_EQ(per_law[law_t::bvg_kof], 3);

    // The DRV-2016-like pensioner: Merkzeichen G, widow's pension 325, rent 285 + 50 + 35.
    auto const &first = bundle.cases.front();
    EXPECT_EQ(first.file_ref, "50.1-0001");
    EXPECT_EQ(first.law, law_t::sgb12_kap4);
    ASSERT_EQ(first.needs.size(), 1U);
    EXPECT_EQ(first.needs[0].kind, "merkzeichen-g");
    ASSERT_EQ(first.incomes.size(), 1U);
    EXPECT_EQ(first.incomes[0].kind, "widow-pension");
    EXPECT_EQ(first.incomes[0].gross.as_cents(), 32500);
    ASSERT_EQ(first.housing.size(), 1U);
    EXPECT_EQ(first.housing[0].basic_rent.as_cents(), 28500);
    EXPECT_EQ(first.housing[0].service_charges.as_cents(), 5000);
    EXPECT_EQ(first.housing[0].heating.as_cents(), 3500);
    auto const *erika = bundle.find_person(first.members[0].person_id);
    ASSERT_NE(erika, nullptr);
    EXPECT_EQ(erika->family_name, "Musterfrau");
    EXPECT_EQ(erika->birth_date, parse_date("1948-03-14"));
    EXPECT_EQ(erika->sex, sex_t::female);

    // Every payee with an account passes the IBAN check; every demo approval covers Q4 2026 or
    // the case starts/ends inside it; every BVG-KOF case is a Besitzstand (before 2024).
    int landlord_rent = 0;
    int without_account = 0;
    for (auto const &p : bundle.payees) {
        if (!p.iban.empty()) {
            EXPECT_TRUE(iban_t::check(p.iban).empty()) << p.iban;
        } else if (p.card_ref.empty()) {
            ++without_account;
        }
    }
    for (auto const &c : bundle.cases) {
        if (c.law == law_t::bvg_kof) {
            EXPECT_LT(c.established_on, date_t(2024, 1, 1)) << c.file_ref;
        }
        for (auto const &a : c.assignments) {
            if (a.purpose == assignment_purpose_t::rent) {
                ++landlord_rent;
                EXPECT_EQ(bundle.find_payee(a.payee_id)->kind, payee_kind_t::landlord);
            }
        }
    }
    EXPECT_GE(landlord_rent, 2);
    EXPECT_GE(without_account, 2);

    // Benefits starting and ending mid-month within 2026.
    bool mid_start = false;
    bool mid_end = false;
    for (auto const &c : bundle.cases) {
        for (auto const &a : c.approvals) {
            mid_start |= a.period.from().year() == 2026 && a.period.from().day() != 1;
            mid_end |= a.period.to() && a.period.to()->year() == 2026
                       && *a.period.to() != a.period.to()->end_of_month();
        }
    }
    EXPECT_TRUE(mid_start);
    EXPECT_TRUE(mid_end);
}

TEST(CaseImport, RoundTripGivesTheSameBundle)
{
    auto const original = read_case_import(SAMPLES + "demo-cases.xml");
    std::string const xml = write_case_import(original);
    auto const again = read_case_import_string(xml, "roundtrip.xml");
    // The canonical form is a fixed point: write(read(write(b))) == write(b).
    EXPECT_EQ(write_case_import(again), xml);

    // And field by field where the writer could lose something.
    ASSERT_EQ(again.cases.size(), original.cases.size());
    ASSERT_EQ(again.persons.size(), original.persons.size());
    for (std::size_t i = 0; i < original.persons.size(); ++i) {
        auto const &a = original.persons[i];
        auto const &b = again.persons[i];
        EXPECT_EQ(a.ext_id, b.ext_id);
        EXPECT_EQ(a.family_name, b.family_name);
        EXPECT_EQ(a.birth_name, b.birth_name);
        EXPECT_EQ(a.first_names, b.first_names);
        EXPECT_EQ(a.birth_date, b.birth_date);
        EXPECT_EQ(a.vsnr, b.vsnr);
        EXPECT_EQ(a.steuer_id, b.steuer_id);
        EXPECT_EQ(a.nationality, b.nationality);
        EXPECT_EQ(a.address.street, b.address.street);
        EXPECT_EQ(a.address.extra, b.address.extra);
        EXPECT_EQ(a.address.postcode, b.address.postcode);
    }
    for (std::size_t i = 0; i < original.cases.size(); ++i) {
        auto const &a = original.cases[i];
        auto const &b = again.cases[i];
        EXPECT_EQ(a.file_ref, b.file_ref);
        EXPECT_EQ(a.law, b.law);
        EXPECT_EQ(a.closed, b.closed);
        EXPECT_EQ(a.closed_on, b.closed_on);
        ASSERT_EQ(a.approvals.size(), b.approvals.size());
        for (std::size_t j = 0; j < a.approvals.size(); ++j) {
            EXPECT_EQ(a.approvals[j].period, b.approvals[j].period);
            EXPECT_EQ(a.approvals[j].approved_at, b.approvals[j].approved_at);
            EXPECT_EQ(a.approvals[j].state, b.approvals[j].state);
        }
        ASSERT_EQ(a.incomes.size(), b.incomes.size());
        for (std::size_t j = 0; j < a.incomes.size(); ++j) {
            EXPECT_EQ(a.incomes[j].gross, b.incomes[j].gross);
            EXPECT_EQ(a.incomes[j].social_insurance, b.incomes[j].social_insurance);
            EXPECT_EQ(a.incomes[j].spread_months, b.incomes[j].spread_months);
            EXPECT_EQ(a.incomes[j].grundrentenzeiten_33_years, b.incomes[j].grundrentenzeiten_33_years);
        }
        ASSERT_EQ(a.needs.size(), b.needs.size());
        for (std::size_t j = 0; j < a.needs.size(); ++j) {
            EXPECT_EQ(a.needs[j].kind, b.needs[j].kind);
            EXPECT_EQ(a.needs[j].amount, b.needs[j].amount);
            EXPECT_EQ(a.needs[j].quantity, b.needs[j].quantity);
            EXPECT_EQ(a.needs[j].validity, b.needs[j].validity);
        }
        EXPECT_EQ(a.offsets.size(), b.offsets.size());
        EXPECT_EQ(a.claims.size(), b.claims.size());
        EXPECT_EQ(a.assignments.size(), b.assignments.size());
    }
}

TEST(CaseImport, WriterEscapesAndKeepsUnicode)
{
    auto bundle = read_case_import(SAMPLES + "minimal-case.xml");
    bundle.persons[0].family_name = "M\xC3\xBCller & \"S\xC3\xB6hne\" <Gr\xC3\x9F>";
    bundle.cases[0].incomes[0].note = "Zeile 1\nZeile 2";
    auto const again = read_case_import_string(write_case_import(bundle), "escaped.xml");
    EXPECT_EQ(again.persons[0].family_name, bundle.persons[0].family_name);
    EXPECT_EQ(again.cases[0].incomes[0].note, "Zeile 1\nZeile 2");
}

struct bad_file_t
{
    char const *file;
    long line;
    char const *record;
    char const *field;
    char const *reason; ///< a fragment of the reason
};

class CaseImportBadFile : public testing::TestWithParam<bad_file_t>
{};

TEST_P(CaseImportBadFile, IsRejectedWithFileLineRecordAndField)
{
    auto const &p = GetParam();
    std::string const path = SAMPLES + "bad/" + p.file;
    try {
        read_case_import(path);
        FAIL() << p.file << " was accepted";
    } catch (case_import_error const &e) {
        std::string const what = e.what();
        EXPECT_EQ(e.where().file, path);
        EXPECT_EQ(e.where().line, p.line) << what;
        EXPECT_EQ(e.where().record, p.record) << what;
        EXPECT_EQ(e.where().field, p.field) << what;
        EXPECT_NE(what.find(path + ":" + std::to_string(p.line) + ": " + p.record + ": field '" + p.field + "'"),
                  std::string::npos)
            << what;
        EXPECT_NE(what.find(p.reason), std::string::npos) << what;
        EXPECT_EQ(e.messages().size(), 1U) << what;
        // the streaming reader refuses it with the same message
        try {
            collecting_sink_t sink;
            formats::read_case_import_stream(formats::read_case_import_bytes(path), path, sink);
            ADD_FAILURE() << p.file << " was accepted by the streaming reader";
        } catch (case_import_error const &s) {
            EXPECT_EQ(s.messages(), e.messages());
        }
    }
}

INSTANTIATE_TEST_SUITE_P(
    Samples, CaseImportBadFile,
    testing::Values(
        bad_file_t{"iban-check-digit.xml", 11, "payee Z-0001", "iban", "check"},
        bad_file_t{"vsnr-check-digit.xml", 8, "person P-0001", "vsnr", "check digit"},
        bad_file_t{"overlapping-approvals.xml", 17, "case 50.1-0001 approval[2]", "from", "overlaps approval B-1"},
        bad_file_t{"member-without-person.xml", 15, "case 50.1-0001 member[1]", "person", "P-0099"},
        bad_file_t{"amount-three-decimals.xml", 17, "case 50.1-0001 income[1]", "gross", "at most two decimals"},
        bad_file_t{"unknown-law.xml", 14, "case 50.1-0001", "law", "unknown law"},
        bad_file_t{"xsd-violation.xml", 8, "person P-0001", "sex", "schema violation"},
        bad_file_t{"period-end-before-start.xml", 18, "case 50.1-0001 housing[1]", "to", "before it starts"},
        bad_file_t{"assignment-unknown-payee.xml", 19, "case 50.1-0001 assignment[1]", "payee", "Z-0099"}),
    [](testing::TestParamInfo<bad_file_t> const &info) {
        std::string name = info.param.file;
        name = name.substr(0, name.find('.'));
        for (auto &ch : name) {
            if (ch == '-') {
                ch = '_';
            }
        }
        return name;
    });

TEST(CaseImport, MinimalSampleIsAccepted)
{
    // The bad files differ from this one in one place each: it must pass, or the tests above
    // would prove nothing.
    auto const bundle = read_case_import(SAMPLES + "minimal-case.xml");
    ASSERT_EQ(bundle.cases.size(), 1U);
    EXPECT_EQ(bundle.cases[0].approvals.size(), 1U);
    EXPECT_EQ(bundle.payees[0].iban, "DE95210501701234567890");
}

TEST(CaseImport, StreamingGivesTheSameRecordsInSlices)
{
    // the import reads files record by record (read_case_import_stream); what it hands out must
    // be what the whole-document reader returns, for every slice size
    for (std::string const file : {"minimal-case.xml", "demo-cases.xml"}) {
        std::string const xml = slurp(SAMPLES + file);
        auto const whole = read_case_import_string(xml, file);
        std::string const expected = write_case_import(whole);
        for (std::size_t const slice : {std::size_t{1}, std::size_t{7}, std::size_t{1000}}) {
            auto const b = streamed(xml, file, slice);
            EXPECT_EQ(write_case_import(b), expected) << file << ", slices of " << slice;
            EXPECT_EQ(b.persons.size(), whole.persons.size());
            EXPECT_EQ(b.cases.size(), whole.cases.size());
        }
    }
    // slices of 7: the demo's 40 cases alone come in at least 6 slices
    collecting_sink_t sink;
    formats::read_case_import_stream(slurp(SAMPLES + "demo-cases.xml"), "demo-cases.xml", sink, 7);
    EXPECT_GE(sink.slices, 6U);
    EXPECT_EQ(sink.largest, 7U);
}

TEST(CaseImport, FileStreamHashesTheWholeFileAndRefusesAsTheDocument)
{
    // the import reads files piece by piece (read_case_import_file_stream): the records as from
    // the whole document, the SHA-256 of all bytes (also when the sink stops at the head)
    std::string const path = SAMPLES + "demo-cases.xml";
    collecting_sink_t sink;
    EXPECT_EQ(formats::read_case_import_file_stream(path, sink, 5), sha256_file(path));
    EXPECT_EQ(write_case_import(sink.bundle), write_case_import(read_case_import(path)));
    collecting_sink_t stop{false};
    EXPECT_EQ(formats::read_case_import_file_stream(path, stop), sha256_file(path));
    EXPECT_EQ(stop.slices, 0U);

    // a DOCTYPE is refused before libxml2 reads it, with the whole-document reader's message
    std::string const dir = ::testing::TempDir();
    std::string const doctype = dir + "/doctype.xml";
    std::ofstream{doctype, std::ios::binary} << "<?xml version=\"1.0\"?>\n<!DOCTYPE case-import [\n"
                                                "  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n"
                                             << minimal().substr(minimal().find("<case-import"));
    for (std::string const &file : {doctype, SAMPLES + "bad/member-without-person.xml"}) {
        std::vector<std::string> expected;
        try {
            read_case_import(file);
            ADD_FAILURE() << file << " accepted";
        } catch (case_import_error const &e) {
            expected = e.messages();
        }
        try {
            collecting_sink_t s2;
            formats::read_case_import_file_stream(file, s2);
            ADD_FAILURE() << file << " accepted by the file stream";
        } catch (case_import_error const &e) {
            EXPECT_EQ(e.messages(), expected);
        }
    }
    collecting_sink_t none;
    EXPECT_THROW(formats::read_case_import_file_stream(SAMPLES + "does-not-exist.xml", none), case_import_error);
}

TEST(CaseImport, StreamingStopsWhenTheSinkKnowsTheFile)
{
    // head() returning false (the file was imported before): no records, nothing else read
    collecting_sink_t sink{false};
    formats::read_case_import_stream(slurp(SAMPLES + "demo-cases.xml"), "demo-cases.xml", sink);
    EXPECT_EQ(sink.heads, 1);
    EXPECT_EQ(sink.bundle.tenant, "kiel");
    EXPECT_EQ(sink.slices, 0U);
}

TEST(CaseImport, StreamingRefusesWhatTheDocumentRefuses)
{
    // a finding after records were handed out: the stream still throws (the import rolls back)
    auto const xml = replace(slurp(SAMPLES + "demo-cases.xml"), "</cases>", "<case/></cases>");
    auto const e = reject(xml, "late.xml");
    EXPECT_NE(std::string{e.what()}.find("schema violation"), std::string::npos) << e.what(); // reject() compared the messages
}

TEST(CaseImport, CollectsAllErrorsOfTheFile)
{
    auto xml = minimal();
    xml = replace(xml, "DE95210501701234567890", "DE96210501701234567890");
    xml = replace(xml, "vsnr=\"26140348B528\"", "vsnr=\"26140348B527\"");
    xml = replace(xml, "to=\"2027-12-31\"", "to=\"2015-01-01\"");
    auto const e = reject(xml);
    ASSERT_EQ(e.messages().size(), 3U) << e.what();
    EXPECT_EQ(e.where().record, "person P-0001"); // document order: the person comes first
    EXPECT_NE(std::string{e.what()}.find("first of 3 errors"), std::string::npos) << e.what();
    EXPECT_NE(e.messages()[1].find("payee Z-0001: field 'iban'"), std::string::npos) << e.messages()[1];
    EXPECT_NE(e.messages()[2].find("housing[1]: field 'to'"), std::string::npos) << e.messages()[2];
}

TEST(CaseImport, RevokedApprovalsDoNotOverlap)
{
    auto const xml = replace(minimal(), "state=\"approved\"/>",
                             "state=\"approved\"/>\n      <approval id=\"B-0\" from=\"2026-01-01\" to=\"2026-12-31\" "
                             "approved-by=\"sb-nord-01\" state=\"revoked\"/>");
    auto const bundle = read_case_import_string(xml, "revoked.xml");
    EXPECT_EQ(bundle.cases[0].approvals.size(), 2U);
    EXPECT_EQ(bundle.cases[0].approvals[1].state, approval_state_t::revoked);
    // The same approval as pending is an overlap.
    auto const e = reject(replace(xml, "state=\"revoked\"", "state=\"pending\""));
    EXPECT_EQ(e.where().field, "from");
    EXPECT_NE(std::string{e.what()}.find("overlaps"), std::string::npos);
}

TEST(CaseImport, SemanticRulesBeyondTheSchema)
{
    // A need/income person must be a member of the case.
    auto xml = replace(minimal(), "</persons>",
                       "  <person id=\"P-0002\" family-name=\"Fremd\" sex=\"m\"/>\n  </persons>");
    auto e = reject(replace(xml, "<income person=\"P-0001\"", "<income person=\"P-0002\""));
    EXPECT_EQ(e.where().field, "person");
    EXPECT_NE(std::string{e.what()}.find("not a member"), std::string::npos) << e.what();

    // BVG-KOF only as Besitzstand.
    e = reject(replace(replace(minimal(), "law=\"SGB12-4\"", "law=\"BVG-KOF\""), "established-on=\"2016-07-01\"",
                       "established-on=\"2024-02-01\""));
    EXPECT_EQ(e.where().field, "established-on");

    // Mittagsverpflegung needs the number of lunches.
    e = reject(replace(minimal(), "<income ",
                       "<need person=\"P-0001\" kind=\"mittagsverpflegung\" from=\"2026-01-01\"/>\n      <income "));
    EXPECT_EQ(e.where().field, "quantity");

    // A closed case needs closed-on; a Steuer-ID with a wrong check digit is rejected.
    e = reject(replace(minimal(), "state=\"open\"", "state=\"closed\""));
    EXPECT_EQ(e.where().field, "closed-on");
    e = reject(replace(minimal(), "sex=\"w\"", "sex=\"w\" steuer-id=\"12345678901\""));
    EXPECT_EQ(e.where().field, "steuer-id");

    // xs:date alone would accept 2026-02-30? No: both XSD and the reader reject it.
    e = reject(replace(minimal(), "from=\"2016-07-01\"/>", "from=\"2026-02-30\"/>"));
    EXPECT_EQ(e.where().line, 15);
}

TEST(CaseImport, DuplicateIdsAndUnknownClaims)
{
    auto e = reject(replace(minimal(), "</persons>",
                            "  <person id=\"P-0001\" family-name=\"Doppelt\" sex=\"m\"/>\n  </persons>"));
    EXPECT_EQ(e.where().line, 9) << e.what();
    EXPECT_EQ(e.where().record, "person P-0001");
    EXPECT_EQ(e.where().field, "id");
    EXPECT_NE(std::string{e.what()}.find("duplicate id"), std::string::npos) << e.what();

    e = reject(replace(minimal(), "    </case>",
                       "      <offset claim=\"F-1\" monthly=\"20.00\" from=\"2026-07-01\"/>\n    </case>"));
    EXPECT_EQ(e.where().record, "case 50.1-0001 offset[1]") << e.what();
    EXPECT_EQ(e.where().field, "claim");

    auto const ok = read_case_import_string(
        replace(minimal(), "    </case>",
                "      <claim id=\"F-1\" kind=\"overpayment\" amount=\"500\" established-on=\"2026-05-12\"/>\n"
                "      <offset claim=\"F-1\" monthly=\"20.00\" from=\"2026-07-01\" to=\"2028-04-30\"/>\n    </case>"),
        "claim.xml");
    ASSERT_EQ(ok.cases[0].offsets.size(), 1U);
    EXPECT_EQ(ok.cases[0].offsets[0].monthly.as_cents(), 2000);
    EXPECT_EQ(ok.cases[0].claims[0].amount.as_cents(), 50000);
}

TEST(CaseImport, NotWellFormedAndWrongNamespace)
{
    auto e = reject(replace(minimal(), "</cases>", "</case>"), "broken.xml");
    EXPECT_EQ(e.where().file, "broken.xml");
    EXPECT_GT(e.where().line, 0);
    EXPECT_NE(std::string{e.what()}.find("not well-formed"), std::string::npos);

    e = reject(replace(minimal(), "urn:sozbatch:case-import:1", "urn:sozbatch:case-import:2"));
    EXPECT_NE(std::string{e.what()}.find("schema violation"), std::string::npos) << e.what();
}

TEST(CaseImport, RefusesDoctypeAndExternalEntities)
{
    // Classic XXE: must neither read /etc/passwd nor fetch anything.
    std::string const xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE case-import [\n"
                            "  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n"
                            + minimal().substr(minimal().find("<case-import"));
    auto const with_ref = replace(xxe, "source=\"sozbatch tests\"", "source=\"&xxe;\"");
    auto e = reject(with_ref);
    EXPECT_EQ(e.where().line, 2);
    EXPECT_NE(std::string{e.what()}.find("DOCTYPE"), std::string::npos) << e.what();
    // An undeclared entity reference is not well-formed.
    e = reject(replace(minimal(), "source=\"sozbatch tests\"", "source=\"&xxe;\""));
    EXPECT_NE(std::string{e.what()}.find("not well-formed"), std::string::npos) << e.what();
}

TEST(CaseImport, MissingFile)
{
    EXPECT_THROW(read_case_import(SAMPLES + "does-not-exist.xml"), case_import_error);
    EXPECT_THROW(read_case_import(SAMPLES + "does-not-exist.xml"), input_error);
}

TEST(CaseImport, KindListsMatchTheSchema)
{
    std::string const xsd{embedded::get("schemas/case-import.xsd")};
    auto enumeration_of = [&](std::string const &type) {
        std::vector<std::string> values;
        auto const begin = xsd.find("<xs:simpleType name=\"" + type + "\">");
        auto const end = xsd.find("</xs:simpleType>", begin);
        std::regex const value_re{"<xs:enumeration value=\"([^\"]+)\""};
        std::string const body = xsd.substr(begin, end - begin);
        for (std::sregex_iterator it{body.begin(), body.end(), value_re}, last; it != last; ++it) {
            values.push_back((*it)[1]);
        }
        return values;
    };
    auto as_strings = [](std::vector<std::string_view> const &v) {
        return std::vector<std::string>(v.begin(), v.end());
    };
    EXPECT_EQ(enumeration_of("need_kind_t"), as_strings(formats::case_import_need_kinds()));
    EXPECT_EQ(enumeration_of("income_kind_t"), as_strings(formats::case_import_income_kinds()));
    EXPECT_GE(formats::case_import_need_kinds().size(), 14U);
}
