// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/exchange/codec.hpp"
#include "formats/sepa/sepa_text.hpp"

#include "lib/core/identifiers.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <set>

namespace sozbatch::exchange {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool all_digits(std::string_view s) { return std::all_of(s.begin(), s.end(), is_digit); }
bool all_of_char(std::string_view s, char c)
{
    return std::all_of(s.begin(), s.end(), [c](char x) { return x == c; });
}

std::string rtrim(std::string_view s)
{
    auto n = s.size();
    while (n > 0 && s[n - 1] == ' ') {
        --n;
    }
    return std::string{s.substr(0, n)};
}

std::string trim(std::string_view s)
{
    auto const b = s.find_first_not_of(' ');
    return b == std::string_view::npos ? std::string{} : rtrim(s.substr(b));
}

/// Characters outside ISO-8859-1 that have an obvious Latin replacement.
struct translit_t
{
    char32_t cp;
    char const *text;
};
constexpr std::array<translit_t, 70> TRANSLIT{{
    {U'\u0100', "A"},   {U'\u0101', "a"},   {U'\u0102', "A"},   {U'\u0103', "a"},   {U'\u0104', "A"},
    {U'\u0105', "a"},   {U'\u0106', "C"},   {U'\u0107', "c"},   {U'\u010C', "C"},   {U'\u010D', "c"},
    {U'\u010E', "D"},   {U'\u010F', "d"},   {U'\u0110', "D"},   {U'\u0111', "d"},   {U'\u0112', "E"},
    {U'\u0113', "e"},   {U'\u0118', "E"},   {U'\u0119', "e"},   {U'\u011A', "E"},   {U'\u011B', "e"},
    {U'\u011E', "G"},   {U'\u011F', "g"},   {U'\u012A', "I"},   {U'\u012B', "i"},   {U'\u0130', "I"},
    {U'\u0131', "i"},   {U'\u0141', "L"},   {U'\u0142', "l"},   {U'\u0143', "N"},   {U'\u0144', "n"},
    {U'\u0147', "N"},   {U'\u0148', "n"},   {U'\u014C', "O"},   {U'\u014D', "o"},   {U'\u0150', "O"},
    {U'\u0151', "o"},   {U'\u0152', "OE"},  {U'\u0153', "oe"},  {U'\u0158', "R"},   {U'\u0159', "r"},
    {U'\u015A', "S"},   {U'\u015B', "s"},   {U'\u015E', "S"},   {U'\u015F', "s"},   {U'\u0160', "S"},
    {U'\u0161', "s"},   {U'\u0162', "T"},   {U'\u0163', "t"},   {U'\u0164', "T"},   {U'\u0165', "t"},
    {U'\u016A', "U"},   {U'\u016B', "u"},   {U'\u016E', "U"},   {U'\u016F', "u"},   {U'\u0170', "U"},
    {U'\u0171', "u"},   {U'\u0179', "Z"},   {U'\u017A', "z"},   {U'\u017B', "Z"},   {U'\u017C', "z"},
    {U'\u017D', "Z"},   {U'\u017E', "z"},   {U'\u0218', "S"},   {U'\u0219', "s"},   {U'\u021A', "T"},
    {U'\u021B', "t"},   {U'\u2018', "'"},   {U'\u2019', "'"},   {U'\u2013', "-"},   {U'\u2014', "-"},
}};
constexpr std::array<translit_t, 4> TRANSLIT_QUOTES{{
    {U'\u201A', "'"},
    {U'\u201C', "\""},
    {U'\u201D', "\""},
    {U'\u201E', "\""},
}};

char const *transliterate(char32_t cp)
{
    for (auto const &t : TRANSLIT) {
        if (t.cp == cp) {
            return t.text;
        }
    }
    for (auto const &t : TRANSLIT_QUOTES) {
        if (t.cp == cp) {
            return t.text;
        }
    }
    return nullptr;
}

bool permitted_byte(unsigned char c) { return c >= 0x20 && !(c >= 0x7F && c <= 0x9F); }

void append_upper(std::string &out, unsigned char c)
{
    if (c >= 'a' && c <= 'z') {
        out += static_cast<char>(c - 'a' + 'A');
    } else if (c == 0xDF) {
        out += "SS";
    } else if (c == 0xFF) {
        out += 'Y';
    } else if (c >= 0xE0 && c <= 0xFE && c != 0xF7) {
        out += static_cast<char>(c - 0x20);
    } else {
        out += static_cast<char>(c);
    }
}

std::string hex_char(std::string_view bytes)
{
    std::string s;
    for (unsigned char const c : bytes) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "%s%02X", s.empty() ? "0x" : " 0x", c);
        s += buf;
    }
    return s;
}

