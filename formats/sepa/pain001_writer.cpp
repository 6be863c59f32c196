// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/sepa/pain001_writer.hpp"

#include "formats/sepa/sepa_text.hpp"
#include "formats/sepa/xml_reader.hpp"
#include "formats/xml/compiled_schema.hpp"
#include "formats/xml/sax_scanner.hpp"
#include "formats/xml/xml_error.hpp"
#include "lib/core/atomic_file.hpp"
#include "lib/core/embedded.hpp"
#include "lib/core/error.hpp"
#include "lib/core/sha256.hpp"

#include <libxml/parser.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <thread>
#include <vector>

namespace sozbatch::sepa {

namespace {

constexpr char const *NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";
constexpr std::int64_t MAX_AMOUNT_CENTS = 99999999999; // 999 999 999.99 EUR

/// Serialised bytes are handed to the file (and so to the concurrent check) in chunks of this size;
/// the first chunk is FIRST_FLUSH_BYTES and each next one twice as large, up to FLUSH_BYTES, so that
/// the check thread starts soon after the writer (it waits for the first chunk).
constexpr std::size_t FLUSH_BYTES = std::size_t{1} << 18;
constexpr std::size_t FIRST_FLUSH_BYTES = std::size_t{1} << 14;

/// The self-check in two parts (pain001_writer_t::finish): only when at least this much of the file
/// is left to the check when the writer is done, and at the end of a transfer; such points are
/// noted about every SPLIT_STEP bytes.
constexpr std::uint64_t SPLIT_MIN_REST = std::uint64_t{1} << 21;
constexpr std::uint64_t SPLIT_STEP = std::uint64_t{1} << 16;

/// pain001_writer_t::set_split_percent; < 0: where the check stands at finish()
int g_split_percent = -1;

/// EEA countries (two letters), sorted.
constexpr std::array<std::string_view, 39> EEA_COUNTRIES{
    "AT", "AX", "BE", "BG", "BL", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GF", "GP", "GR", "HR", "HU", "IE", "IS",
    "IT", "LI", "LT", "LU", "LV", "MF", "MQ", "MT", "NL", "NO", "PL", "PM", "PT", "RE", "RO", "SE", "SI", "SK", "YT"};
static_assert(std::is_sorted(EEA_COUNTRIES.begin(), EEA_COUNTRIES.end()));

/// The same as one bit per pair of capital letters (26 × 26), looked up for every transfer.
constexpr std::array<std::uint32_t, 26> EEA_TABLE = [] {
    std::array<std::uint32_t, 26> t{};
    for (std::string_view const cc : EEA_COUNTRIES) {
        t[static_cast<std::size_t>(cc[0] - 'A')] |= std::uint32_t{1} << (cc[1] - 'A');
    }
    return t;
}();

// French overseas departments and Åland (GF GP MQ RE YT PM BL MF AX) use FR / FI IBANs.
bool is_eea_country(std::string_view cc)
{
    if (cc.size() != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z') {
        return false;
    }
    return (EEA_TABLE[static_cast<std::size_t>(cc[0] - 'A')] >> (cc[1] - 'A') & 1u) != 0;
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

/// The emitter's output: one reused block of bytes. put() checks the room; after reserve(n) the
/// next n bytes may go in with put_unchecked() (a transfer reserves its upper bound once).
class out_buffer_t
{
public:
    explicit out_buffer_t(std::size_t capacity) : m_data(new char[capacity]), m_capacity(capacity) {}

    std::string_view view() const noexcept { return {m_data.get(), m_size}; }
    std::size_t size() const noexcept { return m_size; }
    bool empty() const noexcept { return m_size == 0; }
    void clear() noexcept { m_size = 0; }

    void reserve(std::size_t n)
    {
        if (m_capacity - m_size < n) [[unlikely]] {
            grow(n);
        }
    }
    void put(std::string_view s)
    {
        reserve(s.size());
        put_unchecked(s);
    }
    void put(char c)
    {
        reserve(1);
        m_data[m_size++] = c;
    }
    void put_unchecked(std::string_view s) noexcept
    {
        std::memcpy(m_data.get() + m_size, s.data(), s.size());
        m_size += s.size();
    }
    void put_unchecked(char c) noexcept { m_data[m_size++] = c; }

private:
    [[gnu::noinline]] void grow(std::size_t n)
    {
        std::size_t const capacity = std::max(m_capacity * 2, m_size + n);
        std::unique_ptr<char[]> data{new char[capacity]};
        std::memcpy(data.get(), m_data.get(), m_size);
        m_data = std::move(data);
        m_capacity = capacity;
    }

    std::unique_ptr<char[]> m_data;
    std::size_t m_capacity;
    std::size_t m_size = 0;
};

/// XML-special characters of text: what xmlEncodeSpecialChars replaces (`&` `<` `>` `"` and CR).
constexpr std::array<bool, 256> TEXT_SPECIAL = [] {
    std::array<bool, 256> t{};
    t['&'] = t['<'] = t['>'] = t['"'] = t['\r'] = true;
    return t;
}();

/// The position of the first XML-special character of \p s at or after \p from, or s.size(). Most
/// texts have none: 16 bytes are compared at a time where SSE2 is there (always on x86-64).
inline std::size_t next_special(std::string_view s, std::size_t from) noexcept
{
    std::size_t i = from;
#if defined(__SSE2__)
    __m128i const amp = _mm_set1_epi8('&');
    __m128i const lt = _mm_set1_epi8('<');
    __m128i const gt = _mm_set1_epi8('>');
    __m128i const quot = _mm_set1_epi8('"');
    __m128i const cr = _mm_set1_epi8('\r');
    for (; i + 16 <= s.size(); i += 16) {
        __m128i const v = _mm_loadu_si128(reinterpret_cast<__m128i const *>(s.data() + i));
        __m128i const hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)),
                                         _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, gt), _mm_cmpeq_epi8(v, quot)),
                                                      _mm_cmpeq_epi8(v, cr)));
        if (int const mask = _mm_movemask_epi8(hit); mask != 0) {
            return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
        }
    }
#endif
    for (; i < s.size(); ++i) {
        if (TEXT_SPECIAL[static_cast<unsigned char>(s[i])]) {
            return i;
        }
    }
    return s.size();
}

/// The XML serialiser: appends to one reused buffer and produces exactly the bytes libxml2's
/// xmlTextWriter produced for the same calls (the writer used it until 2026-11; files stay
/// byte-identical): the declaration `<?xml version="1.0" encoding="UTF-8"?>` and a newline,
/// elements without blanks between them and a final newline; or, with indent, each element on its
/// own line indented by two blanks per level. Text is escaped like xmlEncodeSpecialChars
/// (`&` `<` `>` `"` and CR); the per-field checks admit only `&` of these.
///
/// Besides the element calls, the compact form can be written as literal markup (`markup`, the
/// tags of a whole transfer without indentation) with escaped text in between (`escaped`), after
/// one `reserve` of the transfer's upper bound; add_transfer does so, and the unit tests hold both
/// ways to the same bytes.
class xml_emitter_t
{
public:
    explicit xml_emitter_t(bool indent) : m_buf(FLUSH_BYTES + (FLUSH_BYTES >> 2)), m_indent(indent) {}

