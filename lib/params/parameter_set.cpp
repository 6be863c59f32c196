// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/params/parameter_set.hpp"

#include "lib/core/embedded.hpp"
#include "lib/core/error.hpp"

#include <libxml/parser.h>
#include <libxml/xmlversion.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <memory>
#include <sstream>

namespace sozbatch::params {

namespace {

constexpr std::string_view SCHEMA_PATH = "schemas/params.xsd";

struct doc_deleter
{
    void operator()(xmlDoc *d) const noexcept { xmlFreeDoc(d); }
};
struct schema_parser_deleter
{
    void operator()(xmlSchemaParserCtxt *p) const noexcept { xmlSchemaFreeParserCtxt(p); }
};
struct schema_deleter
{
    void operator()(xmlSchema *s) const noexcept { xmlSchemaFree(s); }
};
struct valid_deleter
{
    void operator()(xmlSchemaValidCtxt *v) const noexcept { xmlSchemaFreeValidCtxt(v); }
};

/// Collects libxml2 messages into one string instead of printing them to stderr.
void collect_error(void *ctx, xmlError const *err)
{
    auto *out = static_cast<std::string *>(ctx);
    if (!out->empty()) {
        *out += "; ";
    }
    if (err->line > 0) {
        *out += "line " + std::to_string(err->line) + ": ";
    }
    std::string msg = err->message ? err->message : "unknown XML error";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) {
        msg.pop_back();
    }
    *out += msg;
}

// libxml2 2.12 made the error argument const
#if LIBXML_VERSION >= 21200
void structured_error(void *ctx, xmlError const *err) { collect_error(ctx, err); }
#else
void structured_error(void *ctx, xmlError *err) { collect_error(ctx, err); }
#endif

std::string attr(xmlNode const *node, char const *name)
{
    xmlChar *v = xmlGetProp(node, reinterpret_cast<xmlChar const *>(name));
    if (!v) {
        return {};
    }
    std::string s{reinterpret_cast<char const *>(v)};
    xmlFree(v);
    return s;
}

std::string text_of(xmlNode const *node)
{
    xmlChar *v = xmlNodeGetContent(node);
    if (!v) {
        return {};
    }
    std::string s{reinterpret_cast<char const *>(v)};
    xmlFree(v);
    return s;
}

bool is_element(xmlNode const *n, char const *name)
{
    return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, reinterpret_cast<xmlChar const *>(name)) == 0;
}

unit_t parse_unit(std::string_view s)
{
    if (s == "EUR") return unit_t::eur;
    if (s == "ratio") return unit_t::ratio;
    if (s == "count") return unit_t::count;
    if (s == "months") return unit_t::months;
    return unit_t::days; // the schema admits nothing else
}

status_t parse_status(std::string_view s)
{
    if (s == "V") return status_t::verified;
    if (s == "D") return status_t::derived;
    return status_t::unverified;
}

std::int64_t parse_int(std::string_view s, std::string const &where)
{
    std::int64_t v = 0;
    auto const [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size()) {
        throw config_error{where + ": not an integer: '" + std::string{s} + "'"};
    }
    return v;
}

/// Parses the value text according to the unit into entry.number / entry.den.
void parse_value(entry_t &e, std::string const &text, std::string const &where)
{
    switch (e.unit) {
    case unit_t::eur:
        if (text.find('/') != std::string::npos) {
            throw config_error{where + ": EUR value must be an amount, not '" + text + "'"};
        }
        try {
            e.number = money_t::parse(text).as_cents();
        } catch (validation_error const &err) {
            throw config_error{where + ": " + err.what()};
        }
        return;
    case unit_t::ratio: {
        auto const slash = text.find('/');
        if (slash == std::string::npos) {
            throw config_error{where + ": ratio must be written as n/d, not '" + text + "'"};
        }
        e.number = parse_int(std::string_view{text}.substr(0, slash), where);
        e.den = parse_int(std::string_view{text}.substr(slash + 1), where);
        if (e.den <= 0) {
            throw config_error{where + ": ratio denominator must be positive"};
        }
        return;
    }
    case unit_t::count:
    case unit_t::months:
    case unit_t::days:
        e.number = parse_int(text, where);
        return;
    }
}

