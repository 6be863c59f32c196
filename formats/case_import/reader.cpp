// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/case_import/reader.hpp"

#include "lib/core/clock.hpp"
#include "lib/core/date.hpp"
#include "lib/core/embedded.hpp"
#include "lib/core/identifiers.hpp"
#include "lib/core/money.hpp"
#include "lib/core/sha256.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlversion.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

namespace sozbatch::formats {

case_import_error::case_import_error(input_location_t first, std::string const &reason,
                                     std::vector<std::string> messages)
: input_error(std::move(first),
              messages.size() > 1 ? reason + " (first of " + std::to_string(messages.size()) + " errors in the file)"
                                  : reason),
  m_messages(std::move(messages))
{}

std::vector<std::string_view> const &case_import_need_kinds()
{
    static std::vector<std::string_view> const kinds{
        "merkzeichen-g",         "merkzeichen-ag",    "erwerbsminderung-voll",
        "pregnancy",             "single-parent",     "eingliederungshilfe",
        "hilfe-zur-pflege",      "kostenaufwendige-ernaehrung", "dezentrale-warmwasser",
        "mittagsverpflegung",    "unabweisbar",       "einrichtung-barbetrag",
        "asylblg-1a-reduction",  "schulbedarf",       "schulbuecher",
        "bvg-beschaedigter",     "bvg-hinterbliebener", "bvg-pflegezulage",
        "other"};
    return kinds;
}

std::vector<std::string_view> const &case_import_income_kinds()
{
    static std::vector<std::string_view> const kinds{
        "earnings",    "self-employment", "wfbm",           "pension",        "widow-pension",
        "supplementary-pension", "kindergeld", "maintenance", "unterhaltsvorschuss", "capital",
        "one-off",     "ehrenamt",        "bvg-grundrente", "bvg-schwerstbeschaedigtenzulage", "other"};
    return kinds;
}

namespace {

using namespace sozbatch::domain;

struct doc_deleter_t
{
    void operator()(xmlDoc *d) const noexcept { xmlFreeDoc(d); }
};
struct schema_deleter_t
{
    void operator()(xmlSchema *s) const noexcept { xmlSchemaFree(s); }
};
struct valid_ctxt_deleter_t
{
    void operator()(xmlSchemaValidCtxt *c) const noexcept { xmlSchemaFreeValidCtxt(c); }
};
struct text_reader_deleter_t
{
    void operator()(xmlTextReader *r) const noexcept { xmlFreeTextReader(r); }
};
struct parser_ctxt_deleter_t
{
    void operator()(xmlParserCtxt *c) const noexcept { xmlFreeParserCtxt(c); }
};

#if LIBXML_VERSION >= 21200
using xml_error_arg_t = xmlError const *;
#else
using xml_error_arg_t = xmlErrorPtr;
#endif

/// Sends this thread's structured libxml2 errors to \p func with \p context until destroyed, then
/// restores what was set before.
class error_handler_scope_t
{
public:
    error_handler_scope_t(void *context, xmlStructuredErrorFunc func) { xmlSetStructuredErrorFunc(context, func); }
    ~error_handler_scope_t() { xmlSetStructuredErrorFunc(m_context, m_func); }
    error_handler_scope_t(error_handler_scope_t const &) = delete;
    error_handler_scope_t &operator=(error_handler_scope_t const &) = delete;

private:
    xmlStructuredErrorFunc m_func = xmlStructuredError; // initialised before the constructor's body
    void *m_context = xmlStructuredErrorContext;
};

/// libxml2's options for both readers: no network, CDATA as text, line numbers beyond 65535,
/// small texts kept in the nodes (the trees are only read).
int const PARSE_OPTIONS = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES | XML_PARSE_COMPACT;

std::string_view name_of(xmlNode const *n)
{
    return n != nullptr && n->name != nullptr ? std::string_view{reinterpret_cast<char const *>(n->name)}
                                              : std::string_view{};
}

std::optional<std::string> attr(xmlNode const *n, char const *name)
{
    for (xmlAttr const *a = n->properties; a != nullptr; a = a->next) {
        if (a->ns == nullptr && std::strcmp(reinterpret_cast<char const *>(a->name), name) == 0) {
            xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
            std::string s = v != nullptr ? reinterpret_cast<char const *>(v) : "";
            xmlFree(v);
            return s;
        }
    }
    return std::nullopt;
}

std::string attr_or(xmlNode const *n, char const *name, std::string fallback = {})
{
    auto v = attr(n, name);
    return v ? *v : std::move(fallback);
}

bool is_element(xmlNode const *n, std::string_view local)
{
    return n != nullptr && n->type == XML_ELEMENT_NODE && name_of(n) == local;
}

std::vector<xmlNode *> children(xmlNode const *n, std::string_view local = {})
{
    std::vector<xmlNode *> out;
    for (xmlNode *c = n->children; c != nullptr; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && (local.empty() || name_of(c) == local)) {
            out.push_back(c);
        }
    }
    return out;
}

xmlNode *first_child(xmlNode const *n, std::string_view local)
{
    for (xmlNode *c = n->children; c != nullptr; c = c->next) {
        if (is_element(c, local)) {
            return c;
        }
    }
    return nullptr;
}

/// 1-based position among the element siblings with the same name.
int position_of(xmlNode const *n)
{
    int pos = 1;
    for (xmlNode const *p = n->prev; p != nullptr; p = p->prev) {
        if (p->type == XML_ELEMENT_NODE && name_of(p) == name_of(n)) {
            ++pos;
        }
    }
    return pos;
}

/// "case 50.1-0007 income[2]", "person P-0012 address", "payee Z-1", "tenant".
std::string record_of(xmlNode const *element)
{
    std::vector<std::string> parts;
    for (xmlNode const *n = element; n != nullptr && n->type == XML_ELEMENT_NODE; n = n->parent) {
        auto const local = name_of(n);
        if (local == "case") {
            parts.push_back("case " + attr_or(n, "file-ref", "?"));
            break;
        }
        if (local == "person" || local == "payee") {
            parts.push_back(std::string{local} + " " + attr_or(n, "id", "?"));
            break;
        }
        if (local == "work-group") {
            parts.push_back("work-group " + attr_or(n, "code", "?"));
            break;
        }
        if (local == "tenant" || local == "case-import") {
            parts.push_back(std::string{local});
            break;
        }
        if (local == "address") {
            parts.push_back("address");
        } else if (local != "persons" && local != "payees" && local != "cases" && local != "work-groups") {
            parts.push_back(std::string{local} + "[" + std::to_string(position_of(n)) + "]");
        }
    }
    std::string out;
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        out += (out.empty() ? "" : " ") + *it;
    }
    return out;
}