    out_buffer_t &buffer() noexcept { return m_buf; }
    bool indented() const noexcept { return m_indent; }

    void declaration() { m_buf.put("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"); }

    void start(std::string_view name)
    {
        if (m_start_open) {
            m_buf.put(m_indent ? ">\n" : ">");
            m_start_open = false;
        }
        if (m_depth == m_stack.size()) {
            throw internal_error{"pain.001 serialiser: elements nested too deeply"};
        }
        m_stack[m_depth++] = name;
        indent();
        m_buf.put('<');
        m_buf.put(name);
        m_start_open = true;
    }

    /// Appends ` name="value"` to the open start tag; \p name_value is written as given (constants only).
    void attribute(std::string_view name_value)
    {
        m_buf.put(' ');
        m_buf.put(name_value);
    }

    void text(std::string_view s)
    {
        if (m_start_open) {
            m_buf.put('>');
            m_start_open = false;
        }
        m_doindent = false;
        m_buf.reserve(s.size() * 5);
        escaped(s);
    }

    /// Text of an amount in cents: `1234.56` (cents >= 0).
    void amount(std::int64_t cents)
    {
        if (m_start_open) {
            m_buf.put('>');
            m_start_open = false;
        }
        m_doindent = false;
        m_buf.reserve(MAX_AMOUNT_TEXT);
        amount_text(cents);
    }

    void end()
    {
        if (m_start_open) {
            m_buf.put("/>");
            m_start_open = false;
            m_doindent = true;
        } else {
            if (m_doindent) {
                indent();
            }
            m_doindent = true;
            m_buf.put("</");
            m_buf.put(m_stack[m_depth - 1]);
            m_buf.put('>');
        }
        if (m_indent) {
            m_buf.put('\n');
        }
        --m_depth;
    }

    /// Closes every open element; without indent a final newline follows.
    void end_document()
    {
        while (m_depth > 0) {
            end();
        }
        if (!m_indent) {
            m_buf.put('\n');
        }
    }

    void element(std::string_view name, std::string_view value)
    {
        start(name);
        text(value);
        end();
    }

    // --- the compact form as markup: only between complete elements, without indent ---

    static constexpr std::size_t MAX_AMOUNT_TEXT = 24;

    /// Room for \p n more bytes of markup and text (text counts five times: escaped).
    void reserve(std::size_t n) { m_buf.reserve(n); }
    /// \pre reserve() covered it
    void markup(std::string_view tags) noexcept { m_buf.put_unchecked(tags); }
    /// \p s escaped. \pre reserve() covered 5 * s.size()
    void escaped(std::string_view s) noexcept
    {
        std::size_t run = 0;
        for (std::size_t i = next_special(s, 0); i < s.size(); i = next_special(s, i + 1)) {
            std::string_view rep;
            switch (s[i]) {
            case '&': rep = "&amp;"; break;
            case '<': rep = "&lt;"; break;
            case '>': rep = "&gt;"; break;
            case '"': rep = "&quot;"; break;
            default: rep = "&#13;"; break;
            }
            m_buf.put_unchecked(s.substr(run, i - run));
            m_buf.put_unchecked(rep);
            run = i + 1;
        }
        m_buf.put_unchecked(s.substr(run));
    }
    /// `1234.56` (cents >= 0). \pre reserve() covered MAX_AMOUNT_TEXT
    void amount_text(std::int64_t cents) noexcept
    {
        std::array<char, MAX_AMOUNT_TEXT> digits{};
        auto const [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size() - 3, cents / 100);
        (void)ec;
        auto const c = static_cast<unsigned>(cents % 100);
        char *p = end;
        *p++ = '.';
        *p++ = static_cast<char>('0' + c / 10);
        *p++ = static_cast<char>('0' + c % 10);
        m_buf.put_unchecked(std::string_view{digits.data(), static_cast<std::size_t>(p - digits.data())});
    }

private:
    void indent()
    {
        if (m_indent) {
            for (std::size_t i = 1; i < m_depth; ++i) {
                m_buf.put("  ");
            }
        }
    }

    out_buffer_t m_buf;
    bool const m_indent;
    bool m_start_open = false; // the innermost start tag still lacks its '>'
    bool m_doindent = true;    // xmlTextWriter's rule: an end tag after child elements is indented
    std::array<std::string_view, 12> m_stack{};
    std::size_t m_depth = 0;
};

} // namespace

// --- verification -----------------------------------------------------------------------------
//
// One streaming SAX pass (libxml2's parser) that validates against the embedded schema and
// recounts NbOfTxs/CtrlSum from the bytes. The schema is the XSD file, compiled once into tables by
// xml::compiled_schema_t (formats/xml/compiled_schema.hpp); libxml2's own validator checked the
// same schema three times slower (docs/benchmarks.md), and the unit tests hold the two to the same
// verdicts. Fed in chunks, so it can read a file while another thread is still writing it
// (concurrent_check_t).

namespace {

/// The embedded schema, compiled on first use (thread-safe).
xml::compiled_schema_t const &compiled_pain001_schema()
{
    static xml::compiled_schema_t const schema{embedded::get(PAIN001_SCHEMA), PAIN001_SCHEMA};
    return schema;
}

/// The element names the recount looks at, as interned by the scanner: it hands every local name
/// over as an interned pointer, so equal names are equal pointers.
struct verify_names_t
{
    xmlChar const *pmt_inf = nullptr;
    xmlChar const *grp_hdr = nullptr;
    xmlChar const *nb_of_txs = nullptr;
    xmlChar const *ctrl_sum = nullptr;
    xmlChar const *instd_amt = nullptr;
    xmlChar const *pmt_inf_id = nullptr;

    explicit verify_names_t(xml::sax_scanner_t &scanner)
    {
        auto intern = [&scanner](char const *name) { return scanner.intern(name); };
        pmt_inf = intern("PmtInf");
        grp_hdr = intern("GrpHdr");
        nb_of_txs = intern("NbOfTxs");
        ctrl_sum = intern("CtrlSum");
        instd_amt = intern("InstdAmt");
        pmt_inf_id = intern("PmtInfId");
    }
};

/// What one part of a self-check in two parts saw at and after the split point (the end of a
/// transfer; see pain001_concurrent_check_t::split). The head is the file up to the point, the tail
/// the rest, read after a primer that brings the tail's scanner and validator to the same point.
struct split_part_t
{
    bool reached = false; ///< the part passed the split point, with no finding before
    bool closed = false;  ///< tail: the PmtInf open at the split point was closed
    std::string context;  ///< the scanner's context and the validator's continuation there
    std::string pmt_id;   ///< the PmtInf open there and its declared totals
    std::int64_t pmt_declared_n = -1;
    money_t pmt_declared_sum;
    std::int64_t grp_declared_n = -1;
    money_t grp_declared_sum;
    std::int64_t pmt_n = 0; ///< that PmtInf's transfers: head before the point, tail after it
    money_t pmt_sum;
    std::int64_t rest_n = 0; ///< head: the transfers of the PmtInfs closed before; tail: of those after
    money_t rest_sum;
};

/// Whether a head and a tail together are the check of the whole file: they met at the same point in
/// the same state, and the recounted transfers add up to what PmtInf and GrpHdr declare.
bool parts_agree(split_part_t const &head, split_part_t const &tail)
{
    return head.reached && tail.reached && tail.closed && head.context == tail.context && head.pmt_id == tail.pmt_id &&
           head.pmt_declared_n == tail.pmt_declared_n && head.pmt_declared_sum == tail.pmt_declared_sum &&
           head.grp_declared_n == tail.grp_declared_n && head.grp_declared_sum == tail.grp_declared_sum &&
           head.pmt_n + tail.pmt_n == head.pmt_declared_n && head.pmt_sum + tail.pmt_sum == head.pmt_declared_sum &&
           head.rest_n + head.pmt_n + tail.pmt_n + tail.rest_n == head.grp_declared_n &&
           head.rest_sum + head.pmt_sum + tail.pmt_sum + tail.rest_sum == head.grp_declared_sum;
}

/// Which part of the file a verification pass reads.
enum class part_t {
    whole, ///< all of it, in order
    head,  ///< from the start up to the split point (set by stop_after), where it stops
    tail,  ///< a primer, then the file from the split point on (split_offset: where that starts in the stream)
};

struct verify_state_t
{
    std::string path;
    xml::sax_scanner_t *scanner = nullptr;
    std::optional<verify_names_t> names;
    std::optional<xml::schema_validator_t> validator;
    std::vector<xmlChar const *> stack; // dictionary-owned local names
    bool capture = false;

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

