// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Column padding for tables on stdout, counting UTF-8 characters, not bytes.

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
