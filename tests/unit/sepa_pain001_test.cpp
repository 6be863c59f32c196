// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/sepa/pain001_writer.hpp"
#include "lib/core/error.hpp"
#include "lib/core/sha256.hpp"

#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
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
pain001_result_t write_sample(std::string const &file)
{
    money_t const a = money_t::cents(56300);
    money_t const b = money_t::cents(1);
    money_t const c = money_t::cents(99999999999);
    money_t const d = money_t::cents(45012);
    money_t const e = money_t::cents(12050);
    pain001_writer_t w{file, header(5, a + b + c + d + e)};
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