    part_t part = part_t::whole;
    std::uint64_t split_offset = 0; ///< head, tail: the stream offset of the split point; 0 unknown or passed
    bool in_split_pmt = false;      ///< tail: the PmtInf open at the split point is still open
    split_part_t split;

    long line() const { return scanner != nullptr ? scanner->line() : 0; }

    void fail(std::string element, std::string reason)
    {
        if (error.empty()) {
            error = std::move(reason);
            error_line = line();
            error_element = std::move(element);
        }
        if (scanner != nullptr) {
            scanner->stop();
        }
    }
};

[[gnu::cold, gnu::noinline]] void schema_failed(verify_state_t &st)
{
    st.fail(st.validator->element(), st.validator->error());
}

/// Hands a finding of the schema validator to the state (and stops the parser). \returns false then
inline bool schema_ok(verify_state_t &st, bool valid)
{
    if (!valid) [[unlikely]] {
        schema_failed(st);
    }
    return valid;
}

void at_split_point(verify_state_t &st);

void on_start(void *ud, xmlChar const *localname, xmlChar const *, xmlChar const *uri, int, xmlChar const **,
              int n_attributes, int, xmlChar const **attributes)
{
    auto &st = *static_cast<verify_state_t *>(ud);
    if (!st.error.empty() ||
        !schema_ok(st, st.validator->start_element(localname, uri, n_attributes, attributes))) {
        return;
    }
    auto const &n = *st.names;
    st.stack.push_back(localname);
    if (localname == n.pmt_inf) {
        st.pmt_n = 0;
        st.pmt_sum = money_t{};
        st.pmt_declared_n = -1;
    }
    st.capture = localname == n.instd_amt || localname == n.nb_of_txs || localname == n.ctrl_sum ||
                 localname == n.pmt_inf_id;
}

void on_characters(void *ud, xmlChar const *ch, int len)
{
    auto &st = *static_cast<verify_state_t *>(ud);
    // the text of the recounted elements (all of simple type) is kept by the validator
    if (st.error.empty()) {
        schema_ok(st, st.validator->characters(
                          std::string_view{reinterpret_cast<char const *>(ch), static_cast<std::size_t>(len)}));
    }
}

void on_end(void *ud, xmlChar const *localname, xmlChar const *, xmlChar const *)
{
    auto &st = *static_cast<verify_state_t *>(ud);
    if (!st.error.empty() || !schema_ok(st, st.validator->end_element())) {
        return;
    }
    auto const &n = *st.names;
    xmlChar const *parent = st.stack.size() >= 2 ? st.stack[st.stack.size() - 2] : nullptr;
    std::string_view const text = st.validator->last_text();
    auto amount = [&](char const *what) {
        try {
            return money_t::parse(text);
        } catch (validation_error const &) {
            st.fail(what, std::string{what} + " '" + std::string{text} + "' is not an amount");
            return money_t{};
        }
    };
    auto count = [&]() -> std::int64_t {
        try {
            return std::stoll(std::string{text});
        } catch (std::exception const &) {
            st.fail("NbOfTxs", "NbOfTxs '" + std::string{text} + "' is not a number");
            return -1;
        }
    };
    if (st.capture) {
        if (localname == n.instd_amt) {
            st.pmt_sum += amount("InstdAmt");
            ++st.pmt_n;
        } else if (parent == n.grp_hdr && localname == n.nb_of_txs) {
            st.grp_declared_n = count();
        } else if (parent == n.grp_hdr && localname == n.ctrl_sum) {
            st.grp_declared_sum = amount("CtrlSum");
        } else if (parent == n.pmt_inf && localname == n.nb_of_txs) {
            st.pmt_declared_n = count();
        } else if (parent == n.pmt_inf && localname == n.ctrl_sum) {
            st.pmt_declared_sum = amount("CtrlSum");
        } else if (parent == n.pmt_inf && localname == n.pmt_inf_id) {
            st.pmt_id = std::string{text};
        }
        st.capture = false;
    } else if (localname == n.pmt_inf) {
        if (st.in_split_pmt) {
            // tail: the PmtInf began before the split point; its totals are added up with the head's
            st.split.pmt_n = st.pmt_n;
            st.split.pmt_sum = st.pmt_sum;
            st.split.closed = true;
            st.in_split_pmt = false;
            st.stack.pop_back();
            return;
        }
        if (st.pmt_n != st.pmt_declared_n || st.pmt_sum != st.pmt_declared_sum) {
            st.fail("PmtInf", "PmtInf '" + st.pmt_id + "' declares NbOfTxs " + std::to_string(st.pmt_declared_n) +
                                  " CtrlSum " + st.pmt_declared_sum.to_sepa() + " but contains " +
                                  std::to_string(st.pmt_n) + " transfers summing to " + st.pmt_sum.to_sepa());
        }
        st.grp_n += st.pmt_n;
        st.grp_sum += st.pmt_sum;
    }
    st.stack.pop_back();
    if (st.split_offset != 0 && st.scanner->offset() == st.split_offset) [[unlikely]] {
        at_split_point(st);
    }
}

/// The end tag just read ends at the split point (head: where it stops; tail: where the primer ends
/// and the rest of the file begins).
void at_split_point(verify_state_t &st)
{
    split_part_t &sp = st.split;
    sp.reached = true;
    sp.context = st.scanner->context() + " | " + st.validator->continuation();
    sp.pmt_id = st.pmt_id;
    sp.pmt_declared_n = st.pmt_declared_n;
    sp.pmt_declared_sum = st.pmt_declared_sum;
    sp.grp_declared_n = st.grp_declared_n;
    sp.grp_declared_sum = st.grp_declared_sum;
    st.split_offset = 0;
    if (st.part == part_t::head) {
        sp.pmt_n = st.pmt_n;
        sp.pmt_sum = st.pmt_sum;
        sp.rest_n = st.grp_n;
        sp.rest_sum = st.grp_sum;
        st.scanner->stop();
    } else {
        // the primer's transfers are the head's; from here on the tail counts
        st.pmt_n = 0;
        st.pmt_sum = money_t{};
        st.grp_n = 0;
        st.grp_sum = money_t{};
        st.in_split_pmt = true;
    }
}

void on_doctype(void *ud, xmlChar const *, xmlChar const *, xmlChar const *)
{
    auto &st = *static_cast<verify_state_t *>(ud);
    schema_ok(st, st.validator->refuse("a DOCTYPE is not allowed"));
}

void on_error(void *ud, xmlErrorPtr err)
{
    auto &st = *static_cast<verify_state_t *>(ud);
    if (err == nullptr || err->level == XML_ERR_WARNING || !st.error.empty()) {
        return;
    }
    // only the parser's errors come here (the schema's findings come from the validator)
    st.error = xml::libxml2_message(err->message);
    st.error_line = err->line > 0 ? err->line : st.line();
    st.error_element = st.stack.empty() ? std::string{} : reinterpret_cast<char const *>(st.stack.back());
}

/// One verification pass over a pain.001 byte stream, read from a byte source by the scanner.
class pain001_verifier_t
{
public:
    pain001_verifier_t(std::string const &path, xml::byte_source_t &source)
        : m_scanner({&on_start, &on_end, &on_characters, &on_doctype, &on_error}, &m_st, source)
    {
        m_st.path = path;
        m_st.stack.reserve(16);
        m_st.validator.emplace(compiled_pain001_schema());
        m_st.scanner = &m_scanner;
        m_st.names.emplace(m_scanner);
    }

