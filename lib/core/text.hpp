// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Column padding for tables on stdout, counting UTF-8 characters, not bytes; UTF-8 encoding.

#include <string>

namespace sozbatch {

/// Number of UTF-8 characters (continuation bytes do not count).
inline std::size_t utf8_length(std::string const &s)
{
    std::size_t n = 0;
    for (unsigned char const c : s) {
        n += (c & 0xC0) != 0x80;
    }
    return n;
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
