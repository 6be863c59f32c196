// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/sepa/pain002_reader.hpp"

#include "formats/sepa/xml_reader.hpp"
#include "lib/core/error.hpp"

namespace sozbatch::sepa {

namespace {

bool ends_with(std::string const &path, std::string_view suffix)
{
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0 &&
           (path.size() == suffix.size() || path[path.size() - suffix.size() - 1] == '/');
}

void check_code(xml_validating_reader_t &reader, std::string const &code, char const *what)
{
    if (code.empty() || code.size() > 4) {
        reader.fail(std::string{what} + " '" + code + "' is not a status or reason code (1-4 characters)");
    }
}

} // namespace

pain002_report_t read_pain002(std::string const &path)
{
    xml_validating_reader_t reader{path};
    expect_iso20022_document(reader, PAIN002_NAMESPACE);

    pain002_report_t report;
    report.file = path;
    std::vector<std::string> stack{"Document"};
    pain002_payment_info_t pmt;
    pain002_transaction_t tx;
    bool in_tx = false;
    bool root_seen = false;

    while (reader.read()) {
        if (reader.is_end()) {
            std::string const p = join_path(stack);
            if (ends_with(p, "OrgnlPmtInfAndSts/TxInfAndSts")) {
                if (tx.original_end_to_end_id.empty()) {
                    throw input_error{input_location_t{path, tx.line, "TxInfAndSts", "OrgnlEndToEndId"},
                                      "transaction status without OrgnlEndToEndId cannot be matched"};
                }
                tx.original_msg_id = report.original_msg_id;
                tx.original_pmt_inf_id = pmt.original_pmt_inf_id;
                report.transactions.push_back(std::move(tx));
                tx = {};
                in_tx = false;
            } else if (ends_with(p, "CstmrPmtStsRpt/OrgnlPmtInfAndSts")) {
                report.payment_infos.push_back(std::move(pmt));
                pmt = {};
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
        if (stack.size() == 2) {
            if (name != "CstmrPmtStsRpt") {
                reader.fail("<" + name + "> found where <CstmrPmtStsRpt> was expected");
            }
            root_seen = true;
        } else if (p == "Document/CstmrPmtStsRpt/GrpHdr/MsgId") {
            report.msg_id = reader.text();
        } else if (p == "Document/CstmrPmtStsRpt/GrpHdr/CreDtTm") {
            report.created = reader.text();
        } else if (p == "Document/CstmrPmtStsRpt/OrgnlGrpInfAndSts/OrgnlMsgId") {
            report.original_msg_id = reader.text();
        } else if (p == "Document/CstmrPmtStsRpt/OrgnlGrpInfAndSts/OrgnlMsgNmId") {
            report.original_msg_name_id = reader.text();
        } else if (p == "Document/CstmrPmtStsRpt/OrgnlGrpInfAndSts/GrpSts") {
            report.group_status = reader.text();
            check_code(reader, report.group_status, "GrpSts");
        } else if (p == "Document/CstmrPmtStsRpt/OrgnlGrpInfAndSts/StsRsnInf/Rsn/Cd") {
            if (report.group_reason_code.empty()) {
                report.group_reason_code = reader.text();
            }
        } else if (p == "Document/CstmrPmtStsRpt/OrgnlGrpInfAndSts/StsRsnInf/AddtlInf") {
            append_info(report.group_additional_info, reader.text());
        } else if (p == "Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts") {
            pmt.line = reader.line();
        } else if (p == "Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts/OrgnlPmtInfId") {
            pmt.original_pmt_inf_id = reader.text();
        } else if (p == "Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts/PmtInfSts") {
            pmt.status = reader.text();
            check_code(reader, pmt.status, "PmtInfSts");
        } else if (p == "Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts/StsRsnInf/Rsn/Cd") {
            if (pmt.reason_code.empty()) {
                pmt.reason_code = reader.text();
            }
        } else if (p == "Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts/TxInfAndSts") {
            in_tx = true;
            tx.line = reader.line();
        } else if (in_tx) {
            std::string const sub = p.substr(std::string_view{"Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts/TxInfAndSts/"}.size());
            if (sub == "OrgnlEndToEndId") {
                tx.original_end_to_end_id = reader.text();
            } else if (sub == "OrgnlInstrId") {
                tx.original_instr_id = reader.text();
            } else if (sub == "TxSts") {
                tx.status = reader.text();
                check_code(reader, tx.status, "TxSts");
            } else if (sub == "StsRsnInf/Rsn/Cd") {
                if (tx.reason_code.empty()) {
                    tx.reason_code = reader.text();
                    check_code(reader, tx.reason_code, "StsRsnInf/Rsn/Cd");
                }
            } else if (sub == "StsRsnInf/AddtlInf") {
                append_info(tx.additional_info, reader.text());
            } else if (sub == "OrgnlTxRef/Amt/InstdAmt") {
                tx.amount = parse_amount(reader, reader.text());
                tx.currency = reader.attribute("Ccy");
            } else if (sub == "OrgnlTxRef/Cdtr/Pty/Nm" || sub == "OrgnlTxRef/Cdtr/Nm") {
                tx.creditor_name = reader.text();
            } else if (sub == "OrgnlTxRef/CdtrAcct/Id/IBAN") {
                tx.creditor_iban = reader.text();
            }
        }
        if (reader.is_empty_element()) {
            stack.pop_back();
        }
    }
    reader.finish();
    if (!root_seen) {
        throw input_error{input_location_t{path, 0, {}, "CstmrPmtStsRpt"}, "no <CstmrPmtStsRpt> in the document"};
    }
    if (report.msg_id.empty()) {
        throw input_error{input_location_t{path, 0, "GrpHdr", "MsgId"}, "missing GrpHdr/MsgId"};
    }
    if (report.original_msg_id.empty()) {
        throw input_error{input_location_t{path, 0, "OrgnlGrpInfAndSts", "OrgnlMsgId"},
                          "missing OrgnlGrpInfAndSts/OrgnlMsgId: the report cannot be matched to a file"};
    }
    return report;
}

} // namespace sozbatch::sepa
