// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/sepa/sepa_text.hpp"

#include "lib/core/error.hpp"
#include "lib/core/text.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <cstdint>
#include <iterator>
#if defined(__x86_64__)
#include <tmmintrin.h>
#endif

namespace sozbatch::sepa {

namespace {

struct translit_entry_t
{
    char32_t code_point;
    char const *replacement;
};

constexpr translit_entry_t TRANSLIT_TABLE[] = {
#include "formats/sepa/dk_translit_table.inc"
};

static_assert(std::size(TRANSLIT_TABLE) > 500, "transliteration table looks truncated");

/// ASCII characters outside the basic set and what they become (in text and in identifiers).
char const *ascii_replacement(char32_t c) noexcept
{
    switch (c) {
    case '"': return "'";
    case '`': return "'";
    case '!': return ".";
    case '*': return ".";
    case '#': return "Nr.";
    case '$': return "USD";
    case '%': return "Proz.";
    case ';': return ",";
    case '<':
    case '[':
    case '{': return "(";
    case '>':
    case ']':
    case '}': return ")";
    case '=':
    case '~':
    case '_': return "-";
    case '@': return "(at)";
    case '\\':
    case '|': return "/";
    case '^': return " ";
    default: return nullptr;
    }
}

/// Replacements of the DTAUS characters inside identifiers (basic set only there).
char const *id_replacement(char32_t c) noexcept
{
    switch (c) {
    case U'Ä': return "AE";
    case U'Ö': return "OE";
    case U'Ü': return "UE";
    case U'ä': return "ae";
    case U'ö': return "oe";
    case U'ü': return "ue";
    case U'ß': return "ss";
    case U'&': return "+";
    default: return nullptr;
    }
}

struct decoded_t
{
    char32_t cp;
    std::string_view bytes;
};

[[noreturn]] void bad_utf8(std::size_t offset)
{
    throw validation_error{"text is not valid UTF-8 (byte offset " + std::to_string(offset) + ")"};
}

/// Decodes the character at \p i of strict UTF-8 (no overlong forms, no surrogates, <= U+10FFFF)
/// and advances \p i past it. \throws validation_error on invalid UTF-8
char32_t next_code_point(std::string_view s, std::size_t &i)
{
    char32_t cp = 0;
    if (!decode_utf8(s, i, cp)) {
        bad_utf8(i);
    }
    return cp;
}

/// Decodes strict UTF-8 (no overlong forms, no surrogates, <= U+10FFFF).
std::vector<decoded_t> decode(std::string_view s)
{
    std::vector<decoded_t> out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t const start = i;
        char32_t const cp = next_code_point(s, i);
        out.push_back({cp, s.substr(start, i - start)});
    }
    return out;
}

bool is_basic_ascii(char32_t c) noexcept
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    switch (c) {
    case '\'':
    case ':':
    case '?':
    case ',':
    case '-':
    case '(':
    case '+':
    case '.':
    case ')':
    case '/':
    case ' ': return true;
    default: return false;
    }
}

/// An ASCII set for skip_in: for skip_marked, 1 for each ASCII character \p keep accepts and 0 for
/// the others and for every byte from 0x80 on (those are decoded by the caller); for sixteen bytes
/// at a time, one byte per low nibble whose bit h says whether (h << 4 | low nibble) is in the set.
struct ascii_set_t
{
    std::array<std::uint8_t, 256> table{};
    alignas(16) std::array<std::uint8_t, 16> by_low{};
};

template <class Keep>
ascii_set_t ascii_set(Keep keep)
{
    ascii_set_t set;
    for (unsigned c = 0; c < 128; ++c) {
        if (keep(static_cast<char32_t>(c))) {
            set.table[c] = 1;
            set.by_low[c & 0x0FU] = static_cast<std::uint8_t>(set.by_low[c & 0x0FU] | (1U << (c >> 4)));
        }
    }
    return set;
}

#if defined(__x86_64__)
/// skip_marked for \p set, sixteen bytes at a time (two table shuffles; bytes from 0x80 on have
/// no bit, so they end a run as in the table).
__attribute__((target("ssse3"))) std::size_t skip_in_ssse3(ascii_set_t const &set, unsigned char const *s,
                                                           std::size_t i, std::size_t n) noexcept
{
    __m128i const by_low = _mm_load_si128(reinterpret_cast<__m128i const *>(set.by_low.data()));
    __m128i const bit = _mm_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0);
    __m128i const nibble = _mm_set1_epi8(0x0F);
    for (; i + 16 <= n; i += 16) {
        __m128i const v = _mm_loadu_si128(reinterpret_cast<__m128i const *>(s + i));
        __m128i const row = _mm_shuffle_epi8(by_low, _mm_and_si128(v, nibble));
        __m128i const high = _mm_shuffle_epi8(bit, _mm_and_si128(_mm_srli_epi16(v, 4), nibble));
        __m128i const out = _mm_cmpeq_epi8(_mm_and_si128(row, high), _mm_setzero_si128());
        if (int const m = _mm_movemask_epi8(out); m != 0) {
            return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(m)));
        }
    }
    return skip_marked(set.table.data(), s, i, n);
}
#endif

