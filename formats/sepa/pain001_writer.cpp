// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/sepa/pain001_writer.hpp"

#include "formats/sepa/sepa_text.hpp"
#include "formats/sepa/xml_reader.hpp"
#include "lib/core/atomic_file.hpp"
#include "lib/core/error.hpp"

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <exception>
#include <filesystem>
#include <set>
#include <vector>

namespace sozbatch::sepa {

namespace {

constexpr char const *NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";
constexpr std::int64_t MAX_AMOUNT_CENTS = 99999999999; // 999 999 999.99 EUR

bool is_eea_country(std::string const &cc)
{
    static std::set<std::string> const eea{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR",
                                           "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL",
                                           "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO",
                                           // French overseas departments and Åland use FR / FI IBANs
                                           "GF", "GP", "MQ", "RE", "YT", "PM", "BL", "MF", "AX"};
    return eea.contains(cc);
}

std::string iso_with_offset(timestamp_t t)
{
    std::string s = to_iso(t); // "YYYY-MM-DDTHH:MM:SSZ"
    if (!s.empty() && s.back() == 'Z') {
        s.pop_back();
        s += "+00:00";
    }
    return s;
}

void require(std::string const &why, std::string const &what)
{
    if (!why.empty()) {
        throw validation_error{what + ": " + why};
    }
}

std::string check_code(std::string const &code)
{
    if (code.size() != 4) {
        return "must be a four-character ISO code";
    }
    for (char const c : code) {
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
            return "must be a four-character ISO code (A-Z, 0-9)";
        }
    }
    return {};
}

} // namespace

bool creditor_bic_required(iban_t const &iban) { return !is_eea_country(iban.country()); }

// --- writer -----------------------------------------------------------------------------------

struct pain001_writer_t::impl_t
{
    std::string final_path;
    pain001_header_t header;
    std::unique_ptr<atomic_file_t> file;
    xmlTextWriterPtr xw = nullptr;
    std::exception_ptr io_error;

    enum class state_t { group, payment_info, finished, failed } state = state_t::group;

    std::set<std::string> pmt_inf_ids;
    std::string current_id;            // the open PmtInf
    std::int64_t current_declared_n = 0;
    money_t current_declared_sum;
    std::int64_t pmt_count = 0;
    money_t pmt_sum;
    std::int64_t total_count = 0;
    money_t total_sum;
    std::int64_t payment_infos = 0;

    static int write_cb(void *ctx, char const *buf, int len)
    {
        auto *self = static_cast<impl_t *>(ctx);
        try {
            self->file->write(std::string_view{buf, static_cast<std::size_t>(len)});
            return len;
        } catch (...) {
            self->io_error = std::current_exception();
            return -1;
        }
    }
    static int close_cb(void *) { return 0; }

    void check_rc(int rc)
    {
        if (io_error) {
            std::rethrow_exception(io_error);
        }
        if (rc < 0) {
            throw internal_error{"libxml2 could not write " + file->tmp_path()};
        }
    }

    void start(char const *name) { check_rc(xmlTextWriterStartElement(xw, reinterpret_cast<xmlChar const *>(name))); }
    void end() { check_rc(xmlTextWriterEndElement(xw)); }
    void element(char const *name, std::string const &value)
    {
        check_rc(xmlTextWriterWriteElement(xw, reinterpret_cast<xmlChar const *>(name),
                                           reinterpret_cast<xmlChar const *>(value.c_str())));
    }
    void name_element(char const *wrapper, std::string const &name)
    {
        start(wrapper);
        element("Nm", name);
        end();
    }
    void account(char const *wrapper, iban_t const &iban)
    {
        start(wrapper);
        start("Id");
        element("IBAN", iban.str());
        end();
        end();
    }

    void ensure(state_t expected, char const *what)
    {
        if (state != expected) {
            throw internal_error{std::string{"pain001_writer_t: "} + what + " called in the wrong state for " + final_path};
        }
    }

    void free_writer() noexcept
    {
        if (xw != nullptr) {
            xmlFreeTextWriter(xw); // also closes the output buffer
            xw = nullptr;
        }
    }

    void fail() noexcept
    {
        state = state_t::failed;
        free_writer();
        if (file) {
            file->abandon();
        }
    }
};

