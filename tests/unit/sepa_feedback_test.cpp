// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/sepa/camt054_reader.hpp"
#include "formats/sepa/pain002_reader.hpp"
#include "lib/core/error.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace sozbatch;
using namespace sozbatch::sepa;
namespace fs = std::filesystem;

namespace {

std::string const EXAMPLES = SOZBATCH_SOURCE_DIR "/../shared/examples/sepa";

std::string example(char const *relative)
{
    std::string const p = EXAMPLES + "/" + relative;
    return fs::exists(p) ? p : std::string{};
}

#define REQUIRE_EXAMPLE(var, rel)                                                                                     \
    std::string const var = example(rel);                                                                              \
    if (var.empty()) {                                                                                                 \
        GTEST_SKIP() << "../shared/examples/sepa/" rel " is not available";                                           \
    }

class FeedbackTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        std::string tmpl = (fs::temp_directory_path() / "sozbatch-feedback-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        m_dir = tmpl;
    }
    void TearDown() override { fs::remove_all(m_dir); }

    std::string write(char const *name, std::string const &contents) const
    {
        std::string const p = (fs::path{m_dir} / name).string();
        std::ofstream{p, std::ios::binary} << contents;
        return p;
    }

    std::string m_dir;
};

/// Expects read(path) to throw input_error for \p path whose message contains \p needle.
template <typename F>
input_error expect_input_error(F read, std::string const &path, std::string const &needle)
{
    try {
        read(path);
    } catch (input_error const &e) {
        EXPECT_EQ(e.where().file, path);
        EXPECT_NE(std::string{e.what()}.find(needle), std::string::npos) << e.what();
        return e;
    }
    ADD_FAILURE() << path << " was accepted";
    return input_error{{}, ""};
}

// Written for sozbatch's tests (own data): an SCT file with three transfers, two rejected.
std::string const PAIN002_PARTIAL = R"(<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">
  <CstmrPmtStsRpt>
    <GrpHdr>
      <MsgId>BANK-STS-0001</MsgId>
      <CreDtTm>2026-01-02T09:00:00+01:00</CreDtTm>
    </GrpHdr>
    <OrgnlGrpInfAndSts>
      <OrgnlMsgId>SOZ-2026-01-0001</OrgnlMsgId>
      <OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>
      <OrgnlNbOfTxs>3</OrgnlNbOfTxs>
      <OrgnlCtrlSum>1500.00</OrgnlCtrlSum>
      <GrpSts>PART</GrpSts>
    </OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts>
      <OrgnlPmtInfId>SOZ-2026-01-0001-P1</OrgnlPmtInfId>
      <PmtInfSts>PART</PmtInfSts>
      <TxInfAndSts>
        <OrgnlEndToEndId>SOZ-2026-01-E1</OrgnlEndToEndId>
        <TxSts>RJCT</TxSts>
        <StsRsnInf>
          <Rsn><Cd>AC01</Cd></Rsn>
          <AddtlInf>IBAN ungueltig</AddtlInf>
        </StsRsnInf>
        <OrgnlTxRef>
          <Amt><InstdAmt Ccy="EUR">563.00</InstdAmt></Amt>
          <Cdtr><Pty><Nm>Anna Schmidt</Nm></Pty></Cdtr>
          <CdtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></CdtrAcct>
        </OrgnlTxRef>
      </TxInfAndSts>
      <TxInfAndSts>
        <OrgnlEndToEndId>SOZ-2026-01-E3</OrgnlEndToEndId>
        <TxSts>RJCT</TxSts>
        <StsRsnInf><Rsn><Cd>MD07</Cd></Rsn></StsRsnInf>
      </TxInfAndSts>
    </OrgnlPmtInfAndSts>
  </CstmrPmtStsRpt>
</Document>
)";