struct finding_t
{
    input_location_t where;
    std::string reason;
};

class collector_t
{
public:
    explicit collector_t(std::string file) : m_file(std::move(file)) {}

    void add(xmlNode const *element, std::string field, std::string reason)
    {
        input_location_t where;
        where.file = m_file;
        if (element != nullptr) {
            where.line = xmlGetLineNo(element);
            where.record = record_of(element);
        }
        where.field = std::move(field);
        m_findings.push_back({std::move(where), std::move(reason)});
    }

    void add_at_line(long line, std::string reason)
    {
        input_location_t where;
        where.file = m_file;
        where.line = line;
        m_findings.push_back({std::move(where), std::move(reason)});
    }

    bool empty() const noexcept { return m_findings.empty(); }
    std::string const &file() const noexcept { return m_file; }

    [[noreturn]] void raise() const
    {
        std::vector<std::string> messages;
        messages.reserve(m_findings.size());
        for (auto const &f : m_findings) {
            messages.push_back(f.where.to_string() + ": " + f.reason);
        }
        throw case_import_error{m_findings.front().where, m_findings.front().reason, std::move(messages)};
    }

    void raise_if_any() const
    {
        if (!empty()) {
            raise();
        }
    }

private:
    std::string m_file;
    std::vector<finding_t> m_findings;
};

// ------------------------------------------------------------------ libxml2 parse and validate

/// Removes the namespace from "{urn:sozbatch:case-import:1}member" and trailing newlines.
std::string clean_message(char const *raw)
{
    std::string msg = raw != nullptr ? raw : "unknown libxml2 error";
    std::string const ns = "{" + std::string{CASE_IMPORT_NAMESPACE} + "}";
    for (auto pos = msg.find(ns); pos != std::string::npos; pos = msg.find(ns, pos)) {
        msg.erase(pos, ns.size());
    }
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) {
        msg.pop_back();
    }
    return msg;
}

/// Finds the element of \p name starting on \p line (keyref errors come without a node).
xmlNode *element_at_line(xmlNode *n, long line, std::string_view name)
{
    for (; n != nullptr; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (xmlGetLineNo(n) == line && (name.empty() || name_of(n) == name)) {
            return n;
        }
        if (auto *hit = element_at_line(n->children, line, name)) {
            return hit;
        }
    }
    return nullptr;
}

/// Text between \p open and the next \p close after it, or empty.
std::string between(std::string const &s, std::string const &open, char close)
{
    auto b = s.find(open);
    if (b == std::string::npos) {
        return {};
    }
    b += open.size();
    auto e = s.find(close, b);
    return e == std::string::npos ? std::string{} : s.substr(b, e - b);
}

struct schema_context_t
{
    collector_t *collector;
    xmlDoc *doc;
};

void on_schema_error(void *user, xml_error_arg_t err)
{
    auto *ctx = static_cast<schema_context_t *>(user);
    std::string msg = clean_message(err->message);
    std::string field;
    xmlNode *element = nullptr;
    auto *node = static_cast<xmlNode *>(err->node);
    if (node != nullptr && node->type == XML_ATTRIBUTE_NODE) {
        field = std::string{name_of(node)};
        element = node->parent;
    } else if (node != nullptr && node->type == XML_ELEMENT_NODE) {
        element = node;
    }
    if (element == nullptr && err->line > 0) {
        element = element_at_line(xmlDocGetRootElement(ctx->doc), err->line, between(msg, "Element '", '\''));
    }
    if (field.empty()) {
        field = between(msg, "attribute '", '\'');
    }
    // Keyref findings name the referencing attribute only in the schema: recover it.
    if (field.empty() && msg.find("of keyref") != std::string::npos) {
        auto const keyref = between(msg, "of keyref '", '\'');
        auto const dash = keyref.rfind('-');
        field = dash == std::string::npos ? keyref : keyref.substr(dash + 1);
        if (keyref == "case-work-group") {
            field = "work-group";
        }
    }
    // Duplicate keys name the identity constraint: map it to the attribute it covers.
    if (field.empty() && msg.find("identity-constraint '") != std::string::npos) {
        static std::map<std::string, std::string> const key_fields{
            {"person-id", "id"},   {"payee-id", "id"}, {"approval-id", "id"},
            {"claim-id", "id"},    {"case-file-ref", "file-ref"}, {"work-group-code", "code"}};
        auto const it = key_fields.find(between(msg, "identity-constraint '", '\''));
        if (it != key_fields.end()) {
            field = it->second;
        }
    }
    // Strip the "Element 'x', attribute 'y': " prefix: record and field say that already.
    if (msg.rfind("Element '", 0) == 0) {
        auto const colon = msg.find("': ");
        if (colon != std::string::npos) {
            msg = msg.substr(colon + 3);
        }
    }
    std::string reason = "schema violation: " + msg;
    if (msg.find("No match found for key-sequence") != std::string::npos) {
        reason = "reference to an unknown record: " + msg;
    } else if (msg.find("Duplicate key-sequence") != std::string::npos) {
        reason = "duplicate id: " + msg;
    } else if (msg.find("[0-9]{1,11}(\\.[0-9]{1,2})?") != std::string::npos) {
        reason = "not an amount in euro with at most two decimals: " + msg;
    } else if (field == "law" && msg.find("[facet 'enumeration']") != std::string::npos) {
        reason = "unknown law: " + msg;
    }
    if (element != nullptr) {
        ctx->collector->add(element, field, reason);
    } else {
        ctx->collector->add_at_line(err->line, reason);
    }
}

