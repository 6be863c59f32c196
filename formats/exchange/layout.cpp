// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/exchange/layout.hpp"

#include "lib/core/embedded.hpp"
#include "lib/core/error.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>

namespace sozbatch::exchange {

namespace {

std::string const LAYOUT_ROOT = "formats/exchange/layouts/";

[[noreturn]] void fail(std::string const &origin, int line, std::string const &reason)
{
    throw config_error{"layout " + origin + (line > 0 ? " line " + std::to_string(line) : std::string{}) + ": " +
                       reason};
}

/// Splits a line into blank-separated tokens; a token starting with '"' runs to the closing quote.
std::vector<std::string> tokenize(std::string_view line, std::string const &origin, int line_no)
{
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < line.size()) {
        if (line[i] == ' ' || line[i] == '\t') {
            ++i;
            continue;
        }
        if (line[i] == '"') {
            auto const end = line.find('"', i + 1);
            if (end == std::string_view::npos) {
                fail(origin, line_no, "unterminated quoted name");
            }
            out.emplace_back(line.substr(i, end - i + 1));
            i = end + 1;
            continue;
        }
        auto j = i;
        while (j < line.size() && line[j] != ' ' && line[j] != '\t') {
            ++j;
        }
        out.emplace_back(line.substr(i, j - i));
        i = j;
    }
    return out;
}

std::string unquote(std::string const &s)
{
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
        return s.substr(1, s.size() - 2);
    }
    return s;
}

/// The text after the first token (for free-text header keys such as `source`).
std::string rest_of_line(std::string_view line)
{
    auto p = line.find_first_of(" \t");
    if (p == std::string_view::npos) {
        return {};
    }
    p = line.find_first_not_of(" \t", p);
    if (p == std::string_view::npos) {
        return {};
    }
    auto s = std::string{line.substr(p)};
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.pop_back();
    }
    return unquote(s);
}

std::size_t to_size(std::string const &s, std::string const &origin, int line, char const *what)
{
    std::size_t v = 0;
    auto const *b = s.data();
    auto const *e = s.data() + s.size();
    auto const r = std::from_chars(b, e, v);
    if (s.empty() || r.ec != std::errc{} || r.ptr != e) {
        fail(origin, line, std::string{what} + " '" + s + "' is not a number");
    }
    return v;
}

std::int64_t to_int(std::string const &s, std::string const &origin, int line)
{
    std::int64_t v = 0;
    auto const *e = s.data() + s.size();
    auto const r = std::from_chars(s.data(), e, v);
    if (s.empty() || r.ec != std::errc{} || r.ptr != e) {
        fail(origin, line, "'" + s + "' is not a number");
    }
    return v;
}

field_type_t parse_type(std::string const &t, std::string const &origin, int line)
{
    if (t == "AN") return field_type_t::alphanumeric;
    if (t == "N") return field_type_t::numeric;
    if (t == "DATE") return field_type_t::date;
    if (t == "PERIOD") return field_type_t::period;
    if (t == "AMOUNT") return field_type_t::amount;
    if (t == "AMOUNT0") return field_type_t::amount_whole;
    fail(origin, line, "unknown field type '" + t + "' (AN, N, DATE, PERIOD, AMOUNT, AMOUNT0)");
}

presence_t parse_presence(std::string const &t, std::string const &origin, int line)
{
    if (t == "M") return presence_t::mandatory;
    if (t == "m") return presence_t::conditional;
    if (t == "K") return presence_t::if_known;
    if (t == "k") return presence_t::optional;
    if (t == "-") return presence_t::not_by_sender;
    fail(origin, line, "unknown presence '" + t + "' (M, m, K, k, -)");
}

