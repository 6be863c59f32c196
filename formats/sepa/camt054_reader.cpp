// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/sepa/camt054_reader.hpp"

#include "formats/sepa/xml_reader.hpp"
#include "lib/core/error.hpp"

#include <optional>

namespace sozbatch::sepa {

namespace {

constexpr std::string_view NTFCTN = "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/";
constexpr std::string_view NTRY = "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/";
constexpr std::string_view TXDTLS = "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/NtryDtls/TxDtls/";

bool take_suffix(std::string const &path, std::string_view prefix, std::string &rest)
{
    if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) {
        return false;
    }
    rest = path.substr(prefix.size());
    return true;
}

void check_indicator(xml_validating_reader_t &reader, std::string const &v)
{
    if (v != "CRDT" && v != "DBIT") {
        reader.fail("CdtDbtInd '" + v + "' is neither CRDT nor DBIT");
    }
}

/// Bank transaction code parts in Domn/Cd, Domn/Fmly/Cd, Domn/Fmly/SubFmlyCd.
struct btc_t
{
    std::string domain, family, sub_family;
    std::string joined() const { return domain.empty() ? std::string{} : domain + "/" + family + "/" + sub_family; }
};

bool read_btc(std::string const &rest, xml_validating_reader_t &reader, btc_t &btc)
{
    if (rest == "BkTxCd/Domn/Cd") {
        btc.domain = reader.text();
    } else if (rest == "BkTxCd/Domn/Fmly/Cd") {
        btc.family = reader.text();
    } else if (rest == "BkTxCd/Domn/Fmly/SubFmlyCd") {
        btc.sub_family = reader.text();
    } else {
        return false;
    }
    return true;
}

} // namespace

std::vector<camt054_entry_t> camt054_notification_t::returns() const
{
    std::vector<camt054_entry_t> out;
    for (auto const &e : entries) {
        if (e.is_return()) {
            out.push_back(e);
        }
    }
    return out;
}