std::string date_digits(date_t d)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d%02d%04d", static_cast<int>(d.day()), static_cast<int>(d.month()),
                  static_cast<int>(d.year()));
    return buf;
}

/// TTMMJJJJ -> date; nullopt when not a calendar date.
std::optional<date_t> parse_digits_date(std::string_view s)
{
    if (s.size() != 8 || !all_digits(s)) {
        return std::nullopt;
    }
    int const d = (s[0] - '0') * 10 + (s[1] - '0');
    int const m = (s[2] - '0') * 10 + (s[3] - '0');
    int const y = (s[4] - '0') * 1000 + (s[5] - '0') * 100 + (s[6] - '0') * 10 + (s[7] - '0');
    if (y < 1400 || m < 1 || m > 12 || d < 1) {
        return std::nullopt;
    }
    if (d > static_cast<int>(boost::gregorian::gregorian_calendar::end_of_month_day(y, m))) {
        return std::nullopt;
    }
    return date_t(y, m, d);
}

std::string german(std::string_view s)
{
    return std::string{s.substr(0, 2)} + "." + std::string{s.substr(2, 2)} + "." + std::string{s.substr(4)};
}

// VKVV Anlage (Bereichsnummern) as far as the public sources show them; 01 is not assigned.
bool valid_area_number(int n)
{
    return (n >= 2 && n <= 29) || n == 38 || n == 39 || (n >= 40 && n <= 69) || n == 80 || n == 81 || n == 82 ||
           n == 89;
}

class record_decoder_t
{
public:
    record_decoder_t(record_context_t const &where) : m_where(where) {}

    [[noreturn]] void fail(std::string const &field, std::string const &reason) const
    {
        throw input_error{input_location_t{m_where.file, m_where.number, "record " + std::to_string(m_where.number),
                                           field},
                          reason};
    }

    /// Decodes and checks one field; \p qualified is the id used in messages.
    std::string field(field_spec_t const &f, std::string_view raw, std::string const &qualified) const
    {
        std::string value;
        bool empty = false;
        if (f.type == field_type_t::alphanumeric) {
            for (std::size_t i = 0; i < raw.size(); ++i) {
                if (!permitted_byte(static_cast<unsigned char>(raw[i]))) {
                    fail(qualified, "character " + hex_char(raw.substr(i, 1)) + " at position " +
                                        std::to_string(f.from + i) + " is not permitted");
                }
            }
            value = from_wire_text(rtrim(raw));
            empty = value.empty();
        } else if (all_of_char(raw, ' ') && f.presence != presence_t::mandatory) {
            empty = true; // tolerated Grundstellung of an optional numeric field sent blank
        } else {
            if (!all_digits(raw)) {
                fail(qualified, "'" + from_wire_text(raw) + "' is not numeric");
            }
            value = std::string{raw};
            empty = (f.type == field_type_t::date || f.type == field_type_t::period) && all_of_char(raw, '0');
        }
        if (empty) {
            if (f.presence == presence_t::mandatory) {
                fail(qualified, "mandatory field is empty");
            }
            return value;
        }
        if (f.type == field_type_t::date && !parse_digits_date(value)) {
            fail(qualified, "'" + german(value) + "' is not a valid date (TTMMJJJJ)");
        }
        if (f.type == field_type_t::period) {
            auto const from_s = std::string_view{value}.substr(0, 8);
            auto const to_s = std::string_view{value}.substr(8, 8);
            if (from_s == "99999999") {
                fail(qualified, "the open-end mark 99999999 is only allowed as the end of a period");
            }
            auto const from = parse_digits_date(from_s);
            if (!from) {
                fail(qualified, "period start '" + german(from_s) + "' is not a valid date");
            }
            if (to_s == "99999999") {
                if (f.has(rule_t::kind_t::closed)) {
                    fail(qualified, "the period must have an end");
                }
            } else {
                auto const to = parse_digits_date(to_s);
                if (!to) {
                    fail(qualified, "period end '" + german(to_s) + "' is not a valid date");
                }
                if (*to < *from) {
                    fail(qualified, "period ends before it starts");
                }
            }
        }
        for (auto const &r : f.rules) {
            check_rule(f, r, value, qualified);
        }
        return value;
    }