std::vector<std::string> split(std::string const &s, char sep)
{
    std::vector<std::string> out;
    std::string cur;
    for (char const c : s) {
        if (c == sep) {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}

/// "F!=zero" / "F=v"
void parse_condition(std::string const &arg, rule_t &r, std::string const &origin, int line)
{
    auto const p = arg.find('=');
    if (p == std::string::npos || p == 0 || p + 1 >= arg.size()) {
        fail(origin, line, "condition '" + arg + "' must read FIELD=value or FIELD!=value");
    }
    r.negated = arg[p - 1] == '!';
    r.field = arg.substr(0, r.negated ? p - 1 : p);
    r.value = arg.substr(p + 1);
    if (r.field.empty()) {
        fail(origin, line, "condition '" + arg + "' names no field");
    }
}

rule_t parse_rule(std::string const &tok, std::string const &origin, int line)
{
    rule_t r;
    auto const open = tok.find('(');
    std::string const name = tok.substr(0, open);
    std::string arg;
    if (open != std::string::npos) {
        if (tok.back() != ')') {
            fail(origin, line, "rule '" + tok + "' lacks the closing parenthesis");
        }
        arg = tok.substr(open + 1, tok.size() - open - 2);
    }
    auto const need_arg = [&] {
        if (open == std::string::npos || arg.empty()) {
            fail(origin, line, "rule '" + name + "' needs an argument");
        }
    };
    auto const no_arg = [&] {
        if (open != std::string::npos) {
            fail(origin, line, "rule '" + name + "' takes no argument");
        }
    };
    using k = rule_t::kind_t;
    if (name == "const") {
        need_arg();
        r.kind = k::constant;
        r.value = arg;
    } else if (name == "default") {
        need_arg();
        r.kind = k::default_value;
        r.value = arg;
    } else if (name == "enum") {
        need_arg();
        r.kind = k::one_of;
        for (auto const &item : split(arg, ',')) {
            auto const eq = item.find('=');
            std::string const code = item.substr(0, eq);
            std::string const label = eq == std::string::npos ? std::string{} : item.substr(eq + 1);
            if (code.empty()) {
                fail(origin, line, "empty code in enum(" + arg + ")");
            }
            r.codes.emplace_back(code, label);
        }
    } else if (name == "range") {
        need_arg();
        r.kind = k::range;
        auto const parts = split(arg, ',');
        if (parts.size() != 2) {
            fail(origin, line, "range needs two bounds: range(lo,hi)");
        }
        r.low = to_int(parts[0], origin, line);
        r.high = to_int(parts[1], origin, line);
        if (r.low > r.high) {
            fail(origin, line, "range(" + arg + ") is empty");
        }
    } else if (name == "vsnr") {
        no_arg();
        r.kind = k::vsnr;
    } else if (name == "itvsnr") {
        no_arg();
        r.kind = k::itvsnr;
    } else if (name == "ags") {
        no_arg();
        r.kind = k::ags;
    } else if (name == "required_if") {
        need_arg();
        r.kind = k::required_if;
        parse_condition(arg, r, origin, line);
    } else if (name == "absent_if") {
        need_arg();
        r.kind = k::absent_if;
        parse_condition(arg, r, origin, line);
    } else if (name == "header") {
        need_arg();
        r.kind = k::header_equal;
        r.field = arg;
    } else if (name == "count") {
        no_arg();
        r.kind = k::count;
    } else if (name == "unique") {
        no_arg();
        r.kind = k::unique;
    } else if (name == "closed") {
        no_arg();
        r.kind = k::closed;
    } else if (name == "truncate") {
        no_arg();
        r.kind = k::truncate;
    } else if (name == "abbreviate") {
        need_arg();
        if (arg != "street") {
            fail(origin, line, "abbreviate knows only 'street'");
        }
        r.kind = k::abbreviate;
        r.value = arg;
    } else {
        fail(origin, line, "unknown rule '" + name + "'");
    }
    return r;
}

field_spec_t parse_field(std::vector<std::string> const &tok, std::string const &origin, int line)
{
    // field NO ID FROM-TO LEN TYPE REQ RULES... "NAME"
    if (tok.size() < 9 || tok.back().front() != '"') {
        fail(origin, line, "a field line reads: field NO ID FROM-TO LEN TYPE REQ RULES \"NAME\"");
    }
    field_spec_t f;
    f.line = line;
    f.no = tok[1];
    f.id = tok[2];
    auto const dash = tok[3].find('-');
    if (dash == std::string::npos) {
        fail(origin, line, "position '" + tok[3] + "' must read FROM-TO");
    }
    f.from = to_size(tok[3].substr(0, dash), origin, line, "position");
    std::size_t const to = to_size(tok[3].substr(dash + 1), origin, line, "position");
    f.length = to_size(tok[4], origin, line, "length");
    if (f.from == 0 || to < f.from || to - f.from + 1 != f.length) {
        fail(origin, line, "field " + f.id + ": position " + tok[3] + " does not match length " + tok[4]);
    }
    f.type = parse_type(tok[5], origin, line);
    f.presence = parse_presence(tok[6], origin, line);
    for (std::size_t i = 7; i + 1 < tok.size(); ++i) {
        if (tok[i] != "-") {
            f.rules.push_back(parse_rule(tok[i], origin, line));
        }
    }
    f.name = unquote(tok.back());
    for (char const c : f.id) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
            fail(origin, line, "field id '" + f.id + "' may hold only letters, digits and _");
        }
    }
    // Type-specific sanity checks.
    if (f.type == field_type_t::date && f.length != 8) {
        fail(origin, line, "field " + f.id + ": DATE needs length 8 (TTMMJJJJ)");
    }
    if (f.type == field_type_t::period && f.length != 16) {
        fail(origin, line, "field " + f.id + ": PERIOD needs length 16 (TTMMJJJJTTMMJJJJ)");
    }
    if (f.type == field_type_t::amount && (f.length < 3 || f.length > 17)) {
        fail(origin, line, "field " + f.id + ": AMOUNT needs a length of 3 to 17");
    }
    if (f.numeric_type() && f.length > 18) {
        fail(origin, line, "field " + f.id + ": numeric fields are at most 18 digits");
    }
    for (auto const &r : f.rules) {
        auto const too_long = [&](std::string const &v) {
            if (v.size() > f.length) {
                fail(origin, line, "field " + f.id + ": value '" + v + "' longer than the field");
            }
            if (f.numeric_type() && !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                fail(origin, line, "field " + f.id + ": value '" + v + "' of a numeric field is not numeric");
            }
        };
        if (r.kind == rule_t::kind_t::constant || r.kind == rule_t::kind_t::default_value) {
            too_long(r.value);
        }
        if (r.kind == rule_t::kind_t::one_of) {
            for (auto const &c : r.codes) {
                too_long(c.first);
            }
        }
        if (r.kind == rule_t::kind_t::closed && f.type != field_type_t::period) {
            fail(origin, line, "field " + f.id + ": rule 'closed' applies to PERIOD fields only");
        }
        if (r.kind == rule_t::kind_t::range && !f.numeric_type()) {
            fail(origin, line, "field " + f.id + ": rule 'range' applies to numeric fields only");
        }
    }
    return f;
}