camt054_notification_t read_camt054(std::string const &path)
{
    xml_validating_reader_t reader{path};
    expect_iso20022_document(reader, CAMT054_NAMESPACE);

    camt054_notification_t result;
    result.file = path;
    std::vector<std::string> stack{"Document"};
    bool root_seen = false;

    std::string account_iban;
    camt054_entry_t ntry;     // entry-level values (defaults for its transactions)
    btc_t ntry_btc;
    bool ntry_amount_seen = false;
    int tx_count = 0;
    camt054_entry_t tx;
    btc_t tx_btc;
    bool tx_amount_seen = false;
    bool tx_indicator_seen = false;

    while (reader.read()) {
        if (reader.is_end()) {
            std::string const p = join_path(stack);
            if (p == "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/NtryDtls/TxDtls") {
                if (!tx_amount_seen) {
                    tx.amount = ntry.amount;
                    tx.currency = ntry.currency;
                }
                if (!tx_indicator_seen) {
                    tx.credit_debit = ntry.credit_debit;
                }
                if (tx.account_servicer_ref.empty()) {
                    tx.account_servicer_ref = ntry.account_servicer_ref;
                }
                tx.bank_transaction_code = tx_btc.domain.empty() ? ntry_btc.joined() : tx_btc.joined();
                result.entries.push_back(std::move(tx));
                ++tx_count;
            } else if (p == "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry") {
                if (!ntry_amount_seen) {
                    throw input_error{input_location_t{path, ntry.line, "Ntry", "Amt"}, "entry without an amount"};
                }
                if (tx_count == 0) {
                    ntry.bank_transaction_code = ntry_btc.joined();
                    result.entries.push_back(ntry);
                }
            }
            stack.pop_back();
            continue;
        }
        if (!reader.is_start()) {
            continue;
        }
        std::string const name = reader.local_name();
        stack.push_back(name);
        std::string const p = join_path(stack);
        std::string rest;
        if (stack.size() == 2) {
            if (name != "BkToCstmrDbtCdtNtfctn") {
                reader.fail("<" + name + "> found where <BkToCstmrDbtCdtNtfctn> was expected");
            }
            root_seen = true;
        } else if (p == "Document/BkToCstmrDbtCdtNtfctn/GrpHdr/MsgId") {
            result.msg_id = reader.text();
        } else if (p == "Document/BkToCstmrDbtCdtNtfctn/GrpHdr/CreDtTm") {
            result.created = reader.text();
        } else if (p == "Document/BkToCstmrDbtCdtNtfctn/Ntfctn") {
            account_iban.clear();
        } else if (take_suffix(p, NTFCTN, rest) && rest == "Acct/Id/IBAN") {
            account_iban = reader.text();
        } else if (p == "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry") {
            ntry = {};
            ntry.line = reader.line();
            ntry.account_iban = account_iban;
            ntry_btc = {};
            ntry_amount_seen = false;
            tx_count = 0;
        } else if (p == "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/NtryDtls/TxDtls") {
            tx = {};
            tx.line = reader.line();
            tx.account_iban = ntry.account_iban;
            tx.entry_reference = ntry.entry_reference;
            tx.booking_date = ntry.booking_date;
            tx.original_msg_id = ntry.original_msg_id;         // from Btch, overridden by Refs
            tx.original_pmt_inf_id = ntry.original_pmt_inf_id; // idem
            tx_btc = {};
            tx_amount_seen = false;
            tx_indicator_seen = false;
        } else if (take_suffix(p, TXDTLS, rest)) {
            if (rest == "Refs/MsgId") {
                tx.original_msg_id = reader.text();
            } else if (rest == "Refs/PmtInfId") {
                tx.original_pmt_inf_id = reader.text();
            } else if (rest == "Refs/EndToEndId") {
                tx.end_to_end_id = reader.text();
            } else if (rest == "Refs/AcctSvcrRef") {
                tx.account_servicer_ref = reader.text();
            } else if (rest == "Amt") {
                tx.currency = reader.attribute("Ccy");
                tx.amount = parse_amount(reader, reader.text());
                tx_amount_seen = true;
            } else if (rest == "CdtDbtInd") {
                tx.credit_debit = reader.text();
                check_indicator(reader, tx.credit_debit);
                tx_indicator_seen = true;
            } else if (rest == "RtrInf/Rsn/Cd") {
                tx.return_reason = reader.text();
                if (tx.return_reason.empty() || tx.return_reason.size() > 4) {
                    reader.fail("return reason '" + tx.return_reason + "' is not a 1-4 character code");
                }
            } else if (rest == "RtrInf/Rsn/Prtry" && tx.return_reason.empty()) {
                tx.return_reason = reader.text();
            } else if (rest == "RtrInf/AddtlInf") {
                append_info(tx.return_additional_info, reader.text());
            } else {
                read_btc(rest, reader, tx_btc);
            }
        } else if (take_suffix(p, NTRY, rest)) {
            if (rest == "Amt") {
                ntry.currency = reader.attribute("Ccy");
                ntry.amount = parse_amount(reader, reader.text());
                ntry_amount_seen = true;
            } else if (rest == "CdtDbtInd") {
                ntry.credit_debit = reader.text();
                check_indicator(reader, ntry.credit_debit);
            } else if (rest == "NtryRef") {
                ntry.entry_reference = reader.text();
            } else if (rest == "AcctSvcrRef") {
                ntry.account_servicer_ref = reader.text();
            } else if (rest == "BookgDt/Dt" || rest == "BookgDt/DtTm") {
                ntry.booking_date = reader.text();
            } else if (rest == "NtryDtls/Btch/MsgId") {
                ntry.original_msg_id = reader.text();
            } else if (rest == "NtryDtls/Btch/PmtInfId") {
                ntry.original_pmt_inf_id = reader.text();
            } else {
                read_btc(rest, reader, ntry_btc);
            }
        }
        if (reader.is_empty_element()) {
            stack.pop_back();
        }
    }
    reader.finish();
    if (!root_seen) {
        throw input_error{input_location_t{path, 0, {}, "BkToCstmrDbtCdtNtfctn"}, "no <BkToCstmrDbtCdtNtfctn> in the document"};
    }
    if (result.msg_id.empty()) {
        throw input_error{input_location_t{path, 0, "GrpHdr", "MsgId"}, "missing GrpHdr/MsgId"};
    }
    return result;
}

} // namespace sozbatch::sepa