// Written for sozbatch's tests (own data): two returned transfers in one batch entry.
std::string const CAMT054_RETURNS = R"(<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr>
      <MsgId>CAMT054-2026-01-05</MsgId>
      <CreDtTm>2026-01-05T18:00:00+01:00</CreDtTm>
    </GrpHdr>
    <Ntfctn>
      <Id>N1</Id>
      <CreDtTm>2026-01-05T18:00:00+01:00</CreDtTm>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
      <Ntry>
        <NtryRef>R-1</NtryRef>
        <Amt Ccy="EUR">1013.12</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-01-05</Dt></BookgDt>
        <AcctSvcrRef>ASR-77</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs>
              <MsgId>SOZ-2026-01-0001</MsgId>
              <PmtInfId>SOZ-2026-01-0001-P1</PmtInfId>
              <EndToEndId>SOZ-2026-01-E7</EndToEndId>
            </Refs>
            <Amt Ccy="EUR">563.00</Amt>
            <CdtDbtInd>CRDT</CdtDbtInd>
            <RtrInf>
              <Rsn><Cd>AC04</Cd></Rsn>
              <AddtlInf>Konto erloschen</AddtlInf>
            </RtrInf>
          </TxDtls>
          <TxDtls>
            <Refs>
              <MsgId>SOZ-2026-01-0001</MsgId>
              <EndToEndId>SOZ-2026-01-E9</EndToEndId>
            </Refs>
            <Amt Ccy="EUR">450.12</Amt>
            <CdtDbtInd>CRDT</CdtDbtInd>
            <RtrInf><Rsn><Cd>MD07</Cd></Rsn></RtrInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
)";

} // namespace

// --- pain.002 -----------------------------------------------------------------------------------

TEST_F(FeedbackTest, Pain002PartialRejectWithReasonCodes)
{
    auto const r = read_pain002(write("sts.xml", PAIN002_PARTIAL));
    EXPECT_EQ(r.msg_id, "BANK-STS-0001");
    EXPECT_EQ(r.original_msg_id, "SOZ-2026-01-0001");
    EXPECT_EQ(r.original_msg_name_id, "pain.001.001.09");
    EXPECT_EQ(r.group_status, "PART");
    EXPECT_FALSE(r.whole_file_rejected());
    ASSERT_EQ(r.payment_infos.size(), 1u);
    EXPECT_EQ(r.payment_infos[0].original_pmt_inf_id, "SOZ-2026-01-0001-P1");
    ASSERT_EQ(r.transactions.size(), 2u);
    auto const &a = r.transactions[0];
    EXPECT_EQ(a.original_msg_id, "SOZ-2026-01-0001");
    EXPECT_EQ(a.original_pmt_inf_id, "SOZ-2026-01-0001-P1");
    EXPECT_EQ(a.original_end_to_end_id, "SOZ-2026-01-E1");
    EXPECT_EQ(a.status, "RJCT");
    EXPECT_EQ(a.reason_code, "AC01");
    EXPECT_EQ(a.additional_info, "IBAN ungueltig");
    ASSERT_TRUE(a.amount.has_value());
    EXPECT_EQ(*a.amount, money_t::cents(56300));
    EXPECT_EQ(a.currency, "EUR");
    EXPECT_EQ(a.creditor_iban, "DE89370400440532013000");
    EXPECT_EQ(a.line, 18);
    EXPECT_EQ(r.transactions[1].reason_code, "MD07");
    EXPECT_FALSE(r.transactions[1].amount.has_value());
}

TEST_F(FeedbackTest, Pain002WholeFileRejected)
{
    std::string const xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
<GrpHdr><MsgId>B2</MsgId><CreDtTm>2026-01-02T09:00:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>SOZ-2026-01-0002</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>
<GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>FF01</Cd></Rsn></StsRsnInf></OrgnlGrpInfAndSts>
</CstmrPmtStsRpt></Document>)";
    auto const r = read_pain002(write("rjct.xml", xml));
    EXPECT_TRUE(r.whole_file_rejected());
    EXPECT_EQ(r.group_reason_code, "FF01");
    EXPECT_EQ(r.original_msg_id, "SOZ-2026-01-0002");
}

