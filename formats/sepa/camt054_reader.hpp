// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Reader for camt.054.001.08 (Bank to Customer Debit/Credit Notification): single
/// transactions behind booked entries, in particular returned credit transfers (RtrInf with
/// reason codes AC01, AC04, AC06, MD07, ...). Streaming (xmlTextReader).
/// See docs/formats/bank-feedback.md.

#include "lib/core/money.hpp"

#include <string>
#include <vector>

namespace sozbatch::sepa {

/// One transaction: a TxDtls, or an Ntry without TxDtls.
struct camt054_entry_t
{
    std::string account_iban;          ///< Ntfctn/Acct/Id/IBAN (our account)
    std::string entry_reference;       ///< Ntry/NtryRef
    std::string account_servicer_ref;  ///< TxDtls/Refs/AcctSvcrRef, else Ntry/AcctSvcrRef
    std::string credit_debit;          ///< CRDT or DBIT (TxDtls, else Ntry)
    money_t amount;                    ///< TxDtls/Amt, else Ntry/Amt
    std::string currency;              ///< its Ccy
    std::string booking_date;          ///< Ntry/BookgDt/Dt (or DtTm) as written
    std::string bank_transaction_code; ///< "PMNT/ICDT/RRTN" (Domn/Fmly/SubFmly), empty when absent
    std::string original_msg_id;       ///< TxDtls/Refs/MsgId, else NtryDtls/Btch/MsgId
    std::string original_pmt_inf_id;   ///< TxDtls/Refs/PmtInfId, else Btch/PmtInfId
    std::string end_to_end_id;         ///< TxDtls/Refs/EndToEndId: the matching key
    std::string return_reason;         ///< TxDtls/RtrInf/Rsn/Cd, e.g. AC04, MD07 (empty: no return)
    std::string return_additional_info;///< RtrInf/AddtlInf lines joined by a blank
    long line = 0;                     ///< line of the TxDtls (or Ntry) in the file

    bool is_return() const noexcept { return !return_reason.empty(); }
};

struct camt054_notification_t
{
    std::string file;
    std::string msg_id;  ///< GrpHdr/MsgId
    std::string created; ///< GrpHdr/CreDtTm as written
    std::vector<camt054_entry_t> entries;

    /// The entries that carry return information.
    std::vector<camt054_entry_t> returns() const;
};

inline constexpr char const *CAMT054_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08";

/// Reads \p path. \throws input_error (file, line, element) for a malformed file, another message
/// type or version, an amount that is not a whole number of cents, or a missing GrpHdr/MsgId.
camt054_notification_t read_camt054(std::string const &path);

} // namespace sozbatch::sepa