    /// Only a part of the file (see part_t): \p split_offset is where the tail's rest starts in the
    /// stream; a head learns its point later (stop_after).
    void read_part(part_t part, std::uint64_t split_offset = 0)
    {
        m_st.part = part;
        m_st.split_offset = split_offset;
    }
    /// Head: stop after the end tag that ends at \p offset. Called (from the byte source) before the
    /// bytes up to there are read.
    void stop_after(std::uint64_t offset) noexcept
    {
        if (m_st.part == part_t::head && !m_st.split.reached) {
            m_st.split_offset = offset;
        }
    }
    split_part_t const &split() const noexcept { return m_st.split; }

    /// Reads and checks the whole document (or its part); after the first finding the rest is not read.
    /// \throws input_error naming file, line and element on any finding; what the source threw
    void run()
    {
        bool const well_formed = m_scanner.parse();
        if (m_st.error.empty() && !well_formed) {
            m_st.error = m_scanner.error().empty() ? std::string{"the file is not well-formed XML"} : m_scanner.error();
            m_st.error_line = m_scanner.error_line();
        }
        if (m_st.part == part_t::head && m_st.error.empty() && m_st.split.reached) {
            return; // the rest is the tail's, and so are the totals
        }
        if (m_st.error.empty()) {
            schema_ok(m_st, m_st.validator->end_document());
        }
        std::string const &path = m_st.path;
        if (!m_st.error.empty()) {
            throw input_error{input_location_t{path, m_st.error_line, {}, m_st.error_element}, m_st.error};
        }
        if (m_st.part == part_t::tail) {
            m_st.split.rest_n = m_st.grp_n;
            m_st.split.rest_sum = m_st.grp_sum;
            return; // GrpHdr's totals: parts_agree
        }
        if (m_st.grp_n != m_st.grp_declared_n || m_st.grp_sum != m_st.grp_declared_sum) {
            throw input_error{input_location_t{path, 0, {}, "GrpHdr"},
                              "GrpHdr declares NbOfTxs " + std::to_string(m_st.grp_declared_n) + " CtrlSum " +
                                  m_st.grp_declared_sum.to_sepa() + " but the file contains " +
                                  std::to_string(m_st.grp_n) + " transfers summing to " + m_st.grp_sum.to_sepa()};
        }
    }

private:
    verify_state_t m_st; // before the scanner, whose callbacks use it
    xml::sax_scanner_t m_scanner;
};

/// The SHA-256 of a file whose first bytes were hashed elsewhere: \p hash (once set) holds the
/// hash of the bytes before \p from, and the reader adds the rest.
struct hash_relay_t
{
    std::optional<sha256_t> hash;
    std::uint64_t from = 0;
};

/// One pread of up to \p n bytes at \p offset of the check's file \p path. \returns how many (> 0)
/// \throws input_error when the file cannot be read or ends before \p offset + 1
std::size_t pread_some(int fd, std::string const &path, char *buf, std::size_t n, std::uint64_t offset)
{
    ssize_t r = 0;
    do {
        r = ::pread(fd, buf, n, static_cast<off_t>(offset));
    } while (r < 0 && errno == EINTR);
    if (r <= 0) {
        throw input_error{input_location_t{path, 0, {}, {}}, r < 0 ? std::string{"cannot read the file: "} + std::strerror(errno)
                                                                  : std::string{"the file is shorter than written"}};
    }
    return static_cast<std::size_t>(r);
}

/// A file opened for reading by a check, closed with it.
class read_fd_t
{
public:
    /// \throws input_error when \p path cannot be opened
    explicit read_fd_t(std::string const &path) : m_fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)}
    {
        if (m_fd < 0) {
            throw input_error{input_location_t{path, 0, {}, {}}, "cannot open the file"};
        }
    }
    ~read_fd_t() { ::close(m_fd); }
    read_fd_t(read_fd_t const &) = delete;
    read_fd_t &operator=(read_fd_t const &) = delete;
    int get() const noexcept { return m_fd; }

private:
    int m_fd;
};

/// A file read in large blocks (into the reader's buffer when it asks for at least 64 KiB, else
/// through our own), as far as \p available
/// says it exists: available(pos, want) returns how many bytes of the file may be read once more
/// than \p pos exist or the file is complete, and may block until then (or throw to abandon the
/// check); at most \p want bytes after \p pos are read then.
/// Optionally the bytes from an offset on are hashed (hash_relay_t), each once, in file order.
template <typename Available>
class file_source_t final : public xml::byte_source_t
{
public:
    file_source_t(int fd, std::string const &path, Available available)
        : m_fd(fd), m_path(path), m_available(std::move(available))
    {
    }

    /// The bytes at and after relay.from go into relay.hash once it is set (by `available`, before
    /// any of them is read).
    void hash_into(hash_relay_t &relay) noexcept { m_relay = &relay; }

    /// How many bytes of the file were read (from its start).
    std::uint64_t bytes_read() const noexcept { return m_pos; }

    /// Reads what is left through the source's own buffer, for the hash only.
    void read_to_end()
    {
        m_begin = m_end;
        while (fill()) {
            m_begin = m_end;
        }
    }

    std::size_t read(char *buf, std::size_t n) override
    {
        if (m_begin == m_end && n >= DIRECT_READ) {
            // the scanner asks for large blocks: read into its buffer, without a copy of ours
            return read_direct(buf, n);
        }
        if (m_begin == m_end && !fill()) {
            return 0;
        }
        n = std::min(n, m_end - m_begin);
        std::memcpy(buf, m_buffer.get() + m_begin, n);
        m_begin += n;
        return n;
    }

private:
    static constexpr std::size_t DIRECT_READ = std::size_t{1} << 16;
    static constexpr std::size_t BUFFER_BYTES = std::size_t{1} << 20;