std::map<std::string, std::string> parse_attributes(std::vector<std::string> const &tok, std::size_t first,
                                                    std::string const &origin, int line)
{
    std::map<std::string, std::string> out;
    for (std::size_t i = first; i < tok.size(); ++i) {
        if (tok[i].front() == '"') {
            continue;
        }
        auto const eq = tok[i].find('=');
        if (eq == std::string::npos || eq == 0) {
            fail(origin, line, "'" + tok[i] + "' must read key=value");
        }
        out[tok[i].substr(0, eq)] = tok[i].substr(eq + 1);
    }
    return out;
}

/// Contiguity from position 1, unique ids, references of conditions.
void check_fields(std::vector<field_spec_t> const &fields, std::size_t total, std::string const &what,
                  std::string const &origin)
{
    std::size_t pos = 1;
    std::set<std::string> ids;
    for (auto const &f : fields) {
        if (f.from != pos) {
            fail(origin, f.line,
                 what + " field " + f.id + " starts at " + std::to_string(f.from) + ", expected " +
                     std::to_string(pos) + (f.from < pos ? " (overlap)" : " (gap)"));
        }
        if (!ids.insert(f.id).second) {
            fail(origin, f.line, what + " field id " + f.id + " appears twice");
        }
        pos += f.length;
    }
    if (pos - 1 != total) {
        fail(origin, 0, what + ": fields add up to " + std::to_string(pos - 1) + " characters, declared " +
                            std::to_string(total));
    }
    for (auto const &f : fields) {
        for (auto const &r : f.rules) {
            if ((r.kind == rule_t::kind_t::required_if || r.kind == rule_t::kind_t::absent_if) &&
                !ids.contains(r.field)) {
                fail(origin, f.line, "field " + f.id + ": condition refers to unknown field " + r.field);
            }
        }
    }
}

} // namespace

