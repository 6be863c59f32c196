// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Column padding for tables on stdout, counting UTF-8 characters, not bytes; UTF-8 encoding
/// and strict decoding.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace sozbatch {

/// The end of the run of bytes from \p i on that \p keep (256 entries, 0 or 1) marks: eight bytes
/// at a time with independent look-ups, then byte by byte. \returns the first byte at or after
/// \p i that keep does not mark, or \p n
inline std::size_t skip_marked(std::uint8_t const *keep, unsigned char const *s, std::size_t i, std::size_t n) noexcept
{
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w = 0;
        std::memcpy(&w, s + i, 8);
        if ((keep[w & 0xFFU] & keep[(w >> 8) & 0xFFU] & keep[(w >> 16) & 0xFFU] & keep[(w >> 24) & 0xFFU] &
             keep[(w >> 32) & 0xFFU] & keep[(w >> 40) & 0xFFU] & keep[(w >> 48) & 0xFFU] & keep[w >> 56]) == 0) {
            break;
        }
    }
    while (i < n && keep[s[i]] != 0) {
        ++i;
    }
    return i;
}

/// Number of UTF-8 characters (continuation bytes do not count).
inline std::size_t utf8_length(std::string_view s)
{
    std::size_t n = 0;
    for (unsigned char const c : s) {
        n += (c & 0xC0) != 0x80;
    }
    return n;
}

/// Decodes the character at \p i of strict UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
/// \returns true with the code point in \p cp and \p i past it; false with \p i at the offending byte
inline bool decode_utf8(std::string_view s, std::size_t &i, char32_t &cp) noexcept
{
    auto const b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        cp = b0;
        ++i;
        return true;
    }
    std::size_t len = 0;
    char32_t v = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        v = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        v = b0 & 0x0Fu;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        v = b0 & 0x07u;
    } else {
        return false;
    }
    if (i + len > s.size()) {
        return false;
    }
    for (std::size_t k = 1; k < len; ++k) {
        auto const b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0u) != 0x80u) {
            i += k;
            return false;
        }
        v = (v << 6) | (b & 0x3Fu);
    }
    if ((len == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) || (len == 4 && (v < 0x10000 || v > 0x10FFFF))) {
        return false;
    }
    i += len;
    cp = v;
    return true;
}

/// Appends the UTF-8 encoding of code point \p cp (at most U+10FFFF) to \p out.
inline void append_utf8(std::string &out, char32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/// \p s followed by blanks up to \p width characters.
inline std::string pad(std::string s, std::size_t width)
{
    std::size_t const n = utf8_length(s);
    if (n < width) {
        s.append(width - n, ' ');
    }
    return s;
}

/// Blanks followed by \p s up to \p width characters (numbers, amounts).
inline std::string pad_left(std::string s, std::size_t width)
{
    std::size_t const n = utf8_length(s);
    return n < width ? std::string(width - n, ' ') + s : s;
}

} // namespace sozbatch