    std::size_t read_direct(char *buf, std::size_t n)
    {
        std::uint64_t const available = m_available(m_pos, n);
        if (available <= m_pos) {
            return 0;
        }
        std::size_t const want = static_cast<std::size_t>(std::min<std::uint64_t>(n, available - m_pos));
        read_exactly(buf, want);
        return want;
    }

    /// Reads \p want bytes at m_pos into \p buf and advances m_pos.
    void read_exactly(char *buf, std::size_t want)
    {
        std::size_t got = 0;
        while (got < want) {
            got += pread_some(m_fd, m_path, buf + got, want - got, m_pos + got);
        }
        if (m_relay != nullptr && m_relay->hash && m_pos + got > m_relay->from) {
            std::size_t const skip = m_relay->from > m_pos ? static_cast<std::size_t>(m_relay->from - m_pos) : 0;
            m_relay->hash->update(std::string_view{buf + skip, got - skip});
        }
        m_pos += got;
    }

    bool fill()
    {
        std::uint64_t const available = m_available(m_pos, BUFFER_BYTES);
        if (available <= m_pos) {
            return false;
        }
        if (!m_buffer) {
            // only for small reads (the scanner asks for large blocks): not allocated, nor its
            // pages touched, before it is needed
            m_buffer.reset(new char[BUFFER_BYTES]);
        }
        std::size_t const want = static_cast<std::size_t>(std::min<std::uint64_t>(BUFFER_BYTES, available - m_pos));
        read_exactly(m_buffer.get(), want);
        m_begin = 0;
        m_end = want;
        return true;
    }

    int m_fd;
    std::string const &m_path;
    Available m_available;
    std::unique_ptr<char[]> m_buffer; ///< BUFFER_BYTES, allocated at the first small read
    std::size_t m_begin = 0;
    std::size_t m_end = 0;
    std::uint64_t m_pos = 0; ///< file offset of m_buffer's end
    hash_relay_t *m_relay = nullptr;
};

/// Byte ranges of a file read one after the other as one stream: the tail of a self-check in two
/// parts reads the file's start up to its first PmtInf, the split PmtInf up to the end of its first
/// transfer (the primer), then the file from the split point to its end.
class spliced_source_t final : public xml::byte_source_t
{
public:
    struct range_t
    {
        std::uint64_t begin;
        std::uint64_t end;
    };

    spliced_source_t(int fd, std::string const &path, std::vector<range_t> ranges)
        : m_fd(fd), m_path(path), m_ranges(std::move(ranges))
    {
    }

    std::size_t read(char *buf, std::size_t n) override
    {
        while (m_next < m_ranges.size() && m_ranges[m_next].begin >= m_ranges[m_next].end) {
            ++m_next;
        }
        if (m_next == m_ranges.size()) {
            return 0;
        }
        range_t &r = m_ranges[m_next];
        std::size_t const got =
            pread_some(m_fd, m_path, buf, static_cast<std::size_t>(std::min<std::uint64_t>(n, r.end - r.begin)), r.begin);
        r.begin += got;
        return got;
    }

private:
    int m_fd;
    std::string const &m_path;
    std::vector<range_t> m_ranges;
    std::size_t m_next = 0;
};

/// The self-check of a file being written, on a second thread: it reads the temporary file back
/// (pread) as far as the writer has written it and feeds the bytes to pain001_verifier_t, so
/// writing and checking overlap and the wall time is about the larger of the two, not their sum.
/// It checks the bytes in the file, not the serialiser's buffer. It also finishes the file's
/// SHA-256 for the manifest: the writer hashes the first part as it writes it and hands the
/// running hash over (hand_over_hash), the check hashes the rest from the bytes it reads back.
class pain001_concurrent_check_t
{
public:
    explicit pain001_concurrent_check_t(std::string path) : m_path(std::move(path))
    {
        xmlInitParser();                  // libxml2's global set-up, before a second thread uses it (URIs)
        (void)compiled_pain001_schema(); // compiled here, so a broken schema is reported at once
        m_fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
        if (m_fd < 0) {
            throw internal_error{"cannot open " + m_path + " for the self-check: " + std::strerror(errno)};
        }
        try {
            m_thread = std::thread{[this] { run(); }};
        } catch (...) {
            ::close(m_fd);
            throw;
        }
    }

    ~pain001_concurrent_check_t() { cancel(); }
    pain001_concurrent_check_t(pain001_concurrent_check_t const &) = delete;
    pain001_concurrent_check_t &operator=(pain001_concurrent_check_t const &) = delete;

    /// The writer has written (not only buffered) the first \p bytes of the file.
    void advance(std::uint64_t bytes)
    {
        {
            std::lock_guard const lock{m_mutex};
            m_available = bytes;
        }
        m_cv.notify_one();
    }

    /// Whether the check has read everything written so far and waits for more (it has time to
    /// spare: the writer hands it the rest of the hashing then).
    bool idle()
    {
        std::lock_guard const lock{m_mutex};
        return m_idle;
    }

    /// \p hash is the SHA-256 state after the first \p at bytes of the file; the check hashes the
    /// bytes after them. \pre called once, before advance() or complete() go beyond \p at
    void hand_over_hash(sha256_t const &hash, std::uint64_t at)
    {
        std::lock_guard const lock{m_mutex};
        m_handed_over = hash;
        m_handed_over_at = at;
    }

    /// The file is complete with \p bytes; no more will come.
    void complete(std::uint64_t bytes)
    {
        {
            std::lock_guard const lock{m_mutex};
            m_available = bytes;
            m_complete = true;
        }
        m_cv.notify_one();
    }

    /// The file is complete with \p bytes, but this check reads it only up to \p at, the end of a
    /// transfer, and stops there; the writer's thread checks the rest (the self-check in two parts,
    /// pain001_writer_t::finish). \returns false, and nothing changes, when the check may already
    /// have read beyond \p at.
    bool split(std::uint64_t bytes, std::uint64_t at)
    {
        {
            std::lock_guard const lock{m_mutex};
            if (at <= m_reserved || at >= bytes) {
                return false;
            }
            m_available = bytes;
            m_complete = true;
            m_limit = at;
        }
        m_cv.notify_one();
        return true;
    }

    /// How far the check may have read: the bytes it was allowed to read so far.
    std::uint64_t reserved()
    {
        std::lock_guard const lock{m_mutex};
        return m_reserved;
    }

    /// After wait() of a split check: what the head saw at the split point.
    split_part_t const &head() const noexcept { return m_head; }

    /// Writes the file's data to the disk (fdatasync) while the check is still reading it, so that
    /// the fsync of the commit has hardly anything left to do. Publishes nothing; errors are left
    /// to that fsync.
    void sync_data_early() noexcept
    {
        if (m_fd >= 0) {
            ::fdatasync(m_fd);
        }
    }

