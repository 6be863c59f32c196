// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/xml/compiled_schema.hpp"

#include "formats/xml/sax_scanner.hpp"
#include "formats/xml/xml_error.hpp"
#include "lib/core/error.hpp"
#include "lib/core/text.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <set>
#include <tuple>

namespace sozbatch::xml {

namespace {

constexpr std::string_view XS_NS = "http://www.w3.org/2001/XMLSchema";
constexpr std::string_view XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";

bool is_xml_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) noexcept
{
    while (!s.empty() && is_xml_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_xml_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// An xs:decimal value: sign, integer digits without leading zeros, fraction digits without
/// trailing zeros (zero is "" / "" and never negative).
struct decimal_t
{
    bool negative = false;
    std::string_view integer; ///< views into the parsed text
    std::string_view fraction;

    /// \returns nullopt when \p s is not in the lexical space of xs:decimal
    static std::optional<decimal_t> parse(std::string_view s)
    {
        decimal_t d;
        if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
            d.negative = s.front() == '-';
            s.remove_prefix(1);
        }
        auto const dot = s.find('.');
        std::string_view const ip = s.substr(0, dot);
        std::string_view const fp = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
        if (ip.empty() && fp.empty()) {
            return std::nullopt;
        }
        if (!std::all_of(ip.begin(), ip.end(), is_digit) || !std::all_of(fp.begin(), fp.end(), is_digit)) {
            return std::nullopt;
        }
        std::size_t lead = 0;
        while (lead < ip.size() && ip[lead] == '0') {
            ++lead;
        }
        d.integer = ip.substr(lead);
        std::size_t end = fp.size();
        while (end > 0 && fp[end - 1] == '0') {
            --end;
        }
        d.fraction = fp.substr(0, end);
        if (d.integer.empty() && d.fraction.empty()) {
            d.negative = false;
        }
        return d;
    }

    /// -1, 0, 1
    static int compare(decimal_t const &a, decimal_t const &b)
    {
        if (a.negative != b.negative) {
            return a.negative ? -1 : 1;
        }
        int const sign = a.negative ? -1 : 1;
        if (a.integer.size() != b.integer.size()) {
            return a.integer.size() < b.integer.size() ? -sign : sign;
        }
        if (int const c = a.integer.compare(b.integer); c != 0) {
            return c < 0 ? -sign : sign;
        }
        if (int const c = a.fraction.compare(b.fraction); c != 0) { // lexicographic = numeric here
            return c < 0 ? -sign : sign;
        }
        return 0;
    }

    std::size_t total_digits() const
    {
        std::size_t const n = integer.size() + fraction.size();
        return n == 0 ? 1 : n;
    }
};

bool leap(long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/// Two digits at \p p as a number, or -1.
int two(std::string_view s, std::size_t p)
{
    if (p + 2 > s.size() || !is_digit(s[p]) || !is_digit(s[p + 1])) {
        return -1;
    }
    return (s[p] - '0') * 10 + (s[p + 1] - '0');
}

/// Parses "[-]YYYY-MM-DD" at the start of \p s; \returns the length read, 0 when invalid
std::size_t parse_date_part(std::string_view s)
{
    std::size_t p = 0;
    bool const negative = !s.empty() && s[0] == '-';
    if (negative) {
        ++p;
    }
    std::size_t const y0 = p;
    long year = 0;
    while (p < s.size() && is_digit(s[p])) {
        if (p - y0 > 9) {
            return 0;
        }
        year = year * 10 + (s[p] - '0');
        ++p;
    }
    std::size_t const ylen = p - y0;
    if (ylen < 4 || (ylen > 4 && s[y0] == '0') || year == 0) {
        return 0;
    }
    if (p >= s.size() || s[p] != '-') {
        return 0;
    }
    int const month = two(s, p + 1);
    if (month < 1 || month > 12 || p + 3 >= s.size() || s[p + 3] != '-') {
        return 0;
    }
    int const day = two(s, p + 4);
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    // the proleptic calendar of XML Schema 1.0: year -1 is a leap year like 1 BCE in ISO 8601 counts
    long const y = negative ? 1 - year : year;
    int const max_day = month == 2 && leap(y) ? 29 : days[month - 1];
    if (day < 1 || day > max_day) {
        return 0;
    }
    return p + 6;
}

/// An optional time zone "Z" or "+hh:mm"/"-hh:mm" is all that is left of \p s.
bool valid_zone(std::string_view s)
{
    if (s.empty()) {
        return true;
    }
    if (s == "Z") {
        return true;
    }
    if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') {
        return false;
    }
    int const h = two(s, 1);
    int const m = two(s, 4);
    return h >= 0 && m >= 0 && m <= 59 && (h < 14 || (h == 14 && m == 0));
}

bool valid_date(std::string_view s)
{
    std::size_t const n = parse_date_part(s);
    return n != 0 && valid_zone(s.substr(n));
}

bool valid_date_time(std::string_view s)
{
    std::size_t p = parse_date_part(s);
    if (p == 0 || p >= s.size() || s[p] != 'T') {
        return false;
    }
    ++p;
    int const h = two(s, p);
    int const m = p + 2 < s.size() && s[p + 2] == ':' ? two(s, p + 3) : -1;
    int const sec = p + 5 < s.size() && s[p + 5] == ':' ? two(s, p + 6) : -1;
    if (h < 0 || m < 0 || sec < 0 || m > 59 || sec > 59) {
        return false;
    }
    p += 8;
    bool fraction_nonzero = false;
    if (p < s.size() && s[p] == '.') {
        std::size_t const f0 = ++p;
        while (p < s.size() && is_digit(s[p])) {
            fraction_nonzero = fraction_nonzero || s[p] != '0';
            ++p;
        }
        if (p == f0) {
            return false;
        }
    }
    if (h > 24 || (h == 24 && (m != 0 || sec != 0 || fraction_nonzero))) {
        return false;
    }
    return valid_zone(s.substr(p));
}

std::string quoted_list(std::vector<std::string> const &v)
{
    std::string s;
    for (auto const &e : v) {
        s += (s.empty() ? "'" : ", '") + e + "'";
    }
    return s;
}

} // namespace

// --- the compiled tables -----------------------------------------------------------------------

struct compiled_schema_t::simple_type_t
{
    enum class base_t { string, decimal, date, date_time, boolean };
    std::string name; ///< "xs:string", "SzName", or "(anonymous)"
    base_t base = base_t::string;
    std::optional<std::size_t> length;
    std::optional<std::size_t> min_length;
    std::optional<std::size_t> max_length;
    std::vector<xsd_regex_t const *> patterns; ///< one per derivation step; all must match
    std::vector<std::string> enumeration;      ///< empty: no enumeration facet
    std::optional<std::string> min_inclusive; ///< as written in the schema (a valid decimal)
    std::optional<std::string> max_inclusive;
    std::optional<decimal_t> min_value;       ///< parsed, viewing this object's own strings
    std::optional<decimal_t> max_value;
    std::optional<std::size_t> total_digits;
    std::optional<std::size_t> fraction_digits;
};

struct compiled_schema_t::particle_t
{
    std::string name;
    std::size_t id = 0; ///< 0 .. impl_t::particles - 1
    simple_type_t const *simple = nullptr;
    complex_type_t const *complex = nullptr;
    int min = 1;
    int max = 1; ///< -1: unbounded
};

struct compiled_schema_t::complex_type_t
{
    struct attribute_t
    {
        std::string name;
        simple_type_t const *type = nullptr;
        bool required = false;
    };
    std::string name;
    simple_type_t const *content = nullptr; ///< simple content; nullptr: element-only
    bool choice = false;
    std::vector<particle_t> particles;
    std::vector<attribute_t> attributes;
    std::string expected; ///< "( A | B )" for messages
};

struct compiled_schema_t::impl_t
{
    std::deque<xsd_regex_t> regexes;
    std::deque<simple_type_t> simple_types;
    std::deque<complex_type_t> complex_types;
    std::map<std::string, particle_t, std::less<>> globals; ///< global elements
    std::size_t particles = 0;                              ///< number of particles (ids)
};

namespace {

using simple_t = compiled_schema_t::simple_type_t;
using complex_t = compiled_schema_t::complex_type_t;
using particle_t = compiled_schema_t::particle_t;

std::string_view to_sv(xmlChar const *s) { return s == nullptr ? std::string_view{} : reinterpret_cast<char const *>(s); }

/// Walks the XSD's DOM and fills the tables.
class schema_compiler_t
{
public:
    schema_compiler_t(compiled_schema_t::impl_t &impl, std::string const &name, std::string &target_ns)
    : m_impl{impl}, m_name{name}, m_target_ns{target_ns}
    {
    }

