// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief JSON strings as sozbatch writes them everywhere (status report, calculation results,
/// the calculation lines of a stored result): UTF-8 passed through, only '"', '\\' and control
/// characters escaped (\n, \r, \t, else \u00xx with lower-case hex).

#include <string>
#include <string_view>

namespace sozbatch {

/// Appends \p s as a JSON string (with its quotes) to \p out. Runs of characters that need no
/// escape are appended at once (a month writes about 1.7 KB of result lines per case this way).
inline void append_json_string(std::string &out, std::string_view s)
{
    static char const hex[] = "0123456789abcdef";
    out += '"';
    std::size_t plain = 0; // start of the run of characters not yet appended
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto const c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        out.append(s, plain, i - plain);
        plain = i + 1;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    out.append(s, plain, s.size() - plain);
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