void on_parse_error(void *user, xml_error_arg_t err)
{
    auto *collector = static_cast<collector_t *>(user);
    if (err->level == XML_ERR_WARNING) {
        return;
    }
    collector->add_at_line(err->line, "not well-formed XML: " + clean_message(err->message));
}

xmlSchema *case_import_schema()
{
    static std::unique_ptr<xmlSchema, schema_deleter_t> const schema = [] {
        xmlInitParser();
        auto const xsd = embedded::get("schemas/case-import.xsd");
        std::unique_ptr<xmlSchemaParserCtxt, decltype(&xmlSchemaFreeParserCtxt)> pctxt{
            xmlSchemaNewMemParserCtxt(xsd.data(), static_cast<int>(xsd.size())), &xmlSchemaFreeParserCtxt};
        if (!pctxt) {
            throw internal_error{"cannot create the schema parser for schemas/case-import.xsd"};
        }
        std::unique_ptr<xmlSchema, schema_deleter_t> s{xmlSchemaParse(pctxt.get())};
        if (!s) {
            throw internal_error{"the embedded schemas/case-import.xsd does not compile"};
        }
        return s;
    }();
    return schema.get();
}

/// Line of the first occurrence of \p needle, 0 if absent.
long line_of(std::string_view text, std::string_view needle)
{
    auto const pos = text.find(needle);
    if (pos == std::string_view::npos) {
        return 0;
    }
    return 1 + static_cast<long>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
}

std::unique_ptr<xmlDoc, doc_deleter_t> parse_and_validate(std::string_view xml, collector_t &collector)
{
    // No DTD at all: the format has none, and refusing it is the simplest complete XXE and
    // entity-expansion ("billion laughs") guard. Checked before libxml2 sees the text.
    if (auto const line = line_of(xml, "<!DOCTYPE"); line > 0) {
        collector.add_at_line(line, "a DOCTYPE (DTD, entities) is not allowed in a case-import file");
        collector.raise();
    }
    if (xml.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        collector.add_at_line(0, "file too large for one case-import (over 2 GiB)");
        collector.raise();
    }
    xmlInitParser();
    std::unique_ptr<xmlParserCtxt, parser_ctxt_deleter_t> pctxt{xmlNewParserCtxt()};
    if (!pctxt) {
        throw internal_error{"libxml2: cannot create a parser context"};
    }
    std::unique_ptr<xmlDoc, doc_deleter_t> doc;
    {
        error_handler_scope_t const errors{&collector, &on_parse_error}; // to the collector while parsing
        doc.reset(xmlCtxtReadMemory(pctxt.get(), xml.data(), static_cast<int>(xml.size()), collector.file().c_str(),
                                    nullptr, PARSE_OPTIONS));
    }
    if (!doc) {
        if (collector.empty()) {
            collector.add_at_line(0, "not well-formed XML");
        }
        collector.raise();
    }
    if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
        collector.add_at_line(1, "a DOCTYPE (DTD, entities) is not allowed in a case-import file");
        collector.raise();
    }
    collector.raise_if_any();

    std::unique_ptr<xmlSchemaValidCtxt, valid_ctxt_deleter_t> vctxt{xmlSchemaNewValidCtxt(case_import_schema())};
    if (!vctxt) {
        throw internal_error{"libxml2: cannot create a schema validation context"};
    }
    schema_context_t sctx{&collector, doc.get()};
    xmlSchemaSetValidStructuredErrors(vctxt.get(), &on_schema_error, &sctx);
    int const rc = xmlSchemaValidateDoc(vctxt.get(), doc.get());
    if (rc != 0 && collector.empty()) {
        collector.add_at_line(0, "schema validation failed (libxml2 code " + std::to_string(rc) + ")");
    }
    collector.raise_if_any();
    return doc;
}

// ------------------------------------------------------------------ mapping and semantic checks

class mapper_t
{
public:
    explicit mapper_t(collector_t &c) : m_c(c) {}

    case_bundle_t map(xmlNode *root);

    // the steps of map(), one record at a time, for read_case_import_stream()
    void map_root(xmlNode *root, case_bundle_t &b);
    void map_tenant(xmlNode *t, case_bundle_t &b);
    void map_work_group(xmlNode *wg, case_bundle_t &b);
    person_t map_person(xmlNode *p);
    payee_t map_payee(xmlNode *p);
    case_t map_case(xmlNode *c, std::set<std::string> const &groups);

private:
    std::optional<date_t> date(xmlNode *n, char const *field)
    {
        auto v = attr(n, field);
        if (!v) {
            return std::nullopt;
        }
        try {
            return parse_date(*v);
        } catch (error_t const &e) {
            m_c.add(n, field, e.what());
            return std::nullopt;
        }
    }