/// The first index from \p i on whose byte is not in \p set (\p n if none).
inline std::size_t skip_in(ascii_set_t const &set, unsigned char const *s, std::size_t i, std::size_t n) noexcept
{
#if defined(__x86_64__)
    static bool const ssse3 = __builtin_cpu_supports("ssse3");
    if (ssse3) {
        return skip_in_ssse3(set, s, i, n);
    }
#endif
    return skip_marked(set.table.data(), s, i, n);
}

bool is_blank_or_control(char32_t c) noexcept
{
    return c == ' ' || c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0x2028 || c == 0x2029;
}

bool is_lower_letter(char32_t c) noexcept
{
    if ((c >= 'a' && c <= 'z') || c == U'ä' || c == U'ö' || c == U'ü' || c == U'ß') {
        return true;
    }
    char const *t = transliteration_of(c);
    return t != nullptr && t[0] >= 'a' && t[0] <= 'z';
}

/// "ZH" before a lower-case letter becomes "Zh" (Жуков -> Zhukov, not ZHukov).
std::string titlecase_if_needed(std::string rep, char32_t next) noexcept
{
    if (rep.size() > 1 && is_lower_letter(next) && std::all_of(rep.begin(), rep.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; })) {
        for (std::size_t k = 1; k < rep.size(); ++k) {
            rep[k] = static_cast<char>(rep[k] - 'A' + 'a');
        }
    }
    return rep;
}


/// Removes blanks at both ends and collapses inner runs of blanks (the text is DK-clean here).
std::string normalise_blanks(std::string const &s)
{
    std::string out;
    out.reserve(s.size());
    bool pending = false;
    for (char const ch : s) {
        if (ch == ' ') {
            pending = !out.empty();
            continue;
        }
        if (pending) {
            out += ' ';
            pending = false;
        }
        out += ch;
    }
    return out;
}

dk_text_t convert(std::string_view utf8, std::size_t max_chars, bool id_mode)
{
    auto const chars = decode(utf8);
    dk_text_t result;
    result.original_chars = chars.size();
    std::string raw;
    raw.reserve(utf8.size());
    for (std::size_t i = 0; i < chars.size(); ++i) {
        char32_t const c = chars[i].cp;
        char32_t const next = i + 1 < chars.size() ? chars[i + 1].cp : U' ';
        if (is_blank_or_control(c)) {
            raw += ' ';
            continue;
        }
        if (is_basic_ascii(c)) {
            raw += static_cast<char>(c);
            continue;
        }
        if (id_mode) {
            if (char const *r = id_replacement(c)) {
                std::string const rep = titlecase_if_needed(r, next);
                result.changes.push_back({std::string{chars[i].bytes}, rep});
                raw += rep;
                continue;
            }
        } else if (is_dk_text_char(c)) {
            append_utf8(raw, c);
            continue;
        }
        char const *r = c < 0x80 ? ascii_replacement(c) : transliteration_of(c);
        if (r == nullptr) {
            result.unmappable.emplace_back(chars[i].bytes);
            continue;
        }
        std::string const rep = titlecase_if_needed(r, next);
        result.changes.push_back({std::string{chars[i].bytes}, rep});
        raw += rep;
    }
    std::string text = normalise_blanks(raw);
    result.blanks_normalised = text != raw || std::any_of(chars.begin(), chars.end(), [](auto const &ch) {
        return ch.cp != U' ' && is_blank_or_control(ch.cp);
    });
    if (id_mode) {
        std::string cleaned;
        for (char const ch : text) {
            if (ch == '/' && !cleaned.empty() && cleaned.back() == '/') {
                continue;
            }
            cleaned += ch;
        }
        while (!cleaned.empty() && (cleaned.front() == '/' || cleaned.front() == ' ')) {
            cleaned.erase(cleaned.begin());
        }
        text = std::move(cleaned);
    }
    if (utf8_length(text) > max_chars) {
        text = truncate_utf8(text, max_chars);
        result.truncated = true;
    }
    while (!text.empty() && (text.back() == ' ' || (id_mode && text.back() == '/'))) {
        text.pop_back();
    }
    result.text = std::move(text);
    return result;
}

} // namespace

std::string dk_text_t::describe() const
{
    std::string s;
    for (auto const &c : changes) {
        if (!s.empty()) {
            s += ", ";
        }
        s += c.from + "->" + (c.to.empty() ? std::string{"(dropped)"} : c.to);
    }
    for (auto const &u : unmappable) {
        if (!s.empty()) {
            s += ", ";
        }
        s += u + "->(no transliteration, dropped)";
    }
    if (blanks_normalised) {
        if (!s.empty()) {
            s += "; ";
        }
        s += "blanks normalised";
    }
    if (truncated) {
        if (!s.empty()) {
            s += "; ";
        }
        s += "truncated " + std::to_string(original_chars) + "->" + std::to_string(utf8_length(text));
    }
    return s;
}

