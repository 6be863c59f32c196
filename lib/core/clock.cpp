// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/core/clock.hpp"

#include "lib/core/error.hpp"

#include <boost/date_time/posix_time/posix_time_types.hpp>

#include <chrono>
#include <cstdio>

namespace sozbatch {

timestamp_t system_clock_t::now() const
{
    auto const secs = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
    return timestamp_t{date_t{1970, 1, 1}} + boost::posix_time::seconds(static_cast<long>(secs));
}

timestamp_t parse_timestamp(std::string_view text)
{
    std::string_view t = text;
    if (!t.empty() && t.back() == 'Z') {
        t.remove_suffix(1);
    }
    if (t.size() != 19 || t[10] != 'T' || t[13] != ':' || t[16] != ':') {
        throw validation_error{"invalid timestamp '" + std::string{text} + "': expected YYYY-MM-DDTHH:MM:SS[Z]"};
    }
    date_t const d = parse_date(t.substr(0, 10));
    auto num = [&](std::size_t pos, int max) {
        char const a = t[pos];
        char const b = t[pos + 1];
        if (a < '0' || a > '9' || b < '0' || b > '9' || (a - '0') * 10 + (b - '0') > max) {
            throw validation_error{"invalid timestamp '" + std::string{text} + "'"};
        }
        return (a - '0') * 10 + (b - '0');
    };
    return timestamp_t{d, boost::posix_time::hours(num(11, 23)) + boost::posix_time::minutes(num(14, 59)) +
                              boost::posix_time::seconds(num(17, 59))};
}

std::string to_iso(timestamp_t t)
{
    auto const tod = t.time_of_day();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", to_iso(t.date()).c_str(), static_cast<int>(tod.hours()),
                  static_cast<int>(tod.minutes()), static_cast<int>(tod.seconds()));
    return buf;
}

std::unique_ptr<clock_source_t> make_clock(std::string const &fixed_now)
{
    if (fixed_now.empty()) {
        return std::make_unique<system_clock_t>();
    }
    return std::make_unique<fixed_clock_t>(parse_timestamp(fixed_now));
}

} // namespace sozbatch