pain001_writer_t::pain001_writer_t(std::string final_path, pain001_header_t const &header)
: m_impl(std::make_unique<impl_t>())
{
    auto &m = *m_impl;
    m.final_path = std::move(final_path);
    m.header = header;
    require(check_dk_id(header.msg_id), "MsgId '" + header.msg_id + "'");
    require(check_dk_text(header.initiating_party, MAX_NAME_CHARS), "InitgPty/Nm");
    if (header.nb_of_txs < 1) {
        throw validation_error{"GrpHdr/NbOfTxs must be at least 1, got " + std::to_string(header.nb_of_txs)};
    }
    if (header.ctrl_sum.as_cents() < 1) {
        throw validation_error{"GrpHdr/CtrlSum must be at least 0.01, got " + header.ctrl_sum.to_sepa()};
    }
    if (header.created.is_special()) {
        throw validation_error{"GrpHdr/CreDtTm is not a valid timestamp"};
    }

    m.file = std::make_unique<atomic_file_t>(m.final_path);
    try {
        xmlOutputBufferPtr out = xmlOutputBufferCreateIO(&impl_t::write_cb, &impl_t::close_cb, &m, nullptr);
        if (out == nullptr) {
            throw internal_error{"libxml2: cannot create an output buffer"};
        }
        m.xw = xmlNewTextWriter(out);
        if (m.xw == nullptr) {
            xmlOutputBufferClose(out);
            throw internal_error{"libxml2: cannot create a text writer"};
        }
        if (header.indent) {
            m.check_rc(xmlTextWriterSetIndent(m.xw, 1));
            m.check_rc(xmlTextWriterSetIndentString(m.xw, reinterpret_cast<xmlChar const *>("  ")));
        }
        m.check_rc(xmlTextWriterStartDocument(m.xw, "1.0", "UTF-8", nullptr));
        m.start("Document");
        m.check_rc(xmlTextWriterWriteAttribute(m.xw, reinterpret_cast<xmlChar const *>("xmlns"),
                                               reinterpret_cast<xmlChar const *>(NS)));
        m.start("CstmrCdtTrfInitn");
        m.start("GrpHdr");
        m.element("MsgId", header.msg_id);
        m.element("CreDtTm", iso_with_offset(header.created));
        m.element("NbOfTxs", std::to_string(header.nb_of_txs));
        m.element("CtrlSum", header.ctrl_sum.to_sepa());
        m.name_element("InitgPty", header.initiating_party);
        m.end(); // GrpHdr
    } catch (...) {
        m.fail();
        throw;
    }
}

pain001_writer_t::~pain001_writer_t() { abandon(); }

void pain001_writer_t::abandon() noexcept
{
    if (m_impl && m_impl->state != impl_t::state_t::finished) {
        m_impl->fail();
    }
}

void pain001_writer_t::begin_payment_info(payment_info_t const &info)
{
    auto &m = *m_impl;
    m.ensure(impl_t::state_t::group, "begin_payment_info");
    try {
        std::string const where = "PmtInf '" + info.pmt_inf_id + "'";
        require(check_dk_id(info.pmt_inf_id), where + " PmtInfId");
        if (!m.pmt_inf_ids.insert(info.pmt_inf_id).second) {
            throw validation_error{where + ": PmtInfId used twice in message " + m.header.msg_id};
        }
        if (info.nb_of_txs < 1) {
            throw validation_error{where + ": NbOfTxs must be at least 1"};
        }
        if (info.ctrl_sum.as_cents() < 1) {
            throw validation_error{where + ": CtrlSum must be at least 0.01"};
        }
        if (info.category_purpose) {
            require(check_code(*info.category_purpose), where + " CtgyPurp/Cd");
        }
        require(check_dk_text(info.debtor_name, MAX_NAME_CHARS), where + " Dbtr/Nm");
        if (info.ultimate_debtor) {
            require(check_dk_text(*info.ultimate_debtor, MAX_NAME_CHARS), where + " UltmtDbtr/Nm");
        }
        if (info.requested_execution_date.is_special()) {
            throw validation_error{where + ": ReqdExctnDt is not a valid date"};
        }

        m.current_id = info.pmt_inf_id;
        m.current_declared_n = info.nb_of_txs;
        m.current_declared_sum = info.ctrl_sum;
        m.pmt_count = 0;
        m.pmt_sum = money_t{};
        m.start("PmtInf");
        m.element("PmtInfId", info.pmt_inf_id);
        m.element("PmtMtd", "TRF");
        m.element("BtchBookg", info.batch_booking ? "true" : "false");
        m.element("NbOfTxs", std::to_string(info.nb_of_txs));
        m.element("CtrlSum", info.ctrl_sum.to_sepa());
        m.start("PmtTpInf");
        m.start("SvcLvl");
        m.element("Cd", "SEPA");
        m.end();
        if (info.category_purpose) {
            m.start("CtgyPurp");
            m.element("Cd", *info.category_purpose);
            m.end();
        }
        m.end(); // PmtTpInf
        m.start("ReqdExctnDt");
        m.element("Dt", to_iso(info.requested_execution_date));
        m.end();
        m.name_element("Dbtr", info.debtor_name);
        m.account("DbtrAcct", info.debtor_iban);
        m.start("DbtrAgt");
        m.start("FinInstnId");
        if (info.debtor_bic) {
            m.element("BICFI", info.debtor_bic->str());
        } else {
            m.start("Othr");
            m.element("Id", "NOTPROVIDED");
            m.end();
        }
        m.end();
        m.end(); // DbtrAgt
        if (info.ultimate_debtor) {
            m.name_element("UltmtDbtr", *info.ultimate_debtor);
        }
        m.element("ChrgBr", "SLEV");
        m.state = impl_t::state_t::payment_info;
        ++m.payment_infos;
    } catch (...) {
        m.fail();
        throw;
    }
}