    date_t required_date(xmlNode *n, char const *field)
    {
        auto d = date(n, field);
        return d ? *d : date_t{1970, 1, 1};
    }

    std::optional<money_t> amount(xmlNode *n, char const *field)
    {
        auto v = attr(n, field);
        if (!v) {
            return std::nullopt;
        }
        try {
            return money_t::parse(*v);
        } catch (error_t const &e) {
            m_c.add(n, field, std::string{"amount '"} + *v + "': " + e.what());
            return std::nullopt;
        }
    }

    money_t amount_or_zero(xmlNode *n, char const *field) { return amount(n, field).value_or(money_t{}); }

    std::optional<int> integer(xmlNode *n, char const *field)
    {
        auto v = attr(n, field);
        if (!v) {
            return std::nullopt;
        }
        try {
            std::size_t used = 0;
            int const i = std::stoi(*v, &used);
            if (used != v->size()) {
                throw std::invalid_argument{"trailing"};
            }
            return i;
        } catch (std::exception const &) {
            m_c.add(n, field, "not a number: '" + *v + "'");
            return std::nullopt;
        }
    }

    static bool boolean(xmlNode *n, char const *field)
    {
        auto v = attr(n, field);
        return v && (*v == "true" || *v == "1");
    }

    /// from/to; reports an end before the start.
    period_t validity(xmlNode *n, char const *from_field = "from", char const *to_field = "to")
    {
        date_t const from = required_date(n, from_field);
        auto const to = date(n, to_field);
        if (to && *to < from) {
            m_c.add(n, to_field, "period ends (" + to_iso(*to) + ") before it starts (" + to_iso(from) + ")");
            return period_t{from, from};
        }
        return period_t{from, to};
    }

    template <typename F>
    auto code(xmlNode *n, char const *field, F parse) -> decltype(parse(std::string_view{}))
    {
        auto const v = attr_or(n, field);
        try {
            return parse(v);
        } catch (error_t const &e) {
            m_c.add(n, field, e.what());
            return decltype(parse(std::string_view{})){};
        }
    }

    template <typename T>
    std::string identifier(xmlNode *n, char const *field, char const *what)
    {
        auto v = attr(n, field);
        if (!v) {
            return {};
        }
        if (auto const reason = T::check(*v); !reason.empty()) {
            m_c.add(n, field, std::string{what} + " '" + *v + "' rejected: " + reason);
            return *v;
        }
        return T::parse(*v).str();
    }

    address_t address(xmlNode *owner)
    {
        address_t a;
        if (auto *n = first_child(owner, "address")) {
            a.street = attr_or(n, "street");
            a.house_no = attr_or(n, "house-no");
            a.postcode = attr_or(n, "postcode");
            a.city = attr_or(n, "city");
            a.country = attr_or(n, "country", "DE");
            a.extra = attr_or(n, "extra");
            if (a.country == "DE" && !a.postcode.empty()
                && (a.postcode.size() != 5 || !std::all_of(a.postcode.begin(), a.postcode.end(), [](char ch) {
                        return ch >= '0' && ch <= '9';
                    }))) {
                m_c.add(n, "postcode", "German postcode '" + a.postcode + "' is not five digits");
            }
        }
        return a;
    }

    person_t person(xmlNode *n);
    payee_t payee(xmlNode *n);
    case_t a_case(xmlNode *n);
    void check_approvals(case_t const &c, std::vector<xmlNode *> const &nodes);

    collector_t &m_c;
    std::set<std::string> m_person_ids; ///< ids seen so far (references resolve in O(log n))
    std::set<std::string> m_payee_ids;
    std::set<std::string> m_file_refs;
};

person_t mapper_t::person(xmlNode *n)
{
    person_t p;
    p.ext_id = attr_or(n, "id");
    p.family_name = attr_or(n, "family-name");
    p.birth_name = attr_or(n, "birth-name");
    p.first_names = attr_or(n, "first-names");
    p.birth_date = date(n, "birth-date");
    p.birth_place = attr_or(n, "birth-place");
    p.sex = code(n, "sex", parse_sex);
    p.nationality = attr_or(n, "nationality");
    p.vsnr = identifier<vsnr_t>(n, "vsnr", "Versicherungsnummer");
    p.steuer_id = identifier<steuer_id_t>(n, "steuer-id", "Steuer-ID");
    p.address = address(n);
    p.deceased_on = date(n, "deceased-on");
    if (p.birth_date && p.deceased_on && *p.deceased_on < *p.birth_date) {
        m_c.add(n, "deceased-on", "deceased before the birth date");
    }
    return p;
}

payee_t mapper_t::payee(xmlNode *n)
{
    payee_t p;
    p.ext_id = attr_or(n, "id");
    p.kind = code(n, "kind", parse_payee_kind);
    p.name = attr_or(n, "name");
    p.iban = identifier<iban_t>(n, "iban", "IBAN");
    p.bic = identifier<bic_t>(n, "bic", "BIC");
    p.card_ref = attr_or(n, "card-ref");
    p.address = address(n);
    p.person_id = attr_or(n, "person");
    if (!p.bic.empty() && p.iban.empty()) {
        m_c.add(n, "bic", "a BIC without an IBAN");
    }
    if (!p.iban.empty() && !p.card_ref.empty()) {
        m_c.add(n, "card-ref", "a payee has either an account (IBAN) or a Bezahlkarte, not both");
    }
    return p;
}