std::string const &schema_text()
{
    static std::string const text{embedded::get(SCHEMA_PATH)};
    return text;
}

/// Parses and validates one file and appends its entries.
void load_file(std::string_view xml, std::string_view name, std::string_view expected_scope, std::vector<entry_t> &out,
               std::string &set_name)
{
    std::string const file{name};
    std::string errors;

    std::unique_ptr<xmlSchemaParserCtxt, schema_parser_deleter> pctx{
        xmlSchemaNewMemParserCtxt(schema_text().data(), static_cast<int>(schema_text().size()))};
    xmlSchemaSetParserStructuredErrors(pctx.get(), structured_error, &errors);
    std::unique_ptr<xmlSchema, schema_deleter> schema{xmlSchemaParse(pctx.get())};
    if (!schema) {
        throw internal_error{"embedded " + std::string{SCHEMA_PATH} + " does not compile: " + errors};
    }

    std::unique_ptr<xmlDoc, doc_deleter> doc{xmlReadMemory(xml.data(), static_cast<int>(xml.size()), file.c_str(),
                                                           nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                                        XML_PARSE_NOWARNING)};
    if (!doc) {
        xmlError const *err = xmlGetLastError();
        throw config_error{"parameter file " + file + ": not well-formed XML" +
                           (err && err->message ? std::string{": "} + err->message : std::string{})};
    }
    std::unique_ptr<xmlSchemaValidCtxt, valid_deleter> vctx{xmlSchemaNewValidCtxt(schema.get())};
    xmlSchemaSetValidStructuredErrors(vctx.get(), structured_error, &errors);
    if (xmlSchemaValidateDoc(vctx.get(), doc.get()) != 0) {
        throw config_error{"parameter file " + file + " violates " + std::string{SCHEMA_PATH} + ": " + errors};
    }

    xmlNode const *root = xmlDocGetRootElement(doc.get());
    std::string const scope = attr(root, "scope");
    if (scope != expected_scope) {
        throw config_error{"parameter file " + file + ": scope is '" + scope + "', expected '" +
                           std::string{expected_scope} + "'"};
    }
    set_name = attr(root, "name");
    for (xmlNode const *p = root->children; p; p = p->next) {
        if (!is_element(p, "param")) {
            continue;
        }
        entry_t proto;
        proto.key = attr(p, "key");
        proto.unit = parse_unit(attr(p, "unit"));
        proto.norm = attr(p, "norm");
        proto.title = attr(p, "title");
        proto.scope = scope;
        proto.set_name = set_name;
        proto.day_granular = attr(p, "granularity") == "day";
        bool const city_key = proto.key.starts_with("city.");
        if (city_key != (scope == "city")) {
            throw config_error{"parameter file " + file + ": key '" + proto.key + "' " +
                               (city_key ? "belongs in a city overlay" : "must start with 'city.' in a city overlay")};
        }
        for (xmlNode const *v = p->children; v; v = v->next) {
            if (!is_element(v, "value")) {
                continue;
            }
            entry_t e = proto;
            std::string const where = "parameter file " + file + ", line " + std::to_string(xmlGetLineNo(v)) +
                                      ", key '" + e.key + "'";
            try {
                e.from = parse_date(attr(v, "from"));
                if (std::string const to = attr(v, "to"); !to.empty()) {
                    e.to = parse_date(to);
                }
            } catch (validation_error const &err) {
                throw config_error{where + ": " + err.what()};
            }
            if (e.to && *e.to < e.from) {
                throw config_error{where + ": valid-to " + to_iso(*e.to) + " before valid-from " + to_iso(e.from)};
            }
            if (!e.day_granular) {
                if (e.from.day() != 1) {
                    throw config_error{where + ": valid-from " + to_iso(e.from) +
                                       " is not the 1st of a month (the key is month-granular)"};
                }
                if (e.to && *e.to != month_t::of(*e.to).last_day()) {
                    throw config_error{where + ": valid-to " + to_iso(*e.to) +
                                       " is not the last day of a month (the key is month-granular)"};
                }
            }
            parse_value(e, text_of(v), where);
            e.status = parse_status(attr(v, "status"));
            e.enacted_by = attr(v, "enacted-by");
            e.evidence = attr(v, "evidence");
            e.note = attr(v, "note");
            out.push_back(std::move(e));
        }
    }
}

