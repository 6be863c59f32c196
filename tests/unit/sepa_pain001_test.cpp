// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/sepa/pain001_writer.hpp"
#include "formats/sepa/sepa_text.hpp"
#include "lib/core/error.hpp"
#include "lib/core/sha256.hpp"
#include "lib/core/text.hpp"

#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/xmlregexp.h>
#include <libxml/xmlschemas.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

using namespace sozbatch;
using namespace sozbatch::sepa;
namespace fs = std::filesystem;

namespace {

std::string const SHARED = SOZBATCH_SOURCE_DIR "/../shared/schemas/iso20022";
std::string const ISO_XSD = SHARED + "/pain.001.001.09.xsd";
std::string const DK_XSD = SHARED + "/dk/pain.001.001.09_GBIC_4.xsd";

/// Validates \p file against \p xsd with libxml2. \returns "" when valid, else the errors.
std::string validate(std::string const &file, std::string const &xsd)
{
    std::string errors;
    auto collect = [](void *ctx, xmlErrorPtr e) {
        auto *s = static_cast<std::string *>(ctx);
        *s += std::to_string(e->line) + ": " + (e->message ? e->message : "?");
    };
    xmlSchemaParserCtxtPtr pctx = xmlSchemaNewParserCtxt(xsd.c_str());
    xmlSchemaSetParserStructuredErrors(pctx, collect, &errors);
    xmlSchemaPtr schema = xmlSchemaParse(pctx);
    xmlSchemaFreeParserCtxt(pctx);
    if (schema == nullptr) {
        return "schema " + xsd + " does not compile: " + errors;
    }
    xmlSchemaValidCtxtPtr vctx = xmlSchemaNewValidCtxt(schema);
    xmlSchemaSetValidStructuredErrors(vctx, collect, &errors);
    int const rc = xmlSchemaValidateFile(vctx, file.c_str(), 0);
    xmlSchemaFreeValidCtxt(vctx);
    xmlSchemaFree(schema);
    if (rc != 0 && errors.empty()) {
        errors = "validation failed with code " + std::to_string(rc);
    }
    return errors;
}

std::string read_all(std::string const &path)
{
    std::ifstream in{path, std::ios::binary};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A German IBAN with correct check digits for a BLZ and account number.
iban_t de_iban(std::string const &blz, long account)
{
    std::string acct = std::to_string(account);
    acct.insert(0, 10 - acct.size(), '0');
    std::string const bban = blz + acct;
    std::string const digits = bban + "131400"; // D=13 E=14 and "00"
    unsigned rem = 0;
    for (char c : digits) {
        rem = (rem * 10 + static_cast<unsigned>(c - '0')) % 97;
    }
    unsigned const check = 98 - rem;
    std::string cd = std::to_string(check);
    if (cd.size() < 2) {
        cd.insert(0, "0");
    }
    return iban_t::parse("DE" + cd + bban);
}

class Pain001Test : public ::testing::Test
{
protected:
    void SetUp() override
    {
        std::string tmpl = (fs::temp_directory_path() / "sozbatch-sepa-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        m_dir = tmpl;
    }
    void TearDown() override { fs::remove_all(m_dir); }

    std::string path(char const *name) const { return (fs::path{m_dir} / name).string(); }

    std::string m_dir;
};

/// Skips the current test (must be used in the test body) when the shared XSDs are absent.
#define REQUIRE_SHARED_XSDS()                                                                                         \
    if (!fs::exists(ISO_XSD) || !fs::exists(DK_XSD)) {                                                                \
        GTEST_SKIP() << "../shared/schemas/iso20022 is not available; cannot validate against the ISO and DK XSDs";   \
    }

timestamp_t const CREATED = parse_timestamp("2026-01-20T08:00:00Z");

pain001_header_t header(std::int64_t n, money_t sum)
{
    return pain001_header_t{"SOZ-2026-01-0001", CREATED, n, sum, "Landeshauptstadt Kiel - Amt für Soziale Dienste",
                            true};
}

payment_info_t info(std::string id, std::int64_t n, money_t sum)
{
    return payment_info_t{std::move(id),
                          true,
                          n,
                          sum,
                          std::string{"SSBE"},
                          parse_date("2025-12-31"),
                          "Landeshauptstadt Kiel",
                          iban_t::parse("DE89370400440532013000"),
                          std::nullopt,
                          std::string{"Landeshauptstadt Kiel - Sozialamt"}};
}

transfer_t transfer(int i, money_t amount)
{
    return transfer_t{"SOZ-2026-01-E" + std::to_string(i),
                      amount,
                      std::nullopt,
                      "Empfänger Nr " + std::to_string(i),
                      de_iban("21050170", 1000000 + i),
                      std::nullopt,
                      std::string{"GOVT"},
                      "SGB XII Hilfe zum Lebensunterhalt 2026-01 Az 50.1-" + std::to_string(i)};
}

/// Writes the sample file used by several tests: two PmtInf with 3 and 2 transfers.
pain001_result_t write_sample(std::string const &file, bool indent = true)
{
    money_t const a = money_t::cents(56300);
    money_t const b = money_t::cents(1);
    money_t const c = money_t::cents(99999999999);
    money_t const d = money_t::cents(45012);
    money_t const e = money_t::cents(12050);
    pain001_header_t h = header(5, a + b + c + d + e);
    h.indent = indent;
    pain001_writer_t w{file, h};
    w.begin_payment_info(info("SOZ-2026-01-0001-P1", 3, a + b + c));
    w.add_transfer(transfer_t{"SOZ-2026-01-E1", a, std::nullopt, "Müller & Söhne GbR", de_iban("21050170", 12345),
                              std::string{"Jürgen Weiß"}, std::string{"RENT"}, "Miete 2026-01 für Jürgen Weiß Az 50.1-0001"});
    w.add_transfer(transfer_t{"SOZ-2026-01-E2", b, bic_t::parse("UBSWCHZH80A"), "Zoe Lodz",
                              iban_t::parse("CH9300762011623852957"), std::nullopt, std::nullopt, ""});
    w.add_transfer(transfer(3, c));
    w.end_payment_info();
    payment_info_t p2 = info("SOZ-2026-01-0001-P2", 2, d + e);
    p2.batch_booking = false;
    p2.category_purpose.reset();
    p2.debtor_bic = bic_t::parse("NOLADE21KIE");
    p2.ultimate_debtor.reset();
    w.begin_payment_info(p2);
    w.add_transfer(transfer(4, d));
    w.add_transfer(transfer(5, e));
    w.end_payment_info();
    return w.finish();
}

} // namespace

TEST_F(Pain001Test, WritesAFileValidAgainstOwnIsoAndDkSchemas)
{
    REQUIRE_SHARED_XSDS();
    std::string const file = path("run.xml");
    auto const result = write_sample(file);
    EXPECT_EQ(result.nb_of_txs, 5);
    EXPECT_EQ(result.ctrl_sum, money_t::cents(56300 + 1 + 99999999999 + 45012 + 12050));
    EXPECT_EQ(result.payment_infos, 2);
    EXPECT_EQ(validate(file, ISO_XSD), "");
    EXPECT_EQ(validate(file, DK_XSD), "");
    EXPECT_EQ(validate(file, SOZBATCH_SOURCE_DIR "/schemas/pain.001.001.09-sozbatch.xsd"), "");
    EXPECT_FALSE(fs::exists(file + ".tmp"));
}

TEST_F(Pain001Test, ContentFollowsTheDkRules)
{
    std::string const file = path("run.xml");
    auto const result = write_sample(file);
    std::string const xml = read_all(file);
    EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u) << "no BOM, UTF-8 declaration first";
    EXPECT_NE(xml.find("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\">"), std::string::npos);
    EXPECT_NE(xml.find("<CreDtTm>2026-01-20T08:00:00+00:00</CreDtTm>"), std::string::npos);
    EXPECT_NE(xml.find("<NbOfTxs>5</NbOfTxs>"), std::string::npos);
    EXPECT_NE(xml.find("<CtrlSum>1000001133.62</CtrlSum>"), std::string::npos);
    EXPECT_NE(xml.find("<InstdAmt Ccy=\"EUR\">0.01</InstdAmt>"), std::string::npos);
    EXPECT_NE(xml.find("<InstdAmt Ccy=\"EUR\">999999999.99</InstdAmt>"), std::string::npos);
    EXPECT_NE(xml.find("<Nm>Müller &amp; Söhne GbR</Nm>"), std::string::npos);
    EXPECT_NE(xml.find("<Othr>\n            <Id>NOTPROVIDED</Id>"), std::string::npos);
    EXPECT_NE(xml.find("<BICFI>NOLADE21KIE</BICFI>"), std::string::npos);
    EXPECT_NE(xml.find("<BtchBookg>false</BtchBookg>"), std::string::npos);
    EXPECT_NE(xml.find("<ReqdExctnDt>\n        <Dt>2025-12-31</Dt>"), std::string::npos);
    // Exactly one CdtrAgt: only the Swiss account (outside the EEA) needs a BIC.
    EXPECT_EQ(xml.find("<CdtrAgt>"), xml.rfind("<CdtrAgt>"));
    EXPECT_NE(xml.find("<BICFI>UBSWCHZH80A</BICFI>"), std::string::npos);
    EXPECT_EQ(xml.find("UETR"), std::string::npos);
    EXPECT_EQ(xml.find("<CdtrAgt/>"), std::string::npos);

    std::string const manifest = read_all(file + ".manifest");
    EXPECT_NE(manifest.find("msg_id=SOZ-2026-01-0001\n"), std::string::npos);
    EXPECT_NE(manifest.find("nb_of_txs=5\n"), std::string::npos);
    EXPECT_NE(manifest.find("ctrl_sum=1000001133.62\n"), std::string::npos);
    EXPECT_NE(manifest.find("sha256=" + sha256_file(file) + "\n"), std::string::npos);
    EXPECT_EQ(result.sha256, sha256_file(file));
    EXPECT_EQ(result.bytes, fs::file_size(file));
}

TEST_F(Pain001Test, SameInputAndTimestampGiveByteIdenticalFiles)
{
    auto const r1 = write_sample(path("a.xml"));
    auto const r2 = write_sample(path("b.xml"));
    EXPECT_EQ(r1.sha256, r2.sha256);
    EXPECT_EQ(read_all(path("a.xml")), read_all(path("b.xml")));
}

TEST_F(Pain001Test, PaymentInfoSumMismatchRefusesAndLeavesNoFile)
{
    std::string const file = path("bad.xml");
    {
        pain001_writer_t w{file, header(2, money_t::cents(300))};
        w.begin_payment_info(info("P1", 2, money_t::cents(301))); // declared one cent too much
        w.add_transfer(transfer(1, money_t::cents(100)));
        w.add_transfer(transfer(2, money_t::cents(200)));
        EXPECT_TRUE(fs::exists(file + ".tmp"));
        EXPECT_THROW(w.end_payment_info(), internal_error);
        EXPECT_FALSE(fs::exists(file + ".tmp"));
        EXPECT_THROW(w.finish(), internal_error); // unusable after the failure
    }
    EXPECT_FALSE(fs::exists(file));
    EXPECT_FALSE(fs::exists(file + ".tmp"));
    EXPECT_FALSE(fs::exists(file + ".manifest"));
}

TEST_F(Pain001Test, PaymentInfoCountMismatchRefuses)
{
    std::string const file = path("bad.xml");
    pain001_writer_t w{file, header(3, money_t::cents(300))};
    w.begin_payment_info(info("P1", 3, money_t::cents(300)));
    w.add_transfer(transfer(1, money_t::cents(100)));
    w.add_transfer(transfer(2, money_t::cents(200))); // 2 written, 3 declared, same sum
    EXPECT_THROW(w.end_payment_info(), internal_error);
    EXPECT_FALSE(fs::exists(file));
    EXPECT_FALSE(fs::exists(file + ".tmp"));
}

TEST_F(Pain001Test, GroupHeaderMismatchRefusesAtFinish)
{
    std::string const file = path("bad.xml");
    pain001_writer_t w{file, header(2, money_t::cents(301))}; // PmtInf correct, GrpHdr wrong
    w.begin_payment_info(info("P1", 2, money_t::cents(300)));
    w.add_transfer(transfer(1, money_t::cents(100)));
    w.add_transfer(transfer(2, money_t::cents(200)));
    w.end_payment_info();
    try {
        w.finish();
        FAIL() << "finish() accepted a wrong GrpHdr/CtrlSum";
    } catch (internal_error const &e) {
        EXPECT_NE(std::string{e.what()}.find("GrpHdr"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(file));
    EXPECT_FALSE(fs::exists(file + ".tmp"));
    EXPECT_FALSE(fs::exists(file + ".manifest"));
}

TEST_F(Pain001Test, UnfinishedWriterPublishesNothing)
{
    std::string const file = path("x.xml");
    {
        pain001_writer_t w{file, header(1, money_t::cents(100))};
        w.begin_payment_info(info("P1", 1, money_t::cents(100)));
        w.add_transfer(transfer(1, money_t::cents(100)));
    }
    EXPECT_FALSE(fs::exists(file));
    EXPECT_FALSE(fs::exists(file + ".tmp"));
}

TEST_F(Pain001Test, ChecksTransfersBeforeWriting)
{
    auto t = [](auto change) {
        transfer_t x = transfer(1, money_t::cents(100));
        change(x);
        return pain001_writer_t::check_transfer(x);
    };
    EXPECT_EQ(t([](transfer_t &) {}), "");
    EXPECT_NE(t([](transfer_t &x) { x.end_to_end_id = "Ä-1"; }), "");
    EXPECT_NE(t([](transfer_t &x) { x.end_to_end_id = ""; }), "");
    EXPECT_NE(t([](transfer_t &x) { x.amount = money_t{}; }), "");
    EXPECT_NE(t([](transfer_t &x) { x.amount = money_t::cents(-5); }), "");
    EXPECT_NE(t([](transfer_t &x) { x.amount = money_t::cents(100000000000); }), "");
    EXPECT_NE(t([](transfer_t &x) { x.creditor_name = std::string(71, 'a'); }), "");
    EXPECT_EQ(t([](transfer_t &x) { x.creditor_name = std::string(70, 'a'); }), "");
    EXPECT_NE(t([](transfer_t &x) { x.creditor_name = "José"; }), "");
    EXPECT_NE(t([](transfer_t &x) { x.remittance = std::string(141, 'a'); }), "");
    EXPECT_NE(t([](transfer_t &x) { x.purpose = "govt"; }), "");
    EXPECT_NE(t([](transfer_t &x) { x.creditor_iban = iban_t::parse("CH9300762011623852957"); }), "");
    EXPECT_NE(t([](transfer_t &x) { x.creditor_iban = iban_t::parse("GB29NWBK60161331926819"); }), "");
    EXPECT_EQ(t([](transfer_t &x) { x.creditor_iban = iban_t::parse("AT611904300234573201"); }), "");
    // the EEA by its first and last countries in the alphabet and the non-EU members; SEPA
    // countries outside the EEA (San Marino, Monaco) need the BIC
    for (char const *eea : {"AT611904300234573201", "SK3112000000198742637541", "NO9386011117947",
                            "LI21088100002324013AA", "IS140159260076545510730339", "MT84MALT011000012345MTLCAST001S"}) {
        EXPECT_FALSE(creditor_bic_required(iban_t::parse(eea))) << eea;
    }
    for (char const *other : {"SM86U0322509800000000270100", "MC5811222000010123456789030", "CH9300762011623852957",
                              "GB29NWBK60161331926819"}) {
        EXPECT_TRUE(creditor_bic_required(iban_t::parse(other))) << other;
    }

    std::string const file = path("x.xml");
    pain001_writer_t w{file, header(1, money_t::cents(100))};
    w.begin_payment_info(info("P1", 1, money_t::cents(100)));
    transfer_t bad = transfer(1, money_t::cents(100));
    bad.creditor_name = "Renée";
    EXPECT_THROW(w.add_transfer(bad), validation_error);
    EXPECT_FALSE(fs::exists(file + ".tmp"));
}

TEST_F(Pain001Test, RejectsInvalidHeaderAndDuplicatePmtInfId)
{
    EXPECT_THROW((pain001_writer_t{path("a.xml"), header(0, money_t::cents(100))}), validation_error);
    EXPECT_THROW((pain001_writer_t{path("a.xml"), header(1, money_t{})}), validation_error);
    pain001_header_t h = header(1, money_t::cents(100));
    h.msg_id = "SOZ//1";
    EXPECT_THROW((pain001_writer_t{path("a.xml"), h}), validation_error);
    EXPECT_FALSE(fs::exists(path("a.xml.tmp")));

    pain001_writer_t w{path("b.xml"), header(2, money_t::cents(200))};
    w.begin_payment_info(info("P1", 1, money_t::cents(100)));
    w.add_transfer(transfer(1, money_t::cents(100)));
    w.end_payment_info();
    EXPECT_THROW(w.begin_payment_info(info("P1", 1, money_t::cents(100))), validation_error);
    EXPECT_FALSE(fs::exists(path("b.xml.tmp")));
}

TEST_F(Pain001Test, SelfCheckDetectsATamperedFile)
{
    std::string const file = path("run.xml");
    write_sample(file);
    EXPECT_NO_THROW(verify_pain001_file(file));

    std::string xml = read_all(file);
    std::string const tampered = path("tampered.xml");
    std::string amount_changed = xml;
    auto const pos = amount_changed.find(">563.00<");
    ASSERT_NE(pos, std::string::npos);
    amount_changed.replace(pos, 8, ">563.01<");
    std::ofstream{tampered, std::ios::binary} << amount_changed;
    try {
        verify_pain001_file(tampered);
        FAIL() << "self-check accepted a changed amount";
    } catch (input_error const &e) {
        EXPECT_EQ(e.where().field, "PmtInf");
        EXPECT_NE(std::string{e.what()}.find("summing to 1000000563.01"), std::string::npos) << e.what();
    }

    std::string name_changed = xml;
    auto const npos = name_changed.find("Zoe Lodz");
    name_changed.replace(npos, 8, "Zoë Łódź");
    std::ofstream{tampered, std::ios::binary | std::ios::trunc} << name_changed;
    try {
        verify_pain001_file(tampered);
        FAIL() << "schema accepted a name outside the DK character set";
    } catch (input_error const &e) {
        EXPECT_EQ(e.where().file, tampered);
        EXPECT_GT(e.where().line, 0);
        EXPECT_EQ(e.where().field, "Nm");
    }
}

TEST_F(Pain001Test, CompactOutputIsValidAndSmaller)
{
    REQUIRE_SHARED_XSDS();
    std::string const file = path("compact.xml");
    pain001_header_t h = header(2, money_t::cents(300));
    h.indent = false;
    pain001_writer_t w{file, h};
    w.begin_payment_info(info("P1", 2, money_t::cents(300)));
    w.add_transfer(transfer(1, money_t::cents(100)));
    w.add_transfer(transfer(2, money_t::cents(200)));
    w.end_payment_info();
    w.finish();
    std::string const xml = read_all(file);
    EXPECT_EQ(xml.find("\n  "), std::string::npos);
    EXPECT_EQ(validate(file, ISO_XSD), "");
    EXPECT_EQ(validate(file, DK_XSD), "");
}

TEST_F(Pain001Test, ThousandTransfersInManyPaymentInfosValidateAgainstDk)
{
    REQUIRE_SHARED_XSDS();
    std::string const file = path("big.xml");
    int const per = 250;
    money_t total;
    for (int i = 0; i < 1000; ++i) {
        total += money_t::cents(1000 + i);
    }
    pain001_writer_t w{file, header(1000, total)};
    for (int p = 0; p < 4; ++p) {
        money_t sum;
        for (int i = p * per; i < (p + 1) * per; ++i) {
            sum += money_t::cents(1000 + i);
        }
        w.begin_payment_info(info("P" + std::to_string(p), per, sum));
        for (int i = p * per; i < (p + 1) * per; ++i) {
            w.add_transfer(transfer(i, money_t::cents(1000 + i)));
        }
        w.end_payment_info();
    }
    auto const r = w.finish();
    EXPECT_EQ(r.nb_of_txs, 1000);
    EXPECT_EQ(validate(file, DK_XSD), "");
    EXPECT_EQ(validate(file, ISO_XSD), "");
}

// The compact form writes a transfer as literal markup (write_transfer_compact), the indented form
// element by element: without the indentation both must be the same bytes, for every combination of
// the optional parts (BIC, ultimate creditor, purpose, remittance).
TEST_F(Pain001Test, CompactTransfersAreTheIndentedOnesWithoutIndentation)
{
    auto write = [&](bool indent) {
        std::string const file = path(indent ? "all-indented.xml" : "all-compact.xml");
        std::vector<transfer_t> transfers;
        money_t total;
        for (int i = 0; i < 64; ++i) {
            transfer_t t = transfer(i, money_t::cents(1 + i * 104729));
            if (i & 1) {
                t.creditor_bic = bic_t::parse("UBSWCHZH80A");
            }
            if (i & 2) {
                t.ultimate_creditor = "Jürgen & Söhne " + std::to_string(i);
            }
            if (i & 4) {
                t.purpose.reset();
            }
            if (i & 8) {
                t.remittance.clear();
            }
            if (i & 16) {
                t.creditor_name = (i & 32) != 0 ? "Müller & Söhne & Töchter && Enkel GbR & Co" : "A&B";
            }
            total += t.amount;
            transfers.push_back(std::move(t));
        }
        pain001_header_t h = header(64, total);
        h.indent = indent;
        pain001_writer_t w{file, h};
        w.begin_payment_info(info("P1", 64, total));
        for (auto const &t : transfers) {
            w.add_transfer(t);
        }
        w.end_payment_info();
        w.finish();
        return read_all(file);
    };
    // the line breaks and blanks between tags go (the declaration's line break too, in both)
    auto strip = [](std::string const &xml) {
        std::string out;
        for (std::size_t i = 0; i < xml.size(); ++i) {
            if (xml[i] == '\n' && i > 0 && xml[i - 1] == '>') {
                std::size_t j = i + 1;
                while (j < xml.size() && xml[j] == ' ') {
                    ++j;
                }
                if (j < xml.size() && xml[j] == '<') {
                    i = j - 1;
                    continue;
                }
            }
            out += xml[i];
        }
        return out;
    };
    std::string const indented = write(true);
    std::string const compact = write(false);
    std::string const stripped = strip(indented);
    ASSERT_NE(stripped, indented);
    ASSERT_NE(compact.find("<Nm>A&amp;B</Nm>"), std::string::npos);
    ASSERT_NE(compact.find("<Nm>Müller &amp; Söhne &amp; Töchter &amp;&amp; Enkel GbR &amp; Co</Nm>"), std::string::npos);
    EXPECT_EQ(strip(compact), stripped);
}

// The serialiser was libxml2's xmlTextWriter until 2026-11; the goldens were written by it (indented
// and compact) and the hand-written serialiser must reproduce them byte for byte, so files do not
// change across versions. SOZBATCH_UPDATE_GOLDEN=1 rewrites them (only for a deliberate change).
TEST_F(Pain001Test, OutputIsByteIdenticalToTheGoldens)
{
    for (bool const indent : {true, false}) {
        std::string const golden =
            std::string{SOZBATCH_SOURCE_DIR "/tests/unit/golden/pain001_sample_"} + (indent ? "indented" : "compact") + ".xml";
        std::string const file = path(indent ? "indented.xml" : "compact.xml");
        write_sample(file, indent);
        if (std::getenv("SOZBATCH_UPDATE_GOLDEN") != nullptr) {
            fs::copy_file(file, golden, fs::copy_options::overwrite_existing);
        }
        ASSERT_TRUE(fs::exists(golden)) << golden;
        EXPECT_EQ(read_all(file), read_all(golden)) << "differs from " << golden;
    }
}

namespace {

/// The xs:pattern of simple type \p type in the sozbatch schema, entity references resolved.
std::string schema_pattern(std::string const &type)
{
    std::string const xsd = read_all(SOZBATCH_SOURCE_DIR "/" + std::string{PAIN001_SCHEMA});
    auto const at = xsd.find("<xs:simpleType name=\"" + type + "\"");
    if (at == std::string::npos) {
        return {};
    }
    std::string const open = "<xs:pattern value=\"";
    auto const begin = xsd.find(open, at) + open.size();
    std::string p = xsd.substr(begin, xsd.find('"', begin) - begin);
    for (std::size_t amp; (amp = p.find("&amp;")) != std::string::npos;) {
        p.replace(amp, 5, "&");
    }
    return p;
}

struct regexp_t
{
    xmlRegexpPtr re;
    explicit regexp_t(std::string const &pattern) : re(xmlRegexpCompile(reinterpret_cast<xmlChar const *>(pattern.c_str()))) {}
    ~regexp_t() { xmlRegFreeRegexp(re); }
    regexp_t(regexp_t const &) = delete;
    regexp_t &operator=(regexp_t const &) = delete;
    bool matches(std::string const &s) const { return xmlRegexpExec(re, reinterpret_cast<xmlChar const *>(s.c_str())) == 1; }
};

std::string utf8(char32_t c)
{
    std::string s;
    append_utf8(s, c);
    return s;
}

/// Every character that may appear in an XML document: the BMP without surrogates and U+FFFE/U+FFFF
/// (control characters only as tab, LF, CR), and a sample of the planes above.
std::vector<char32_t> xml_characters()
{
    std::vector<char32_t> out{0x09, 0x0A, 0x0D};
    for (char32_t c = 0x20; c <= 0xFFFD; ++c) {
        if (c < 0xD800 || c > 0xDFFF) {
            out.push_back(c);
        }
    }
    for (char32_t const c : {0x10000, 0x1F600, 0x10FFFF}) {
        out.push_back(c);
    }
    return out;
}

/// All strings of length 1..4 over \p alphabet.
std::vector<std::string> strings_over(std::vector<std::string> const &alphabet)
{
    std::vector<std::string> out, level{""};
    for (int len = 1; len <= 4; ++len) {
        std::vector<std::string> next;
        for (auto const &prefix : level) {
            for (auto const &c : alphabet) {
                next.push_back(prefix + c);
            }
        }
        out.insert(out.end(), next.begin(), next.end());
        level = std::move(next);
    }
    return out;
}

} // namespace

// The schema's patterns are written for libxml2's speed (alternations of small classes); they must
// still accept exactly what the writer's rules accept (formats/sepa/sepa_text.hpp), no more, no less.
TEST_F(Pain001Test, SchemaPatternsAcceptExactlyTheDkCharacterSets)
{
    xmlInitParser();
    std::string const text_pattern = schema_pattern("SzName");
    ASSERT_FALSE(text_pattern.empty());
    EXPECT_EQ(schema_pattern("SzRemittanceText"), text_pattern);
    regexp_t const text{text_pattern};
    regexp_t const id{schema_pattern("SzIdentifier")};
    ASSERT_NE(text.re, nullptr);
    ASSERT_NE(id.re, nullptr);

    // One character: a name is any DK text character but the blank; an identifier any basic-set
    // character but '/'.
    for (char32_t const c : xml_characters()) {
        std::string const s = utf8(c);
        EXPECT_EQ(text.matches(s), is_dk_text_char(c) && c != U' ') << "U+" << std::hex << static_cast<unsigned>(c);
        EXPECT_EQ(id.matches(s), is_dk_id_char(c) && c != U'/') << "U+" << std::hex << static_cast<unsigned>(c);
    }

    // Structure: names are words of DK characters separated by single blanks; identifiers are
    // basic-set characters with no '/' at either end and no '//' (check_dk_id).
    for (auto const &s : strings_over({"a", "Z", "7", "\u00e4", "&", " ", "/", "!", "\u00e9"})) {
        bool const dk_chars = check_dk_text(s, MAX_NAME_CHARS).find("DK character set") == std::string::npos;
        bool const words = s.front() != ' ' && s.back() != ' ' && s.find("  ") == std::string::npos;
        EXPECT_EQ(text.matches(s), dk_chars && words) << "'" << s << "'";
        EXPECT_EQ(id.matches(s), check_dk_id(s).empty()) << "'" << s << "'";
    }
}

// The self-check runs on a second thread while the file is written. A name with two blanks in a
// row passes the per-field check (DK characters, length) but not the schema (single blanks between
// words): finish() must refuse the file and publish nothing.
TEST_F(Pain001Test, ConcurrentSelfCheckRefusesWhatTheSchemaRejects)
{
    std::string const file = path("double-blank.xml");
    int const n = 5000;
    money_t total;
    for (int i = 0; i < n; ++i) {
        total += money_t::cents(1000 + i);
    }
    pain001_writer_t w{file, header(n, total)};
    w.begin_payment_info(info("P1", n, total));
    for (int i = 0; i < n; ++i) {
        transfer_t t = transfer(i, money_t::cents(1000 + i));
        if (i == n - 10) {
            t.creditor_name = "Anna  Schmidt";
            ASSERT_EQ(pain001_writer_t::check_transfer(t), "");
        }
        w.add_transfer(t);
    }
    w.end_payment_info();
    try {
        w.finish();
        FAIL() << "finish() published a file that fails the schema";
    } catch (internal_error const &e) {
        std::string const what = e.what();
        EXPECT_NE(what.find("fails its own checks"), std::string::npos) << what;
        EXPECT_NE(what.find("Nm"), std::string::npos) << what;
    }
    EXPECT_FALSE(fs::exists(file));
    EXPECT_FALSE(fs::exists(file + ".tmp"));
    EXPECT_FALSE(fs::exists(file + ".manifest"));
}

// Abandoning a large file while the check thread is still reading it stops the check and leaves
// nothing behind.
TEST_F(Pain001Test, AbandoningWhileTheCheckRunsLeavesNoFile)
{
    std::string const file = path("abandoned.xml");
    int const n = 20000;
    {
        pain001_writer_t w{file, header(n + 1, money_t::cents(100) * (n + 1))};
        w.begin_payment_info(info("P1", n + 1, money_t::cents(100) * (n + 1)));
        for (int i = 0; i < n; ++i) {
            w.add_transfer(transfer(i, money_t::cents(100)));
        }
        EXPECT_TRUE(fs::exists(file + ".tmp"));
        transfer_t bad = transfer(n, money_t::cents(100));
        bad.end_to_end_id = "bad//id";
        EXPECT_THROW(w.add_transfer(bad), validation_error);
        EXPECT_FALSE(fs::exists(file + ".tmp"));
    }
    EXPECT_FALSE(fs::exists(file));
    EXPECT_FALSE(fs::exists(file + ".manifest"));
}

// The file's SHA-256 is taken in two parts: the writer hashes the blocks it writes up to a share of
// the transfers, the self-check the rest as it reads the file back. Wherever the hand-over falls —
// before the first byte, inside the file (the check's reads need not start at the hand-over), or
// after the last byte — the result and the manifest carry the SHA-256 of the file on disk.
TEST_F(Pain001Test, TheFilesHashIsRightWhereverTheWriterHandsItToTheCheck)
{
    int const n = 4000; // about 1.5 MB compact: several blocks of the writer
    money_t total;
    for (int i = 0; i < n; ++i) {
        total += money_t::cents(1000 + i);
    }
    std::string first_hash;
    for (int const percent : {0, 1, 37, 50, 99, 100, -1}) { // -1: the default, when the check is idle
        pain001_writer_t::set_hash_hand_over_percent(percent);
        std::string const name = "split" + std::to_string(percent) + ".xml";
        std::string const file = path(name.c_str());
        pain001_header_t h = header(n, total);
        h.indent = false;
        pain001_writer_t w{file, h};
        w.begin_payment_info(info("P1", n, total));
        for (int i = 0; i < n; ++i) {
            w.add_transfer(transfer(i, money_t::cents(1000 + i)));
        }
        w.end_payment_info();
        auto const result = w.finish();
        EXPECT_GT(result.bytes, 1000000u);
        EXPECT_EQ(result.sha256, sha256_file(file)) << percent;
        EXPECT_NE(read_all(file + ".manifest").find("sha256=" + sha256_file(file) + "\n"), std::string::npos);
        if (first_hash.empty()) {
            first_hash = result.sha256;
        }
        EXPECT_EQ(result.sha256, first_hash) << percent; // the same bytes each time
    }
    pain001_writer_t::set_hash_hand_over_percent(-1);
}

namespace {

/// Four PmtInfs of 300, 1, 300 and 300 transfers (amounts 1000.00 + i/100 EUR, i the transfer's
/// number in the file), written to \p file; \p change, if set, may alter a transfer before it is
/// written and \p before_finish runs after the last PmtInf is closed. \returns finish()'s result
pain001_result_t write_four_payment_infos(std::string const &file, bool indent,
                                          std::function<void(int, transfer_t &)> const &change = {},
                                          std::function<void()> const &before_finish = {})
{
    std::vector<int> const sizes{300, 1, 300, 300};
    int const n = 901;
    money_t total;
    for (int i = 0; i < n; ++i) {
        total += money_t::cents(100000 + i);
    }
    pain001_header_t h = header(n, total);
    h.indent = indent;
    pain001_writer_t w{file, h};
    int i = 0;
    for (std::size_t p = 0; p < sizes.size(); ++p) {
        money_t sum;
        for (int k = 0; k < sizes[p]; ++k) {
            sum += money_t::cents(100000 + i + k);
        }
        w.begin_payment_info(info("P" + std::to_string(p + 1), sizes[p], sum));
        for (int k = 0; k < sizes[p]; ++k, ++i) {
            transfer_t t = transfer(i, money_t::cents(100000 + i));
            if (change) {
                change(i, t);
            }
            w.add_transfer(t);
        }
        w.end_payment_info();
    }
    if (before_finish) {
        before_finish();
    }
    return w.finish();
}

/// Replaces the first \p from in the file at \p path by \p to (as long) in place.
void change_on_disk(std::string const &path, std::string const &from, std::string const &to)
{
    ASSERT_EQ(from.size(), to.size());
    std::string const bytes = read_all(path);
    auto const at = bytes.find(from);
    ASSERT_NE(at, std::string::npos) << from << " is not (yet) in " << path;
    std::fstream f{path, std::ios::in | std::ios::out | std::ios::binary};
    f.seekp(static_cast<std::streamoff>(at));
    f.write(to.data(), static_cast<std::streamsize>(to.size()));
}

/// Runs \p write and returns the message of the internal_error it must throw ("" and a failure if none).
std::string refusal(std::function<void()> const &write)
{
    try {
        write();
        ADD_FAILURE() << "finish() published a file that fails its own checks";
    } catch (internal_error const &e) {
        return e.what();
    }
    return {};
}

} // namespace

// finish() splits the self-check when the writer is done first: the check thread stops at the end
// of a transfer, the writer's thread checks the rest from a primer. Wherever the split falls — in
// the first PmtInf, in a later one (whose primer is not next to the file's start), near either end
// — and wherever the writer hands the hash over, the file is accepted with the hash of its bytes,
// as by the check in one part (percent 100: no transfer ends after the last byte, so no split).
TEST_F(Pain001Test, TheSelfCheckInTwoPartsAcceptsWhatTheCheckInOnePartAccepts)
{
    for (bool const indent : {false, true}) {
        std::string reference;
        for (int const hand_over : {-1, 20, 90}) {
            pain001_writer_t::set_hash_hand_over_percent(hand_over);
            for (int const percent : {100, 0, 1, 10, 34, 45, 70, 80, 99}) {
                pain001_writer_t::set_split_percent(percent);
                std::string const file =
                    path(("two-parts-" + std::to_string(hand_over) + "-" + std::to_string(percent) + ".xml").c_str());
                auto const r = write_four_payment_infos(file, indent);
                std::string const where = "indent " + std::to_string(indent) + ", hand-over at " +
                                          std::to_string(hand_over) + " %, split at " + std::to_string(percent) + " %";
                EXPECT_EQ(r.check_split, percent < 100) << where;
                EXPECT_FALSE(r.check_repeated) << where;
                EXPECT_EQ(r.nb_of_txs, 901) << where;
                EXPECT_EQ(r.sha256, sha256_file(file)) << where;
                EXPECT_NE(read_all(file + ".manifest").find("sha256=" + r.sha256 + "\n"), std::string::npos) << where;
                if (reference.empty()) {
                    reference = r.sha256;
                }
                EXPECT_EQ(r.sha256, reference) << where; // the same bytes each time
                EXPECT_NO_THROW(verify_pain001_file(file)) << where;
            }
        }
    }
    pain001_writer_t::set_split_percent(-1);
    pain001_writer_t::set_hash_hand_over_percent(-1);
}

// What the check in one part refuses, the check in two parts refuses with the same message, wherever
// the finding lies: a schema finding in the head, in the tail or in the first transfer of the split
// PmtInf (which the tail reads in its primer); an amount changed on disk, so that the recounted
// totals of the two parts do not add up to what PmtInf declares; a tag changed in the tail.
TEST_F(Pain001Test, TheSelfCheckInTwoPartsRefusesWhatTheCheckInOnePartRefuses)
{
    struct case_t
    {
        char const *what;
        int bad_name = -1; ///< this transfer gets a name with two blanks in a row
        std::string from;  ///< changed on disk before finish()
        std::string to;
        char const *expect; ///< in the message
    };
    // transfer 301 is P2's only one, 302 the first of P3, 601 the first of P4; 45 % of the bytes
    // lie in P3, 80 % in P4. Changes on disk only where the writer has written before finish():
    // the first 240 KiB (FIRST_FLUSH_BYTES doubling), about half of the indented file.
    std::vector<case_t> const cases{
        {"name in P1", 50, "", "", "Nm"},
        {"name in P3", 450, "", "", "Nm"},
        {"name in P4", 700, "", "", "Nm"},
        {"name in the first transfer of P3", 302, "", "", "Nm"},
        {"name in the first transfer of P4", 601, "", "", "Nm"},
        {"amount in P1", -1, ">1001.50<", ">1001.51<", "P1"},
        {"amount in P3", -1, ">1004.00<", ">1004.01<", "P3"},
        {"amount in P3's first transfer", -1, ">1003.02<", ">1003.12<", "P3"},
        {"tag in P3", -1, "<Ustrd>SGB XII Hilfe zum Lebensunterhalt 2026-01 Az 50.1-380<",
         "<Ustrx>SGB XII Hilfe zum Lebensunterhalt 2026-01 Az 50.1-380<", "Ustrx"},
    };
    for (bool const indent : {false, true}) {
        for (auto const &c : cases) {
            std::string reference;
            for (int const percent : {100, 10, 45, 80}) {
                pain001_writer_t::set_split_percent(percent);
                std::string const file = path(("refused-" + std::to_string(percent) + ".xml").c_str());
                std::string const message = refusal([&] {
                    write_four_payment_infos(
                        file, indent,
                        [&](int i, transfer_t &t) {
                            if (i == c.bad_name) {
                                t.creditor_name = "Anna  Schmidt";
                            }
                        },
                        [&] {
                            if (!c.from.empty()) {
                                change_on_disk(file + ".tmp", c.from, c.to);
                            }
                        });
                });
                std::string const where = std::string{c.what} + ", indent " + std::to_string(indent) +
                                          ", split at " + std::to_string(percent) + " %";
                EXPECT_NE(message.find("fails its own checks"), std::string::npos) << where << ": " << message;
                EXPECT_NE(message.find(c.expect), std::string::npos) << where << ": " << message;
                if (percent == 100) {
                    reference = message;
                } else {
                    // the path of the temporary file differs with the name
                    std::string expected = reference;
                    for (std::size_t at = 0; (at = expected.find("refused-100.xml", at)) != std::string::npos;) {
                        expected.replace(at, 15, "refused-" + std::to_string(percent) + ".xml");
                    }
                    EXPECT_EQ(message, expected) << where;
                }
                EXPECT_FALSE(fs::exists(file)) << where;
                EXPECT_FALSE(fs::exists(file + ".tmp")) << where;
                EXPECT_FALSE(fs::exists(file + ".manifest")) << where;
            }
        }
    }
    pain001_writer_t::set_split_percent(-1);
}