rule_t const *field_spec_t::find(rule_t::kind_t k) const
{
    for (auto const &r : rules) {
        if (r.kind == k) {
            return &r;
        }
    }
    return nullptr;
}

std::string field_spec_t::label_of(std::string_view code) const
{
    if (auto const *r = find(rule_t::kind_t::one_of)) {
        for (auto const &[c, l] : r->codes) {
            if (c == code) {
                return l;
            }
        }
    }
    return {};
}

std::optional<std::string> field_spec_t::code_of(std::string_view label) const
{
    if (auto const *r = find(rule_t::kind_t::one_of)) {
        for (auto const &[c, l] : r->codes) {
            if (!l.empty() && l == label) {
                return c;
            }
        }
    }
    return std::nullopt;
}

std::string block_spec_t::attribute(std::string const &name) const
{
    auto const it = attributes.find(name);
    return it == attributes.end() ? std::string{} : it->second;
}

field_spec_t const *block_spec_t::field(std::string_view id) const
{
    for (auto const &f : fields) {
        if (f.id == id) {
            return &f;
        }
    }
    return nullptr;
}

field_spec_t const *record_layout_t::field(std::string_view id) const
{
    for (auto const &f : fields) {
        if (f.id == id) {
            return &f;
        }
    }
    return nullptr;
}

block_spec_t const *record_layout_t::block(std::string_view key) const
{
    for (auto const &b : blocks) {
        if (b.key == key) {
            return &b;
        }
    }
    return nullptr;
}

