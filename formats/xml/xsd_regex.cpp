// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/xml/xsd_regex.hpp"

#include "lib/core/error.hpp"
#include "lib/core/text.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <tmmintrin.h>
#endif

namespace sozbatch::xml {

namespace {

constexpr char32_t MAX_CP = 0x10FFFF;
constexpr std::size_t MAX_NFA_STATES = 200000;
constexpr std::size_t MAX_DFA_STATES = 20000;

using ranges_t = std::vector<std::pair<char32_t, char32_t>>;

struct node_t
{
    enum class kind_t { chars, seq, alt, repeat };
    kind_t kind = kind_t::seq;
    ranges_t ranges;          // chars
    std::vector<node_t> kids; // seq, alt, repeat (one kid)
    int min = 1;
    int max = 1; // -1: unbounded
};

/// Recursive-descent parser of the XML Schema regular expression grammar (the supported part).
class parser_t
{
public:
    explicit parser_t(std::string_view pattern) : m_pattern{pattern}
    {
        std::size_t i = 0;
        while (i < pattern.size()) {
            char32_t c = 0;
            if (!decode_utf8(pattern, i, c)) {
                fail("is not valid UTF-8");
            }
            m_s.push_back(c);
        }
    }

    node_t parse()
    {
        node_t n = regexp();
        if (m_i != m_s.size()) {
            fail("has an unexpected ')' at character " + std::to_string(m_i + 1));
        }
        return n;
    }

private:
    [[noreturn]] void fail(std::string const &why) const
    {
        throw internal_error{"xs:pattern '" + std::string{m_pattern} + "' " + why};
    }
    bool at_end() const { return m_i >= m_s.size(); }
    char32_t peek() const { return m_s[m_i]; }

    node_t regexp()
    {
        node_t alt{node_t::kind_t::alt, {}, {}, 1, 1};
        alt.kids.push_back(branch());
        while (!at_end() && peek() == U'|') {
            ++m_i;
            alt.kids.push_back(branch());
        }
        return alt.kids.size() == 1 ? std::move(alt.kids.front()) : alt;
    }

    node_t branch()
    {
        node_t seq{node_t::kind_t::seq, {}, {}, 1, 1};
        while (!at_end() && peek() != U'|' && peek() != U')') {
            seq.kids.push_back(piece());
        }
        return seq;
    }

    int number()
    {
        if (at_end() || peek() < U'0' || peek() > U'9') {
            fail("has a malformed quantifier");
        }
        long v = 0;
        while (!at_end() && peek() >= U'0' && peek() <= U'9') {
            v = v * 10 + static_cast<long>(peek() - U'0');
            if (v > 10000) {
                fail("has a quantifier above 10000");
            }
            ++m_i;
        }
        return static_cast<int>(v);
    }

    node_t piece()
    {
        node_t a = atom();
        if (at_end()) {
            return a;
        }
        int min = 1;
        int max = 1;
        switch (peek()) {
        case U'?': min = 0, max = 1, ++m_i; break;
        case U'*': min = 0, max = -1, ++m_i; break;
        case U'+': min = 1, max = -1, ++m_i; break;
        case U'{': {
            ++m_i;
            min = number();
            max = min;
            if (!at_end() && peek() == U',') {
                ++m_i;
                max = (!at_end() && peek() == U'}') ? -1 : number();
            }
            if (at_end() || peek() != U'}') {
                fail("has a malformed quantifier");
            }
            ++m_i;
            if (max != -1 && max < min) {
                fail("has a quantifier {n,m} with m < n");
            }
            break;
        }
        default: return a;
        }
        node_t r{node_t::kind_t::repeat, {}, {}, min, max};
        r.kids.push_back(std::move(a));
        return r;
    }

    /// A single-character escape after '\'; refuses the multi-character and category escapes.
    char32_t escape()
    {
        if (at_end()) {
            fail("ends with '\\'");
        }
        char32_t const c = m_s[m_i++];
        switch (c) {
        case U'n': return U'\n';
        case U'r': return U'\r';
        case U't': return U'\t';
        case U'\\': case U'|': case U'.': case U'-': case U'^': case U'?': case U'*': case U'+': case U'{':
        case U'}': case U'(': case U')': case U'[': case U']':
            return c;
        default: break;
        }
        fail("uses the escape '\\" + std::string(1, c < 0x80 ? static_cast<char>(c) : '?') +
             "', which this validator does not support");
    }

