// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief libxml2's error messages as sozbatch shows them.

#include <string>

namespace sozbatch::xml {

/// \p message (libxml2's, may be nullptr) without its trailing newline and blanks.
inline std::string libxml2_message(char const *message)
{
    std::string s = message == nullptr ? "unknown XML error" : message;
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
        s.pop_back();
    }
    return s;
}

} // namespace sozbatch::xml