    void compile(xmlNodePtr root)
    {
        if (!is_xs(root, "schema")) {
            fail(root, "the root element is not xs:schema");
        }
        for (xmlAttrPtr a = root->properties; a != nullptr; a = a->next) {
            std::string_view const an = to_sv(a->name);
            std::string const v = prop(root, an);
            if (an == "targetNamespace") {
                m_target_ns = v;
            } else if (an == "elementFormDefault") {
                if (v != "qualified") {
                    fail(root, "only elementFormDefault=\"qualified\" is supported");
                }
                m_qualified = true;
            } else if (an == "attributeFormDefault") {
                if (v != "unqualified") {
                    fail(root, "only attributeFormDefault=\"unqualified\" is supported");
                }
            } else if (an != "version") {
                fail(root, "the schema attribute '" + std::string{an} + "' is not supported");
            }
        }
        if (m_target_ns.empty() || !m_qualified) {
            fail(root, "a targetNamespace with elementFormDefault=\"qualified\" is required");
        }
        // named types first, so that references may point forward
        for (xmlNodePtr n : children(root)) {
            if (is_xs(n, "simpleType") || is_xs(n, "complexType")) {
                std::string const name = prop(n, "name");
                if (name.empty()) {
                    fail(n, "a global type without a name");
                }
                if (!m_named.emplace(name, n).second) {
                    fail(n, "the type '" + name + "' is defined twice");
                }
            } else if (!is_xs(n, "element") && !is_xs(n, "annotation")) {
                fail(n, "the construct xs:" + std::string{to_sv(n->name)} + " is not supported");
            }
        }
        for (xmlNodePtr n : children(root)) {
            if (is_xs(n, "element")) {
                particle_t p = element(n);
                if (p.min != 1 || p.max != 1) {
                    fail(n, "a global element cannot have minOccurs/maxOccurs");
                }
                std::string const pname = p.name;
                if (!m_impl.globals.emplace(pname, std::move(p)).second) {
                    fail(n, "the element '" + pname + "' is declared twice");
                }
            }
        }
        for (auto const &[name, node] : m_named) { // compile unused named types too: refuse what is unsupported
            resolve_named(name, node);
        }
    }

private:
    [[noreturn]] void fail(xmlNodePtr n, std::string const &why) const
    {
        throw internal_error{"schema " + m_name + (n != nullptr ? " line " + std::to_string(xmlGetLineNo(n)) : "") +
                             ": " + why};
    }

