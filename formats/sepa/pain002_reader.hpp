// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Reader for pain.002.001.10 (Customer Payment Status Report): the bank's answer to a
/// pain.001 — rejects before execution (RJCT with a reason code) and Verification-of-Payee
/// results (RCVC, RVMC, RVNM, RVNA). Streaming (xmlTextReader). See docs/formats/bank-feedback.md.

#include "lib/core/money.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sozbatch::sepa {

/// Status of one PmtInf (OrgnlPmtInfAndSts).
struct pain002_payment_info_t
{
    std::string original_pmt_inf_id; ///< OrgnlPmtInfId
    std::string status;              ///< PmtInfSts (may be empty)
    std::string reason_code;         ///< StsRsnInf/Rsn/Cd (first one)
    long line = 0;
};

/// Status of one transaction (TxInfAndSts).
struct pain002_transaction_t
{
    std::string original_msg_id;        ///< OrgnlGrpInfAndSts/OrgnlMsgId (= our MsgId)
    std::string original_pmt_inf_id;    ///< OrgnlPmtInfId of the enclosing OrgnlPmtInfAndSts
    std::string original_end_to_end_id; ///< OrgnlEndToEndId: the matching key
    std::string original_instr_id;      ///< OrgnlInstrId, if sent
    std::string status;                 ///< TxSts, e.g. RJCT, ACCP, RVNM
    std::string reason_code;            ///< StsRsnInf/Rsn/Cd (first one), e.g. AC01, MD07
    std::string additional_info;        ///< StsRsnInf/AddtlInf lines joined by a blank
    std::optional<money_t> amount;      ///< OrgnlTxRef/Amt/InstdAmt, for display and plausibility only
    std::string currency;               ///< its Ccy
    std::string creditor_name;          ///< OrgnlTxRef/Cdtr/Pty/Nm (VoP: the name we sent)
    std::string creditor_iban;          ///< OrgnlTxRef/CdtrAcct/Id/IBAN
    long line = 0;                      ///< line of TxInfAndSts in the file
};

/// A whole pain.002.001.10 report.
struct pain002_report_t
{
    std::string file;
    std::string msg_id;                  ///< GrpHdr/MsgId of the report itself
    std::string created;                 ///< GrpHdr/CreDtTm as written by the bank
    std::string original_msg_id;         ///< OrgnlGrpInfAndSts/OrgnlMsgId
    std::string original_msg_name_id;    ///< OrgnlMsgNmId, e.g. "pain.001.001.09"
    std::string group_status;            ///< GrpSts (may be empty)
    std::string group_reason_code;       ///< OrgnlGrpInfAndSts/StsRsnInf/Rsn/Cd
    std::string group_additional_info;   ///< OrgnlGrpInfAndSts/StsRsnInf/AddtlInf joined
    std::vector<pain002_payment_info_t> payment_infos;
    std::vector<pain002_transaction_t> transactions;

    /// GrpSts RJCT without transaction details: every payment of the original file is rejected.
    bool whole_file_rejected() const { return group_status == "RJCT" && transactions.empty(); }
};

/// The namespace this reader accepts.
inline constexpr char const *PAIN002_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10";

/// Reads \p path. \throws input_error (file, line, element) for a malformed file, another message
/// type or version, or missing matching keys (MsgId, OrgnlMsgId, OrgnlEndToEndId).
pain002_report_t read_pain002(std::string const &path);

} // namespace sozbatch::sepa