TEST_F(FeedbackTest, Pain002VerificationOfPayeeExamples)
{
    REQUIRE_EXAMPLE(no_match, "pain002/hbci4java__test-pain-parse-0020110-02.xml");
    auto const r = read_pain002(no_match);
    EXPECT_EQ(r.msg_id, "8fe2133db36b4026ba7d6766583d434e");
    EXPECT_EQ(r.original_msg_id, "2025-10-20T23:33:49:0045");
    EXPECT_EQ(r.original_msg_name_id, "pain.001");
    EXPECT_EQ(r.group_status, "RVMC");
    EXPECT_NE(r.group_additional_info.find("Empfaengerueberpruefung"), std::string::npos);
    ASSERT_EQ(r.transactions.size(), 1u);
    EXPECT_EQ(r.transactions[0].original_end_to_end_id, "NOTPROVIDED");
    EXPECT_EQ(r.transactions[0].status, "RVNM");
    EXPECT_EQ(r.transactions[0].creditor_name, "Max Mustermann");
    EXPECT_EQ(r.transactions[0].creditor_iban, "DE12345678901234567890");

    REQUIRE_EXAMPLE(match, "pain002/hbci4java__test-pain-parse-0020110-03.xml");
    auto const m = read_pain002(match);
    EXPECT_EQ(m.group_status, "RCVC");
    EXPECT_EQ(m.original_msg_id, "2025-11-02T18:33:03:0287");
}

TEST_F(FeedbackTest, Pain002RejectsOtherTypesAndVersions)
{
    auto read = [](std::string const &p) { return read_pain002(p); };
    REQUIRE_EXAMPLE(no_ns, "pain002/hbci4java__test-pain-parse-0020110-01.xml");
    auto const e = expect_input_error(read, no_ns, "no namespace");
    EXPECT_EQ(e.where().line, 2);
    EXPECT_EQ(e.where().field, "Document");
    REQUIRE_EXAMPLE(v03, "pain002/OCA-account-payment__test-sepa-pain-unpaid.xml");
    expect_input_error(read, v03, "pain.002.001.03");
    REQUIRE_EXAMPLE(other, "pain002/OCA-account-payment__test-sepa-pain-unpaid-invalid.xml");
    expect_input_error(read, other, "other.002.001.03");
    REQUIRE_EXAMPLE(camt, "camt054/genkgo-camt__camt054.v8.xml");
    expect_input_error(read, camt, "camt.054.001.08");
    REQUIRE_EXAMPLE(pain001, "pain001/php-sepa-xml__pain.001.001.09.xml");
    expect_input_error(read, pain001, "pain.001.001.09");
}

TEST_F(FeedbackTest, Pain002RejectsMalformedAndUnmatchableFiles)
{
    auto read = [](std::string const &p) { return read_pain002(p); };
    std::string truncated = PAIN002_PARTIAL.substr(0, PAIN002_PARTIAL.find("<TxSts>RJCT</TxSts>") + 10);
    auto const e = expect_input_error(read, write("trunc.xml", truncated), "");
    EXPECT_GT(e.where().line, 15);

    std::string no_e2e = PAIN002_PARTIAL;
    no_e2e.erase(no_e2e.find("<OrgnlEndToEndId>SOZ-2026-01-E3</OrgnlEndToEndId>"), 49);
    expect_input_error(read, write("noe2e.xml", no_e2e), "OrgnlEndToEndId");

    std::string bad_amount = PAIN002_PARTIAL;
    bad_amount.replace(bad_amount.find("563.00"), 6, "563.001");
    expect_input_error(read, write("amt.xml", bad_amount), "563.001");

    expect_input_error(read, write("empty.xml", ""), "");
    expect_input_error(read, (fs::path{m_dir} / "missing.xml").string(), "cannot open");
}

// --- camt.054 -----------------------------------------------------------------------------------

TEST_F(FeedbackTest, Camt054ReturnedTransfers)
{
    auto const n = read_camt054(write("ret.xml", CAMT054_RETURNS));
    EXPECT_EQ(n.msg_id, "CAMT054-2026-01-05");
    ASSERT_EQ(n.entries.size(), 2u);
    auto const returns = n.returns();
    ASSERT_EQ(returns.size(), 2u);
    auto const &a = returns[0];
    EXPECT_EQ(a.account_iban, "DE89370400440532013000");
    EXPECT_EQ(a.original_msg_id, "SOZ-2026-01-0001");
    EXPECT_EQ(a.original_pmt_inf_id, "SOZ-2026-01-0001-P1");
    EXPECT_EQ(a.end_to_end_id, "SOZ-2026-01-E7");
    EXPECT_EQ(a.amount, money_t::cents(56300));
    EXPECT_EQ(a.currency, "EUR");
    EXPECT_EQ(a.credit_debit, "CRDT");
    EXPECT_EQ(a.return_reason, "AC04");
    EXPECT_EQ(a.return_additional_info, "Konto erloschen");
    EXPECT_EQ(a.bank_transaction_code, "PMNT/ICDT/RRTN");
    EXPECT_EQ(a.account_servicer_ref, "ASR-77");
    EXPECT_EQ(a.entry_reference, "R-1");
    EXPECT_EQ(a.booking_date, "2026-01-05");
    EXPECT_EQ(returns[1].end_to_end_id, "SOZ-2026-01-E9");
    EXPECT_EQ(returns[1].return_reason, "MD07");
    EXPECT_EQ(returns[1].amount, money_t::cents(45012));
}