    /// Waits until the check is done. \pre complete() was called
    /// \throws input_error on any finding (schema, well-formedness, control totals)
    /// \returns the lower-case hex SHA-256 of the whole file as read back
    std::string wait()
    {
        join();
        if (m_error) {
            std::rethrow_exception(m_error);
        }
        return m_sha256;
    }

    /// Stops the check (the file is abandoned).
    void cancel() noexcept
    {
        m_stop = true; // also ends a long read-and-parse loop early
        {
            std::lock_guard const lock{m_mutex};
            m_cancelled = true;
        }
        m_cv.notify_one();
        join();
    }

private:
    void join() noexcept
    {
        if (m_thread.joinable()) {
            m_thread.join();
        }
        if (m_fd >= 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }

    struct cancelled_t
    {
    };

    /// For the file source: waits until more than \p pos bytes are written or the file is complete;
    /// the source then reads at most \p want bytes after \p pos.
    std::uint64_t wait_beyond(std::uint64_t pos, std::size_t want)
    {
        std::unique_lock lock{m_mutex};
        m_idle = !(m_cancelled || m_complete || m_available > pos);
        m_cv.wait(lock, [&] { return m_cancelled || m_complete || m_available > pos; });
        m_idle = false;
        if (m_cancelled || m_stop) {
            throw cancelled_t{};
        }
        if (m_handed_over && !m_relay.hash) {
            // before any byte beyond m_available is read: the writer hands over before it advances
            m_relay.hash = *m_handed_over;
            m_relay.from = m_handed_over_at;
        }
        std::uint64_t available = m_available;
        if (m_limit != 0 && !m_past_split) {
            available = std::min(available, m_limit);
            m_verifier->stop_after(m_limit); // before the bytes up to the split point are read
        }
        m_reserved = std::max(m_reserved, std::min(available, pos + want));
        return available;
    }

    void run() noexcept
    {
        try {
            auto wait = [this](std::uint64_t pos, std::size_t want) { return wait_beyond(pos, want); };
            file_source_t<decltype(wait)> source{m_fd, m_path, wait};
            source.hash_into(m_relay);
            pain001_verifier_t verifier{m_path, source};
            verifier.read_part(part_t::head); // the whole file unless split() says where to stop
            m_verifier = &verifier;
            verifier.run(); // after a finding the rest is not read; the writer learns of it at finish()
            m_verifier = nullptr;
            m_head = verifier.split();
            // a document is only complete at the end of the file, so the whole file was read and
            // hashed; said here once more, since the manifest's SHA-256 depends on it
            std::uint64_t written = 0;
            std::uint64_t limit = 0;
            bool complete = false;
            bool hash_rest = false;
            {
                std::lock_guard const lock{m_mutex};
                limit = m_limit;
                written = m_available;
                complete = m_complete;
                // split after the writer handed the hash over: the rest is the writer's thread's
                // to check, but this thread's to hash
                hash_rest = limit != 0 && m_head.reached && m_relay.hash && m_relay.from < written;
                m_past_split = hash_rest;
            }
            if (limit != 0 && !m_head.reached) {
                // the check stopped short of the split point without a finding: not a verdict
                throw input_error{input_location_t{m_path, 0, {}, {}}, "the self-check's first part ended early"};
            }
            if (hash_rest) {
                source.read_to_end();
            } else if (limit != 0) {
                written = limit;
            }
            if (!complete || source.bytes_read() != written || !m_relay.hash) {
                throw internal_error{"the self-check of " + m_path + " read " + std::to_string(source.bytes_read()) +
                                     " of its " + std::to_string(written) + " bytes" +
                                     (m_relay.hash ? "" : " and has no hash of the first part")};
            }
            m_sha256 = m_relay.hash->hex_digest();
        } catch (cancelled_t const &) {
            return;
        } catch (...) {
            m_error = std::current_exception();
        }
    }

    std::string m_path;
    int m_fd = -1;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::uint64_t m_available = 0;
    bool m_complete = false;
    bool m_cancelled = false;
    std::atomic<bool> m_stop{false};
    std::exception_ptr m_error;
    std::optional<sha256_t> m_handed_over; ///< by the writer, under m_mutex
    std::uint64_t m_handed_over_at = 0;
    bool m_idle = false; ///< the check waits in wait_beyond for bytes not yet written
    std::uint64_t m_limit = 0;    ///< split(): the check reads up to here; 0: to the end
    std::uint64_t m_reserved = 0; ///< the bytes the check was allowed to read so far
    pain001_verifier_t *m_verifier = nullptr; ///< the check thread's, while it runs
    bool m_past_split = false;    ///< the check read to the split point and now only hashes the rest
    split_part_t m_head;
    hash_relay_t m_relay;                  ///< the check thread's
    std::string m_sha256;
    std::thread m_thread;
};


/// Checks the tail of a file split at a transfer's end (see pain001_concurrent_check_t::split):
/// \p ranges are the primer and the rest, \p rest_from where the rest starts in their stream.
/// \throws input_error on any finding (not a verdict on the file: the caller checks it once more)
split_part_t verify_tail(std::string const &path, std::vector<spliced_source_t::range_t> ranges,
                         std::uint64_t rest_from)
{
    read_fd_t const fd{path};
    spliced_source_t source{fd.get(), path, std::move(ranges)};
    pain001_verifier_t verifier{path, source};
    verifier.read_part(part_t::tail, rest_from);
    verifier.run();
    return verifier.split();
}

} // namespace

void verify_pain001_file(std::string const &path)
{
    read_fd_t const fd{path};
    struct stat st{};
    if (::fstat(fd.get(), &st) != 0) {
        throw input_error{input_location_t{path, 0, {}, {}}, "cannot read the file"};
    }
    auto size = [n = static_cast<std::uint64_t>(st.st_size)](std::uint64_t, std::size_t) { return n; };
    file_source_t<decltype(size)> source{fd.get(), path, size};
    pain001_verifier_t{path, source}.run();
}

bool creditor_bic_required(iban_t const &iban) { return !is_eea_country(std::string_view{iban.str()}.substr(0, 2)); }

// --- writer -----------------------------------------------------------------------------------

struct pain001_writer_t::impl_t
{
    std::string final_path;
    pain001_header_t header;
    std::unique_ptr<atomic_file_t> file;
    std::unique_ptr<pain001_concurrent_check_t> check;
    std::unique_ptr<xml_emitter_t> xml;

    enum class state_t { group, payment_info, finished, failed } state = state_t::group;

    std::set<std::string> pmt_inf_ids;
    std::string current_id;            // the open PmtInf
    std::int64_t current_declared_n = 0;
    money_t current_declared_sum;
    std::int64_t pmt_count = 0;
    money_t pmt_sum;
    std::int64_t total_count = 0;
    std::int64_t hand_over_after = 0;   ///< transfers; see set_hash_hand_over_percent
    bool hand_over_when_idle = true;    ///< and only when the check waits for bytes
    sha256_t hash;                      ///< the file's first part, until handed over
    bool hash_handed_over = false;
    money_t total_sum;
    std::int64_t payment_infos = 0;
    std::size_t flush_at = FIRST_FLUSH_BYTES; ///< write_out_if_full