    static bool is_xs(xmlNodePtr n, std::string_view local)
    {
        return n != nullptr && n->type == XML_ELEMENT_NODE && n->ns != nullptr && to_sv(n->ns->href) == XS_NS &&
               to_sv(n->name) == local;
    }

    std::vector<xmlNodePtr> children(xmlNodePtr n) const
    {
        std::vector<xmlNodePtr> out;
        for (xmlNodePtr c = n->children; c != nullptr; c = c->next) {
            if (c->type == XML_ELEMENT_NODE) {
                if (c->ns == nullptr || to_sv(c->ns->href) != XS_NS) {
                    fail(c, "the element '" + std::string{to_sv(c->name)} + "' is not in the XML Schema namespace");
                }
                if (!is_xs(c, "annotation")) {
                    out.push_back(c);
                }
            } else if (c->type == XML_TEXT_NODE && !trim(to_sv(c->content)).empty()) {
                fail(n, "text inside xs:" + std::string{to_sv(n->name)});
            }
        }
        return out;
    }

    static std::string prop(xmlNodePtr n, std::string_view name)
    {
        xmlChar *v = xmlGetNoNsProp(n, reinterpret_cast<xmlChar const *>(std::string{name}.c_str()));
        std::string s = v == nullptr ? std::string{} : std::string{to_sv(v)};
        xmlFree(v);
        return s;
    }

    static bool has_prop(xmlNodePtr n, std::string_view name)
    {
        return xmlHasNsProp(n, reinterpret_cast<xmlChar const *>(std::string{name}.c_str()), nullptr) != nullptr;
    }

    /// Only the attributes in \p allowed may appear on \p n.
    void only_props(xmlNodePtr n, std::initializer_list<std::string_view> allowed) const
    {
        for (xmlAttrPtr a = n->properties; a != nullptr; a = a->next) {
            if (std::find(allowed.begin(), allowed.end(), to_sv(a->name)) == allowed.end() || a->ns != nullptr) {
                fail(n, "the attribute '" + std::string{to_sv(a->name)} + "' of xs:" + std::string{to_sv(n->name)} +
                            " is not supported");
            }
        }
    }

    /// A QName attribute value resolved against the in-scope namespaces: {namespace, local name}.
    std::pair<std::string, std::string> qname(xmlNodePtr n, std::string const &value) const
    {
        auto const colon = value.find(':');
        std::string const prefix = colon == std::string::npos ? std::string{} : value.substr(0, colon);
        std::string const local = colon == std::string::npos ? value : value.substr(colon + 1);
        xmlNsPtr ns = xmlSearchNs(n->doc, n, prefix.empty() ? nullptr : reinterpret_cast<xmlChar const *>(prefix.c_str()));
        if (ns == nullptr && !prefix.empty()) {
            fail(n, "the prefix of '" + value + "' is not declared");
        }
        return {ns == nullptr ? std::string{} : std::string{to_sv(ns->href)}, local};
    }

    simple_t const *builtin(xmlNodePtr n, std::string const &local)
    {
        static std::map<std::string, simple_t::base_t, std::less<>> const bases{
            {"string", simple_t::base_t::string},     {"decimal", simple_t::base_t::decimal},
            {"date", simple_t::base_t::date},         {"dateTime", simple_t::base_t::date_time},
            {"boolean", simple_t::base_t::boolean}};
        auto const it = bases.find(local);
        if (it == bases.end()) {
            fail(n, "the built-in type xs:" + local + " is not supported");
        }
        if (auto const b = m_builtins.find(local); b != m_builtins.end()) {
            return b->second;
        }
        simple_t &t = m_impl.simple_types.emplace_back();
        t.name = "xs:" + local;
        t.base = it->second;
        m_builtins.emplace(local, &t);
        return &t;
    }

    /// A named type of this schema or a built-in one: exactly one of the two pointers is set.
    std::pair<simple_t const *, complex_t const *> type_ref(xmlNodePtr n, std::string const &value)
    {
        auto const [ns, local] = qname(n, value);
        if (ns == XS_NS) {
            return {builtin(n, local), nullptr};
        }
        if (ns != m_target_ns) {
            fail(n, "the type '" + value + "' is in a namespace this schema does not define");
        }
        auto const it = m_named.find(local);
        if (it == m_named.end()) {
            fail(n, "the type '" + value + "' is not defined");
        }
        return resolve_named(local, it->second);
    }