TEST_F(FeedbackTest, Camt054RealV8ExamplesWithoutReturns)
{
    REQUIRE_EXAMPLE(v8, "camt054/genkgo-camt__camt054.v8.xml");
    auto const n = read_camt054(v8);
    EXPECT_EQ(n.msg_id, "AAAASESS-FP-ACCR001");
    ASSERT_EQ(n.entries.size(), 3u);
    EXPECT_TRUE(n.returns().empty());
    EXPECT_EQ(n.entries[0].end_to_end_id, "UXC06170000006PI00001EE00001");
    EXPECT_EQ(n.entries[0].original_msg_id, "UXC06170000006"); // from NtryDtls/Btch
    EXPECT_EQ(n.entries[0].amount, money_t::cents(310));
    EXPECT_EQ(n.entries[0].currency, "CHF");
    EXPECT_EQ(n.entries[0].credit_debit, "CRDT");
    EXPECT_EQ(n.entries[0].account_iban, "CH2801234000123456789");
    EXPECT_EQ(n.entries[0].bank_transaction_code, "PMNT/ICDT/DMCT");

    for (char const *rel : {"camt054/genkgo-camt__camt054.v8-with-UETR.xml",
                            "camt054/genkgo-camt__camt054.v8-with-financial-institution.xml"}) {
        std::string const p = example(rel);
        if (p.empty()) {
            continue;
        }
        auto const other = read_camt054(p);
        EXPECT_FALSE(other.msg_id.empty()) << rel;
        EXPECT_EQ(other.entries.size(), 1u) << rel;
    }
}

TEST_F(FeedbackTest, Camt054RejectsOtherVersionsAndTypes)
{
    auto read = [](std::string const &p) { return read_camt054(p); };
    REQUIRE_EXAMPLE(v2, "camt054/OCA-account-payment__test-sepa-camt-054-unpaid.xml");
    expect_input_error(read, v2, "camt.054.001.02");
    REQUIRE_EXAMPLE(other, "camt054/OCA-account-payment__test-sepa-camt-unpaid-invalid.xml");
    expect_input_error(read, other, "other.054.001.02");
    REQUIRE_EXAMPLE(v4, "camt054/genkgo-camt__camt054.v4.xml");
    expect_input_error(read, v4, "camt.054.001.04");
    REQUIRE_EXAMPLE(camt053, "camt053/genkgo-camt__camt053.v8.xml");
    expect_input_error(read, camt053, "camt.053.001.08");
    REQUIRE_EXAMPLE(pain002, "pain002/hbci4java__test-pain-parse-0020110-02.xml");
    expect_input_error(read, pain002, "pain.002.001.10");
}

TEST_F(FeedbackTest, Camt054RejectsMalformedContent)
{
    auto read = [](std::string const &p) { return read_camt054(p); };
    std::string bad_ind = CAMT054_RETURNS;
    bad_ind.replace(bad_ind.find("<CdtDbtInd>CRDT</CdtDbtInd>\n            <RtrInf>"), 27, "<CdtDbtInd>XXXX</CdtDbtInd>");
    auto const e = expect_input_error(read, write("ind.xml", bad_ind), "XXXX");
    EXPECT_EQ(e.where().field, "CdtDbtInd");

    std::string bad_amount = CAMT054_RETURNS;
    bad_amount.replace(bad_amount.find("450.12"), 6, "450,12");
    expect_input_error(read, write("amt.xml", bad_amount), "450,12");

    std::string not_closed = CAMT054_RETURNS.substr(0, CAMT054_RETURNS.size() - 20);
    expect_input_error(read, write("cut.xml", not_closed), "");
}