std::string read_file(std::filesystem::path const &p)
{
    std::ifstream in{p, std::ios::binary};
    if (!in) {
        throw config_error{"cannot read parameter file " + p.string()};
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool key_less(entry_t const &a, std::string_view key) { return a.key < key; }

} // namespace

std::string_view unit_code(unit_t u) noexcept
{
    switch (u) {
    case unit_t::eur: return "EUR";
    case unit_t::ratio: return "ratio";
    case unit_t::count: return "count";
    case unit_t::months: return "months";
    case unit_t::days: return "days";
    }
    return "?";
}

std::string_view status_code(status_t s) noexcept
{
    switch (s) {
    case status_t::verified: return "V";
    case status_t::derived: return "D";
    case status_t::unverified: return "U";
    }
    return "?";
}

std::string ratio_t::to_string() const { return std::to_string(num) + "/" + std::to_string(den); }

std::string entry_t::value_text() const
{
    switch (unit) {
    case unit_t::eur: return money().to_sepa();
    case unit_t::ratio: return ratio().to_string();
    default: return std::to_string(number);
    }
}

parameter_set_t parameter_set_t::from_xml(std::string_view federal_xml, std::string_view overlay_xml,
                                          std::string_view federal_name, std::string_view overlay_name)
{
    parameter_set_t set;
    std::string ignored;
    load_file(federal_xml, federal_name, "federal", set.m_entries, ignored);
    load_file(overlay_xml, overlay_name, "city", set.m_entries, set.m_overlay_name);
    std::stable_sort(set.m_entries.begin(), set.m_entries.end(), [](entry_t const &a, entry_t const &b) {
        return a.key != b.key ? a.key < b.key : a.from < b.from;
    });
    for (std::size_t i = 1; i < set.m_entries.size(); ++i) {
        entry_t const &prev = set.m_entries[i - 1];
        entry_t const &cur = set.m_entries[i];
        if (prev.key == cur.key && (!prev.to || *prev.to >= cur.from)) {
            throw config_error{"parameter '" + cur.key + "': value from " + to_iso(cur.from) +
                               " overlaps the value from " + to_iso(prev.from) + " (" + prev.set_name + ")"};
        }
    }
    return set;
}

parameter_set_t parameter_set_t::load(source_t const &source)
{
    std::string const overlay_file = source.overlay + ".xml";
    if (source.overlay.empty() || source.overlay.find('/') != std::string::npos) {
        throw config_error{"parameter overlay name '" + source.overlay + "' is not a plain name"};
    }
    if (source.directory.empty()) {
        std::string const path = "lib/params/data/" + overlay_file;
        bool found = false;
        for (auto const &f : embedded::all_files()) {
            found = found || f.path == path;
        }
        if (!found) {
            throw config_error{"no embedded parameter overlay '" + source.overlay + "' (" + path + ")"};
        }
        return from_xml(embedded::get("lib/params/data/federal.xml"), embedded::get(path), "federal.xml (embedded)",
                        overlay_file + " (embedded)");
    }
    auto const federal_path = source.directory / "federal.xml";
    std::string const federal = std::filesystem::exists(federal_path)
                                    ? read_file(federal_path)
                                    : std::string{embedded::get("lib/params/data/federal.xml")};
    auto const overlay_path = source.directory / overlay_file;
    return from_xml(federal, read_file(overlay_path),
                    std::filesystem::exists(federal_path) ? federal_path.string() : "federal.xml (embedded)",
                    overlay_path.string());
}

entry_t const *parameter_set_t::find(std::string_view key, date_t d) const noexcept
{
    auto it = std::lower_bound(m_entries.begin(), m_entries.end(), key, key_less);
    for (; it != m_entries.end() && it->key == key; ++it) {
        if (it->in_force(d)) {
            return &*it;
        }
    }
    return nullptr;
}

entry_t const &parameter_set_t::get(std::string_view key, date_t d) const
{
    if (entry_t const *e = find(key, d)) {
        return *e;
    }
    auto const h = history(key);
    if (h.empty()) {
        throw config_error{"unknown parameter '" + std::string{key} + "'"};
    }
    std::string ranges;
    for (auto const *e : h) {
        ranges += (ranges.empty() ? "" : ", ") + to_iso(e->from) + ".." + (e->to ? to_iso(*e->to) : std::string{});
    }
    throw config_error{"no value for parameter '" + std::string{key} + "' in force on " + to_iso(d) +
                       " (values exist for " + ranges + ")"};
}

money_t parameter_set_t::money(std::string_view key, date_t d) const
{
    entry_t const &e = get(key, d);
    if (e.unit != unit_t::eur) {
        throw config_error{"parameter '" + e.key + "' is not an amount"};
    }
    return e.money();
}

ratio_t parameter_set_t::ratio(std::string_view key, date_t d) const
{
    entry_t const &e = get(key, d);
    if (e.unit != unit_t::ratio) {
        throw config_error{"parameter '" + e.key + "' is not a ratio"};
    }
    return e.ratio();
}

std::int64_t parameter_set_t::integer(std::string_view key, date_t d) const
{
    entry_t const &e = get(key, d);
    if (e.unit == unit_t::eur || e.unit == unit_t::ratio) {
        throw config_error{"parameter '" + e.key + "' is not an integer"};
    }
    return e.number;
}

std::vector<entry_t const *> parameter_set_t::history(std::string_view key) const
{
    std::vector<entry_t const *> out;
    for (auto it = std::lower_bound(m_entries.begin(), m_entries.end(), key, key_less);
         it != m_entries.end() && it->key == key; ++it) {
        out.push_back(&*it);
    }
    return out;
}

bool parameter_set_t::has_key(std::string_view key) const noexcept
{
    auto it = std::lower_bound(m_entries.begin(), m_entries.end(), key, key_less);
    return it != m_entries.end() && it->key == key;
}

std::vector<std::string> parameter_set_t::missing_for(month_t month, std::vector<std::string_view> const &required) const
{
    std::vector<std::string> missing;
    for (auto key : required) {
        // in force on every day: the first and the last day suffice for month-granular keys;
        // day-granular keys are checked day by day.
        bool ok = true;
        for (date_t d = month.first_day(); ok && d <= month.last_day(); d += boost::gregorian::days(1)) {
            ok = find(key, d) != nullptr;
            if (ok && d == month.first_day()) {
                entry_t const *e = find(key, d);
                if (!e->day_granular) {
                    ok = find(key, month.last_day()) != nullptr;
                    break;
                }
            }
        }
        if (!ok) {
            missing.emplace_back(key);
        }
    }
    std::sort(missing.begin(), missing.end());
    return missing;
}

std::vector<entry_t const *> parameter_set_t::list_in_force(date_t d) const
{
    std::vector<entry_t const *> out;
    for (auto const &e : m_entries) {
        if (e.in_force(d)) {
            out.push_back(&e);
        }
    }
    return out;
}

std::vector<entry_t const *> parameter_set_t::list_unverified() const
{
    std::vector<entry_t const *> out;
    for (auto const &e : m_entries) {
        if (e.status == status_t::unverified) {
            out.push_back(&e);
        }
    }
    return out;
}

} // namespace sozbatch::params
