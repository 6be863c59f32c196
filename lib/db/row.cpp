// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/db/row.hpp"

#include "lib/core/error.hpp"

#include <cstdio>
#include <ctime>

namespace sozbatch::db {

std::optional<std::string> opt_text(soci::row const &r, std::size_t i)
{
    if (r.get_indicator(i) == soci::i_null) {
        return std::nullopt;
    }
    switch (r.get_properties(i).get_data_type()) {
    case soci::dt_string:
        return r.get<std::string>(i);
    case soci::dt_date: {
        std::tm const t = r.get<std::tm>(i);
        char buf[80]; // large enough for any value of the fields: nothing is ever cut
        if (t.tm_hour == 0 && t.tm_min == 0 && t.tm_sec == 0) {
            std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday);
        } else {
            std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", t.tm_year + 1900, t.tm_mon + 1,
                          t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec);
        }
        return std::string{buf};
    }
    case soci::dt_integer:
        return std::to_string(r.get<int>(i));
    case soci::dt_long_long:
        return std::to_string(r.get<long long>(i));
    case soci::dt_unsigned_long_long:
        return std::to_string(r.get<unsigned long long>(i));
    default:
        throw internal_error{"unsupported column type for text in column " + r.get_properties(i).get_name()};
    }
}

std::string text(soci::row const &r, std::size_t i) { return opt_text(r, i).value_or(""); }

std::optional<long long> opt_int64(soci::row const &r, std::size_t i)
{
    if (r.get_indicator(i) == soci::i_null) {
        return std::nullopt;
    }
    switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer:
        return r.get<int>(i);
    case soci::dt_long_long:
        return r.get<long long>(i);
    case soci::dt_unsigned_long_long:
        return static_cast<long long>(r.get<unsigned long long>(i));
    case soci::dt_string:
        return std::stoll(r.get<std::string>(i));
    default:
        throw internal_error{"unsupported column type for an integer in column " + r.get_properties(i).get_name()};
    }
}

long long int64(soci::row const &r, std::size_t i) { return opt_int64(r, i).value_or(0); }

} // namespace sozbatch::db