record_layout_t parse_layout(std::string_view text, std::string const &origin)
{
    record_layout_t out;
    out.origin = origin;
    std::optional<std::size_t> declared;
    bool seen_blocks = false;
    bool in_block = false;
    int line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        auto const first = line.find_first_not_of(" \t");
        if (first == std::string_view::npos || line[first] == '#') {
            if (end == text.size()) {
                break;
            }
            continue;
        }
        auto const tok = tokenize(line, origin, line_no);
        std::string const &key = tok[0];
        auto const one_value = [&]() -> std::string const & {
            if (tok.size() != 2) {
                fail(origin, line_no, "'" + key + "' takes exactly one value");
            }
            return tok[1];
        };
        if (key == "layout") {
            out.name = one_value();
        } else if (key == "title" || key == "source") {
            (key == "title" ? out.title : out.source) = rest_of_line(line);
        } else if (key == "version") {
            out.version = one_value();
        } else if (key == "status") {
            out.status = one_value();
        } else if (key == "charset") {
            out.charset = one_value();
            if (out.charset != "ISO-8859-1") {
                fail(origin, line_no, "charset '" + out.charset + "' is not supported (ISO-8859-1)");
            }
        } else if (key == "case") {
            auto const &v = one_value();
            if (v != "keep" && v != "upper") {
                fail(origin, line_no, "case must be 'keep' or 'upper'");
            }
            out.upper_case = v == "upper";
        } else if (key == "key") {
            out.key_field = one_value();
        } else if (key == "length") {
            std::string v = one_value();
            if (!v.empty() && v.back() == '+') {
                out.variable = true;
                v.pop_back();
            }
            declared = to_size(v, origin, line_no, "length");
        } else if (key == "field") {
            if (!in_block && seen_blocks) {
                fail(origin, line_no, "field after 'blocks' but before the first 'block'");
            }
            auto f = parse_field(tok, origin, line_no);
            (in_block ? out.blocks.back().fields : out.fields).push_back(std::move(f));
        } else if (key == "blocks") {
            if (seen_blocks) {
                fail(origin, line_no, "'blocks' appears twice");
            }
            seen_blocks = true;
            auto const attrs = parse_attributes(tok, 1, origin, line_no);
            auto const get = [&](char const *name) {
                auto const it = attrs.find(name);
                if (it == attrs.end()) {
                    fail(origin, line_no, std::string{"'blocks' needs "} + name + "=...");
                }
                return it->second;
            };
            out.count_field = get("count");
            out.block_key_field = get("key");
            if (attrs.contains("max")) {
                out.max_blocks = to_size(attrs.at("max"), origin, line_no, "max");
            }
        } else if (key == "block") {
            if (!seen_blocks) {
                fail(origin, line_no, "'block' before 'blocks'");
            }
            if (tok.size() < 3) {
                fail(origin, line_no, "a block line reads: block KEY len=N key=value... \"TITLE\"");
            }
            block_spec_t b;
            b.key = tok[1];
            b.attributes = parse_attributes(tok, 2, origin, line_no);
            if (!b.attributes.contains("len")) {
                fail(origin, line_no, "block " + b.key + " lacks len=");
            }
            b.length = to_size(b.attributes.at("len"), origin, line_no, "len");
            if (tok.back().front() == '"') {
                b.title = unquote(tok.back());
            }
            if (out.block(b.key) != nullptr) {
                fail(origin, line_no, "block " + b.key + " is defined twice");
            }
            out.blocks.push_back(std::move(b));
            in_block = true;
        } else {
            fail(origin, line_no, "unknown keyword '" + key + "'");
        }
        if (end == text.size()) {
            break;
        }
    }

    if (out.name.empty()) {
        fail(origin, 0, "no 'layout' name");
    }
    if (!declared) {
        fail(origin, 0, "no 'length'");
    }
    if (out.fields.empty()) {
        fail(origin, 0, "no fields");
    }
    out.fixed_length = *declared;
    check_fields(out.fields, out.fixed_length, "record", origin);
    if (!out.key_field.empty() && out.field(out.key_field) == nullptr) {
        fail(origin, 0, "key field " + out.key_field + " is not a field");
    }
    for (std::size_t i = 0; i < out.fields.size(); ++i) {
        auto const &f = out.fields[i];
        for (auto const &r : f.rules) {
            if (r.kind == rule_t::kind_t::absent_if && i + 1 != out.fields.size()) {
                fail(origin, f.line, "absent_if is allowed on the last field only");
            }
        }
    }
    if (out.variable != seen_blocks) {
        fail(origin, 0, out.variable ? "length N+ needs a 'blocks' line" : "'blocks' needs length N+");
    }
    if (out.variable) {
        auto const *count = out.field(out.count_field);
        if (count == nullptr || count->type != field_type_t::numeric) {
            fail(origin, 0, "block count field " + out.count_field + " must be a numeric field of the record");
        }
        if (out.blocks.empty()) {
            fail(origin, 0, "no block defined");
        }
        for (auto const &b : out.blocks) {
            check_fields(b.fields, b.length, "block " + b.key, origin);
            auto const &k = b.fields.front();
            if (k.id != out.block_key_field) {
                fail(origin, k.line, "block " + b.key + " must start with the key field " + out.block_key_field);
            }
            if (out.block_key_length == 0) {
                out.block_key_length = k.length;
            } else if (k.length != out.block_key_length) {
                fail(origin, k.line, "block " + b.key + ": key field length differs from the other blocks");
            }
            if (b.key.size() != k.length) {
                fail(origin, k.line, "block key '" + b.key + "' does not fit the key field length");
            }
            auto const *c = k.find(rule_t::kind_t::constant);
            if (c == nullptr || c->value != b.key) {
                fail(origin, k.line, "block " + b.key + ": key field needs const(" + b.key + ")");
            }
        }
    }
    return out;
}

