// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief JSON strings as sozbatch writes them everywhere (status report, calculation results,
/// the calculation lines of a stored result): UTF-8 passed through, only '"', '\\' and control
/// characters escaped (\n, \r, \t, else \u00xx with lower-case hex).

#include <string>
#include <string_view>

namespace sozbatch {

/// Appends \p s as a JSON string (with its quotes) to \p out.
inline void append_json_string(std::string &out, std::string_view s)
{
    static char const hex[] = "0123456789abcdef";
    out += '"';
    for (char const ch : s) {
        auto const c = static_cast<unsigned char>(ch);
        switch (ch) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
            } else {
                out += ch;
            }
        }
    }
    out += '"';
}

/// \p s as a JSON string, with its quotes.
inline std::string json_string(std::string_view s)
{
    std::string out;
    out.reserve(s.size() + 2);
    append_json_string(out, s);
    return out;
}

} // namespace sozbatch