    std::pair<simple_t const *, complex_t const *> resolve_named(std::string const &name, xmlNodePtr node)
    {
        if (auto const s = m_simple_done.find(name); s != m_simple_done.end()) {
            return {s->second, nullptr};
        }
        if (auto const c = m_complex_done.find(name); c != m_complex_done.end()) {
            return {nullptr, c->second};
        }
        if (is_xs(node, "complexType")) {
            // registered before its body so that recursive content models refer to it
            complex_t &t = m_impl.complex_types.emplace_back();
            t.name = name;
            m_complex_done.emplace(name, &t);
            complex_body(node, t);
            return {nullptr, &t};
        }
        if (!m_in_progress.insert(name).second) {
            fail(node, "the simple type '" + name + "' is derived from itself");
        }
        simple_t const *t = simple_type(node, name);
        m_simple_done.emplace(name, t);
        return {t, nullptr};
    }

    int occurs(xmlNodePtr n, std::string_view attr, int dflt) const
    {
        if (!has_prop(n, attr)) {
            return dflt;
        }
        std::string const v = prop(n, attr);
        if (v == "unbounded" && attr == "maxOccurs") {
            return -1;
        }
        if (v.empty() || v.size() > 6 || !std::all_of(v.begin(), v.end(), is_digit)) {
            fail(n, std::string{attr} + "=\"" + v + "\" is not supported");
        }
        return std::stoi(v);
    }

    particle_t element(xmlNodePtr n)
    {
        only_props(n, {"name", "type", "minOccurs", "maxOccurs"});
        particle_t p;
        p.id = m_impl.particles++;
        p.name = prop(n, "name");
        if (p.name.empty()) {
            fail(n, "an xs:element without a name (xs:element ref is not supported)");
        }
        p.min = occurs(n, "minOccurs", 1);
        p.max = occurs(n, "maxOccurs", 1);
        if (p.max == 0 || (p.max != -1 && p.max < p.min)) {
            fail(n, "the occurrences of '" + p.name + "' are not supported");
        }
        auto const kids = children(n);
        if (has_prop(n, "type")) {
            if (!kids.empty()) {
                fail(n, "the element '" + p.name + "' has a type attribute and an inline type");
            }
            std::tie(p.simple, p.complex) = type_ref(n, prop(n, "type"));
        } else if (kids.size() == 1 && is_xs(kids[0], "complexType")) {
            complex_t &t = m_impl.complex_types.emplace_back();
            t.name = "(anonymous type of " + p.name + ")";
            complex_body(kids[0], t);
            p.complex = &t;
        } else if (kids.size() == 1 && is_xs(kids[0], "simpleType")) {
            p.simple = simple_type(kids[0], "(anonymous type of " + p.name + ")");
        } else {
            fail(n, "the element '" + p.name + "' needs exactly one type (xs:anyType is not supported)");
        }
        return p;
    }

    void complex_body(xmlNodePtr n, complex_t &t)
    {
        only_props(n, {"name"});
        auto const kids = children(n);
        if (kids.size() != 1) {
            fail(n, "a complex type needs exactly one xs:sequence, xs:choice or xs:simpleContent");
        }
        xmlNodePtr const body = kids[0];
        if (is_xs(body, "sequence") || is_xs(body, "choice")) {
            only_props(body, {});
            t.choice = is_xs(body, "choice");
            for (xmlNodePtr e : children(body)) {
                if (!is_xs(e, "element")) {
                    fail(e, "only xs:element particles are supported inside xs:" + std::string{to_sv(body->name)});
                }
                t.particles.push_back(element(e));
            }
            if (t.particles.empty()) {
                fail(body, "an empty content model is not supported");
            }
            for (std::size_t i = 0; i < t.particles.size(); ++i) {
                for (std::size_t j = i + 1; j < t.particles.size(); ++j) {
                    if (t.particles[i].name == t.particles[j].name) {
                        fail(body, "the element '" + t.particles[i].name + "' appears twice in one content model");
                    }
                }
                t.expected += (i == 0 ? "( " : t.choice ? " | " : ", ") + t.particles[i].name;
            }
            t.expected += " )";
        } else if (is_xs(body, "simpleContent")) {
            only_props(body, {});
            auto const ext = children(body);
            if (ext.size() != 1 || !is_xs(ext[0], "extension")) {
                fail(body, "xs:simpleContent needs exactly one xs:extension");
            }
            only_props(ext[0], {"base"});
            auto const [simple, complex] = type_ref(ext[0], prop(ext[0], "base"));
            if (simple == nullptr) {
                fail(ext[0], "xs:extension of a complex type is not supported");
            }
            t.content = simple;
            for (xmlNodePtr a : children(ext[0])) {
                if (!is_xs(a, "attribute")) {
                    fail(a, "only xs:attribute is supported inside xs:extension");
                }
                only_props(a, {"name", "type", "use"});
                complex_t::attribute_t attr;
                attr.name = prop(a, "name");
                std::string const use = has_prop(a, "use") ? prop(a, "use") : "optional";
                if (attr.name.empty() || (use != "required" && use != "optional") || !children(a).empty()) {
                    fail(a, "only named attributes with a type and use required/optional are supported");
                }
                attr.required = use == "required";
                auto const [at, ac] = type_ref(a, prop(a, "type"));
                if (at == nullptr) {
                    fail(a, "an attribute needs a simple type");
                }
                attr.type = at;
                t.attributes.push_back(std::move(attr));
            }
        } else {
            fail(body, "the construct xs:" + std::string{to_sv(body->name)} + " is not supported in a complex type");
        }
    }