    node_t chars(ranges_t r) { return node_t{node_t::kind_t::chars, std::move(r), {}, 1, 1}; }

    node_t atom()
    {
        char32_t const c = m_s[m_i++];
        switch (c) {
        case U'(': {
            node_t inner = regexp();
            if (at_end() || peek() != U')') {
                fail("has an unclosed '('");
            }
            ++m_i;
            return inner;
        }
        case U'[': return chars(char_class());
        case U'.': return chars({{0, U'\n' - 1}, {U'\n' + 1, U'\r' - 1}, {U'\r' + 1, MAX_CP}});
        case U'\\': {
            char32_t const e = escape();
            return chars({{e, e}});
        }
        case U'?': case U'*': case U'+': case U'{': case U'}': case U']':
            fail("has a misplaced '" + std::string(1, static_cast<char>(c)) + "'");
        default: return chars({{c, c}});
        }
    }

    /// One character of a class (after '[' or a range's '-'), escapes resolved.
    char32_t class_char()
    {
        if (at_end()) {
            fail("has an unclosed '['");
        }
        char32_t const c = m_s[m_i++];
        if (c == U'\\') {
            return escape();
        }
        if (c == U'[') {
            fail("has '[' inside a character class (class subtraction is not supported)");
        }
        return c;
    }

    ranges_t char_class()
    {
        bool negated = false;
        if (!at_end() && peek() == U'^') {
            negated = true;
            ++m_i;
        }
        ranges_t r;
        bool first = true;
        for (;;) {
            if (at_end()) {
                fail("has an unclosed '['");
            }
            if (peek() == U']' && !first) {
                ++m_i;
                break;
            }
            if (peek() == U'-' && !first) {
                // '-' is literal only as the last character of the class; "-[" is subtraction
                if (m_i + 1 < m_s.size() && m_s[m_i + 1] == U']') {
                    r.emplace_back(U'-', U'-');
                    ++m_i;
                    continue;
                }
                fail("has a '-' that is neither a range nor the last character of a class");
            }
            char32_t const lo = class_char();
            first = false;
            if (!at_end() && peek() == U'-' && m_i + 1 < m_s.size() && m_s[m_i + 1] != U']' &&
                m_s[m_i + 1] != U'[') {
                ++m_i;
                char32_t const hi = class_char();
                if (hi < lo) {
                    fail("has a range whose end is below its start");
                }
                r.emplace_back(lo, hi);
            } else {
                r.emplace_back(lo, lo);
            }
        }
        std::sort(r.begin(), r.end());
        if (!negated) {
            return r;
        }
        ranges_t out;
        char32_t next = 0;
        for (auto const &[lo, hi] : r) {
            if (lo > next) {
                out.emplace_back(next, lo - 1);
            }
            next = std::max(next, static_cast<char32_t>(hi + 1));
        }
        if (next <= MAX_CP) {
            out.emplace_back(next, MAX_CP);
        }
        return out;
    }

    std::string_view m_pattern;
    std::u32string m_s;
    std::size_t m_i = 0;
};

/// Thompson automaton: epsilon edges and character-range edges.
struct nfa_t
{
    struct edge_t
    {
        char32_t lo;
        char32_t hi;
        int to;
    };
    std::vector<std::vector<int>> eps;
    std::vector<std::vector<edge_t>> edges;
    std::string const *pattern = nullptr;

    int add()
    {
        if (eps.size() >= MAX_NFA_STATES) {
            throw internal_error{"xs:pattern '" + *pattern + "' needs too many automaton states"};
        }
        eps.emplace_back();
        edges.emplace_back();
        return static_cast<int>(eps.size()) - 1;
    }