std::string pain001_writer_t::check_transfer(transfer_t const &t)
{
    if (std::string why = check_dk_id(t.end_to_end_id); !why.empty()) {
        return "EndToEndId: " + why;
    }
    if (t.amount.as_cents() < 1 || t.amount.as_cents() > MAX_AMOUNT_CENTS) {
        return "InstdAmt " + t.amount.to_sepa() + " outside 0.01..999999999.99";
    }
    if (std::string why = check_dk_text(t.creditor_name, MAX_NAME_CHARS); !why.empty()) {
        return "Cdtr/Nm: " + why;
    }
    if (t.ultimate_creditor) {
        if (std::string why = check_dk_text(*t.ultimate_creditor, MAX_NAME_CHARS); !why.empty()) {
            return "UltmtCdtr/Nm: " + why;
        }
    }
    if (!t.creditor_bic && creditor_bic_required(t.creditor_iban)) {
        return "CdtrAgt BIC required for an account in " + t.creditor_iban.country() + " (outside the EEA)";
    }
    if (t.purpose) {
        if (std::string why = check_code(*t.purpose); !why.empty()) {
            return "Purp/Cd: " + why;
        }
    }
    if (!t.remittance.empty()) {
        if (std::string why = check_dk_text(t.remittance, MAX_USTRD_CHARS); !why.empty()) {
            return "RmtInf/Ustrd: " + why;
        }
    }
    return {};
}

void pain001_writer_t::add_transfer(transfer_t const &t)
{
    auto &m = *m_impl;
    m.ensure(impl_t::state_t::payment_info, "add_transfer");
    try {
        if (std::string why = check_transfer(t); !why.empty()) {
            throw validation_error{"transfer '" + t.end_to_end_id + "' in " + m.final_path + ": " + why};
        }
        m.start("CdtTrfTxInf");
        m.start("PmtId");
        m.element("EndToEndId", t.end_to_end_id);
        m.end();
        m.start("Amt");
        m.start("InstdAmt");
        m.check_rc(xmlTextWriterWriteAttribute(m.xw, reinterpret_cast<xmlChar const *>("Ccy"),
                                               reinterpret_cast<xmlChar const *>("EUR")));
        std::string const amount = t.amount.to_sepa();
        m.check_rc(xmlTextWriterWriteString(m.xw, reinterpret_cast<xmlChar const *>(amount.c_str())));
        m.end();
        m.end(); // Amt
        if (t.creditor_bic) {
            m.start("CdtrAgt");
            m.start("FinInstnId");
            m.element("BICFI", t.creditor_bic->str());
            m.end();
            m.end();
        }
        m.name_element("Cdtr", t.creditor_name);
        m.account("CdtrAcct", t.creditor_iban);
        if (t.ultimate_creditor) {
            m.name_element("UltmtCdtr", *t.ultimate_creditor);
        }
        if (t.purpose) {
            m.start("Purp");
            m.element("Cd", *t.purpose);
            m.end();
        }
        if (!t.remittance.empty()) {
            m.start("RmtInf");
            m.element("Ustrd", t.remittance);
            m.end();
        }
        m.end(); // CdtTrfTxInf
        ++m.pmt_count;
        m.pmt_sum += t.amount;
    } catch (...) {
        m.fail();
        throw;
    }
}