    // For the self-check in two parts (finish): where each PmtInf starts and where its first
    // transfer ends, and the ends of transfers about every g_split_step bytes after that.
    struct pmt_span_t
    {
        std::uint64_t start = 0;
        std::uint64_t first_end = 0; ///< 0 until the first transfer is written
    };
    struct split_point_t
    {
        std::uint64_t at;     ///< the end of a transfer, not the first of its PmtInf
        std::size_t pmt;      ///< in pmt_spans
    };
    std::vector<pmt_span_t> pmt_spans;
    std::vector<split_point_t> split_points;
    std::uint64_t next_split_point = 0;
    std::uint64_t split_step = SPLIT_STEP;
    bool withhold = false; ///< tests: the check reads nothing before finish() (set_split_percent)

    /// A split of the self-check: the check thread reads up to `at`, this thread the rest after
    /// the primer (the file's start up to its first PmtInf, then the split PmtInf up to the end of
    /// its first transfer), which brings its scanner and validator to the same state.
    struct split_plan_t
    {
        std::uint64_t at = 0;
        std::vector<spliced_source_t::range_t> ranges;
        std::uint64_t rest_from = 0; ///< where the rest starts in the ranges' stream
    };

    /// Where to split a file of \p bytes: about halfway between what the check has read and the
    /// end; none when the check is near the end or the file has no split point there.
    std::optional<split_plan_t> plan_split(std::uint64_t bytes)
    {
        if (split_points.empty()) {
            return std::nullopt;
        }
        std::uint64_t target = 0;
        if (g_split_percent >= 0) {
            target = bytes * static_cast<std::uint64_t>(g_split_percent) / 100;
        } else {
            std::uint64_t const read = check->reserved();
            if (bytes < read + SPLIT_MIN_REST) {
                return std::nullopt;
            }
            target = read + (bytes - read) / 2;
        }
        auto it = std::lower_bound(split_points.begin(), split_points.end(), target,
                                   [](split_point_t const &p, std::uint64_t t) { return p.at < t; });
        if (it == split_points.end()) {
            return std::nullopt;
        }
        pmt_span_t const &first = pmt_spans.front();
        pmt_span_t const &span = pmt_spans[it->pmt];
        split_plan_t plan;
        plan.at = it->at;
        plan.ranges = {{0, first.start}, {span.start, span.first_end}, {it->at, bytes}};
        plan.rest_from = first.start + (span.first_end - span.start);
        return plan;
    }

    /// After check->split(plan.at): checks the rest here, waits for the check thread and adds up
    /// both. Where they do not make a verdict together (a finding in either part, or parts that do
    /// not meet), the whole file is checked once more in order, whose finding is the one reported.
    /// \returns the file's SHA-256 \throws input_error on a finding
    std::string check_in_two_parts(split_plan_t const &plan, bool &repeated)
    {
        std::optional<split_part_t> tail;
        try {
            tail = verify_tail(file->tmp_path(), plan.ranges, plan.rest_from);
        } catch (input_error const &) {
            // decided below
        }
        std::string sha256;
        bool head_ok = false;
        try {
            sha256 = check->wait();
            head_ok = true;
        } catch (input_error const &) {
            // decided below
        }
        if (head_ok && tail && parts_agree(check->head(), *tail)) {
            return sha256;
        }
        repeated = true;
        verify_pain001_file(file->tmp_path());
        return sha256_file(file->tmp_path());
    }

    /// The file offset the next serialised byte will have.
    std::uint64_t offset() const noexcept { return file->bytes_written() + xml->buffer().size(); }

    /// After a transfer's end tag: a possible split point (indented, the end tag is followed by a
    /// newline, xml_emitter_t::end).
    void transfer_written()
    {
        std::uint64_t const at = offset() - (xml->indented() ? 1 : 0);
        pmt_span_t &span = pmt_spans.back();
        if (span.first_end == 0) {
            span.first_end = at;
        } else if (at >= next_split_point) {
            split_points.push_back(split_point_t{at, pmt_spans.size() - 1});
            next_split_point = at + split_step;
        }
    }

    /// Hands the serialised bytes to the file (which hashes them) and tells the check how far it may read.
    void write_out()
    {
        out_buffer_t &buf = xml->buffer();
        if (!buf.empty()) {
            if (!hash_handed_over) {
                hash.update(buf.view());
            }
            file->write(buf.view());
            file->flush();
            buf.clear();
            // the transfers written so far: those of the closed PmtInf and of the open one
            if (!hash_handed_over && total_count + pmt_count >= hand_over_after &&
                (!hand_over_when_idle || check->idle())) {
                hand_over_hash();
            }
            if (!withhold) {
                check->advance(file->bytes_written());
            }
        }
    }
    /// The writer's part of the file's SHA-256 goes to the check (pain001_concurrent_check_t).
    void hand_over_hash()
    {
        check->hand_over_hash(hash, file->bytes_written());
        hash_handed_over = true;
    }
    void write_out_if_full()
    {
        if (xml->buffer().size() >= flush_at) {
            write_out();
            flush_at = std::min(flush_at * 2, FLUSH_BYTES);
        }
    }

    void name_element(char const *wrapper, std::string const &name)
    {
        xml->start(wrapper);
        xml->element("Nm", name);
        xml->end();
    }
    void account(char const *wrapper, iban_t const &iban)
    {
        xml->start(wrapper);
        xml->start("Id");
        xml->element("IBAN", iban.str());
        xml->end();
        xml->end();
    }

    void ensure(state_t expected, char const *what)
    {
        if (state != expected) {
            throw internal_error{std::string{"pain001_writer_t: "} + what + " called in the wrong state for " + final_path};
        }
    }

    void fail() noexcept
    {
        state = state_t::failed;
        if (check) {
            check->cancel();
        }
        if (file) {
            file->abandon();
        }
    }
};

namespace {

/// One transfer in the compact form, as the element calls of add_transfer write it without indent
/// (the unit tests compare both): the markup as literals, the texts escaped, one reservation.
void write_transfer_compact(xml_emitter_t &x, transfer_t const &t)
{
    std::size_t text = t.end_to_end_id.size() + t.creditor_name.size() + t.creditor_iban.str().size() +
                       t.remittance.size();
    if (t.creditor_bic) {
        text += t.creditor_bic->str().size();
    }
    if (t.ultimate_creditor) {
        text += t.ultimate_creditor->size();
    }
    if (t.purpose) {
        text += t.purpose->size();
    }
    x.reserve(512 + 5 * text + xml_emitter_t::MAX_AMOUNT_TEXT); // 512: more than all the tags below
    x.markup("<CdtTrfTxInf><PmtId><EndToEndId>");
    x.escaped(t.end_to_end_id);
    x.markup("</EndToEndId></PmtId><Amt><InstdAmt Ccy=\"EUR\">");
    x.amount_text(t.amount.as_cents());
    x.markup("</InstdAmt></Amt>");
    if (t.creditor_bic) {
        x.markup("<CdtrAgt><FinInstnId><BICFI>");
        x.escaped(t.creditor_bic->str());
        x.markup("</BICFI></FinInstnId></CdtrAgt>");
    }
    x.markup("<Cdtr><Nm>");
    x.escaped(t.creditor_name);
    x.markup("</Nm></Cdtr><CdtrAcct><Id><IBAN>");
    x.escaped(t.creditor_iban.str());
    x.markup("</IBAN></Id></CdtrAcct>");
    if (t.ultimate_creditor) {
        x.markup("<UltmtCdtr><Nm>");
        x.escaped(*t.ultimate_creditor);
        x.markup("</Nm></UltmtCdtr>");
    }
    if (t.purpose) {
        x.markup("<Purp><Cd>");
        x.escaped(*t.purpose);
        x.markup("</Cd></Purp>");
    }
    if (!t.remittance.empty()) {
        x.markup("<RmtInf><Ustrd>");
        x.escaped(t.remittance);
        x.markup("</Ustrd></RmtInf>");
    }
    x.markup("</CdtTrfTxInf>");
}

/// pain001_writer_t::set_hash_hand_over_percent
/// < 0: adaptive (from a quarter of the transfers on, as soon as the check waits for bytes)
int g_hash_hand_over_percent = -1;

} // namespace