void mapper_t::check_approvals(case_t const &c, std::vector<xmlNode *> const &nodes)
{
    for (std::size_t i = 0; i < c.approvals.size(); ++i) {
        auto const &a = c.approvals[i];
        if (a.state == approval_state_t::revoked) {
            continue;
        }
        for (std::size_t j = 0; j < i; ++j) {
            auto const &b = c.approvals[j];
            if (b.state == approval_state_t::revoked || !a.period.overlaps(b.period)) {
                continue;
            }
            m_c.add(nodes[i], "from",
                    "approval " + a.ext_id + " (" + a.period.to_string() + ") overlaps approval " + b.ext_id + " ("
                        + b.period.to_string() + ") of the same case");
        }
    }
}

case_t mapper_t::a_case(xmlNode *n)
{
    case_t c;
    c.file_ref = attr_or(n, "file-ref");
    if (auto const reason = file_ref_t::check(c.file_ref); !reason.empty()) {
        m_c.add(n, "file-ref", "Aktenzeichen '" + c.file_ref + "' rejected: " + reason);
    }
    c.law = code(n, "law", parse_law);
    c.work_group = attr_or(n, "work-group");
    c.closed = attr_or(n, "state") == "closed";
    c.established_on = required_date(n, "established-on");
    c.closed_on = date(n, "closed-on");
    if (c.closed_on && *c.closed_on < c.established_on) {
        m_c.add(n, "closed-on", "case closed (" + to_iso(*c.closed_on) + ") before it was established ("
                                    + to_iso(c.established_on) + ")");
    }
    if (c.closed && !c.closed_on) {
        m_c.add(n, "closed-on", "a closed case needs closed-on");
    }
    if (c.law == law_t::bvg_kof && c.established_on >= date_t{2024, 1, 1}) {
        m_c.add(n, "established-on",
                "BVG-KOF is paid only as Besitzstand (§ 142 SGB XIV): the case must be established before 2024-01-01");
    }

    std::set<std::string> members;
    for (auto *m : children(n, "member")) {
        member_t mem;
        mem.person_id = attr_or(m, "person");
        mem.role = code(m, "role", parse_member_role);
        mem.validity = validity(m);
        mem.stay_since = date(m, "stay-since");
        if (m_person_ids.count(mem.person_id) == 0) {
            m_c.add(m, "person", "member refers to unknown person '" + mem.person_id + "'");
        }
        if (mem.stay_since && c.law != law_t::asylblg_3 && c.law != law_t::asylblg_2) {
            m_c.add(m, "stay-since", "stay-since is only meaningful in an AsylbLG case");
        }
        members.insert(mem.person_id);
        c.members.push_back(std::move(mem));
    }
    auto require_member = [&](xmlNode *node, std::string const &person_id) {
        if (!person_id.empty() && members.count(person_id) == 0) {
            m_c.add(node, "person", "person '" + person_id + "' is not a member of case " + c.file_ref);
        }
    };

    std::vector<xmlNode *> approval_nodes = children(n, "approval");
    for (auto *a : approval_nodes) {
        approval_t ap;
        ap.ext_id = attr_or(a, "id");
        ap.period = validity(a);
        ap.approved_by = attr_or(a, "approved-by");
        if (auto v = attr(a, "approved-at")) {
            try {
                ap.approved_at = parse_timestamp(*v);
            } catch (error_t const &e) {
                m_c.add(a, "approved-at", e.what());
            }
        }
        ap.state = code(a, "state", parse_approval_state);
        c.approvals.push_back(std::move(ap));
    }
    check_approvals(c, approval_nodes);

    for (auto *x : children(n, "need")) {
        need_t need;
        need.person_id = attr_or(x, "person");
        need.kind = attr_or(x, "kind");
        need.amount = amount(x, "amount");
        need.quantity = integer(x, "quantity");
        need.validity = validity(x);
        need.note = attr_or(x, "note");
        require_member(x, need.person_id);
        if (need.kind == "mittagsverpflegung" && !need.quantity) {
            m_c.add(x, "quantity", "mittagsverpflegung needs the number of lunches per month (quantity)");
        }
        if ((need.kind == "unabweisbar" || need.kind == "schulbuecher" || need.kind == "other") && !need.amount) {
            m_c.add(x, "amount", need.kind + " needs an amount");
        }
        if (need.kind == "kostenaufwendige-ernaehrung" && !need.amount && !need.quantity) {
            m_c.add(x, "amount", "kostenaufwendige-ernaehrung needs an amount or a percentage (quantity)");
        }
        if (need.kind == "pregnancy" && !need.validity.to()) {
            m_c.add(x, "to", "pregnancy needs the expected date of delivery as the end of its validity");
        }
        if (need.kind == "bvg-pflegezulage" && (!need.quantity || *need.quantity < 1 || *need.quantity > 6)) {
            m_c.add(x, "quantity", "bvg-pflegezulage needs the Stufe 1..6 (quantity)");
        }
        if (need.kind.rfind("bvg-", 0) == 0 && c.law != law_t::bvg_kof) {
            m_c.add(x, "kind", need.kind + " is only meaningful in a BVG-KOF case");
        }
        if (need.kind == "asylblg-1a-reduction" && c.law != law_t::asylblg_3 && c.law != law_t::asylblg_2) {
            m_c.add(x, "kind", "asylblg-1a-reduction is only meaningful in an AsylbLG case");
        }
        if ((need.kind != "other" && need.kind != "unabweisbar") && need.person_id.empty()) {
            m_c.add(x, "person", need.kind + " belongs to a person: person is required");
        }
        c.needs.push_back(std::move(need));
    }

    for (auto *x : children(n, "income")) {
        income_t inc;
        inc.person_id = attr_or(x, "person");
        inc.kind = attr_or(x, "kind");
        inc.gross = amount_or_zero(x, "gross");
        inc.taxes = amount_or_zero(x, "taxes");
        inc.social_insurance = amount_or_zero(x, "social-insurance");
        inc.insurance_premiums = amount_or_zero(x, "insurance-premiums");
        inc.work_expenses = amount_or_zero(x, "work-expenses");
        inc.validity = validity(x);
        inc.spread_months = integer(x, "spread-months");
        inc.grundrentenzeiten_33_years = boolean(x, "grundrentenzeiten-33-years");
        inc.note = attr_or(x, "note");
        require_member(x, inc.person_id);
        if (inc.taxes + inc.social_insurance > inc.gross) {
            m_c.add(x, "taxes", "taxes and social insurance exceed the gross amount");
        }
        if (inc.spread_months && inc.kind != "one-off") {
            m_c.add(x, "spread-months", "spread-months applies to one-off income only");
        }
        if (inc.grundrentenzeiten_33_years && inc.kind != "pension" && inc.kind != "widow-pension") {
            m_c.add(x, "grundrentenzeiten-33-years", "§ 82a applies to a statutory pension only");
        }
        c.incomes.push_back(std::move(inc));
    }

    for (auto *x : children(n, "housing")) {
        housing_t h;
        h.dwelling = code(x, "dwelling", parse_dwelling);
        h.basic_rent = amount_or_zero(x, "basic-rent");
        h.service_charges = amount_or_zero(x, "service-charges");
        h.heating = amount_or_zero(x, "heating");
        h.decentral_hot_water = boolean(x, "decentral-hot-water");
        h.persons_in_dwelling = integer(x, "persons-in-dwelling").value_or(1);
        h.validity = validity(x);
        c.housing.push_back(std::move(h));
    }
    for (std::size_t i = 0; i < c.housing.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (c.housing[i].validity.overlaps(c.housing[j].validity)) {
                m_c.add(children(n, "housing")[i], "from",
                        "housing " + c.housing[i].validity.to_string() + " overlaps housing "
                            + c.housing[j].validity.to_string());
            }
        }
    }

    for (auto *x : children(n, "asset")) {
        asset_t a;
        a.person_id = attr_or(x, "person");
        a.kind = attr_or(x, "kind");
        a.value = amount_or_zero(x, "value");
        a.protected_asset = boolean(x, "protected");
        a.validity = validity(x);
        require_member(x, a.person_id);
        c.assets.push_back(std::move(a));
    }

    for (auto *x : children(n, "assignment")) {
        assignment_t a;
        a.payee_id = attr_or(x, "payee");
        a.purpose = code(x, "purpose", parse_assignment_purpose);
        a.amount = amount(x, "amount");
        a.validity = validity(x);
        if (m_payee_ids.count(a.payee_id) == 0) {
            m_c.add(x, "payee", "assignment refers to unknown payee '" + a.payee_id + "'");
        }
        c.assignments.push_back(std::move(a));
    }

    std::set<std::string> claims;
    for (auto *x : children(n, "claim")) {
        claim_t cl;
        cl.ext_id = attr_or(x, "id");
        cl.kind = attr_or(x, "kind");
        cl.amount = amount_or_zero(x, "amount");
        cl.established_on = required_date(x, "established-on");
        cl.legal_basis = attr_or(x, "legal-basis");
        claims.insert(cl.ext_id);
        c.claims.push_back(std::move(cl));
    }
    for (auto *x : children(n, "offset")) {
        offset_t o;
        o.claim_id = attr_or(x, "claim");
        o.monthly = amount_or_zero(x, "monthly");
        o.validity = validity(x);
        o.legal_basis = attr_or(x, "legal-basis");
        if (claims.count(o.claim_id) == 0) {
            m_c.add(x, "claim", "offset refers to unknown claim '" + o.claim_id + "' of this case");
        }
        if (!o.monthly.is_positive()) {
            m_c.add(x, "monthly", "the monthly offset must be positive");
        }
        c.offsets.push_back(std::move(o));
    }
    return c;
}