void pain001_writer_t::end_payment_info()
{
    auto &m = *m_impl;
    m.ensure(impl_t::state_t::payment_info, "end_payment_info");
    try {
        if (m.pmt_count != m.current_declared_n || m.pmt_sum != m.current_declared_sum) {
            throw internal_error{"control totals do not match in PmtInf '" + m.current_id + "' of " +
                                 m.final_path + ": declared NbOfTxs " + std::to_string(m.current_declared_n) +
                                 " CtrlSum " + m.current_declared_sum.to_sepa() + ", written " +
                                 std::to_string(m.pmt_count) + " transfers summing to " + m.pmt_sum.to_sepa() +
                                 "; nothing published"};
        }
        m.end(); // PmtInf
        m.total_count += m.pmt_count;
        m.total_sum += m.pmt_sum;
        m.state = impl_t::state_t::group;
    } catch (...) {
        m.fail();
        throw;
    }
}

pain001_result_t pain001_writer_t::finish()
{
    auto &m = *m_impl;
    m.ensure(impl_t::state_t::group, "finish");
    try {
        if (m.payment_infos == 0) {
            throw internal_error{"pain.001 " + m.final_path + " has no PmtInf; nothing published"};
        }
        if (m.total_count != m.header.nb_of_txs || m.total_sum != m.header.ctrl_sum) {
            throw internal_error{"control totals do not match in GrpHdr of " + m.final_path + ": declared NbOfTxs " +
                                 std::to_string(m.header.nb_of_txs) + " CtrlSum " + m.header.ctrl_sum.to_sepa() +
                                 ", written " + std::to_string(m.total_count) + " transfers summing to " +
                                 m.total_sum.to_sepa() + "; nothing published"};
        }
        m.end(); // CstmrCdtTrfInitn
        m.end(); // Document
        m.check_rc(xmlTextWriterEndDocument(m.xw));
        m.check_rc(xmlTextWriterFlush(m.xw));
        m.free_writer();
        if (m.io_error) {
            std::rethrow_exception(m.io_error);
        }
        m.file->flush();

        try {
            verify_pain001_file(m.file->tmp_path());
        } catch (input_error const &e) {
            throw internal_error{std::string{"sozbatch wrote a pain.001 that fails its own checks; nothing published: "} +
                                 e.what()};
        }

        pain001_result_t result;
        result.path = m.final_path;
        result.bytes = m.file->bytes_written();
        result.sha256 = m.file->commit();
        result.nb_of_txs = m.total_count;
        result.ctrl_sum = m.total_sum;
        result.payment_infos = m.payment_infos;
        m.state = impl_t::state_t::finished;

        manifest_t manifest;
        manifest.add("file", std::filesystem::path{m.final_path}.filename().string());
        manifest.add("format", "pain.001.001.09");
        manifest.add("schema", PAIN001_SCHEMA);
        manifest.add("msg_id", m.header.msg_id);
        manifest.add("created", iso_with_offset(m.header.created));
        manifest.add("payment_infos", std::to_string(result.payment_infos));
        manifest.add("nb_of_txs", std::to_string(result.nb_of_txs));
        manifest.add("ctrl_sum", result.ctrl_sum.to_sepa());
        manifest.add("bytes", std::to_string(result.bytes));
        manifest.add("sha256", result.sha256);
        manifest.write_beside(m.final_path);
        return result;
    } catch (...) {
        if (m.state != impl_t::state_t::finished) {
            m.fail();
        }
        throw;
    }
}

// --- verification pass -------------------------------------------------------------------------
//
// SAX parse of the file with libxml2's schema validator plugged in (xmlSchemaSAXPlug): one
// streaming pass that validates against the embedded schema and recounts NbOfTxs/CtrlSum from the
// bytes on disk. Much faster than xmlTextReader because no nodes are built.

namespace {

struct verify_state_t
{
    std::string path;
    xmlParserCtxtPtr ctxt = nullptr;
    std::vector<xmlChar const *> stack; // dictionary-owned local names
    bool capture = false;
    std::string text;

