// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/xml/sax_scanner.hpp"

#include "lib/core/text.hpp"

#include <libxml/uri.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sozbatch::xml {

namespace {

constexpr std::size_t PAD = 64;                  ///< zero bytes after the data (sentinel and 8-byte loads)
constexpr std::size_t INITIAL_BUFFER = 1u << 18; ///< 256 KiB
constexpr std::size_t MAX_NAME = 10000;
constexpr std::size_t MAX_TEXT = 1000000;        ///< attribute values, comments, PIs, CDATA sections
constexpr std::size_t MAX_TAG = 4000000;
constexpr std::size_t MAX_DEPTH = 256;
constexpr std::size_t MAX_DECL = 4096;

constexpr std::string_view XML_NS = "http://www.w3.org/XML/1998/namespace";
constexpr std::string_view XMLNS_NS = "http://www.w3.org/2000/xmlns/";
constexpr char LF[] = "\n";

using table_t = std::array<bool, 256>;

constexpr bool is_ascii_letter(unsigned c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/// Bytes that end nothing in text: TAB, LF and printable ASCII except '<', '&', ']'.
constexpr table_t make_text_table()
{
    table_t t{};
    for (unsigned c = 0x20; c < 0x80; ++c) {
        t[c] = c != '<' && c != '&' && c != ']';
    }
    t['\t'] = t['\n'] = true;
    return t;
}

/// Printable ASCII (and TAB, LF, CR) except \p stop: the plain bytes of comments, PIs and CDATA.
constexpr table_t make_markup_table(unsigned char stop)
{
    table_t t{};
    for (unsigned c = 0x20; c < 0x80; ++c) {
        t[c] = c != stop;
    }
    t['\t'] = t['\n'] = t['\r'] = true;
    return t;
}

/// Plain bytes of attribute values: printable ASCII except '<', '&' and both quotes.
constexpr table_t make_attr_table()
{
    table_t t{};
    for (unsigned c = 0x20; c < 0x80; ++c) {
        t[c] = c != '<' && c != '&' && c != '"' && c != '\'';
    }
    return t;
}

constexpr table_t make_name_table(bool start)
{
    table_t t{};
    for (unsigned c = 0; c < 0x80; ++c) {
        t[c] = is_ascii_letter(c) || c == '_' || (!start && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
    }
    return t;
}

[[maybe_unused]] constexpr table_t TEXT = make_text_table(); ///< (the scalar text_run)
constexpr table_t ATTR = make_attr_table();
constexpr table_t COMMENT = make_markup_table('-');
constexpr table_t PI = make_markup_table('?');
constexpr table_t CDATA = make_markup_table(']');
constexpr table_t NAME = make_name_table(false);
constexpr table_t NAME_START = make_name_table(true);

inline bool is_ws(unsigned char c) noexcept { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

inline bool is_xml_char(char32_t c) noexcept
{
    return (c >= 0x20 && c <= 0xD7FF) || c == 0x9 || c == 0xA || c == 0xD || (c >= 0xE000 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

/// NameStartChar of XML 1.0 5th edition, without ':'.
inline bool is_name_start(char32_t c) noexcept
{
    return is_ascii_letter(c) || c == '_' || (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) ||
           (c >= 0xF8 && c <= 0x2FF) || (c >= 0x370 && c <= 0x37D) || (c >= 0x37F && c <= 0x1FFF) ||
           (c >= 0x200C && c <= 0x200D) || (c >= 0x2070 && c <= 0x218F) || (c >= 0x2C00 && c <= 0x2FEF) ||
           (c >= 0x3001 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0xEFFFF);
}

/// NameChar of XML 1.0 5th edition, without ':'.
inline bool is_name_char(char32_t c) noexcept
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == 0xB7 ||
           (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);
}

/// Length of the run of ASCII name characters (letters, digits, '-', '.', '_') at \p q. Reads in
/// blocks of 16 bytes; the run ends at the latest at the zero byte after the data.
inline std::size_t name_run(char const *q) noexcept
{
#if defined(__SSE2__)
    std::size_t n = 0;
    for (;;) {
        __m128i const v = _mm_loadu_si128(reinterpret_cast<__m128i const *>(q + n));
        __m128i const lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
        __m128i const letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                             _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
        __m128i const digit =
            _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
        __m128i const punct = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')), _mm_cmpeq_epi8(v, _mm_set1_epi8('.'))),
                                           _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
        auto const m = ~static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(letter, digit), punct))) & 0xFFFFu;
        if (m != 0) {
            return n + static_cast<std::size_t>(__builtin_ctz(m));
        }
        n += 16;
    }
#else
    std::size_t n = 0;
    while (NAME[static_cast<unsigned char>(q[n])]) {
        ++n;
    }
    return n;
#endif
}

/// Length of the run of plain text bytes at \p q (see TEXT); reads in blocks of 16 bytes.
inline std::size_t text_run(char const *q) noexcept
{
#if defined(__SSE2__)
    std::size_t n = 0;
    for (;;) {
        __m128i const v = _mm_loadu_si128(reinterpret_cast<__m128i const *>(q + n));
        // below 0x20 or above 0x7F (signed compare), except TAB and LF; '<', '&', ']'
        __m128i const control = _mm_andnot_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))),
            _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
        __m128i const special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('<')), _mm_cmpeq_epi8(v, _mm_set1_epi8('&'))),
                                             _mm_cmpeq_epi8(v, _mm_set1_epi8(']')));
        auto const m = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(control, special)));
        if (m != 0) {
            return n + static_cast<std::size_t>(__builtin_ctz(m));
        }
        n += 16;
    }
#else
    std::size_t n = 0;
    while (TEXT[static_cast<unsigned char>(q[n])]) {
        ++n;
    }
    return n;
#endif
}

/// Number of LF bytes in [a, e).
inline long count_lf(char const *a, char const *e) noexcept
{
    long n = 0;
#if defined(__SSE2__)
    __m128i const lf = _mm_set1_epi8('\n');
    while (e - a >= 16) {
        __m128i acc = _mm_setzero_si128();
        for (int k = 0; k < 255 && e - a >= 16; ++k, a += 16) {
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<__m128i const *>(a)), lf));
        }
        __m128i const sums = _mm_sad_epu8(acc, _mm_setzero_si128());
        n += _mm_cvtsi128_si32(sums) + _mm_extract_epi16(sums, 4);
    }
#endif
    for (; a < e; ++a) {
        n += *a == '\n';
    }
    return n;
}

inline std::uint64_t load64(char const *p) noexcept
{
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
}

/// A mask of the low \p n bytes, 1 <= n <= 8.
inline std::uint64_t low_bytes(std::size_t n) noexcept { return ~0ull >> (64 - 8 * n); }

/// Hash of \p n bytes at \p s; reads up to 7 bytes past the end (the callers pad).
inline std::uint64_t hash_padded(char const *s, std::size_t n) noexcept
{
    std::uint64_t h = 0x9E3779B97F4A7C15ull * (n + 1);
    while (n > 8) {
        h = (h ^ load64(s)) * 0xff51afd7ed558ccdull;
        s += 8;
        n -= 8;
    }
    std::uint64_t const w = n == 0 ? 0 : load64(s) & low_bytes(n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 29);
}

/// Equality of \p n bytes; reads up to 7 bytes past the ends (the callers pad).
inline bool equal_padded(char const *a, char const *b, std::size_t n) noexcept
{
    while (n > 8) {
        if (load64(a) != load64(b)) {
            return false;
        }
        a += 8;
        b += 8;
        n -= 8;
    }
    return n == 0 || ((load64(a) ^ load64(b)) & low_bytes(n)) == 0;
}