void mapper_t::map_root(xmlNode *root, case_bundle_t &b)
{
    b.source = attr_or(root, "source");
    if (auto v = attr(root, "created")) {
        try {
            b.created = parse_timestamp(*v);
        } catch (error_t const &e) {
            m_c.add(root, "created", e.what());
        }
    }
}

void mapper_t::map_tenant(xmlNode *t, case_bundle_t &b)
{
    b.tenant = attr_or(t, "code");
    b.tenant_name = attr_or(t, "name");
}

void mapper_t::map_work_group(xmlNode *wg, case_bundle_t &b)
{
    auto code = attr_or(wg, "code");
    b.work_groups.push_back(code);
    b.work_group_names.emplace_back(code, attr_or(wg, "name"));
}

person_t mapper_t::map_person(xmlNode *p)
{
    person_t out = person(p);
    if (!m_person_ids.insert(out.ext_id).second) {
        m_c.add(p, "id", "duplicate person id '" + out.ext_id + "'");
    }
    return out;
}

payee_t mapper_t::map_payee(xmlNode *p)
{
    payee_t out = payee(p);
    if (!m_payee_ids.insert(out.ext_id).second) {
        m_c.add(p, "id", "duplicate payee id '" + out.ext_id + "'");
    }
    if (!out.person_id.empty() && m_person_ids.count(out.person_id) == 0) {
        m_c.add(p, "person", "payee refers to unknown person '" + out.person_id + "'");
    }
    return out;
}