    std::string error;
    long error_line = 0;
    std::string error_element;

    std::int64_t grp_declared_n = -1;
    money_t grp_declared_sum;
    std::int64_t pmt_declared_n = -1;
    money_t pmt_declared_sum;
    std::int64_t grp_n = 0;
    money_t grp_sum;
    std::int64_t pmt_n = 0;
    money_t pmt_sum;
    std::string pmt_id;

    long line() const { return ctxt != nullptr ? xmlSAX2GetLineNumber(ctxt) : 0; }

    void fail(std::string element, std::string reason)
    {
        if (error.empty()) {
            error = std::move(reason);
            error_line = line();
            error_element = std::move(element);
        }
        if (ctxt != nullptr) {
            xmlStopParser(ctxt);
        }
    }
};

bool is(xmlChar const *a, char const *b) { return a != nullptr && std::strcmp(reinterpret_cast<char const *>(a), b) == 0; }

void on_start(void *ud, xmlChar const *localname, xmlChar const *, xmlChar const *, int, xmlChar const **, int, int,
              xmlChar const **)
{
    auto &st = *static_cast<verify_state_t *>(ud);
    st.stack.push_back(localname);
    if (is(localname, "PmtInf")) {
        st.pmt_n = 0;
        st.pmt_sum = money_t{};
        st.pmt_declared_n = -1;
    }
    st.capture = is(localname, "NbOfTxs") || is(localname, "CtrlSum") || is(localname, "InstdAmt") ||
                 is(localname, "PmtInfId");
    st.text.clear();
}

void on_characters(void *ud, xmlChar const *ch, int len)
{
    auto &st = *static_cast<verify_state_t *>(ud);
    if (st.capture) {
        st.text.append(reinterpret_cast<char const *>(ch), static_cast<std::size_t>(len));
    }
}

void on_end(void *ud, xmlChar const *localname, xmlChar const *, xmlChar const *)
{
    auto &st = *static_cast<verify_state_t *>(ud);
    if (!st.error.empty()) {
        return;
    }
    xmlChar const *parent = st.stack.size() >= 2 ? st.stack[st.stack.size() - 2] : nullptr;
    auto amount = [&](char const *what) {
        try {
            return money_t::parse(st.text);
        } catch (validation_error const &) {
            st.fail(what, std::string{what} + " '" + st.text + "' is not an amount");
            return money_t{};
        }
    };
    auto count = [&]() -> std::int64_t {
        try {
            return std::stoll(st.text);
        } catch (std::exception const &) {
            st.fail("NbOfTxs", "NbOfTxs '" + st.text + "' is not a number");
            return -1;
        }
    };
    if (st.capture) {
        if (is(localname, "InstdAmt")) {
            st.pmt_sum += amount("InstdAmt");
            ++st.pmt_n;
        } else if (is(parent, "GrpHdr") && is(localname, "NbOfTxs")) {
            st.grp_declared_n = count();
        } else if (is(parent, "GrpHdr") && is(localname, "CtrlSum")) {
            st.grp_declared_sum = amount("CtrlSum");
        } else if (is(parent, "PmtInf") && is(localname, "NbOfTxs")) {
            st.pmt_declared_n = count();
        } else if (is(parent, "PmtInf") && is(localname, "CtrlSum")) {
            st.pmt_declared_sum = amount("CtrlSum");
        } else if (is(parent, "PmtInf") && is(localname, "PmtInfId")) {
            st.pmt_id = st.text;
        }
        st.capture = false;
    } else if (is(localname, "PmtInf")) {
        if (st.pmt_n != st.pmt_declared_n || st.pmt_sum != st.pmt_declared_sum) {
            st.fail("PmtInf", "PmtInf '" + st.pmt_id + "' declares NbOfTxs " + std::to_string(st.pmt_declared_n) +
                                  " CtrlSum " + st.pmt_declared_sum.to_sepa() + " but contains " +
                                  std::to_string(st.pmt_n) + " transfers summing to " + st.pmt_sum.to_sepa());
        }
        st.grp_n += st.pmt_n;
        st.grp_sum += st.pmt_sum;
    }
    st.stack.pop_back();
}

void on_error(void *ud, xmlErrorPtr err)
{
    auto &st = *static_cast<verify_state_t *>(ud);
    if (err == nullptr || err->level == XML_ERR_WARNING || !st.error.empty()) {
        return;
    }
    std::string msg = err->message != nullptr ? err->message : "XML error";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) {
        msg.pop_back();
    }
    std::string element = st.stack.empty() ? std::string{} : reinterpret_cast<char const *>(st.stack.back());
    // Schema errors read "Element '{namespace}Name': ..."; that name is the precise one.
    if (auto const at = msg.find("Element '"); at != std::string::npos) {
        auto begin = at + 9;
        auto const end = msg.find('\'', begin);
        if (end != std::string::npos) {
            if (auto const brace = msg.find('}', begin); brace != std::string::npos && brace < end) {
                begin = brace + 1;
            }
            element = msg.substr(begin, end - begin);
        }
    }
    st.error = std::move(msg);
    st.error_line = err->line > 0 ? err->line : st.line();
    st.error_element = std::move(element);
}

} // namespace

