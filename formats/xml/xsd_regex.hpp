// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Regular expressions of XML Schema (`xs:pattern`) compiled to a deterministic automaton.
///
/// Used by the compiled schema validator (compiled_schema.hpp) that checks every pain.001 file
/// before it is published. libxml2 runs a pattern as a non-deterministic automaton and tests every
/// range of a character class for every character; this one decides each character with one
/// table look-up (ASCII) or one binary search (other code points) and one transition.
///
/// An automaton of at most 16 states (all the patterns of the pain.001 schema but the date-time)
/// is followed for ASCII characters with one byte shuffle each (SSSE3, where the CPU has it): the
/// shuffle maps every state at once, so no character waits for the look-up of the one before.
///
/// Supported: the whole-value match of XML Schema 1.0 (a pattern is implicitly anchored at both
/// ends); alternation `|` (also empty branches), groups `( )`, the quantifiers `? * + {n} {n,}
/// {n,m}`, the wildcard `.` (any character but LF and CR), single-character escapes (`\n \r \t`
/// and a backslash before any of `\ | . - ^ ? * + { } ( ) [ ]`), character classes `[...]` and
/// `[^...]` with ranges.
/// Not supported, refused with an error naming the pattern: multi-character escapes (`\d \s \w
/// \i \c` and their complements), category escapes (`\p{..}`, `\P{..}`), class subtraction
/// (`[a-z-[aeiou]]`). The unit test `XsdRegex.AgreesWithLibxml2` compares it with libxml2's
/// regular expressions on every string up to four characters over an alphabet per pattern.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::xml {

class xsd_regex_t
{
public:
    /// \throws internal_error naming the pattern when it is malformed or uses an unsupported construct
    explicit xsd_regex_t(std::string_view pattern);

    /// True when the whole of \p utf8 (UTF-8; invalid sequences never match) is in the language.
    bool matches(std::string_view utf8) const noexcept { return matches(utf8, nullptr); }

    /// The same, and the number of characters (code points) of \p utf8 in \p characters when the
    /// whole value was read (always when it matches; otherwise it may stop early and leave it unset).
    bool matches(std::string_view utf8, std::size_t *characters) const noexcept;

    std::string const &pattern() const noexcept { return m_pattern; }

    /// For tests: follow every automaton without the byte shuffles (as on a CPU without SSSE3),
    /// so that both ways are held to the same results. Not for use while other threads match.
    static void set_portable(bool portable) noexcept;

private:
    int class_of(char32_t c) const noexcept;

    std::string m_pattern;
    std::vector<char32_t> m_bounds;            ///< class i holds [m_bounds[i], m_bounds[i + 1])
    std::array<std::int32_t, 128> m_ascii{};   ///< class of each ASCII character
    std::vector<std::int32_t> m_two_byte;      ///< class of U+0080 .. U+07FF (two UTF-8 bytes: ä, ß, é)
    std::int32_t m_classes = 0;
    std::vector<std::int32_t> m_next;          ///< state * m_classes + class -> state
    std::int32_t m_dead = 0;                   ///< the state without a way to a match
    std::vector<std::int32_t> m_ascii_next;    ///< state * 128 + ASCII character -> next state * 128
    std::vector<std::uint8_t> m_ascii_loop;    ///< state * 256 + byte -> 1 when that ASCII character stays in the state
    std::vector<std::uint8_t> m_has_loop;      ///< state -> 1 when some ASCII character stays in it (not the dead state)
    /// At most 16 states (with the dead one): ASCII character * 16 + state -> next state, for
    /// following the automaton with byte shuffles (SSSE3); empty otherwise.
    std::vector<std::uint8_t> m_shuffle;

    bool matches_by_shuffle(std::string_view utf8, std::size_t *characters) const noexcept;
    std::vector<std::uint8_t> m_accept;
};

} // namespace sozbatch::xml