case_t mapper_t::map_case(xmlNode *c, std::set<std::string> const &groups)
{
    case_t out = a_case(c);
    if (!m_file_refs.insert(out.file_ref).second) {
        m_c.add(c, "file-ref", "duplicate Aktenzeichen '" + out.file_ref + "'");
    }
    if (groups.count(out.work_group) == 0) {
        m_c.add(c, "work-group", "unknown work group '" + out.work_group + "'");
    }
    return out;
}

case_bundle_t mapper_t::map(xmlNode *root)
{
    case_bundle_t b;
    map_root(root, b);
    if (auto *t = first_child(root, "tenant")) {
        map_tenant(t, b);
    }
    if (auto *wgs = first_child(root, "work-groups")) {
        for (auto *wg : children(wgs, "work-group")) {
            map_work_group(wg, b);
        }
    }
    if (auto *ps = first_child(root, "persons")) {
        for (auto *p : children(ps, "person")) {
            b.persons.push_back(map_person(p));
        }
    }
    if (auto *ps = first_child(root, "payees")) {
        for (auto *p : children(ps, "payee")) {
            b.payees.push_back(map_payee(p));
        }
    }
    std::set<std::string> const groups(b.work_groups.begin(), b.work_groups.end());
    if (auto *cs = first_child(root, "cases")) {
        for (auto *c : children(cs, "case")) {
            b.cases.push_back(map_case(c, groups));
        }
    }
    return b;
}

} // namespace

case_bundle_t read_case_import_string(std::string_view xml, std::string const &name)
{
    collector_t collector{name};
    auto doc = parse_and_validate(xml, collector);
    mapper_t mapper{collector};
    case_bundle_t bundle = mapper.map(xmlDocGetRootElement(doc.get()));
    collector.raise_if_any();
    return bundle;
}

namespace {

/// Any error libxml2 reports while streaming (parser or schema) marks the file as not clean; the
/// messages come from reading it again as a whole (read_case_import_stream()).
void on_stream_error(void *user, xml_error_arg_t err)
{
    if (err != nullptr && err->domain == XML_FROM_PARSER && err->level == XML_ERR_WARNING) {
        return; // as parse_and_validate(): warnings of the parser are not findings
    }
    *static_cast<bool *>(user) = true;
}

} // namespace

namespace {

/// The reading loop of the streaming reader over \p reader (made by the caller, nothing read yet).
/// \p whole reads the file as a whole and throws its findings; it is called when there is any.
void stream_records(xmlTextReader *reader, xmlSchemaValidCtxt *vctxt, std::string const &name,
                    case_import_sink_t &sink, std::size_t slice, std::function<void()> const &whole)
{
    slice = std::max<std::size_t>(slice, 1);
    bool failed = false; // set by libxml2's errors (on_stream_error)
    // Errors: the schema's through vctxt; the parser's through this thread's structured handler
    // (restored at the end). Not xmlTextReaderSetStructuredErrorHandler(): with the schema plugged
    // into the reader (libxml2 2.9), the parser hands that handler the plug instead of its context.
    error_handler_scope_t const errors{&failed, &on_stream_error};
    xmlSchemaSetValidStructuredErrors(vctxt, &on_stream_error, &failed);
    if (xmlTextReaderSchemaValidateCtxt(reader, vctxt, 0) != 0) {
        throw internal_error{"libxml2: cannot validate " + name + " while reading it"};
    }

    collector_t collector{name};
    mapper_t mapper{collector};
    case_bundle_t head;
    bool head_given = false;
    std::set<std::string> groups;
    std::vector<person_t> persons;
    std::vector<payee_t> payees;
    std::vector<case_t> cases;
    auto give_head = [&] {
        if (head_given) {
            return true;
        }
        head_given = true;
        groups = std::set<std::string>(head.work_groups.begin(), head.work_groups.end());
        return sink.head(head);
    };
    auto flush = [&] {
        if (!persons.empty()) {
            sink.persons(std::move(persons));
            persons.clear();
        }
        if (!payees.empty()) {
            sink.payees(std::move(payees));
            payees.clear();
        }
        if (!cases.empty()) {
            sink.cases(std::move(cases));
            cases.clear();
        }
    };
    auto local = [&] {
        auto const *n = xmlTextReaderConstLocalName(reader);
        return std::string_view{n != nullptr ? reinterpret_cast<char const *>(n) : ""};
    };
    // Read to the end also when stopping early: libxml2 (2.9) does not free the schema
    // validation's state of a document left half read (found by the fuzz target).
    auto drain = [&](int r) {
        while (r == 1) {
            r = xmlTextReaderNext(reader);
        }
        return r;
    };
    int ret = xmlTextReaderRead(reader);
    while (ret == 1 && !failed && collector.empty()) { // a finding: the whole file is read again for all of them
        int const type = xmlTextReaderNodeType(reader);
        if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
            failed = true; // refused by the whole-document reader, with its message
            break;
        }
        if (type != XML_READER_TYPE_ELEMENT) {
            ret = xmlTextReaderRead(reader);
            continue;
        }
        int const depth = xmlTextReaderDepth(reader);
        std::string_view const what = local();
        if (depth == 0) {
            if (auto *root = xmlTextReaderCurrentNode(reader)) {
                mapper.map_root(root, head);
            }
        } else if (depth == 1 && (what == "persons" || what == "payees" || what == "cases")) {
            if (!give_head()) {
                drain(ret); // the sink knows this file: nothing more is mapped or handed out
                return;
            }
            flush();
        } else if (depth == 1 && what == "tenant") {
            if (auto *t = xmlTextReaderExpand(reader)) {
                mapper.map_tenant(t, head);
            }
            ret = xmlTextReaderNext(reader);
            continue;
        } else if (depth == 2 && (what == "work-group" || what == "person" || what == "payee" || what == "case")) {
            xmlNode *n = xmlTextReaderExpand(reader);
            if (n == nullptr) {
                failed = true;
                break;
            }
            if (what == "work-group") {
                mapper.map_work_group(n, head);
            } else if (what == "person") {
                persons.push_back(mapper.map_person(n));
            } else if (what == "payee") {
                payees.push_back(mapper.map_payee(n));
            } else {
                cases.push_back(mapper.map_case(n, groups));
            }
            if (persons.size() + payees.size() + cases.size() >= slice && collector.empty() && !failed) {
                flush();
            }
            ret = xmlTextReaderNext(reader);
            continue;
        }
        ret = xmlTextReaderRead(reader);
    }
    ret = drain(ret);
    if (ret < 0 || failed || !collector.empty() || xmlTextReaderIsValid(reader) != 1) {
        whole();
        throw internal_error{name + ": libxml2's reader found a problem in this file that reading it as a whole "
                                    "does not find; please report this file"};
    }
    if (!give_head()) {
        return;
    }
    flush();
}