    void check_rule(field_spec_t const &f, rule_t const &r, std::string const &value, std::string const &q) const
    {
        using k = rule_t::kind_t;
        switch (r.kind) {
        case k::constant:
            if (value != r.value) {
                fail(q, "must be '" + r.value + "', is '" + value + "'");
            }
            break;
        case k::one_of: {
            bool found = false;
            std::string list;
            for (auto const &c : r.codes) {
                found = found || c.first == value;
                list += (list.empty() ? "" : ", ") + c.first;
            }
            if (!found) {
                fail(q, "'" + value + "' is not in the code list (" + list + ")");
            }
            break;
        }
        case k::range: {
            std::int64_t n = 0;
            std::from_chars(value.data(), value.data() + value.size(), n);
            if (value.size() > 18 || n < r.low || n > r.high) {
                fail(q, "'" + value + "' is outside " + std::to_string(r.low) + "-" + std::to_string(r.high));
            }
            break;
        }
        case k::vsnr: {
            std::string const v = value.substr(0, 12);
            if (v.size() != 12 || v.find(' ') != std::string::npos) {
                fail(q, "Versicherungsnummer '" + v + "' must have 12 characters");
            }
            auto const why = vsnr_t::check(v);
            if (!why.empty()) {
                fail(q, "Versicherungsnummer '" + v + "': " + why);
            }
            if (!valid_area_number((v[0] - '0') * 10 + (v[1] - '0'))) {
                fail(q, "Versicherungsnummer '" + v + "': Bereichsnummer " + v.substr(0, 2) +
                            " is not assigned (VKVV Anlage)");
            }
            break;
        }
        case k::itvsnr: {
            bool ok = value.size() == 12 && value.starts_with("71") && all_digits(value.substr(2, 6)) &&
                      value[8] >= 'A' && value[8] <= 'Z' && all_digits(value.substr(9, 3));
            if (!ok) {
                fail(q, "'" + value + "' is not an Interims-Versicherungsnummer (71 TTMMJJ letter serial)");
            }
            break;
        }
        case k::ags:
            if (value.size() != 8 || !all_digits(value) || all_of_char(value, '0')) {
                fail(q, "'" + value + "' is not a Gemeinde-/Kreisschlüssel (8 digits)");
            }
            break;
        default:
            break; // record- and file-level rules are checked elsewhere
        }
        (void)f;
    }

    static bool condition_holds(rule_t const &r, decoded_fields_t const &values)
    {
        bool eq = r.value == "zero" ? values.is_zero(r.field) : values.text(r.field) == r.value;
        return r.negated ? !eq : eq;
    }

    /// Fields of one record part; returns false when an absent_if field ended the record.
    bool fields(std::vector<field_spec_t> const &specs, std::string_view bytes, std::size_t base,
                decoded_fields_t &out, std::string const &prefix) const
    {
        for (auto const &f : specs) {
            std::string const q = prefix + f.id;
            if (auto const *r = f.find(rule_t::kind_t::absent_if)) {
                std::size_t const ends = base + f.from - 1;
                if (condition_holds(*r, out)) {
                    if (bytes.size() != ends) {
                        fail(q, "record has " + std::to_string(bytes.size()) + " characters; with " + r->field +
                                    "=" + r->value + " it must end after position " + std::to_string(ends));
                    }
                    return false;
                }
            }
            std::size_t const start = base + f.from - 1;
            if (start + f.length > bytes.size()) {
                fail(q, "record ends at position " + std::to_string(bytes.size()) + ", field needs positions " +
                            std::to_string(start + 1) + "-" + std::to_string(start + f.length));
            }
            out.set(f.id, field(f, bytes.substr(start, f.length), q));
        }
        for (auto const &f : specs) {
            if (auto const *r = f.find(rule_t::kind_t::required_if)) {
                if (out.has(f.id) && out.text(f.id).empty() && condition_holds(*r, out)) {
                    fail(prefix + f.id, "mandatory because " + r->field + (r->negated ? " is not " : " is ") +
                                            r->value + ", but empty");
                }
            }
        }
        return true;
    }

private:
    record_context_t m_where;
};

