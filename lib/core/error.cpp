// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/core/error.hpp"

namespace sozbatch {

std::string input_location_t::to_string() const
{
    std::string s = file.empty() ? std::string{"<input>"} : file;
    if (line > 0) {
        s += ":" + std::to_string(line);
    }
    if (!record.empty()) {
        s += ": " + record;
    }
    if (!field.empty()) {
        s += ": field '" + field + "'";
    }
    return s;
}

} // namespace sozbatch