    simple_t const *simple_type(xmlNodePtr n, std::string const &name)
    {
        only_props(n, {"name"});
        auto const kids = children(n);
        if (kids.size() != 1 || !is_xs(kids[0], "restriction")) {
            fail(n, "a simple type needs exactly one xs:restriction (list and union are not supported)");
        }
        xmlNodePtr const r = kids[0];
        only_props(r, {"base"});
        auto const [base, base_complex] = type_ref(r, prop(r, "base"));
        if (base == nullptr) {
            fail(r, "a simple type cannot restrict a complex type");
        }
        simple_t t = *base; // inherits the facets of its base
        t.name = name;
        bool const is_string = t.base == simple_t::base_t::string;
        bool const is_decimal = t.base == simple_t::base_t::decimal;
        std::vector<std::string> patterns;
        std::vector<std::string> enumeration;
        for (xmlNodePtr f : children(r)) {
            only_props(f, {"value"});
            std::string const facet{to_sv(f->name)};
            std::string const v = prop(f, "value");
            auto number = [&]() -> std::size_t {
                if (v.empty() || v.size() > 9 || !std::all_of(v.begin(), v.end(), is_digit)) {
                    fail(f, "the value of xs:" + facet + " is not a number");
                }
                return static_cast<std::size_t>(std::stoul(v));
            };
            auto decimal = [&]() {
                if (!decimal_t::parse(v)) {
                    fail(f, "the value of xs:" + facet + " is not a decimal");
                }
                return v;
            };
            if (facet == "pattern") {
                patterns.push_back(v);
            } else if (facet == "enumeration" && is_string) {
                enumeration.push_back(v);
            } else if ((facet == "length" || facet == "minLength" || facet == "maxLength") && is_string) {
                (facet == "length" ? t.length : facet == "minLength" ? t.min_length : t.max_length) = number();
            } else if ((facet == "totalDigits" || facet == "fractionDigits") && is_decimal) {
                (facet == "totalDigits" ? t.total_digits : t.fraction_digits) = number();
            } else if (facet == "minInclusive" && is_decimal) {
                t.min_inclusive = decimal();
            } else if (facet == "maxInclusive" && is_decimal) {
                t.max_inclusive = decimal();
            } else {
                fail(f, "the facet xs:" + facet + " is not supported on " + base->name);
            }
        }
        if (!patterns.empty()) {
            // several patterns of one step are alternatives; the steps of a derivation all apply
            std::string joined;
            for (auto const &p : patterns) {
                joined += (joined.empty() ? "(" : "|(") + p + ")";
            }
            try {
                t.patterns.push_back(&m_impl.regexes.emplace_back(patterns.size() == 1 ? patterns[0] : joined));
            } catch (internal_error const &e) {
                fail(r, e.what());
            }
        }
        if (!enumeration.empty()) {
            t.enumeration = std::move(enumeration);
        }
        simple_t &placed = m_impl.simple_types.emplace_back(std::move(t)); // never moves again
        placed.min_value = placed.min_inclusive ? decimal_t::parse(*placed.min_inclusive) : std::nullopt;
        placed.max_value = placed.max_inclusive ? decimal_t::parse(*placed.max_inclusive) : std::nullopt;
        return &placed;
    }