std::size_t utf8_length(std::string_view utf8)
{
    std::size_t n = 0;
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        auto const b = static_cast<unsigned char>(utf8[i]);
        if ((b & 0xC0u) != 0x80u) {
            ++n;
        }
    }
    // A quick count is enough for valid input; validate only when non-ASCII bytes are present.
    if (std::any_of(utf8.begin(), utf8.end(), [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; })) {
        return decode(utf8).size();
    }
    return n;
}

std::string truncate_utf8(std::string_view utf8, std::size_t max_chars)
{
    auto const chars = decode(utf8);
    if (chars.size() <= max_chars) {
        return std::string{utf8};
    }
    std::string out;
    for (std::size_t i = 0; i < max_chars; ++i) {
        out += chars[i].bytes;
    }
    return out;
}

bool is_dk_id_char(char32_t c) noexcept { return is_basic_ascii(c); }

bool is_dk_text_char(char32_t c) noexcept
{
    return is_basic_ascii(c) || c == U'Ä' || c == U'Ö' || c == U'Ü' || c == U'ä' || c == U'ö' || c == U'ü' ||
           c == U'ß' || c == U'&';
}

char const *transliteration_of(char32_t c) noexcept
{
    auto const *const end = std::end(TRANSLIT_TABLE);
    auto const *const it = std::lower_bound(std::begin(TRANSLIT_TABLE), end, c,
                                            [](translit_entry_t const &e, char32_t v) { return e.code_point < v; });
    if (it == end || it->code_point != c) {
        return nullptr;
    }
    return it->replacement;
}

dk_text_t to_dk_text(std::string_view utf8, std::size_t max_chars) { return convert(utf8, max_chars, false); }

dk_text_t to_dk_id(std::string_view utf8, std::size_t max_chars)
{
    return convert(utf8, std::min(max_chars, MAX_ID_CHARS), true);
}

std::string check_dk_text(std::string_view utf8, std::size_t max_chars)
{
    // One pass without allocations (this runs for every name and Ustrd written); the verdicts keep
    // their order: invalid UTF-8, empty, too long, first character outside the set.
    std::size_t chars = 0;
    std::string_view first_outside;
    try {
        // ASCII by set (most characters): runs of allowed ASCII sixteen bytes at a time, the rest decoded
        static auto const ascii_ok = ascii_set([](char32_t c) { return is_basic_ascii(c) || c == U'&'; });
        auto const *const bytes = reinterpret_cast<unsigned char const *>(utf8.data());
        for (std::size_t i = 0; i < utf8.size();) {
            std::size_t const run = i;
            // a byte >= 0x80 is never marked: the table's upper half is 0
            i = skip_in(ascii_ok, bytes, i, utf8.size());
            chars += i - run;
            if (i == utf8.size()) {
                break;
            }
            auto const byte = static_cast<unsigned char>(utf8[i]);
            if (byte < 0x80) {
                ++chars;
                if (first_outside.empty()) {
                    first_outside = utf8.substr(i, 1);
                }
                ++i;
                continue;
            }
            std::size_t const start = i;
            char32_t const c = next_code_point(utf8, i);
            ++chars;
            if (first_outside.empty() && !is_dk_text_char(c)) {
                first_outside = utf8.substr(start, i - start);
            }
        }
    } catch (validation_error const &e) {
        return e.what();
    }
    if (chars == 0) {
        return "empty";
    }
    if (chars > max_chars) {
        return std::to_string(chars) + " characters, at most " + std::to_string(max_chars) + " allowed";
    }
    if (!first_outside.empty()) {
        return "character '" + std::string{first_outside} + "' is not in the DK character set";
    }
    return {};
}

std::string check_dk_id(std::string_view id)
{
    if (id.empty()) {
        return "empty";
    }
    if (id.size() > MAX_ID_CHARS) {
        return std::to_string(id.size()) + " characters, at most 35 allowed";
    }
    // the basic set sixteen bytes at a time (skip_in; this runs for every EndToEndId written)
    static auto const basic = ascii_set(is_basic_ascii);
    auto const *const bytes = reinterpret_cast<unsigned char const *>(id.data());
    if (std::size_t const i = skip_in(basic, bytes, 0, id.size()); i < id.size()) {
        return "character '" + std::string(1, id[i]) + "' is not allowed in identifiers (SEPA basic set only)";
    }
    if (id.front() == '/' || id.back() == '/') {
        return "must not start or end with '/'";
    }
    if (id.find("//") != std::string_view::npos) {
        return "must not contain '//'";
    }
    return {};
}

} // namespace sozbatch::sepa