inline bool equal_ci(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

std::size_t encode_utf8(char32_t cp, char *out) noexcept
{
    if (cp < 0x80) {
        out[0] = static_cast<char>(cp);
        return 1;
    }
    if (cp < 0x800) {
        out[0] = static_cast<char>(0xC0 | (cp >> 6));
        out[1] = static_cast<char>(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = static_cast<char>(0xE0 | (cp >> 12));
        out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out[2] = static_cast<char>(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = static_cast<char>(0xF0 | (cp >> 18));
    out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[3] = static_cast<char>(0x80 | (cp & 0x3F));
    return 4;
}

/// An interned string. As a QName (a name read from a tag) it also knows its prefix and local part.
struct name_t
{
    char const *str;
    std::uint32_t len;
    std::uint64_t hash;
    xmlChar const *local = nullptr;
    xmlChar const *prefix = nullptr;
    bool split = false;
    bool uri_checked = false; ///< xmlParseURI accepted it as a namespace name
    /// As an element name without prefix: the name of the start tag that last followed its start
    /// tag and its end tag (a guess checked byte by byte, which spares the hash lookup).
    name_t *next_child = nullptr;
    name_t *next_sibling = nullptr;
    /// As an element name: its first attribute's name last time; as an attribute name: the next one's.
    name_t *next_attribute = nullptr;
};

} // namespace

struct sax_scanner_t::impl_t
{
    enum class r_t { ok, more, fail, stop };
    static constexpr std::size_t NO_NS = ~std::size_t{0};

    struct frame_t
    {
        name_t *qname;
        xmlChar const *uri;
        std::size_t ns_base; ///< size of ns before the element's declarations, NO_NS if it has none
        xmlChar const *saved_default;
    };

    struct attribute_t
    {
        name_t *name;
        std::size_t begin; ///< a pointer into the buffer, or an offset into m_values when normalised
        std::size_t end;
        bool normalised;
    };

    impl_t(sax_callbacks_t const &callbacks, void *user_data, byte_source_t &source)
        : cb(callbacks), user(user_data), src(source)
    {
        storage.reset(new char[cap + PAD]);
        buf = storage.get();
        p = line_pos = cur = buf;
        end = buf;
        std::memset(buf, 0, PAD);
        xml_prefix = intern("xml");
        xmlns_name = intern("xmlns");
        xml_ns = intern(XML_NS);
    }

    // ---- interning

    name_t *lookup(char const *s, std::size_t n)
    {
        std::uint64_t const h = hash_padded(s, n);
        std::size_t i = h & slot_mask;
        while (name_t *e = slots[i]) {
            if (e->hash == h && e->len == n && equal_padded(e->str, s, n)) {
                return e;
            }
            i = (i + 1) & slot_mask;
        }
        return insert(s, n, h);
    }

    name_t *insert(char const *s, std::size_t n, std::uint64_t h)
    {
        if (arena_left < n + 1 + 8) {
            std::size_t const size = std::max<std::size_t>(1u << 16, n + 1 + 8);
            arenas.emplace_back(new char[size]());
            arena_next = arenas.back().get();
            arena_left = size;
        }
        char *copy = arena_next;
        std::memcpy(copy, s, n);
        std::memset(copy + n, 0, 8);
        arena_next += n + 1 + 8;
        arena_left -= n + 1 + 8;
        names.push_back(name_t{copy, static_cast<std::uint32_t>(n), h});
        name_t *e = &names.back();
        if ((names.size() + 1) * 2 > slots.size()) {
            std::vector<name_t *> grown(slots.size() * 2, nullptr);
            std::size_t const mask = grown.size() - 1;
            for (name_t *x : slots) {
                if (x != nullptr) {
                    std::size_t i = x->hash & mask;
                    while (grown[i] != nullptr) {
                        i = (i + 1) & mask;
                    }
                    grown[i] = x;
                }
            }
            slots.swap(grown);
            slot_mask = mask;
        }
        std::size_t i = h & slot_mask;
        while (slots[i] != nullptr) {
            i = (i + 1) & slot_mask;
        }
        slots[i] = e;
        return e;
    }

    name_t *intern_entry(std::string_view s)
    {
        scratch.assign(s);
        scratch.append(8, '\0');
        return lookup(scratch.data(), s.size());
    }

    xmlChar const *intern(std::string_view s) { return as_xml(intern_entry(s)->str); }

    static xmlChar const *as_xml(char const *s) noexcept { return reinterpret_cast<xmlChar const *>(s); }

    /// The QName entry of the \p n bytes at \p s (padded), \p colon the offset of its colon or 0.
    name_t *qname(char const *s, std::size_t n, std::size_t colon)
    {
        name_t *e = lookup(s, n);
        if (!e->split) {
            if (colon == 0) {
                e->local = as_xml(e->str);
            } else {
                name_t *prefix = lookup(e->str, colon);
                name_t *local = lookup(e->str + colon + 1, n - colon - 1);
                e->prefix = as_xml(prefix->str);
                e->local = as_xml(local->str);
            }
            e->split = true;
        }
        return e;
    }

    // ---- input

    std::size_t avail(char const *q) const noexcept { return static_cast<std::size_t>(end - q); }

    /// Keeps the bytes from p on, reads more (at least as many as are kept, unless the source ends).
    void refill()
    {
        count_lines_to(p);
        consumed += static_cast<std::uint64_t>(p - buf);
        std::size_t const keep = avail(p);
        if (keep > cap / 2) {
            std::size_t const grown = std::max(cap * 2, keep * 2);
            std::unique_ptr<char[]> next{new char[grown + PAD]};
            std::memcpy(next.get(), p, keep);
            storage = std::move(next);
            buf = storage.get();
            cap = grown;
        } else if (keep > 0) {
            std::memmove(buf, p, keep);
        }
        p = buf;
        end = buf + keep;
        line_pos = buf;
        cur = buf;
        std::size_t got = 0;
        do {
            std::size_t const n = src.read(end, cap - keep - got);
            if (n == 0) {
                eof = true;
                break;
            }
            end += n;
            got += n;
        } while (got < keep && keep + got < cap);
        std::memset(end, 0, PAD);
    }

    void count_lines_to(char const *q) const noexcept
    {
        if (q >= line_pos) {
            line_count += count_lf(line_pos, q);
        } else {
            line_count -= count_lf(q, line_pos);
        }
        line_pos = q;
    }

    long line_at(char const *q) const noexcept
    {
        count_lines_to(q);
        return 1 + line_count;
    }

    // ---- findings

    r_t fail(char const *at, std::string message)
    {
        if (error.empty()) {
            error = std::move(message);
            error_line = line_at(std::min(at, static_cast<char const *>(end)));
            if (cb.error != nullptr && !stopped) {
                xmlError e{};
                e.domain = XML_FROM_PARSER;
                e.code = XML_ERR_INTERNAL_ERROR;
                e.level = XML_ERR_FATAL;
                e.message = error.data();
                e.line = static_cast<int>(error_line);
                cb.error(user, &e);
            }
        }
        stopped = true;
        return r_t::fail;
    }

    r_t unsupported(char const *at, std::string what) { return fail(at, "unsupported: " + what); }

    /// Up to 64 bytes of the document for a message, control characters as '?' (a NUL would cut
    /// the message short in the error callback).
    static std::string show(char const *s, char const *e)
    {
        std::string r{s, static_cast<std::size_t>(std::min<std::ptrdiff_t>(e - s, 64))};
        for (char &c : r) {
            if (static_cast<unsigned char>(c) < 0x20) {
                c = '?';
            }
        }
        return r;
    }

    /// At a 0 byte: the end of the data (more) or a NUL byte (a finding).
    r_t at_zero(char const *q)
    {
        if (q >= end) {
            return r_t::more;
        }
        return fail(q, "NUL byte (not an XML character)");
    }

    /// A non-ASCII character at \p q: its length, 0 when more bytes are needed, -1 after a finding.
    int check_utf8(char const *q)
    {
        auto const b0 = static_cast<unsigned char>(q[0]);
        if (b0 >= 0xC2 && b0 <= 0xDF && (static_cast<unsigned char>(q[1]) & 0xC0) == 0x80) {
            return 2; // U+0080 to U+07FF: all XML characters
        }
        std::size_t i = 0;
        char32_t c = 0;
        std::string_view const s{q, avail(q)};
        if (!decode_utf8(s, i, c)) {
            if (!eof && avail(q) < 4) {
                return 0;
            }
            fail(q, "invalid UTF-8");
            return -1;
        }
        if (c == 0xFFFE || c == 0xFFFF) {
            fail(q, "character U+" + std::string{c == 0xFFFE ? "FFFE" : "FFFF"} + " is not an XML character");
            return -1;
        }
        return static_cast<int>(i);
    }

    r_t bad_char(char const *q)
    {
        if (*q == 0) {
            return at_zero(q);
        }
        char hex[8];
        std::snprintf(hex, sizeof hex, "%02X", static_cast<unsigned char>(*q));
        return fail(q, std::string{"character 0x"} + hex + " is not allowed here");
    }

    /// Text in the buffer: [s, e).
    bool emit_text(char const *s, char const *e) { return emit_text(s, e, e); }

    /// Text \p s .. \p e (in the buffer, or a decoded reference or line end elsewhere) that ends at
    /// \p at in the buffer: where line() counts to while the callback runs.
    bool emit_text(char const *s, char const *e, char const *at)
    {
        if (e > s) {
            text_bytes += static_cast<std::size_t>(e - s);
            if (text_bytes > MAX_TEXT) {
                // libxml2's tree builder (xmlReadMemory) refuses text nodes over 10,000,000 bytes
                unsupported(s, "more than 1000000 bytes of text between two end tags");
                return false;
            }
            if (cb.characters != nullptr) {
                cur = at;
                cb.characters(user, as_xml(s), static_cast<int>(e - s));
            }
        }
        return !stopped;
    }

    // ---- names

    /// \p g if the name at \p q is exactly g's, else nullptr.
    name_t *guessed(name_t *g, char const *q) const noexcept
    {
        if (g == nullptr) {
            return nullptr;
        }
        std::size_t const n = g->len;
        if (avail(q) <= n) {
            return nullptr;
        }
        auto const c = static_cast<unsigned char>(q[n]);
        if (NAME[c] || c == ':' || c >= 0x80 || c == 0) {
            return nullptr;
        }
        return equal_padded(q, g->str, n) ? g : nullptr;
    }

    /// Reads a QName at \p q (advanced past it) and interns it.
    r_t read_qname(char const *&q, name_t *&out, char const *what)
    {
        if (NAME_START[static_cast<unsigned char>(*q)]) {
            std::size_t const n = name_run(q);
            auto const c = static_cast<unsigned char>(q[n]);
            if (c != ':' && c < 0x80 && c != 0 && n <= MAX_NAME) {
                out = qname(q, n, 0);
                q += n;
                return r_t::ok;
            }
        }
        char const *const s = q;
        std::size_t colon = 0;
        if (r_t const r = scan_qname(q, colon, what); r != r_t::ok) {
            return r;
        }
        out = qname(s, static_cast<std::size_t>(q - s), colon);
        return r_t::ok;
    }

    /// Reads a QName at \p q (advanced past it); colon: offset of the colon, 0 if none.
    r_t scan_qname(char const *&q, std::size_t &colon, char const *what)
    {
        char const *const s = q;
        colon = 0;
        bool at_start = true;
        for (;;) {
            auto c = static_cast<unsigned char>(*q);
            if (at_start) {
                if (NAME_START[c]) {
                    ++q;
                } else if (c >= 0x80) {
                    std::size_t i = 0;
                    char32_t cp = 0;
                    if (!decode_utf8(std::string_view{q, avail(q)}, i, cp)) {
                        if (!eof && avail(q) < 4) {
                            return r_t::more;
                        }
                        return fail(q, "invalid UTF-8");
                    }
                    if (!is_name_start(cp)) {
                        return fail(q, std::string{what} + ": name expected");
                    }
                    q += i;
                } else if (c == 0 && q >= end) {
                    return r_t::more;
                } else {
                    return fail(q, std::string{what} + ": name expected" +
                                       (c == ':' ? " (a name cannot start with ':')" : ""));
                }
                at_start = false;
            }
            while (NAME[static_cast<unsigned char>(*q)]) {
                ++q;
            }
            c = static_cast<unsigned char>(*q);
            if (c == ':') {
                if (colon != 0) {
                    return fail(q, std::string{what} + ": name '" + show(s, q + 1) + "' has two colons");
                }
                colon = static_cast<std::size_t>(q - s);
                ++q;
                at_start = true;
                continue;
            }
            if (c >= 0x80) {
                std::size_t i = 0;
                char32_t cp = 0;
                if (!decode_utf8(std::string_view{q, avail(q)}, i, cp)) {
                    if (!eof && avail(q) < 4) {
                        return r_t::more;
                    }
                    return fail(q, "invalid UTF-8");
                }
                if (is_name_char(cp)) {
                    q += i;
                    continue;
                }
            } else if (c == 0 && q >= end) {
                return r_t::more;
            }
            if (static_cast<std::size_t>(q - s) > MAX_NAME) {
                return unsupported(s, "name longer than 10000 bytes");
            }
            return r_t::ok;
        }
    }

    // ---- references

    /// A reference at \p q ('&'): its replacement in \p out (at most 5 bytes); \p q past the ';'.
    r_t reference(char const *&q, char *out, std::size_t &n, bool in_attribute)
    {
        char const *s = q;
        char const *r = q + 1;
        if (*r == '#') {
            ++r;
            bool const hex = *r == 'x';
            r += hex;
            std::uint32_t v = 0;
            std::size_t digits = 0;
            for (;; ++r, ++digits) {
                auto const c = static_cast<unsigned char>(*r);
                std::uint32_t d;
                if (c >= '0' && c <= '9') {
                    d = c - '0';
                } else if (hex && c >= 'a' && c <= 'f') {
                    d = c - 'a' + 10;
                } else if (hex && c >= 'A' && c <= 'F') {
                    d = c - 'A' + 10;
                } else {
                    break;
                }
                v = std::min<std::uint32_t>(v * (hex ? 16 : 10) + d, 0x110000);
            }
            if (*r == 0 && r >= end) {
                if (digits > 40) {
                    return unsupported(s, "character reference with more than 40 digits");
                }
                return r_t::more;
            }
            if (*r != ';' || digits == 0) {
                return fail(r, "malformed character reference '" + show(s, r + 1) + "'");
            }
            if (digits > (hex ? 8u : 16u)) {
                return unsupported(s, "character reference with more than " + std::string{hex ? "8" : "16"} + " digits");
            }
            if (!is_xml_char(v)) {
                return fail(s, "character reference '" + show(s, r + 1) + "' to a character that is not allowed");
            }
            q = r + 1;
            if (v == '&' && in_attribute) {
                std::memcpy(out, "&#38;", 5);
                n = 5;
            } else {
                n = encode_utf8(v, out);
            }
            return r_t::ok;
        }
        if (avail(q) < 6 && !eof) {
            // "&apos;" is the longest predefined reference: wait for enough bytes to decide
            char const *t = r;
            while (t < end && *t != ';' && (NAME[static_cast<unsigned char>(*t)] || *t == ':')) {
                ++t;
            }
            if (t >= end) {
                return r_t::more;
            }
        }
        // the predefined entities (the bytes after the data are zeros)
        char value = 0;
        std::size_t length = 0;
        switch (r[0]) {
        case 'l':
        case 'g':
            if (r[1] == 't' && r[2] == ';') {
                value = r[0] == 'l' ? '<' : '>';
                length = 3;
            }
            break;
        case 'a':
            if (r[1] == 'm' && r[2] == 'p' && r[3] == ';') {
                value = '&';
                length = 4;
            } else if (r[1] == 'p' && r[2] == 'o' && r[3] == 's' && r[4] == ';') {
                value = '\'';
                length = 5;
            }
            break;
        case 'q':
            if (r[1] == 'u' && r[2] == 'o' && r[3] == 't' && r[4] == ';') {
                value = '"';
                length = 5;
            }
            break;
        default:
            break;
        }
        if (length != 0) {
            q = r + length;
            if (value == '&' && in_attribute) {
                std::memcpy(out, "&#38;", 5);
                n = 5;
            } else {
                out[0] = value;
                n = 1;
            }
            return r_t::ok;
        }
        char const *t = r;
        while (NAME[static_cast<unsigned char>(*t)] || *t == ':' || static_cast<unsigned char>(*t) >= 0x80) {
            ++t;
            if (t - r > 64) {
                break;
            }
        }
        if (t == r) {
            return fail(s, "'&' not followed by a reference (write &amp;)");
        }
        if (*t != ';') {
            return fail(s, "reference '" + show(s, t) + "' without ';'");
        }
        return fail(s, "entity '" + show(r, t) + "' not defined");
    }

    // ---- content

    [[gnu::noinline]] r_t text()
    {
        char const *q = p;
        char const *s = q;
        for (;;) {
            q += text_run(q);
            auto const c = static_cast<unsigned char>(*q);
            if (c == '<' || c == '&') {
                if (!emit_text(s, q)) {
                    return r_t::stop;
                }
                p = q;
                return r_t::ok;
            }
            if (c == ']') {
                if (q[1] == ']' && q[2] == '>') {
                    emit_text(s, q);
                    return stopped && error.empty() ? r_t::stop : fail(q, "']]>' is not allowed in text");
                }
                if (avail(q) < 3 && !eof) {
                    if (!emit_text(s, q)) {
                        return r_t::stop;
                    }
                    p = q;
                    return r_t::more;
                }
                ++q;
                continue;
            }
            if (c == '\r') {
                if (!emit_text(s, q)) {
                    return r_t::stop;
                }
                if (avail(q) < 2 && !eof) {
                    p = q;
                    return r_t::more;
                }
                q += q[1] == '\n' ? 2 : 1;
                if (!emit_text(LF, LF + 1, q)) {
                    return r_t::stop;
                }
                s = q;
                continue;
            }
            if (c >= 0x80) {
                int const n = check_utf8(q);
                if (n > 0) {
                    q += n;
                    continue;
                }
                if (n == 0) {
                    if (!emit_text(s, q)) {
                        return r_t::stop;
                    }
                    p = q;
                    return r_t::more;
                }
                return r_t::fail;
            }
            if (c == 0 && q >= end) {
                if (!emit_text(s, q)) {
                    return r_t::stop;
                }
                p = q;
                return r_t::more;
            }
            emit_text(s, q);
            return stopped && error.empty() ? r_t::stop : bad_char(q);
        }
    }

    [[gnu::noinline]] r_t content_reference()
    {
        char const *q = p;
        char out[8];
        std::size_t n = 0;
        if (r_t const r = reference(q, out, n, false); r != r_t::ok) {
            return r;
        }
        if (!emit_text(out, out + n, q)) {
            return r_t::stop;
        }
        p = q;
        return r_t::ok;
    }

    [[gnu::noinline]] r_t start_tag()
    {
        char const *q = p + 1;
        name_t **const guess = next_guess;
        name_t *element = guess == nullptr ? nullptr : guessed(*guess, q);
        if (element != nullptr) {
            q += element->len;
        } else {
            if (r_t const r = read_qname(q, element, "start tag"); r != r_t::ok) {
                return r;
            }
            if (guess != nullptr) {
                *guess = element;
            }
        }
        name_t **attribute_guess = &element->next_attribute;
        if (*q == '>' && depth > 0 && depth < MAX_DEPTH) {
            // no attributes, not the root: the common case
            xmlChar const *uri = default_uri;
            if (element->prefix == nullptr || (uri = resolve(element->prefix)) != nullptr) {
                ++q;
                cur = q;
                p = q;
                frames[depth++] = {element, uri, NO_NS, default_uri};
                next_guess = &element->next_child;
                if (cb.start != nullptr) {
                    cb.start(user, element->local, element->prefix, uri, 0, nullptr, 0, 0, nullptr);
                    if (stopped) {
                        return r_t::stop;
                    }
                }
                return r_t::ok;
            }
        }
        attributes.clear();
        values.clear();
        bool empty = false;
        for (;;) {
            char const *const before = q;
            while (is_ws(static_cast<unsigned char>(*q))) {
                ++q;
            }
            auto c = static_cast<unsigned char>(*q);
            if (c == '>') {
                ++q;
                break;
            }
            if (c == '/') {
                if (q[1] == '>') {
                    q += 2;
                    empty = true;
                    break;
                }
                if (q[1] == 0 && q + 1 >= end) {
                    return r_t::more;
                }
                return fail(q, "expected '>' after '/' in the tag of '" + show(element->str, element->str + element->len) + "'");
            }
            if (c == 0) {
                return tag_zero(q);
            }
            if (q == before) {
                return fail(q, "expected blank, '>' or '/>' in the tag of '" +
                                   show(element->str, element->str + element->len) + "'");
            }
            char const *const an = q;
            name_t *name = guessed(*attribute_guess, q);
            if (name != nullptr) {
                q += name->len;
            } else {
                if (r_t const r = read_qname(q, name, "attribute"); r != r_t::ok) {
                    return r == r_t::more ? tag_more(q) : r;
                }
                *attribute_guess = name;
            }
            attribute_guess = &name->next_attribute;
            while (is_ws(static_cast<unsigned char>(*q))) {
                ++q;
            }
            if (*q != '=') {
                return *q == 0 ? tag_zero(q) : fail(q, "expected '=' after attribute '" + show(an, q) + "'");
            }
            ++q;
            while (is_ws(static_cast<unsigned char>(*q))) {
                ++q;
            }
            char const quote = *q;
            if (quote != '"' && quote != '\'') {
                return *q == 0 ? tag_zero(q) : fail(q, "attribute value of '" + show(an, q) + "' not quoted");
            }
            ++q;
            char const *const vs = q;
            while (ATTR[static_cast<unsigned char>(*q)]) {
                ++q;
            }
            if (*q == quote) {
                attributes.push_back({name, reinterpret_cast<std::size_t>(vs), reinterpret_cast<std::size_t>(q), false});
                ++q;
            } else {
                std::size_t const begin = values.size();
                values.append(vs, q);
                if (r_t const r = attribute_value(q, quote); r != r_t::ok) {
                    return r;
                }
                attributes.push_back({name, begin, values.size(), true});
            }
            if (static_cast<std::size_t>(q - vs) > MAX_TEXT) {
                return unsupported(vs, "attribute value longer than 1000000 bytes");
            }
        }
        return finish_start_tag(element, q, empty);
    }

    r_t tag_more(char const *q)
    {
        if (avail(p) > MAX_TAG) {
            return unsupported(p, "start tag longer than 4000000 bytes");
        }
        (void)q;
        return r_t::more;
    }

    r_t tag_zero(char const *q) { return q >= end ? tag_more(q) : at_zero(q); }

    /// The rest of an attribute value that needs normalisation or references, into values; \p q
    /// past the closing quote.
    r_t attribute_value(char const *&q, char quote)
    {
        for (;;) {
            auto const c = static_cast<unsigned char>(*q);
            if (c == static_cast<unsigned char>(quote)) {
                ++q;
                return r_t::ok;
            }
            if (ATTR[c] || c == '"' || c == '\'') {
                values += static_cast<char>(c);
                ++q;
            } else if (c == '\t' || c == '\n') {
                values += ' ';
                ++q;
            } else if (c == '\r') {
                if (q[1] == 0 && q + 1 >= end) {
                    return tag_more(q);
                }
                values += ' ';
                q += q[1] == '\n' ? 2 : 1;
            } else if (c == '&') {
                char out[8];
                std::size_t n = 0;
                if (r_t const r = reference(q, out, n, true); r != r_t::ok) {
                    return r == r_t::more ? tag_more(q) : r;
                }
                values.append(out, n);
            } else if (c == '<') {
                return fail(q, "'<' in an attribute value");
            } else if (c >= 0x80) {
                int const n = check_utf8(q);
                if (n == 0) {
                    return tag_more(q);
                }
                if (n < 0) {
                    return r_t::fail;
                }
                values.append(q, static_cast<std::size_t>(n));
                q += n;
            } else if (c == 0) {
                return tag_zero(q);
            } else {
                return bad_char(q);
            }
            if (values.size() > MAX_TEXT) {
                return unsupported(q, "attribute value longer than 1000000 bytes");
            }
        }
    }

    /// xmlGetNamespace: the URI bound to \p prefix in scope, nullptr if none.
    xmlChar const *resolve(xmlChar const *prefix) const noexcept
    {
        if (prefix == nullptr) {
            return default_uri;
        }
        if (prefix == xml_prefix) {
            return xml_ns;
        }
        for (std::size_t i = ns.size(); i >= 2; i -= 2) {
            if (ns[i - 2] == prefix) {
                return ns[i - 1];
            }
        }
        return nullptr;
    }

    std::string_view value_of(attribute_t const &a) const noexcept
    {
        if (a.normalised) {
            return {values.data() + a.begin, a.end - a.begin};
        }
        auto const *b = reinterpret_cast<char const *>(a.begin);
        return {b, a.end - a.begin};
    }

    r_t finish_start_tag(name_t *element, char const *q, bool empty)
    {
        std::size_t const ns_base = ns.size();
        xmlChar const *const saved_default = default_uri;
        std::size_t n_regular = 0;
        bool xml_declared = false;
        if (!attributes.empty()) {
            for (attribute_t &a : attributes) {
                bool const is_default = a.name->prefix == nullptr && a.name->local == xmlns_name;
                if (!is_default && a.name->prefix != xmlns_name) {
                    attributes[n_regular++] = a;
                    continue;
                }
                std::string_view const v = value_of(a);
                name_t *const uri_entry = intern_entry(v);
                xmlChar const *const uri = as_xml(uri_entry->str);
                xmlChar const *const prefix = is_default ? nullptr : a.name->local;
                std::string const what = is_default ? std::string{"xmlns"} : "xmlns:" + std::string{as_chars(prefix)};
                if (!v.empty() && !uri_entry->uri_checked) {
                    xmlURIPtr parsed = xmlParseURI(uri_entry->str);
                    if (parsed == nullptr) {
                        return fail(q, what + ": '" + std::string{v} + "' is not a valid URI");
                    }
                    xmlFreeURI(parsed);
                    uri_entry->uri_checked = true;
                }
                if (is_default) {
                    if (uri == xml_ns) {
                        return fail(q, "the xml namespace URI cannot be the default namespace");
                    }
                    if (v == XMLNS_NS) {
                        return fail(q, "reuse of the xmlns namespace name is forbidden");
                    }
                } else {
                    if (prefix == xml_prefix) {
                        if (uri != xml_ns) {
                            return fail(q, "the xml prefix bound to a wrong URI");
                        }
                        if (xml_declared) {
                            return unsupported(q, "a second xmlns:xml declaration in a tag");
                        }
                        xml_declared = true;
                        continue; // libxml2 passes no declaration for it
                    }
                    if (uri == xml_ns) {
                        return fail(q, "the xml namespace URI bound to the prefix '" + std::string{as_chars(prefix)} + "'");
                    }
                    if (prefix == xmlns_name) {
                        return fail(q, "redefinition of the xmlns prefix is forbidden");
                    }
                    if (v == XMLNS_NS) {
                        return fail(q, "reuse of the xmlns namespace name is forbidden");
                    }
                    if (v.empty()) {
                        return fail(q, what + ": an empty namespace name is not allowed");
                    }
                }
                for (std::size_t i = ns_base; i < ns.size(); i += 2) {
                    if (ns[i] == prefix) {
                        return fail(q, "attribute " + what + " redefined");
                    }
                }
                ns.push_back(prefix);
                ns.push_back(uri);
                if (is_default) {
                    default_uri = *uri == 0 ? nullptr : uri;
                }
            }
            attributes.resize(n_regular);
        }
        xmlChar const *const uri = resolve(element->prefix);
        if (uri == nullptr && element->prefix != nullptr) {
            return fail(q, "namespace prefix " + std::string{as_chars(element->prefix)} + " on " +
                               as_chars(element->local) + " is not defined");
        }
        att_ptrs.resize(5 * attributes.size());
        for (std::size_t i = 0; i < attributes.size(); ++i) {
            attribute_t const &a = attributes[i];
            xmlChar const *a_uri = nullptr;
            if (a.name->prefix != nullptr) {
                a_uri = resolve(a.name->prefix);
                if (a_uri == nullptr) {
                    return fail(q, "namespace prefix " + std::string{as_chars(a.name->prefix)} + " for " +
                                       as_chars(a.name->local) + " on " + as_chars(element->local) + " is not defined");
                }
            }
            for (std::size_t j = 0; j < i; ++j) {
                if (attributes[j].name->local != a.name->local) {
                    continue;
                }
                if (attributes[j].name == a.name) {
                    return fail(q, "attribute '" + std::string{a.name->str} + "' redefined");
                }
                if (a_uri != nullptr && att_ptrs[5 * j + 2] == a_uri) {
                    return fail(q, "namespaced attribute '" + std::string{as_chars(a.name->local)} + "' in '" +
                                       as_chars(a_uri) + "' redefined");
                }
            }
            std::string_view const v = value_of(a);
            xmlChar const **const slot = att_ptrs.data() + 5 * i;
            slot[0] = a.name->local;
            slot[1] = a.name->prefix;
            slot[2] = a_uri;
            slot[3] = as_xml(v.data());
            slot[4] = as_xml(v.data() + v.size());
        }
        if (depth == 0 && root_done) {
            return fail(p, "extra content at the end of the document (a second root element)");
        }
        if (depth >= MAX_DEPTH) {
            return unsupported(p, "more than 256 nested elements");
        }
        cur = q;
        p = q;
        if (cb.start != nullptr) {
            cb.start(user, element->local, element->prefix, uri, static_cast<int>((ns.size() - ns_base) / 2),
                     ns.size() > ns_base ? ns.data() + ns_base : nullptr, static_cast<int>(attributes.size()), 0,
                     att_ptrs.empty() ? nullptr : att_ptrs.data());
            if (stopped) {
                return r_t::stop;
            }
        }
        if (empty) {
            if (cb.end != nullptr) {
                cb.end(user, element->local, element->prefix, uri);
                if (stopped) {
                    return r_t::stop;
                }
            }
            ns.resize(ns_base);
            default_uri = saved_default;
            if (depth == 0) {
                root_done = true;
            }
            next_guess = &element->next_sibling;
            text_bytes = 0;
            return r_t::ok;
        }
        frames[depth++] = {element, uri, ns.size() == ns_base ? NO_NS : ns_base, saved_default};
        next_guess = &element->next_child;
        return r_t::ok;
    }

    static char const *as_chars(xmlChar const *s) noexcept { return reinterpret_cast<char const *>(s); }

    [[gnu::noinline]] r_t end_tag()
    {
        char const *q = p + 2;
        if (depth == 0) {
            return fail(p, "end tag without a start tag");
        }
        frame_t const &f = frames[depth - 1];
        std::size_t const n = f.qname->len;
        bool matched = false;
        if (avail(q) > n && q[n] == '>' && equal_padded(q, f.qname->str, n)) {
            matched = true; // the common case
        } else if (avail(q) > n) {
            auto const after = static_cast<unsigned char>(q[n]);
            matched = equal_padded(q, f.qname->str, n) && !NAME[after] && after != ':' && after < 0x80;
        } else if (!eof) {
            return r_t::more;
        }
        if (matched) {
            q += n;
        } else {
            char const *const s = q;
            std::size_t colon = 0;
            if (r_t const r = scan_qname(q, colon, "end tag"); r != r_t::ok) {
                return r;
            }
            return fail(s, "end tag '" + show(s, q) + "' does not match start tag '" +
                               show(f.qname->str, f.qname->str + n) + "'");
        }
        while (is_ws(static_cast<unsigned char>(*q))) {
            ++q;
        }
        if (*q != '>') {
            return *q == 0 ? tag_zero(q) : fail(q, "expected '>' in the end tag of '" + show(f.qname->str, f.qname->str + n) + "'");
        }
        ++q;
        cur = q;
        p = q;
        xmlChar const *const local = f.qname->local;
        xmlChar const *const prefix = f.qname->prefix;
        xmlChar const *const uri = f.uri;
        next_guess = &f.qname->next_sibling;
        text_bytes = 0;
        if (f.ns_base != NO_NS) {
            ns.resize(f.ns_base);
        }
        default_uri = f.saved_default;
        if (--depth == 0) {
            root_done = true;
        }
        if (cb.end != nullptr) {
            cb.end(user, local, prefix, uri);
            if (stopped) {
                return r_t::stop;
            }
        }
        return r_t::ok;
    }

    /// Skips to the end of a comment, PI body or CDATA section: the first \p close (3 or 2 bytes,
    /// starting with the stop byte of \p table) after \p q, checking every character on the way.
    /// \returns ok with \p q at the start of \p close
    r_t skip_markup(char const *&q, table_t const &table, std::string_view close, char const *start, char const *what)
    {
        for (;;) {
            while (table[static_cast<unsigned char>(*q)]) {
                ++q;
            }
            auto const c = static_cast<unsigned char>(*q);
            if (c == static_cast<unsigned char>(close[0])) {
                if (avail(q) < close.size() && !eof) {
                    return markup_more(start, what);
                }
                if (std::memcmp(q, close.data(), close.size()) == 0) {
                    if (static_cast<std::size_t>(q - start) > MAX_TEXT) {
                        return unsupported(start, std::string{what} + " longer than 1000000 bytes");
                    }
                    return r_t::ok;
                }
                if (close == "-->" && q[1] == '-') {
                    return fail(q, "'--' in a comment");
                }
                ++q;
                continue;
            }
            if (c >= 0x80) {
                int const n = check_utf8(q);
                if (n > 0) {
                    q += n;
                    continue;
                }
                return n == 0 ? markup_more(start, what) : r_t::fail;
            }
            if (c == 0 && q >= end) {
                return markup_more(start, what);
            }
            return bad_char(q);
        }
    }

    r_t markup_more(char const *start, char const *what)
    {
        if (avail(start) > MAX_TEXT) {
            return unsupported(start, std::string{what} + " longer than 1000000 bytes");
        }
        return r_t::more;
    }

    r_t comment()
    {
        char const *q = p + 4;
        if (r_t const r = skip_markup(q, COMMENT, "-->", p, "comment"); r != r_t::ok) {
            return r;
        }
        p = cur = q + 3;
        return r_t::ok;
    }

    [[gnu::noinline]] r_t processing_instruction()
    {
        char const *q = p + 2;
        char const *const target = q;
        std::size_t colon = 0;
        if (r_t const r = scan_qname(q, colon, "processing instruction"); r != r_t::ok) {
            return r;
        }
        if (colon != 0) {
            return fail(target, "colon in the processing instruction target '" + show(target, q) + "'");
        }
        if (equal_ci({target, static_cast<std::size_t>(q - target)}, "xml")) {
            return fail(target, q - target == 3 && std::memcmp(target, "xml", 3) == 0
                                    ? "XML declaration allowed only at the start of the document"
                                    : "processing instruction target '" + show(target, q) + "' is reserved");
        }
        if (!(q[0] == '?' && q[1] == '>')) {
            if (!is_ws(static_cast<unsigned char>(*q))) {
                if ((*q == 0 && q >= end) || (*q == '?' && q + 1 >= end)) {
                    return markup_more(p, "processing instruction");
                }
                return *q == 0 ? at_zero(q) : fail(q, "blank expected after the processing instruction target");
            }
            if (r_t const r = skip_markup(q, PI, "?>", p, "processing instruction"); r != r_t::ok) {
                return r;
            }
        }
        p = cur = q + 2;
        return r_t::ok;
    }

    r_t cdata()
    {
        char const *q = p + 9;
        if (r_t const r = skip_markup(q, CDATA, "]]>", p, "CDATA section"); r != r_t::ok) {
            return r;
        }
        char const *s = p + 9;
        char const *const e = q;
        p = cur = q + 3;
        if (s == e) {
            if (cb.characters != nullptr) {
                cb.characters(user, as_xml(s), 0); // as libxml2 does for an empty CDATA section
            }
            return stopped ? r_t::stop : r_t::ok;
        }
        for (char const *t = s; t < e; ++t) {
            if (*t == '\r') {
                if (!emit_text(s, t) || !emit_text(LF, LF + 1, t + 1)) {
                    return r_t::stop;
                }
                s = t + 1 < e && t[1] == '\n' ? t + 2 : t + 1;
                t = s - 1;
            }
        }
        return emit_text(s, e) ? r_t::ok : r_t::stop;
    }

    r_t doctype()
    {
        // what can be read of "<!DOCTYPE name [SYSTEM "s" | PUBLIC "p" "s"]" for the callback
        char const *q = p + 9;
        std::string name, external_id, system_id;
        bool have_ids = false;
        if (is_ws(static_cast<unsigned char>(*q))) {
            while (is_ws(static_cast<unsigned char>(*q))) {
                ++q;
            }
            char const *const s = q;
            while (NAME[static_cast<unsigned char>(*q)] || *q == ':' || static_cast<unsigned char>(*q) >= 0x80) {
                ++q;
            }
            if (*q == 0 && q >= end && !eof) {
                return markup_more(p, "DOCTYPE");
            }
            name.assign(s, q);
            while (is_ws(static_cast<unsigned char>(*q))) {
                ++q;
            }
            auto literal = [&](std::string &out) -> r_t {
                while (is_ws(static_cast<unsigned char>(*q))) {
                    ++q;
                }
                char const quote = *q;
                if (quote != '"' && quote != '\'') {
                    return *q == 0 && q >= end && !eof ? r_t::more : r_t::fail;
                }
                char const *const b = ++q;
                while (*q != quote && !(*q == 0 && q >= end)) {
                    ++q;
                }
                if (*q != quote) {
                    return eof ? r_t::fail : r_t::more;
                }
                out.assign(b, q++);
                return r_t::ok;
            };
            r_t r = r_t::ok;
            if (avail(q) < 6 && !eof) {
                return markup_more(p, "DOCTYPE");
            }
            if (std::memcmp(q, "SYSTEM", 6) == 0) {
                q += 6;
                r = literal(system_id);
                have_ids = r == r_t::ok;
            } else if (std::memcmp(q, "PUBLIC", 6) == 0) {
                q += 6;
                r = literal(external_id);
                if (r == r_t::ok) {
                    r = literal(system_id);
                }
                have_ids = r == r_t::ok;
            }
            if (r == r_t::more) {
                return markup_more(p, "DOCTYPE");
            }
        }
        if (!name.empty() && cb.doctype != nullptr) {
            cur = q;
            cb.doctype(user, as_xml(name.c_str()), have_ids && !external_id.empty() ? as_xml(external_id.c_str()) : nullptr,
                       have_ids ? as_xml(system_id.c_str()) : nullptr);
        }
        return unsupported(p, "DOCTYPE (document type declarations are not parsed)");
    }

    [[gnu::noinline]] r_t markup()
    {
        // p at "<!"
        if (avail(p) < 9 && !eof) {
            return r_t::more;
        }
        if (p[2] == '-' && p[3] == '-') {
            return comment();
        }
        if (depth > 0 && std::memcmp(p, "<![CDATA[", 9) == 0) {
            return cdata();
        }
        if (depth == 0 && !root_done && std::memcmp(p, "<!DOCTYPE", 9) == 0) {
            return doctype();
        }
        return fail(p, depth > 0 ? "'<!' not followed by a comment or CDATA section"
                                 : "'<!' not followed by a comment outside the root element");
    }

    /// Byte order mark, the first bytes, the XML declaration.
    r_t document_start()
    {
        if (phase == 0) {
            if (avail(p) < 4 && !eof) {
                return r_t::more;
            }
            auto const b = [&](std::size_t i) { return static_cast<unsigned char>(p[i]); };
            if (b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF) {
                p += 3;
            } else if ((b(0) == 0xFE && b(1) == 0xFF) || (b(0) == 0xFF && b(1) == 0xFE) ||
                       (avail(p) >= 2 && (b(0) == 0 || b(1) == 0)) ||
                       (b(0) == 0x4C && b(1) == 0x6F && b(2) == 0xA7 && b(3) == 0x94)) {
                return unsupported(p, "encoding other than UTF-8 (by the first bytes of the document)");
            }
            phase = 1;
        }
        if (avail(p) < 6 && !eof) {
            return r_t::more;
        }
        if (std::memcmp(p, "<?xml", 5) == 0 && is_ws(static_cast<unsigned char>(p[5]))) {
            char const *const e = static_cast<char const *>(memmem(p, avail(p), "?>", 2));
            if (e == nullptr) {
                if (avail(p) > MAX_DECL) {
                    return unsupported(p, "XML declaration longer than 4096 bytes");
                }
                return r_t::more;
            }
            if (r_t const r = xml_declaration(std::string_view{p + 5, static_cast<std::size_t>(e - p - 5)}); r != r_t::ok) {
                return r;
            }
            p = cur = e + 2;
        }
        phase = 2;
        return r_t::ok;
    }

    r_t xml_declaration(std::string_view d)
    {
        std::size_t i = 0;
        char const *const at = p;
        auto blanks = [&] {
            std::size_t const b = i;
            while (i < d.size() && is_ws(static_cast<unsigned char>(d[i]))) {
                ++i;
            }
            return i - b;
        };
        auto attribute = [&](std::string_view name, std::string_view &value) -> bool {
            if (d.substr(i, name.size()) != name) {
                return false;
            }
            i += name.size();
            blanks();
            if (i >= d.size() || d[i] != '=') {
                return false;
            }
            ++i;
            blanks();
            if (i >= d.size() || (d[i] != '"' && d[i] != '\'')) {
                return false;
            }
            char const quote = d[i++];
            std::size_t const e = d.find(quote, i);
            if (e == std::string_view::npos) {
                return false;
            }
            value = d.substr(i, e - i);
            i = e + 1;
            return true;
        };
        for (char const c : d) {
            if (static_cast<unsigned char>(c) >= 0x80 || (static_cast<unsigned char>(c) < 0x20 && !is_ws(static_cast<unsigned char>(c)))) {
                return fail(at, "invalid character in the XML declaration");
            }
        }
        blanks();
        std::string_view version, encoding, standalone;
        if (!attribute("version", version)) {
            return fail(at, "malformed XML declaration (version expected)");
        }
        if (version != "1.0") {
            return unsupported(at, "XML version '" + std::string{version} + "' (only 1.0)");
        }
        std::size_t b = blanks();
        if (i < d.size() && d.substr(i, 8) == "encoding") {
            if (b == 0) {
                return fail(at, "blank needed before encoding in the XML declaration");
            }
            if (!attribute("encoding", encoding)) {
                return fail(at, "malformed encoding declaration");
            }
            bool valid = !encoding.empty() && is_ascii_letter(static_cast<unsigned char>(encoding[0]));
            for (char const c : encoding) {
                valid = valid && (is_ascii_letter(static_cast<unsigned char>(c)) || (c >= '0' && c <= '9') ||
                                  c == '.' || c == '_' || c == '-');
            }
            if (!valid) {
                return fail(at, "malformed encoding name in the XML declaration");
            }
            if (!equal_ci(encoding, "UTF-8")) {
                return unsupported(at, "encoding '" + std::string{encoding} + "' (only UTF-8)");
            }
            b = blanks();
        }
        if (i < d.size() && d.substr(i, 10) == "standalone") {
            if (b == 0) {
                if (encoding.empty()) {
                    return fail(at, "blank needed before standalone in the XML declaration");
                }
                return unsupported(at, "no blank before standalone in the XML declaration");
            }
            if (!attribute("standalone", standalone) || (standalone != "yes" && standalone != "no")) {
                return fail(at, "malformed standalone declaration");
            }
            blanks();
        }
        if (i != d.size()) {
            return fail(at, "malformed XML declaration ('?>' expected)");
        }
        return r_t::ok;
    }

    /// Parses from p until more bytes are needed, a finding, or a stop.
    r_t run()
    {
        if (phase < 2) {
            if (r_t const r = document_start(); r != r_t::ok) {
                return r;
            }
        }
        // The common cases are handled here: an end tag matching the open element, a start tag
        // without attributes below the root, a run of ASCII text before a tag; everything else
        // (and everything that needs more bytes) by the functions called.
        for (;;) {
            auto const c = static_cast<unsigned char>(*p);
            r_t r;
            if (c == '<') {
                auto const c1 = static_cast<unsigned char>(p[1]);
                if (c1 == '/') {
                    if (depth > 0) {
                        frame_t const &f = frames[depth - 1];
                        std::size_t const n = f.qname->len;
                        char const *const q = p + 2;
                        if (avail(q) > n && q[n] == '>' && equal_padded(q, f.qname->str, n)) {
                            p = cur = q + n + 1;
                            if (f.ns_base != NO_NS) {
                                ns.resize(f.ns_base);
                            }
                            default_uri = f.saved_default;
                            if (--depth == 0) {
                                root_done = true;
                            }
                            if (cb.end != nullptr) {
                                cb.end(user, f.qname->local, f.qname->prefix, f.uri);
                                if (stopped) {
                                    return r_t::stop;
                                }
                            }
                            next_guess = &f.qname->next_sibling;
                            text_bytes = 0;
                            continue;
                        }
                    }
                    r = end_tag();
                } else if (NAME_START[c1] && depth > 0 && depth < MAX_DEPTH) {
                    char const *const q = p + 1;
                    name_t **const guess = next_guess;
                    name_t *e = *guess;
                    std::size_t n = 0;
                    if (e != nullptr && e->prefix == nullptr && avail(q) > (n = e->len) && q[n] == '>' &&
                        equal_padded(q, e->str, n)) {
                        // the guess was right (start_tag() may have guessed a prefixed name)
                    } else if (n = name_run(q); q[n] == '>' && n <= MAX_NAME) {
                        e = qname(q, n, 0);
                        *guess = e;
                    } else {
                        e = nullptr;
                    }
                    if (e != nullptr) {
                        p = cur = q + n + 1;
                        next_guess = &e->next_child;
                        frames[depth++] = {e, default_uri, NO_NS, default_uri};
                        if (cb.start != nullptr) {
                            cb.start(user, e->local, nullptr, default_uri, 0, nullptr, 0, 0, nullptr);
                            if (stopped) {
                                return r_t::stop;
                            }
                        }
                        continue;
                    }
                    r = start_tag();
                } else if (NAME_START[c1] || c1 >= 0x80) {
                    r = start_tag();
                } else if (c1 == '!') {
                    r = markup();
                } else if (c1 == '?') {
                    r = processing_instruction();
                } else if (c1 == 0 && p + 1 >= end) {
                    return r_t::more;
                } else {
                    r = fail(p + 1, "'<' not followed by a name");
                }
            } else if (depth > 0) {
                if (c != '&') {
                    std::size_t const n = text_run(p);
                    if (p[n] == '<' && text_bytes + n <= MAX_TEXT) {
                        text_bytes += n;
                        if (cb.characters != nullptr) {
                            cur = p + n;
                            cb.characters(user, as_xml(p), static_cast<int>(n));
                            if (stopped) {
                                return r_t::stop;
                            }
                        }
                        p += n;
                        continue;
                    }
                }
                r = c == '&' ? content_reference() : text();
            } else if (is_ws(c)) {
                ++p;
                continue;
            } else if (c == 0) {
                r = at_zero(p);
            } else {
                r = fail(p, root_done ? "extra content at the end of the document" : "text before the root element");
            }
            if (r != r_t::ok) {
                return r;
            }
        }
    }

    bool parse()
    {
        if (started) {
            return error.empty();
        }
        started = true;
        refill();
        for (;;) {
            r_t const r = run();
            if (r != r_t::more || stopped) {
                break;
            }
            if (eof) {
                if (p < end) {
                    fail(end, "unexpected end of the document");
                } else if (depth > 0) {
                    fail(end, "unexpected end of the document: element '" +
                                  std::string{frames[depth - 1].qname->str} + "' not closed");
                } else if (!root_done) {
                    fail(end, "the document has no root element");
                }
                break;
            }
            refill();
        }
        return error.empty();
    }

    sax_callbacks_t cb;
    void *user;
    byte_source_t &src;

    std::unique_ptr<char[]> storage;
    std::size_t cap = INITIAL_BUFFER;
    char *buf;
    char const *p;
    char *end;
    char const *cur; ///< for line(): the end of the last construct reported
    std::uint64_t consumed = 0; ///< bytes of the document before buf
    bool eof = false;
    mutable char const *line_pos;
    mutable long line_count = 0;

    int phase = 0; ///< 0 start, 1 after the byte order mark, 2 after the XML declaration
    bool started = false;
    bool stopped = false;
    bool root_done = false;
    std::size_t depth = 0;
    std::vector<frame_t> frames = std::vector<frame_t>(MAX_DEPTH); ///< the open elements: the first depth entries
    /// After a start tag: its element's next_child, after an end tag: its next_sibling (nullptr
    /// before the root).
    name_t **next_guess = nullptr;
    /// Characters passed since the last end tag (or empty-element tag): more than in any text node
    /// libxml2's tree builder would make of them.
    std::size_t text_bytes = 0;
    std::vector<xmlChar const *> ns; ///< (prefix, URI) pairs in scope
    xmlChar const *default_uri = nullptr;
    std::vector<attribute_t> attributes;
    std::string values;
    std::vector<xmlChar const *> att_ptrs;

    std::string error;
    long error_line = 0;

    std::vector<name_t *> slots = std::vector<name_t *>(1024, nullptr);
    std::size_t slot_mask = 1023;
    std::deque<name_t> names;
    std::vector<std::unique_ptr<char[]>> arenas;
    char *arena_next = nullptr;
    std::size_t arena_left = 0;
    std::string scratch;

    xmlChar const *xml_prefix;
    xmlChar const *xmlns_name;
    xmlChar const *xml_ns;
};

std::size_t memory_source_t::read(char *buf, std::size_t n)
{
    n = std::min({n, m_rest.size(), m_chunk});
    std::memcpy(buf, m_rest.data(), n);
    m_rest.remove_prefix(n);
    return n;
}

sax_scanner_t::sax_scanner_t(sax_callbacks_t const &callbacks, void *user_data, byte_source_t &source)
    : m_impl(std::make_unique<impl_t>(callbacks, user_data, source))
{
}

sax_scanner_t::~sax_scanner_t() = default;

bool sax_scanner_t::parse() { return m_impl->parse(); }

void sax_scanner_t::stop() noexcept { m_impl->stopped = true; }

long sax_scanner_t::line() const noexcept { return m_impl->line_at(m_impl->cur); }

std::uint64_t sax_scanner_t::offset() const noexcept
{
    return m_impl->consumed + static_cast<std::uint64_t>(m_impl->cur - m_impl->buf);
}

std::string sax_scanner_t::context() const
{
    auto const &m = *m_impl;
    auto text = [](xmlChar const *s) {
        return s == nullptr ? std::string{"-"} : '"' + std::string{reinterpret_cast<char const *>(s)} + '"';
    };
    std::string out;
    for (std::size_t i = 0; i < m.depth; ++i) {
        auto const &f = m.frames[i];
        out += "<" + std::string{f.qname->str, f.qname->len} + " " + text(f.uri) + ">";
    }
    for (std::size_t i = 0; i + 1 < m.ns.size(); i += 2) {
        out += " xmlns:" + text(m.ns[i]) + "=" + text(m.ns[i + 1]);
    }
    out += " default=" + text(m.default_uri);
    out += m.root_done ? " root-done" : "";
    return out;
}

xmlChar const *sax_scanner_t::intern(std::string_view name) { return m_impl->intern(name); }

std::string const &sax_scanner_t::error() const noexcept { return m_impl->error; }

long sax_scanner_t::error_line() const noexcept { return m_impl->error_line; }

} // namespace sozbatch::xml