bool value_empty(value_t const &v)
{
    if (auto const *s = std::get_if<std::string>(&v)) {
        return s->empty();
    }
    return false;
}

std::string format_value(field_spec_t const &f, value_t const &v, bool upper, record_decoder_t const &dec,
                         std::string const &q)
{
    auto const bad_kind = [&](char const *expected) -> std::string {
        dec.fail(q, std::string{"expects "} + expected);
    };
    auto const text = [&]() -> std::string {
        if (auto const *s = std::get_if<std::string>(&v)) {
            return *s;
        }
        if (auto const *n = std::get_if<std::int64_t>(&v)) {
            if (*n < 0) {
                dec.fail(q, "negative number");
            }
            return std::to_string(*n);
        }
        return bad_kind("text or a number");
    };
    std::string wire;
    switch (f.type) {
    case field_type_t::alphanumeric: {
        std::string bad;
        std::string value = text();
        auto w = to_wire_text(value, upper, bad);
        if (!w) {
            dec.fail(q, "character '" + bad + "' cannot be represented in ISO-8859-1");
        }
        wire = *w;
        if (wire.size() > f.length && f.has(rule_t::kind_t::abbreviate)) {
            value = abbreviate_street(value);
            w = to_wire_text(value, upper, bad);
            wire = w ? *w : wire;
        }
        if (wire.size() > f.length) {
            if (f.has(rule_t::kind_t::abbreviate)) {
                dec.fail(q, "value has " + std::to_string(wire.size()) + " characters even abbreviated ('" + value +
                                "'), the field " + std::to_string(f.length));
            }
            if (!f.has(rule_t::kind_t::truncate)) {
                dec.fail(q, "value has " + std::to_string(wire.size()) + " characters, the field " +
                                std::to_string(f.length));
            }
            wire.resize(f.length);
        }
        return wire + std::string(f.length - wire.size(), ' ');
    }
    case field_type_t::numeric:
        wire = text();
        break;
    case field_type_t::date:
        if (auto const *d = std::get_if<date_t>(&v)) {
            wire = date_digits(*d);
        } else {
            wire = text();
        }
        break;
    case field_type_t::period:
        if (auto const *p = std::get_if<period_t>(&v)) {
            wire = date_digits(p->from()) + (p->to() ? date_digits(*p->to()) : std::string{"99999999"});
        } else {
            wire = text();
        }
        break;
    case field_type_t::amount:
    case field_type_t::amount_whole:
        if (auto const *m = std::get_if<money_t>(&v)) {
            if (m->is_negative()) {
                dec.fail(q, "negative amount");
            }
            std::int64_t c = m->as_cents();
            if (f.type == field_type_t::amount_whole) {
                if (c % 100 != 0) {
                    dec.fail(q, "amount must be whole units");
                }
                c /= 100;
            }
            wire = std::to_string(c);
        } else {
            wire = text();
        }
        break;
    }
    if (!all_digits(wire)) {
        dec.fail(q, "'" + wire + "' is not numeric");
    }
    if (wire.size() > f.length) {
        dec.fail(q, "value has " + std::to_string(wire.size()) + " digits, the field " + std::to_string(f.length));
    }
    return std::string(f.length - wire.size(), '0') + wire;
}

std::string encode_fields(std::vector<field_spec_t> const &specs, field_values_t const &values, bool upper,
                          record_decoder_t const &dec, std::string const &prefix)
{
    for (auto const &kv : values) {
        if (std::none_of(specs.begin(), specs.end(), [&](auto const &f) { return f.id == kv.first; })) {
            dec.fail(prefix + kv.first, "the layout has no such field");
        }
    }
    std::string out;
    for (auto const &f : specs) {
        std::string const q = prefix + f.id;
        auto const it = values.find(f.id);
        value_t v = std::string{};
        bool given = it != values.end() && !value_empty(it->second);
        if (given) {
            v = it->second;
            if (f.presence == presence_t::not_by_sender) {
                dec.fail(q, "is filled by the receiver, not by the sender");
            }
        } else if (auto const *c = f.find(rule_t::kind_t::constant)) {
            v = c->value;
        } else if (auto const *d = f.find(rule_t::kind_t::default_value)) {
            v = d->value;
        }
        out += format_value(f, v, upper, dec, q);
    }
    return out;
}

} // namespace