void verify_pain001_file(std::string const &path)
{
    xmlSchemaPtr const schema = embedded_schema(PAIN001_SCHEMA);
    verify_state_t st;
    st.path = path;
    st.stack.reserve(16);

    int const fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw input_error{input_location_t{path, 0, {}, {}}, "cannot open the file"};
    }
    std::unique_ptr<xmlSchemaValidCtxt, void (*)(xmlSchemaValidCtxtPtr)> vctxt{xmlSchemaNewValidCtxt(schema),
                                                                               xmlSchemaFreeValidCtxt};
    xmlSchemaSetValidStructuredErrors(vctxt.get(), &on_error, &st);

    xmlSAXHandler sax{};
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = &on_start;
    sax.endElementNs = &on_end;
    sax.characters = &on_characters;
    sax.serror = &on_error;
    xmlSAXHandlerPtr sax_ptr = &sax;
    void *user_data = &st;
    xmlSchemaSAXPlugPtr plug = xmlSchemaSAXPlug(vctxt.get(), &sax_ptr, &user_data);
    if (plug == nullptr) {
        ::close(fd);
        throw internal_error{"libxml2: cannot plug the schema validator into the SAX parser"};
    }
    st.ctxt = xmlCreatePushParserCtxt(sax_ptr, user_data, nullptr, 0, path.c_str());
    if (st.ctxt == nullptr) {
        xmlSchemaSAXUnplug(plug);
        ::close(fd);
        throw internal_error{"libxml2: cannot create a push parser"};
    }
    xmlCtxtUseOptions(st.ctxt, XML_PARSE_NONET);

    std::vector<char> buffer(1 << 16);
    bool read_error = false;
    for (;;) {
        ssize_t const n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            read_error = true;
            break;
        }
        if (n == 0 || !st.error.empty()) {
            break;
        }
        if (xmlParseChunk(st.ctxt, buffer.data(), static_cast<int>(n), 0) != 0 && st.error.empty()) {
            st.error = "the file is not well-formed XML";
            st.error_line = st.line();
        }
    }
    if (st.error.empty() && !read_error) {
        xmlParseChunk(st.ctxt, nullptr, 0, 1);
    }
    ::close(fd);
    bool const well_formed = st.ctxt->wellFormed != 0;
    long const last_line = st.line();
    st.ctxt->sax = nullptr; // owned by the plug, must not be freed with the context
    xmlFreeParserCtxt(st.ctxt);
    st.ctxt = nullptr;
    xmlSchemaSAXUnplug(plug);

    if (read_error) {
        throw input_error{input_location_t{path, 0, {}, {}}, "cannot read the file"};
    }
    if (!st.error.empty()) {
        throw input_error{input_location_t{path, st.error_line, {}, st.error_element}, st.error};
    }
    if (!well_formed) {
        throw input_error{input_location_t{path, last_line, {}, {}}, "the file is not well-formed XML"};
    }
    if (st.grp_n != st.grp_declared_n || st.grp_sum != st.grp_declared_sum) {
        throw input_error{input_location_t{path, 0, {}, "GrpHdr"},
                          "GrpHdr declares NbOfTxs " + std::to_string(st.grp_declared_n) + " CtrlSum " +
                              st.grp_declared_sum.to_sepa() + " but the file contains " + std::to_string(st.grp_n) +
                              " transfers summing to " + st.grp_sum.to_sepa()};
    }
}

} // namespace sozbatch::sepa