/// The bytes of a file handed to libxml2's reader piece by piece: hashed on the way, and the
/// reading stops at a DOCTYPE before libxml2 sees it (the whole-document reader refuses it).
struct file_input_t
{
    std::ifstream in;
    sha256_t hash;
    std::string tail; ///< the last bytes of the previous piece, for a DOCTYPE across two pieces
    bool stopped = false;
};

int file_input_read(void *context, char *buffer, int len)
{
    auto *f = static_cast<file_input_t *>(context);
    if (f->stopped || len <= 0) {
        return f->stopped ? -1 : 0;
    }
    f->in.read(buffer, len);
    auto const n = f->in.gcount();
    if (n <= 0) {
        return f->in.bad() ? -1 : 0;
    }
    std::string_view const piece{buffer, static_cast<std::size_t>(n)};
    f->hash.update(piece);
    std::string_view constexpr doctype = "<!DOCTYPE";
    std::string const joint = f->tail + std::string{piece}; // a piece is a few KB
    if (joint.find(doctype) != std::string::npos) {
        f->stopped = true;
        return -1;
    }
    f->tail = joint.substr(joint.size() - std::min(joint.size(), doctype.size() - 1));
    return static_cast<int>(n);
}

int file_input_close(void *) { return 0; }

} // namespace

void read_case_import_stream(std::string_view xml, std::string const &name, case_import_sink_t &sink,
                             std::size_t slice)
{
    auto whole = [&] { (void)read_case_import_string(xml, name); };
    if (line_of(xml, "<!DOCTYPE") > 0 || xml.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        whole();
    }
    xmlInitParser();
    // the schema context outlives the reader that is plugged into it
    std::unique_ptr<xmlSchemaValidCtxt, valid_ctxt_deleter_t> vctxt{xmlSchemaNewValidCtxt(case_import_schema())};
    std::unique_ptr<xmlTextReader, text_reader_deleter_t> reader{
        xmlReaderForMemory(xml.data(), static_cast<int>(xml.size()), name.c_str(), nullptr, PARSE_OPTIONS)};
    if (!reader || !vctxt) {
        throw internal_error{"libxml2: cannot create a reader for " + name};
    }
    stream_records(reader.get(), vctxt.get(), name, sink, slice, whole);
}

std::string read_case_import_file_stream(std::string const &path, case_import_sink_t &sink, std::size_t slice)
{
    auto input = std::make_unique<file_input_t>();
    input->in.open(path, std::ios::binary);
    if (!input->in) {
        input_location_t where;
        where.file = path;
        throw case_import_error{where, "cannot open the file", {path + ": cannot open the file"}};
    }
    xmlInitParser();
    // the schema context outlives the reader that is plugged into it; the reader reads the input
    // through the callbacks, whose close leaves the object to us
    std::unique_ptr<xmlSchemaValidCtxt, valid_ctxt_deleter_t> vctxt{xmlSchemaNewValidCtxt(case_import_schema())};
    std::unique_ptr<xmlTextReader, text_reader_deleter_t> reader{xmlReaderForIO(
        &file_input_read, &file_input_close, input.get(), path.c_str(), nullptr, PARSE_OPTIONS)};
    if (!reader || !vctxt) {
        throw internal_error{"libxml2: cannot create a reader for " + path};
    }
    auto whole = [&] { (void)read_case_import_string(read_case_import_bytes(path), path); };
    stream_records(reader.get(), vctxt.get(), path, sink, slice, whole);
    reader.reset();
    // the rest of the file when the sink stopped early: the digest is always of the whole file
    std::vector<char> rest(1 << 16);
    while (input->in.read(rest.data(), static_cast<std::streamsize>(rest.size())) || input->in.gcount() > 0) {
        input->hash.update(std::string_view{rest.data(), static_cast<std::size_t>(input->in.gcount())});
    }
    if (input->in.bad()) {
        input_location_t where;
        where.file = path;
        throw case_import_error{where, "cannot read the file", {path + ": cannot read the file"}};
    }
    return input->hash.hex_digest();
}

std::string read_case_import_bytes(std::string const &path)
{
    std::ifstream in{path, std::ios::binary};
    if (!in) {
        input_location_t where;
        where.file = path;
        throw case_import_error{where, "cannot open the file", {path + ": cannot open the file"}};
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
        input_location_t where;
        where.file = path;
        throw case_import_error{where, "cannot read the file", {path + ": cannot read the file"}};
    }
    return std::move(buffer).str();
}

case_bundle_t read_case_import(std::string const &path)
{
    return read_case_import_string(read_case_import_bytes(path), path);
}

} // namespace sozbatch::formats