    /// Emits \p n starting at state \p from. \returns its end state
    int emit(node_t const &n, int from)
    {
        switch (n.kind) {
        case node_t::kind_t::chars: {
            int const to = add();
            for (auto const &[lo, hi] : n.ranges) {
                edges[static_cast<std::size_t>(from)].push_back({lo, hi, to});
            }
            return to;
        }
        case node_t::kind_t::seq: {
            int at = from;
            for (auto const &k : n.kids) {
                at = emit(k, at);
            }
            return at;
        }
        case node_t::kind_t::alt: {
            int const end = add();
            for (auto const &k : n.kids) {
                int const start = add();
                eps[static_cast<std::size_t>(from)].push_back(start);
                eps[static_cast<std::size_t>(emit(k, start))].push_back(end);
            }
            return end;
        }
        case node_t::kind_t::repeat: {
            node_t const &k = n.kids.front();
            int at = from;
            for (int i = 0; i < n.min; ++i) {
                at = emit(k, at);
            }
            if (n.max == -1) {
                int const loop = add();
                eps[static_cast<std::size_t>(at)].push_back(loop);
                int const body = add();
                eps[static_cast<std::size_t>(loop)].push_back(body);
                eps[static_cast<std::size_t>(emit(k, body))].push_back(loop);
                return loop;
            }
            int const end = add();
            for (int i = n.min; i < n.max; ++i) {
                eps[static_cast<std::size_t>(at)].push_back(end);
                at = emit(k, at);
            }
            eps[static_cast<std::size_t>(at)].push_back(end);
            return end;
        }
        }
        return from;
    }