    compiled_schema_t::impl_t &m_impl;
    std::string const &m_name;
    std::string &m_target_ns;
    bool m_qualified = false;
    std::map<std::string, xmlNodePtr, std::less<>> m_named;
    std::map<std::string, simple_t const *, std::less<>> m_simple_done;
    std::map<std::string, complex_t const *, std::less<>> m_complex_done;
    std::map<std::string, simple_t const *, std::less<>> m_builtins;
    std::set<std::string> m_in_progress;
};

} // namespace

compiled_schema_t::compiled_schema_t(std::string_view xsd, std::string name)
: m_name{std::move(name)}, m_impl{std::make_unique<impl_t>()}
{
    xmlDocPtr doc = xmlReadMemory(xsd.data(), static_cast<int>(xsd.size()), m_name.c_str(), nullptr,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == nullptr) {
        throw internal_error{"schema " + m_name + " is not well-formed XML"};
    }
    try {
        schema_compiler_t{*m_impl, m_name, m_target_ns}.compile(xmlDocGetRootElement(doc));
    } catch (...) {
        xmlFreeDoc(doc);
        throw;
    }
    xmlFreeDoc(doc);
    if (m_impl->globals.empty()) {
        throw internal_error{"schema " + m_name + " declares no global element"};
    }
}

compiled_schema_t::~compiled_schema_t() = default;

// --- validation ----------------------------------------------------------------------------------

struct schema_validator_t::frame_t
{
    std::string_view name;
    compiled_schema_t::simple_type_t const *simple = nullptr; ///< simple type or simple content
    compiled_schema_t::complex_type_t const *complex = nullptr;
    std::size_t pos = 0; ///< sequence: current particle; choice: the chosen one
    int count = 0;       ///< occurrences of that particle so far
};

schema_validator_t::schema_validator_t(compiled_schema_t const &schema)
: m_schema{schema}, m_interned(schema.m_impl->particles, nullptr)
{
    m_stack.reserve(16);
}

[[gnu::always_inline]] inline bool schema_validator_t::name_is(compiled_schema_t::particle_t const &p,
                                                               xmlChar const *interned)
{
    // the parser interns names, one pointer per name: once a particle's pointer is known, a pointer
    // comparison decides
    xmlChar const *&seen = m_interned[p.id];
    if (seen == interned) {
        return true;
    }
    if (seen != nullptr || p.name != to_sv(interned)) {
        return false;
    }
    seen = interned;
    return true;
}

schema_validator_t::~schema_validator_t() = default;

bool schema_validator_t::fail(std::string_view element, std::string message)
{
    if (m_error.empty()) {
        m_error = std::move(message);
        m_element = std::string{element};
    }
    return false;
}

bool schema_validator_t::refuse(std::string reason) { return fail({}, std::move(reason)); }

bool schema_validator_t::start(std::string_view ns, xmlChar const *interned, attribute_t const *attributes,
                               std::size_t n_attributes)
{
    if (!ok()) {
        return false;
    }
    // the name as text only where it is compared as text or shown (a length costs a strlen)
    auto const local_name = [interned] { return to_sv(interned); };
    auto const label = [&local_name] { return "Element '" + std::string{local_name()} + "'"; };
    compiled_schema_t::particle_t const *particle = nullptr;
    if (m_stack.empty()) {
        if (m_root_done) {
            return fail(local_name(), label() + ": a second root element");
        }
        auto const it = m_schema.m_impl->globals.find(local_name());
        if (it == m_schema.m_impl->globals.end() || ns != m_schema.target_namespace()) {
            return fail(local_name(), label() + ": No matching global declaration available for the validation root.");
        }
        particle = &it->second;
    } else {
        frame_t &parent = m_stack.back();
        if (parent.complex == nullptr || parent.complex->content != nullptr) {
            return fail(parent.name, "Element '" + std::string{parent.name} +
                                         "': Element content is not allowed, because the content type is a simple type.");
        }
        auto const &ps = parent.complex->particles;
        // the same view as the schema's own string when start_element recognised the pointer
        bool const same_ns = ns.data() == m_schema.target_namespace().data() || ns == m_schema.target_namespace();
        if (parent.complex->choice) {
            if (parent.count == 0) {
                for (std::size_t i = 0; i < ps.size() && same_ns; ++i) {
                    if (name_is(ps[i], interned)) {
                        parent.pos = i;
                        particle = &ps[i];
                        break;
                    }
                }
            } else if (same_ns && name_is(ps[parent.pos], interned) &&
                       (ps[parent.pos].max == -1 || parent.count < ps[parent.pos].max)) {
                particle = &ps[parent.pos];
            }
            if (particle != nullptr) {
                ++parent.count;
            }
        } else {
            while (same_ns && parent.pos < ps.size()) {
                auto const &p = ps[parent.pos];
                if (name_is(p, interned) && (p.max == -1 || parent.count < p.max)) {
                    ++parent.count;
                    particle = &p;
                    break;
                }
                if (parent.count < p.min) {
                    break;
                }
                ++parent.pos;
                parent.count = 0;
            }
        }
        if (particle == nullptr) {
            return fail(local_name(), label() + ": This element is not expected. Expected is " + parent.complex->expected + ".");
        }
    }
    // the new frame in place (after a finding below nothing reads the stack again)
    frame_t &f = m_stack.emplace_back();
    f.name = particle->name;
    f.complex = particle->complex;
    f.simple = particle->simple != nullptr ? particle->simple : f.complex->content;
    // attributes: only those the type declares, each valid, the required ones present
    auto const *decls = f.complex != nullptr ? &f.complex->attributes : nullptr;
    for (std::size_t i = 0; i < n_attributes; ++i) {
        attribute_t const &a = attributes[i];
        compiled_schema_t::complex_type_t::attribute_t const *decl = nullptr;
        if (decls != nullptr && a.ns.empty()) {
            for (auto const &d : *decls) {
                if (d.name == a.local_name) {
                    decl = &d;
                }
            }
        }
        if (decl == nullptr) {
            std::string const an = a.ns == XSI_NS ? "xsi:" + std::string{a.local_name} : std::string{a.local_name};
            return fail(local_name(), label() + ", attribute '" + an + "': The attribute '" + an + "' is not allowed.");
        }
        if (!check_value(local_name(), *decl->type, a.value, a.local_name)) {
            return false;
        }
    }
    if (decls != nullptr) {
        for (auto const &d : *decls) {
            if (!d.required) {
                continue;
            }
            bool present = false;
            for (std::size_t i = 0; i < n_attributes && !present; ++i) {
                present = attributes[i].ns.empty() && attributes[i].local_name == d.name;
            }
            if (!present) {
                return fail(local_name(), label() + ": The attribute '" + d.name + "' is required but missing.");
            }
        }
    }
    m_text.clear();
    return true;
}

bool schema_validator_t::start_element_in_general(xmlChar const *local_name, xmlChar const *uri, int n_attributes,
                                                  xmlChar const **attributes)
{
    // the parser interns names: the same namespace comes as the same pointer, compared once
    std::string_view ns;
    if (uri != nullptr && uri == m_target_ns_seen) {
        ns = m_schema.target_namespace();
    } else {
        ns = to_sv(uri);
        if (ns == m_schema.target_namespace()) {
            m_target_ns_seen = uri;
        }
    }
    auto const n = static_cast<std::size_t>(std::max(n_attributes, 0));
    if (n == 0) {
        return start(ns, local_name, nullptr, 0);
    }
    std::array<attribute_t, 4> small;
    std::vector<attribute_t> large;
    attribute_t *out = small.data();
    if (n > small.size()) {
        large.resize(n);
        out = large.data();
    }
    for (std::size_t i = 0; i < n; ++i) {
        xmlChar const *const *a = attributes + 5 * i; // localname, prefix, URI, value, end
        out[i] = attribute_t{to_sv(a[0]), to_sv(a[2]),
                             std::string_view{reinterpret_cast<char const *>(a[3]), static_cast<std::size_t>(a[4] - a[3])}};
    }
    return start(ns, local_name, out, n);
}

bool schema_validator_t::characters(std::string_view text)
{
    if (!ok() || m_stack.empty()) {
        return ok();
    }
    frame_t const &f = m_stack.back();
    if (f.simple != nullptr) {
        m_text.append(text);
        return true;
    }
    for (char const c : text) {
        if (!is_xml_space(c)) {
            return fail(f.name, "Element '" + std::string{f.name} +
                                    "': Character content other than whitespace is not allowed because the content "
                                    "type is 'element-only'.");
        }
    }
    return true;
}

bool schema_validator_t::end_element()
{
    if (!ok()) {
        return false;
    }
    frame_t const f = m_stack.back();
    m_stack.pop_back();
    if (m_stack.empty()) {
        m_root_done = true;
    }
    if (f.simple != nullptr) {
        return check_value(f.name, *f.simple, m_text); // m_text stays readable (last_text) until the next start
    }
    m_text.clear();
    auto const &ps = f.complex->particles;
    bool complete = true;
    if (f.complex->choice) {
        complete = f.count > 0 || std::any_of(ps.begin(), ps.end(), [](auto const &p) { return p.min == 0; });
        complete = complete && (f.count == 0 || f.count >= ps[f.pos].min);
    } else {
        for (std::size_t i = f.pos; i < ps.size() && complete; ++i) {
            complete = (i == f.pos ? f.count : 0) >= ps[i].min;
        }
    }
    if (!complete) {
        return fail(f.name, "Element '" + std::string{f.name} + "': Missing child element(s). Expected is " +
                                f.complex->expected + ".");
    }
    return true;
}

std::string schema_validator_t::continuation() const
{
    auto address = [](void const *p) { return std::to_string(reinterpret_cast<std::uintptr_t>(p)); };
    std::string out = ok() ? "" : "failed ";
    for (frame_t const &f : m_stack) {
        out += "<" + std::string{f.name} + " " + address(f.simple) + " " + address(f.complex);
        if (f.complex != nullptr) {
            auto const &ps = f.complex->particles;
            bool const enough = f.pos < ps.size() && ps[f.pos].max == -1 && f.count >= std::max(ps[f.pos].min, 1);
            out += " " + std::to_string(f.pos) + " " + (enough ? std::string{"+"} : std::to_string(f.count));
        }
        out += ">";
    }
    out += m_root_done ? " root-done" : "";
    out += " text=" + std::to_string(m_text.size());
    return out;
}

bool schema_validator_t::end_document()
{
    if (!ok()) {
        return false;
    }
    if (!m_root_done || !m_stack.empty()) {
        return fail({}, "the document has no complete root element");
    }
    return true;
}

bool schema_validator_t::check_value(std::string_view element, compiled_schema_t::simple_type_t const &t,
                                     std::string_view raw, std::string_view attribute)
{
    using base_t = compiled_schema_t::simple_type_t::base_t;
    auto const label = [element, attribute] {
        return "Element '" + std::string{element} + "'" +
               (attribute.empty() ? std::string{} : ", attribute '" + std::string{attribute} + "'") + ": ";
    };
    // whiteSpace: preserve for xs:string, collapse for the others (where no inner blank is valid)
    std::string_view const v = t.base == base_t::string ? raw : trim(raw);
    auto const shown = [v] { return std::string{v}; };
    std::optional<decimal_t> number;
    switch (t.base) {
    case base_t::string: break;
    case base_t::decimal:
        number = decimal_t::parse(v);
        if (!number) {
            return fail(element, label() + "'" + shown() + "' is not a valid value of the atomic type 'xs:decimal'.");
        }
        break;
    case base_t::date:
        if (!valid_date(v)) {
            return fail(element, label() + "'" + shown() + "' is not a valid value of the atomic type 'xs:date'.");
        }
        break;
    case base_t::date_time:
        if (!valid_date_time(v)) {
            return fail(element, label() + "'" + shown() + "' is not a valid value of the atomic type 'xs:dateTime'.");
        }
        break;
    case base_t::boolean:
        if (v != "true" && v != "false" && v != "1" && v != "0") {
            return fail(element, label() + "'" + shown() + "' is not a valid value of the atomic type 'xs:boolean'.");
        }
        break;
    }
    // the first pattern is run here already when a length is to be checked: it counts the characters
    std::optional<bool> first_pattern;
    if (t.length || t.min_length || t.max_length) {
        std::size_t n = 0;
        if (!t.patterns.empty()) {
            first_pattern = t.patterns.front()->matches(v, &n);
            if (!*first_pattern) {
                n = utf8_length(v);
            }
        } else {
            n = utf8_length(v);
        }
        if (t.length && n != *t.length) {
            return fail(element, label() + "[facet 'length'] The value '" + shown() + "' has a length of '" +
                                     std::to_string(n) + "'; this differs from the allowed length of '" +
                                     std::to_string(*t.length) + "'.");
        }
        if (t.min_length && n < *t.min_length) {
            return fail(element, label() + "[facet 'minLength'] The value '" + shown() + "' has a length of '" +
                                     std::to_string(n) + "'; this underruns the allowed minimum length of '" +
                                     std::to_string(*t.min_length) + "'.");
        }
        if (t.max_length && n > *t.max_length) {
            return fail(element, label() + "[facet 'maxLength'] The value '" + shown() + "' has a length of '" +
                                     std::to_string(n) + "'; this exceeds the allowed maximum length of '" +
                                     std::to_string(*t.max_length) + "'.");
        }
    }
    if (!t.enumeration.empty() && std::find(t.enumeration.begin(), t.enumeration.end(), v) == t.enumeration.end()) {
        return fail(element, label() + "[facet 'enumeration'] The value '" + shown() + "' is not an element of the set {" +
                                 quoted_list(t.enumeration) + "}.");
    }
    if (number) {
        if (t.min_value && decimal_t::compare(*number, *t.min_value) < 0) {
            return fail(element, label() + "[facet 'minInclusive'] The value '" + shown() +
                                     "' is less than the minimum value allowed ('" + *t.min_inclusive + "').");
        }
        if (t.max_value && decimal_t::compare(*number, *t.max_value) > 0) {
            return fail(element, label() + "[facet 'maxInclusive'] The value '" + shown() +
                                     "' is greater than the maximum value allowed ('" + *t.max_inclusive + "').");
        }
        if (t.total_digits && number->total_digits() > *t.total_digits) {
            return fail(element, label() + "[facet 'totalDigits'] The value '" + shown() +
                                     "' has more digits than are allowed ('" + std::to_string(*t.total_digits) + "').");
        }
        if (t.fraction_digits && number->fraction.size() > *t.fraction_digits) {
            return fail(element, label() + "[facet 'fractionDigits'] The value '" + shown() +
                                     "' has more fractional digits than are allowed ('" +
                                     std::to_string(*t.fraction_digits) + "').");
        }
    }
    for (xsd_regex_t const *p : t.patterns) {
        bool const matched = p == t.patterns.front() && first_pattern ? *first_pattern : p->matches(v);
        if (!matched) {
            return fail(element, label() + "[facet 'pattern'] The value '" + shown() + "' is not accepted by the pattern '" +
                                     p->pattern() + "'.");
        }
    }
    return true;
}

namespace {

struct document_pass_t
{
    schema_validator_t validator;
    sax_scanner_t *scanner = nullptr;
    validation_finding_t finding;