void pain001_writer_t::set_hash_hand_over_percent(int percent) noexcept
{
    g_hash_hand_over_percent = percent < 0 ? -1 : std::min(percent, 100);
}

void pain001_writer_t::set_split_percent(int percent) noexcept
{
    g_split_percent = percent < 0 ? -1 : std::min(percent, 100);
}

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

    // the file's SHA-256 is taken by this writer and the self-check in two parts (write_out)
    m.file = std::make_unique<atomic_file_t>(m.final_path, atomic_file_t::hashing_t::by_caller);
    try {
        m.check = std::make_unique<pain001_concurrent_check_t>(m.file->tmp_path());
        int const percent = g_hash_hand_over_percent < 0 ? 25 : g_hash_hand_over_percent;
        m.hand_over_when_idle = g_hash_hand_over_percent < 0;
        m.hand_over_after = header.nb_of_txs * percent / 100;
        if (m.hand_over_after == 0 && !m.hand_over_when_idle) {
            m.hand_over_hash(); // the check hashes the whole file
        }
        if (g_split_percent >= 0) {
            // tests: the check waits for finish(), which splits the file there; the hash is handed
            // over where set_hash_hand_over_percent says, else at finish()
            m.withhold = true;
            m.split_step = 0;
            if (g_hash_hand_over_percent < 0) {
                m.hand_over_after = std::numeric_limits<std::int64_t>::max();
                m.hand_over_when_idle = false;
            }
        }
        m.xml = std::make_unique<xml_emitter_t>(header.indent);
        auto &x = *m.xml;
        x.declaration();
        x.start("Document");
        x.attribute(std::string{"xmlns=\""} + NS + "\"");
        x.start("CstmrCdtTrfInitn");
        x.start("GrpHdr");
        x.element("MsgId", header.msg_id);
        x.element("CreDtTm", iso_with_offset(header.created));
        x.element("NbOfTxs", std::to_string(header.nb_of_txs));
        x.element("CtrlSum", header.ctrl_sum.to_sepa());
        m.name_element("InitgPty", header.initiating_party);
        x.end(); // GrpHdr
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
        auto &x = *m.xml;
        m.pmt_spans.push_back(impl_t::pmt_span_t{m.offset(), 0});
        x.start("PmtInf");
        x.element("PmtInfId", info.pmt_inf_id);
        x.element("PmtMtd", "TRF");
        x.element("BtchBookg", info.batch_booking ? "true" : "false");
        x.element("NbOfTxs", std::to_string(info.nb_of_txs));
        x.element("CtrlSum", info.ctrl_sum.to_sepa());
        x.start("PmtTpInf");
        x.start("SvcLvl");
        x.element("Cd", "SEPA");
        x.end();
        if (info.category_purpose) {
            x.start("CtgyPurp");
            x.element("Cd", *info.category_purpose);
            x.end();
        }
        x.end(); // PmtTpInf
        x.start("ReqdExctnDt");
        x.element("Dt", to_iso(info.requested_execution_date));
        x.end();
        m.name_element("Dbtr", info.debtor_name);
        m.account("DbtrAcct", info.debtor_iban);
        x.start("DbtrAgt");
        x.start("FinInstnId");
        if (info.debtor_bic) {
            x.element("BICFI", info.debtor_bic->str());
        } else {
            x.start("Othr");
            x.element("Id", "NOTPROVIDED");
            x.end();
        }
        x.end();
        x.end(); // DbtrAgt
        if (info.ultimate_debtor) {
            m.name_element("UltmtDbtr", *info.ultimate_debtor);
        }
        x.element("ChrgBr", "SLEV");
        m.write_out_if_full();
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
        auto &x = *m.xml;
        if (!x.indented()) {
            write_transfer_compact(x, t);
            m.transfer_written();
            ++m.pmt_count;
            m.pmt_sum += t.amount;
            m.write_out_if_full();
            return;
        }
        x.start("CdtTrfTxInf");
        x.start("PmtId");
        x.element("EndToEndId", t.end_to_end_id);
        x.end();
        x.start("Amt");
        x.start("InstdAmt");
        x.attribute("Ccy=\"EUR\"");
        x.amount(t.amount.as_cents());
        x.end();
        x.end(); // Amt
        if (t.creditor_bic) {
            x.start("CdtrAgt");
            x.start("FinInstnId");
            x.element("BICFI", t.creditor_bic->str());
            x.end();
            x.end();
        }
        m.name_element("Cdtr", t.creditor_name);
        m.account("CdtrAcct", t.creditor_iban);
        if (t.ultimate_creditor) {
            m.name_element("UltmtCdtr", *t.ultimate_creditor);
        }
        if (t.purpose) {
            x.start("Purp");
            x.element("Cd", *t.purpose);
            x.end();
        }
        if (!t.remittance.empty()) {
            x.start("RmtInf");
            x.element("Ustrd", t.remittance);
            x.end();
        }
        x.end(); // CdtTrfTxInf
        m.transfer_written();
        ++m.pmt_count;
        m.pmt_sum += t.amount;
        m.write_out_if_full();
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
        m.xml->end(); // PmtInf
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
        m.xml->end_document(); // CstmrCdtTrfInitn, Document
        m.write_out();
        std::uint64_t const bytes = m.file->bytes_written();
        if (!m.hash_handed_over) {
            m.hand_over_hash(); // the check hashes nothing more
        }
        // The check thread is usually behind the writer: the writer's thread checks the file's
        // last part meanwhile (see split).
        std::optional<impl_t::split_plan_t> const plan = m.plan_split(bytes);
        bool const split = plan && m.check->split(bytes, plan->at);
        if (!split) {
            m.check->complete(bytes);
        }
        m.check->sync_data_early();

        pain001_result_t result;
        std::string sha256;
        try {
            if (split) {
                result.check_split = true;
                sha256 = m.check_in_two_parts(*plan, result.check_repeated);
            } else {
                sha256 = m.check->wait();
            }
        } catch (input_error const &e) {
            throw internal_error{std::string{"sozbatch wrote a pain.001 that fails its own checks; nothing published: "} +
                                 e.what()};
        }

        result.path = m.final_path;
        result.bytes = m.file->bytes_written();
        m.file->commit_unhashed();
        result.sha256 = std::move(sha256);
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

} // namespace sozbatch::sepa