// --- decoded_fields_t ---------------------------------------------------------------------------

field_spec_t const *decoded_fields_t::spec(std::string_view id) const
{
    if (m_specs != nullptr) {
        for (auto const &f : *m_specs) {
            if (f.id == id) {
                return &f;
            }
        }
    }
    return nullptr;
}

std::string decoded_fields_t::text(std::string_view id) const
{
    auto const it = m_values.find(std::string{id});
    return it == m_values.end() ? std::string{} : it->second;
}

bool decoded_fields_t::is_zero(std::string_view id) const
{
    auto const v = text(id);
    return std::all_of(v.begin(), v.end(), [](char c) { return c == '0' || c == ' '; });
}

std::optional<date_t> decoded_fields_t::date(std::string_view id) const
{
    auto const v = text(id);
    if (v.empty() || all_of_char(v, '0')) {
        return std::nullopt;
    }
    return parse_digits_date(v);
}

std::optional<period_t> decoded_fields_t::period(std::string_view id) const
{
    auto const v = text(id);
    if (v.size() != 16 || all_of_char(v, '0')) {
        return std::nullopt;
    }
    auto const from = parse_digits_date(v.substr(0, 8));
    if (!from) {
        return std::nullopt;
    }
    if (v.substr(8) == "99999999") {
        return period_t{*from, std::nullopt};
    }
    auto const to = parse_digits_date(v.substr(8));
    if (!to || *to < *from) {
        return std::nullopt;
    }
    return period_t{*from, *to};
}

std::optional<money_t> decoded_fields_t::amount(std::string_view id) const
{
    auto const v = text(id);
    if (v.empty() || !all_digits(v) || v.size() > 17) {
        return std::nullopt;
    }
    std::int64_t n = 0;
    std::from_chars(v.data(), v.data() + v.size(), n);
    auto const *f = spec(id);
    if (f != nullptr && f->type == field_type_t::amount_whole) {
        return money_t::euros(n);
    }
    return money_t::cents(n);
}

std::int64_t decoded_fields_t::number(std::string_view id) const
{
    auto const v = text(id);
    std::int64_t n = 0;
    if (v.size() <= 18) {
        std::from_chars(v.data(), v.data() + v.size(), n);
    }
    return n;
}

std::string decoded_fields_t::label(std::string_view id) const
{
    auto const *f = spec(id);
    return f == nullptr ? std::string{} : f->label_of(text(id));
}

std::vector<std::pair<std::string, std::string>> decoded_fields_t::items() const
{
    std::vector<std::pair<std::string, std::string>> out;
    if (m_specs != nullptr) {
        for (auto const &f : *m_specs) {
            if (has(f.id)) {
                out.emplace_back(f.id, text(f.id));
            }
        }
    }
    return out;
}

// --- character set ------------------------------------------------------------------------------

std::string abbreviate_street(std::string_view utf8)
{
    static std::pair<std::string_view, std::string_view> const rules[] = {
        {"Straße", "Str."}, {"Strasse", "Str."}, {"straße", "str."}, {"strasse", "str."}, {"STRASSE", "STR."},
        {"Platz", "Pl."},   {"platz", "pl."},    {"Doktor", "Dr."},  {"Professor", "Prof."}, {"Sankt ", "St. "},
    };
    std::string s{utf8};
    for (auto const &[from, to] : rules) {
        for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
            s.replace(at, from.size(), to);
        }
    }
    std::string out;
    for (char const c : s) {
        if (c == ' ' && !out.empty() && out.back() == ' ') {
            continue;
        }
        out += c;
    }
    return out;
}