    void note()
    {
        if (!validator.ok() && finding.message.empty()) {
            finding = {validator.error(), scanner->line(), validator.element()};
            scanner->stop();
        }
    }
};

void doc_start(void *ud, xmlChar const *localname, xmlChar const *, xmlChar const *uri, int, xmlChar const **, int n,
               int, xmlChar const **attrs)
{
    auto &p = *static_cast<document_pass_t *>(ud);
    p.validator.start_element(localname, uri, n, attrs);
    p.note();
}

void doc_end(void *ud, xmlChar const *, xmlChar const *, xmlChar const *)
{
    auto &p = *static_cast<document_pass_t *>(ud);
    p.validator.end_element();
    p.note();
}

void doc_characters(void *ud, xmlChar const *ch, int len)
{
    auto &p = *static_cast<document_pass_t *>(ud);
    p.validator.characters(std::string_view{reinterpret_cast<char const *>(ch), static_cast<std::size_t>(len)});
    p.note();
}

void doc_subset(void *ud, xmlChar const *, xmlChar const *, xmlChar const *)
{
    auto &p = *static_cast<document_pass_t *>(ud);
    p.validator.refuse("a DOCTYPE is not allowed");
    p.note();
}

void doc_error(void *ud, xmlErrorPtr err)
{
    auto &p = *static_cast<document_pass_t *>(ud);
    if (err != nullptr && err->level != XML_ERR_WARNING && p.finding.message.empty()) {
        p.finding = {libxml2_message(err->message), err->line, {}};
    }
}

} // namespace

validation_finding_t validate_document(compiled_schema_t const &schema, std::string_view xml)
{
    memory_source_t source{xml};
    document_pass_t pass{schema_validator_t{schema}, nullptr, {}};
    sax_scanner_t scanner{{&doc_start, &doc_end, &doc_characters, &doc_subset, &doc_error}, &pass, source};
    pass.scanner = &scanner;
    bool const well_formed = scanner.parse();
    long const line = scanner.line();
    if (pass.finding.message.empty() && !well_formed) {
        pass.finding = {scanner.error().empty() ? std::string{"the document is not well-formed XML"} : scanner.error(),
                        scanner.error_line(), {}};
    }
    if (pass.finding.message.empty() && !pass.validator.end_document()) {
        pass.finding = {pass.validator.error(), line, pass.validator.element()};
    }
    return pass.finding;
}

} // namespace sozbatch::xml