    void close(std::vector<int> &set) const
    {
        std::vector<char> seen(eps.size(), 0);
        std::vector<int> todo = set;
        for (int s : set) {
            seen[static_cast<std::size_t>(s)] = 1;
        }
        while (!todo.empty()) {
            int const s = todo.back();
            todo.pop_back();
            for (int t : eps[static_cast<std::size_t>(s)]) {
                if (seen[static_cast<std::size_t>(t)] == 0) {
                    seen[static_cast<std::size_t>(t)] = 1;
                    set.push_back(t);
                    todo.push_back(t);
                }
            }
        }
        std::sort(set.begin(), set.end());
    }
};

} // namespace

xsd_regex_t::xsd_regex_t(std::string_view pattern) : m_pattern{pattern}
{
    node_t const ast = parser_t{pattern}.parse();
    nfa_t nfa;
    nfa.pattern = &m_pattern;
    int const start = nfa.add();
    int const final_state = nfa.emit(ast, start);

    // the alphabet's classes: code points that no range boundary separates behave alike
    m_bounds = {0, MAX_CP + 1};
    for (auto const &out : nfa.edges) {
        for (auto const &e : out) {
            m_bounds.push_back(e.lo);
            m_bounds.push_back(e.hi + 1);
        }
    }
    std::sort(m_bounds.begin(), m_bounds.end());
    m_bounds.erase(std::unique(m_bounds.begin(), m_bounds.end()), m_bounds.end());
    m_classes = static_cast<std::int32_t>(m_bounds.size()) - 1;
    for (char32_t c = 0; c < 128; ++c) {
        m_ascii[c] = static_cast<std::int32_t>(std::upper_bound(m_bounds.begin(), m_bounds.end(), c) - m_bounds.begin()) - 1;
    }
    m_two_byte.resize(0x800 - 0x80);
    for (char32_t c = 0x80; c < 0x800; ++c) {
        m_two_byte[c - 0x80] =
            static_cast<std::int32_t>(std::upper_bound(m_bounds.begin(), m_bounds.end(), c) - m_bounds.begin()) - 1;
    }

    // subset construction
    std::map<std::vector<int>, std::int32_t> ids;
    std::vector<std::vector<int>> sets;
    std::vector<int> first{start};
    nfa.close(first);
    ids.emplace(first, 0);
    sets.push_back(first);
    auto const nclasses = static_cast<std::size_t>(m_classes);
    for (std::size_t d = 0; d < sets.size(); ++d) {
        std::vector<std::vector<int>> moves(nclasses);
        for (int s : sets[d]) {
            for (auto const &e : nfa.edges[static_cast<std::size_t>(s)]) {
                auto const from = static_cast<std::size_t>(
                    std::lower_bound(m_bounds.begin(), m_bounds.end(), e.lo) - m_bounds.begin());
                auto const to = static_cast<std::size_t>(
                    std::lower_bound(m_bounds.begin(), m_bounds.end(), e.hi + 1) - m_bounds.begin());
                for (std::size_t c = from; c < to; ++c) {
                    moves[c].push_back(e.to);
                }
            }
        }
        m_next.resize((d + 1) * nclasses, -1);
        for (std::size_t c = 0; c < nclasses; ++c) {
            auto &target = moves[c];
            if (target.empty()) {
                continue;
            }
            std::sort(target.begin(), target.end());
            target.erase(std::unique(target.begin(), target.end()), target.end());
            nfa.close(target);
            auto [it, added] = ids.emplace(target, static_cast<std::int32_t>(sets.size()));
            if (added) {
                if (sets.size() >= MAX_DFA_STATES) {
                    throw internal_error{"xs:pattern '" + m_pattern + "' needs too many automaton states"};
                }
                sets.push_back(target);
            }
            m_next[d * nclasses + c] = it->second;
        }
    }
    // an explicit dead state instead of -1, so the ASCII loop needs no test per character
    m_dead = static_cast<std::int32_t>(sets.size());
    m_next.resize((sets.size() + 1) * nclasses, -1);
    for (auto &t : m_next) {
        if (t < 0) {
            t = m_dead;
        }
    }
    sets.emplace_back(); // the dead state's (empty) set of NFA states
    m_accept.resize(sets.size(), 0);
    // ASCII transitions without the class look-up, as row offsets (next state * 128), and the
    // ASCII characters that leave a state where it is (its loop: a run of them is skipped without
    // following the automaton character by character)
    m_ascii_next.resize(sets.size() * 128);
    m_ascii_loop.resize(sets.size() * 256, 0); // bytes >= 0x80 never stay: decoded
    m_has_loop.resize(sets.size(), 0);
    for (std::size_t d = 0; d < sets.size(); ++d) {
        for (std::size_t c = 0; c < 128; ++c) {
            auto const next = m_next[d * nclasses + static_cast<std::size_t>(m_ascii[c])];
            m_ascii_next[d * 128 + c] = next * 128;
            if (static_cast<std::size_t>(next) == d && next != m_dead) {
                m_ascii_loop[d * 256 + c] = 1;
                m_has_loop[d] = 1;
            }
        }
    }
    for (std::size_t d = 0; d < sets.size(); ++d) {
        m_accept[d] = std::binary_search(sets[d].begin(), sets[d].end(), final_state) ? 1 : 0;
    }
    if (sets.size() <= 16) {
        // lanes of states that do not exist map to the dead state
        m_shuffle.assign(128 * 16, static_cast<std::uint8_t>(m_dead));
        for (std::size_t c = 0; c < 128; ++c) {
            for (std::size_t d = 0; d < sets.size(); ++d) {
                m_shuffle[c * 16 + d] = static_cast<std::uint8_t>(m_ascii_next[d * 128 + c] / 128);
            }
        }
    }
}

int xsd_regex_t::class_of(char32_t c) const noexcept
{
    if (c < 128) {
        return m_ascii[c];
    }
    if (c < 0x800) {
        return m_two_byte[c - 0x80];
    }
    return static_cast<int>(std::upper_bound(m_bounds.begin(), m_bounds.end(), c) - m_bounds.begin()) - 1;
}

namespace {

bool g_portable = false; // xsd_regex_t::set_portable

bool use_shuffle() noexcept
{
#if defined(__x86_64__) || defined(__i386__)
    static bool const has = __builtin_cpu_supports("ssse3");
    return has && !g_portable;
#else
    return false;
#endif
}

} // namespace

void xsd_regex_t::set_portable(bool portable) noexcept { g_portable = portable; }

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("ssse3"))) bool xsd_regex_t::matches_by_shuffle(std::string_view utf8,
                                                                       std::size_t *characters) const noexcept
{
    // f holds, for every state s, the state reached from s by the ASCII characters since `base`:
    // each character composes its transitions (a table row of 16 bytes) after f with one shuffle,
    // whose operands do not wait for each other's look-ups. The current state is f[base].
    auto const *const table = reinterpret_cast<__m128i const *>(m_shuffle.data());
    __m128i const identity = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    __m128i f = identity;
    int base = 0;
    std::size_t extra = 0; // bytes of multi-byte characters beyond their first
    auto const lane = [](__m128i v, int i) {
        alignas(16) std::uint8_t b[16];
        _mm_store_si128(reinterpret_cast<__m128i *>(b), v);
        return static_cast<int>(b[i]);
    };
    auto const nclasses = static_cast<std::size_t>(m_classes);
    std::size_t i = 0;
    std::size_t const n = utf8.size();
    auto const *const s = reinterpret_cast<unsigned char const *>(utf8.data());
    while (i < n) {
        // sixteen ASCII characters at a time: one test for all of them, then their shuffles without
        // a test between them
        while (n - i >= 16 &&
               _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<__m128i const *>(s + i))) == 0) {
#pragma GCC unroll 16
            for (std::size_t k = i; k < i + 16; ++k) {
                f = _mm_shuffle_epi8(_mm_loadu_si128(table + s[k]), f);
            }
            i += 16;
        }
        for (; i < n && s[i] < 0x80; ++i) {
            f = _mm_shuffle_epi8(_mm_loadu_si128(table + s[i]), f);
        }
        if (i == n) {
            break;
        }
        int const state = lane(f, base);
        if (state == m_dead) {
            return false;
        }
        std::size_t const at = i;
        char32_t c = 0;
        if (!decode_utf8(utf8, i, c)) {
            return false;
        }
        extra += i - at - 1;
        base = m_next[static_cast<std::size_t>(state) * nclasses + static_cast<std::size_t>(class_of(c))];
        if (base == m_dead) {
            return false;
        }
        f = identity;
    }
    int const state = lane(f, base);
    if (state == m_dead) {
        return false;
    }
    if (characters != nullptr) {
        *characters = n - extra;
    }
    return m_accept[static_cast<std::size_t>(state)] != 0;
}
#else
bool xsd_regex_t::matches_by_shuffle(std::string_view, std::size_t *) const noexcept { return false; }
#endif