layout_family_t parse_family(std::string_view family_text, std::string const &origin,
                             std::function<std::string(std::string const &)> const &read_file)
{
    std::map<std::string, std::string> keys;
    int line_no = 0;
    std::istringstream in{std::string{family_text}};
    std::string line;
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        auto const first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') {
            continue;
        }
        auto const tok = tokenize(line, origin, line_no);
        static std::set<std::string> const known{"family",  "procedure", "status",       "source",
                                                 "newline", "header",    "trailer",      "request",
                                                 "answer",  "vernr",     "request-vfmm", "answer-vfmm"};
        if (!known.contains(tok[0])) {
            fail(origin, line_no, "unknown keyword '" + tok[0] + "'");
        }
        if (tok[0] != "source" && tok.size() != 2) {
            fail(origin, line_no, "'" + tok[0] + "' takes exactly one value");
        }
        if (!keys.emplace(tok[0], tok[0] == "source" ? rest_of_line(line) : tok[1]).second) {
            fail(origin, line_no, "'" + tok[0] + "' appears twice");
        }
    }
    auto const need = [&](char const *k) -> std::string const & {
        auto const it = keys.find(k);
        if (it == keys.end() || it->second.empty()) {
            fail(origin, 0, std::string{"family file lacks '"} + k + "'");
        }
        return it->second;
    };
    layout_family_t f;
    f.name = need("family");
    f.procedure = need("procedure");
    f.status = need("status");
    f.source = keys.contains("source") ? keys.at("source") : std::string{};
    auto const nl = keys.contains("newline") ? keys.at("newline") : std::string{"lf"};
    if (nl == "lf") {
        f.newline = "\n";
    } else if (nl == "crlf") {
        f.newline = "\r\n";
    } else {
        fail(origin, 0, "newline must be 'lf' or 'crlf'");
    }
    f.request_vfmm = need("request-vfmm");
    f.answer_vfmm = need("answer-vfmm");
    f.vernr = need("vernr");
    auto const load = [&](char const *role) {
        auto const &file = need(role);
        return parse_layout(read_file(file), f.name + "/" + file);
    };
    f.header = load("header");
    f.trailer = load("trailer");
    f.request = load("request");
    f.answer = load("answer");
    for (auto const *r : {&f.header, &f.trailer, &f.request, &f.answer}) {
        if (r->key_field.empty()) {
            fail(r->origin, 0, "records of a family need a 'key' field");
        }
    }
    for (char const *id : {"VFMM", "ADNR", "EPNR", "ED", "DTNR", "VERNR"}) {
        if (f.header.field(id) == nullptr) {
            fail(f.header.origin, 0, std::string{"the Vorlaufsatz needs a field "} + id);
        }
    }
    bool has_count = false;
    for (auto const &fs : f.trailer.fields) {
        has_count = has_count || fs.has(rule_t::kind_t::count);
    }
    if (!has_count) {
        fail(f.trailer.origin, 0, "the Nachlaufsatz needs a field with rule 'count'");
    }
    return f;
}

layout_family_t const &family(std::string const &name)
{
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<layout_family_t>> cache;
    std::lock_guard const lock{mutex};
    auto const it = cache.find(name);
    if (it != cache.end()) {
        return *it->second;
    }
    std::string const dir = LAYOUT_ROOT + name + "/";
    std::string_view family_text;
    try {
        family_text = embedded::get(dir + "family.layout");
    } catch (internal_error const &) {
        throw config_error{"exchange layout family '" + name + "' is not compiled into this binary"};
    }
    auto f = std::make_unique<layout_family_t>(parse_family(family_text, dir + "family.layout",
                                                            [&](std::string const &file) {
                                                                try {
                                                                    return std::string{embedded::get(dir + file)};
                                                                } catch (internal_error const &) {
                                                                    throw config_error{"layout " + dir + file +
                                                                                       " is missing"};
                                                                }
                                                            }));
    if (f->name != name) {
        throw config_error{"layout " + dir + "family.layout names family '" + f->name + "'"};
    }
    return *cache.emplace(name, std::move(f)).first->second;
}

layout_family_t load_family_from_directory(std::string const &directory)
{
    auto const read = [](std::filesystem::path const &p) {
        std::ifstream in{p, std::ios::binary};
        if (!in) {
            throw config_error{"cannot read layout file " + p.string()};
        }
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    };
    std::filesystem::path const dir{directory};
    return parse_family(read(dir / "family.layout"), (dir / "family.layout").string(),
                        [&](std::string const &file) { return read(dir / file); });
}

std::vector<std::string> embedded_families()
{
    std::vector<std::string> out;
    for (auto const &f : embedded::with_prefix(LAYOUT_ROOT)) {
        auto const rel = f.path.substr(LAYOUT_ROOT.size());
        auto const slash = rel.find('/');
        if (slash != std::string_view::npos && rel.substr(slash + 1) == "family.layout") {
            out.emplace_back(rel.substr(0, slash));
        }
    }
    return out;
}

} // namespace sozbatch::exchange