std::optional<std::string> to_wire_text(std::string_view utf8, bool upper, std::string &bad)
{
    std::string out;
    std::size_t i = 0;
    while (i < utf8.size()) {
        auto const c0 = static_cast<unsigned char>(utf8[i]);
        char32_t cp = 0;
        std::size_t n = 0;
        if (c0 < 0x80) {
            cp = c0;
            n = 1;
        } else if ((c0 & 0xE0) == 0xC0) {
            cp = c0 & 0x1F;
            n = 2;
        } else if ((c0 & 0xF0) == 0xE0) {
            cp = c0 & 0x0F;
            n = 3;
        } else if ((c0 & 0xF8) == 0xF0) {
            cp = c0 & 0x07;
            n = 4;
        } else {
            bad = hex_char(utf8.substr(i, 1)) + " (not UTF-8)";
            return std::nullopt;
        }
        if (i + n > utf8.size()) {
            bad = hex_char(utf8.substr(i)) + " (not UTF-8)";
            return std::nullopt;
        }
        for (std::size_t k = 1; k < n; ++k) {
            auto const c = static_cast<unsigned char>(utf8[i + k]);
            if ((c & 0xC0) != 0x80) {
                bad = hex_char(utf8.substr(i, n)) + " (not UTF-8)";
                return std::nullopt;
            }
            cp = (cp << 6) | (c & 0x3F);
        }
        std::string const original{utf8.substr(i, n)};
        i += n;
        std::string piece;
        if (cp == 0xA0) {
            piece = " ";
        } else if (cp <= 0xFF && permitted_byte(static_cast<unsigned char>(cp))) {
            piece = std::string(1, static_cast<char>(cp));
        } else if (auto const *t = transliterate(cp)) {
            piece = t;
        } else if (auto const dk = ((cp >= 0x0100 && cp <= 0x024F) || (cp >= 0x1E00 && cp <= 0x1EFF))
                                       ? sepa::to_dk_text(original, 4)
                                       : sepa::dk_text_t{};
                   dk.representable() && !dk.text.empty()) {
            // Latin letters outside Latin-1 (ễ -> e, Ł -> L) through the deterministic
            // transliteration table of the SEPA character set; symbols such as € stay rejected
            piece = dk.text;
        } else {
            bad = original;
            return std::nullopt;
        }
        for (unsigned char const c : piece) {
            if (upper) {
                append_upper(out, c);
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out;
}

std::string from_wire_text(std::string_view latin1)
{
    std::string out;
    out.reserve(latin1.size());
    for (unsigned char const c : latin1) {
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

// --- records ------------------------------------------------------------------------------------

decoded_record_t decode_record(record_layout_t const &layout, std::string_view bytes, record_context_t const &where)
{
    record_decoder_t const dec{where};
    decoded_record_t rec;
    rec.layout = &layout;
    rec.number = where.number;
    rec.fields = decoded_fields_t{&layout.fields};

    // The record type first, so a foreign record is reported as such and not as a length error.
    if (auto const *key = layout.field(layout.key_field)) {
        auto const raw = bytes.substr(0, std::min(bytes.size(), key->from - 1 + key->length));
        std::string const shown = from_wire_text(raw.size() >= key->from ? raw.substr(key->from - 1) : raw);
        try {
            if (raw.size() < key->from - 1 + key->length) {
                throw input_error{{}, "short"};
            }
            (void)dec.field(*key, raw.substr(key->from - 1), key->id);
        } catch (input_error const &) {
            dec.fail(key->id, "unknown record type '" + shown + "' (expected " + layout.title + ")");
        }
    }
    std::size_t minimum = layout.fixed_length;
    if (!layout.fields.empty() && layout.fields.back().has(rule_t::kind_t::absent_if)) {
        minimum -= layout.fields.back().length;
    }
    if (layout.variable ? bytes.size() < minimum : bytes.size() != layout.fixed_length) {
        dec.fail("", "record has " + std::to_string(bytes.size()) + " characters, " + layout.title + " needs " +
                         (layout.variable ? "at least " + std::to_string(minimum) : std::to_string(minimum)));
    }
    bool const complete = dec.fields(layout.fields, bytes, 0, rec.fields, "");
    if (!layout.variable) {
        return rec;
    }
    std::size_t pos = complete ? layout.fixed_length : bytes.size();
    if (complete) {
        auto const count = static_cast<std::size_t>(rec.fields.number(layout.count_field));
        if (count > layout.max_blocks) {
            dec.fail(layout.count_field, std::to_string(count) + " blocks, at most " +
                                             std::to_string(layout.max_blocks) + " allowed");
        }
        for (std::size_t i = 0; i < count; ++i) {
            if (pos + layout.block_key_length > bytes.size()) {
                dec.fail(layout.count_field, layout.count_field + " announces " + std::to_string(count) +
                                                 " blocks, the record ends after " + std::to_string(i));
            }
            std::string const key{bytes.substr(pos, layout.block_key_length)};
            auto const *spec = layout.block(key);
            if (spec == nullptr) {
                dec.fail(layout.block_key_field, "unknown block type '" + from_wire_text(key) + "' at position " +
                                                     std::to_string(pos + 1));
            }
            std::string const prefix = key + ".";
            if (pos + spec->length > bytes.size()) {
                dec.fail(prefix + layout.block_key_field,
                         "block " + key + " needs " + std::to_string(spec->length) + " characters from position " +
                             std::to_string(pos + 1) + ", the record ends at " + std::to_string(bytes.size()));
            }
            decoded_block_t block;
            block.key = key;
            block.spec = spec;
            block.fields = decoded_fields_t{&spec->fields};
            dec.fields(spec->fields, bytes.substr(0, pos + spec->length), pos, block.fields, prefix);
            rec.blocks.push_back(std::move(block));
            pos += spec->length;
        }
    }
    if (pos != bytes.size()) {
        dec.fail(layout.count_field, "record has " + std::to_string(bytes.size()) + " characters, but " +
                                         layout.count_field + " and the blocks account for " + std::to_string(pos));
    }
    return rec;
}

std::string encode_record(record_layout_t const &layout, record_values_t const &values, record_context_t const &where)
{
    record_decoder_t const dec{where};
    field_values_t fields = values.fields;
    if (layout.variable) {
        fields[layout.count_field] = static_cast<std::int64_t>(values.blocks.size());
    } else if (!values.blocks.empty()) {
        dec.fail("", layout.title + " has no blocks");
    }
    std::string out = encode_fields(layout.fields, fields, layout.upper_case, dec, "");
    // A trailing field with absent_if(F=v) is left out, with everything after it, when F=v.
    if (auto const &last = layout.fields.back(); last.has(rule_t::kind_t::absent_if)) {
        auto const *r = last.find(rule_t::kind_t::absent_if);
        auto const *cond = layout.field(r->field);
        std::string const wire = rtrim(std::string_view{out}.substr(cond->from - 1, cond->length));
        bool eq = r->value == "zero" ? std::all_of(wire.begin(), wire.end(), [](char c) { return c == '0'; })
                                     : wire == r->value;
        if (r->negated ? !eq : eq) {
            if (!values.blocks.empty()) {
                dec.fail(last.id, "no blocks allowed when " + r->field + "=" + r->value);
            }
            out.resize(last.from - 1);
            (void)decode_record(layout, out, where);
            return out;
        }
    }
    for (auto const &b : values.blocks) {
        auto const *spec = layout.block(b.key);
        if (spec == nullptr) {
            dec.fail(layout.block_key_field, "unknown block type '" + b.key + "'");
        }
        out += encode_fields(spec->fields, b.fields, layout.upper_case, dec, b.key + ".");
    }
    // The decoder is the one place that knows every record-level rule: verify what we wrote.
    (void)decode_record(layout, out, where);
    return out;
}

// --- files --------------------------------------------------------------------------------------

exchange_file_t read_exchange_file(layout_family_t const &family, direction_t direction, std::string_view content,
                                   std::string const &file_name, read_options_t const &options)
{
    auto const fail = [&](long number, std::string const &field, std::string const &reason) {
        throw input_error{input_location_t{file_name, number, number > 0 ? "record " + std::to_string(number) : "",
                                           field},
                          reason};
    };
    std::vector<std::string_view> lines;
    std::size_t pos = 0;
    while (pos < content.size()) {
        auto end = content.find('\n', pos);
        if (end == std::string_view::npos) {
            end = content.size();
        }
        auto line = content.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        lines.push_back(line);
        pos = end + 1;
    }
    if (lines.empty()) {
        fail(0, "", "file is empty");
    }
    if (lines.size() < 2) {
        fail(1, "", "file needs a Vorlaufsatz and a Nachlaufsatz");
    }
    record_layout_t const &data_layout = direction == direction_t::request ? family.request : family.answer;
    std::string const &vfmm = direction == direction_t::request ? family.request_vfmm : family.answer_vfmm;

    exchange_file_t file;
    file.file = file_name;
    long const last = static_cast<long>(lines.size());
    file.header = decode_record(family.header, lines.front(), {file_name, 1});
    auto const &hdr = file.header.fields;
    if (hdr.text("VFMM") != vfmm) {
        fail(1, "VFMM", "Verfahrensmerkmal '" + hdr.text("VFMM") + "' is not a " +
                            (direction == direction_t::request ? "request" : "answer") + " file of " + family.name +
                            " (expected " + vfmm + ")");
    }
    if (hdr.text("VERNR") != family.vernr) {
        fail(1, "VERNR", "Versions-Nummer " + hdr.text("VERNR") + " does not belong to layout family " + family.name +
                             " (" + family.vernr + ")");
    }
    file.trailer = decode_record(family.trailer, lines.back(), {file_name, last});

    auto const check_file_rules = [&](decoded_record_t const &rec, std::vector<field_spec_t> const &specs,
                                      std::map<std::string, std::map<std::string, long>> &seen) {
        for (auto const &f : specs) {
            for (auto const &r : f.rules) {
                if (r.kind == rule_t::kind_t::header_equal && trim(rec.fields.text(f.id)) != trim(hdr.text(r.field))) {
                    fail(rec.number, f.id, "'" + rec.fields.text(f.id) + "' differs from the Vorlaufsatz (" + r.field +
                                               " '" + trim(hdr.text(r.field)) + "')");
                }
                if (r.kind == rule_t::kind_t::count && rec.fields.number(f.id) != last - 2) {
                    fail(rec.number, f.id, "Nachlaufsatz counts " + std::to_string(rec.fields.number(f.id)) +
                                               " records, the file has " + std::to_string(last - 2));
                }
                if (r.kind == rule_t::kind_t::unique && !rec.fields.text(f.id).empty()) {
                    auto const [it, inserted] = seen[f.id].emplace(rec.fields.text(f.id), rec.number);
                    if (!inserted) {
                        fail(rec.number, f.id, "'" + rec.fields.text(f.id) + "' appears twice (also record " +
                                                   std::to_string(it->second) + ")");
                    }
                }
            }
        }
    };
    std::map<std::string, std::map<std::string, long>> seen;
    check_file_rules(file.trailer, family.trailer.fields, seen);

    for (long n = 2; n < last; ++n) {
        try {
            auto rec = decode_record(data_layout, lines[static_cast<std::size_t>(n - 1)], {file_name, n});
            check_file_rules(rec, data_layout.fields, seen);
            file.records.push_back(std::move(rec));
        } catch (input_error const &e) {
            if (!options.accept_valid_records) {
                throw;
            }
            file.rejected.push_back(rejected_record_t{e.where(), e.reason()});
        }
    }
    return file;
}

std::string encode_exchange_file(layout_family_t const &family, direction_t direction, file_header_t const &header,
                                 std::vector<record_values_t> const &records, std::string const &file_name)
{
    std::string const &vfmm = direction == direction_t::request ? family.request_vfmm : family.answer_vfmm;
    record_layout_t const &data_layout = direction == direction_t::request ? family.request : family.answer;
    field_values_t const hdr{
        {"VFMM", vfmm},
        {"ADNR", header.sender},
        {"EPNR", header.receiver},
        {"ED", header.created},
        {"DTNR", static_cast<std::int64_t>(header.file_number)},
        {"ADR", header.sender_name},
        {"VERNR", family.vernr},
    };
    field_values_t header_values;
    for (auto const &[id, v] : hdr) {
        if (family.header.field(id) != nullptr) {
            header_values.emplace(id, v);
        }
    }
    auto const fill_from_header = [&](record_layout_t const &layout, field_values_t values) {
        for (auto const &f : layout.fields) {
            if (auto const *r = f.find(rule_t::kind_t::header_equal); r != nullptr && !values.contains(f.id)) {
                auto const it = hdr.find(r->field);
                if (it != hdr.end()) {
                    values[f.id] = it->second;
                }
            }
            if (f.has(rule_t::kind_t::count)) {
                values[f.id] = static_cast<std::int64_t>(records.size());
            }
        }
        return values;
    };
    std::string out = encode_record(family.header, {header_values, {}}, {file_name, 1});
    out += family.newline;
    long n = 2;
    for (auto const &r : records) {
        out += encode_record(data_layout, {fill_from_header(data_layout, r.fields), r.blocks}, {file_name, n++});
        out += family.newline;
    }
    out += encode_record(family.trailer, {fill_from_header(family.trailer, {}), {}}, {file_name, n});
    out += family.newline;
    // File-level rules (header equalities, unique, count) are checked by the reader.
    (void)read_exchange_file(family, direction, out, file_name);
    return out;
}

} // namespace sozbatch::exchange