bool xsd_regex_t::matches(std::string_view utf8, std::size_t *characters) const noexcept
{
    if (!m_shuffle.empty() && use_shuffle()) {
        return matches_by_shuffle(utf8, characters);
    }
    // Following the automaton is a chain of dependent look-ups, one per character. Where the
    // current state keeps a run of ASCII characters (its loop: `[A-Z0-9]+`, the letters of a word
    // between blanks), the run is skipped with independent look-ups, eight characters at a time,
    // and the automaton takes only the character that leaves the state.
    std::int32_t row = 0; // the state * 128: its row of ASCII transitions
    std::int32_t const dead_row = m_dead * 128;
    std::size_t extra = 0; // bytes of multi-byte characters beyond their first
    auto const nclasses = static_cast<std::size_t>(m_classes);
    std::int32_t const *const ascii_next = m_ascii_next.data();
    std::uint8_t const *const ascii_loop = m_ascii_loop.data();
    std::uint8_t const *const has_loop = m_has_loop.data();
    std::size_t i = 0;
    std::size_t const n = utf8.size();
    auto const *const s = reinterpret_cast<unsigned char const *>(utf8.data());
    while (i < n) {
        if (has_loop[row >> 7] != 0) {
            i = skip_marked(ascii_loop + (row >> 7) * 256, s, i, n);
            if (i == n) {
                break;
            }
        }
        if (s[i] < 0x80) {
            row = ascii_next[row + s[i]];
            ++i;
            if (row == dead_row) {
                return false;
            }
            continue;
        }
        std::size_t const at = i;
        char32_t c = 0;
        if (!decode_utf8(utf8, i, c)) {
            return false;
        }
        extra += i - at - 1;
        std::int32_t const state =
            m_next[static_cast<std::size_t>(row / 128) * nclasses + static_cast<std::size_t>(class_of(c))];
        if (state == m_dead) {
            return false;
        }
        row = state * 128;
    }
    if (characters != nullptr) {
        *characters = n - extra;
    }
    return m_accept[static_cast<std::size_t>(row / 128)] != 0;
}

} // namespace sozbatch::xml
