// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/payments/target2.hpp"

#include "lib/core/error.hpp"

#include <string>

namespace sozbatch::target2 {

date_t easter_sunday(int year)
{
    if (year < 1583 || year > 9999) {
        throw validation_error{"Easter date requested for year " + std::to_string(year) + " (supported: 1583-9999)"};
    }
    // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    int const a = year % 19;
    int const b = year / 100;
    int const c = year % 100;
    int const d = b / 4;
    int const e = b % 4;
    int const f = (b + 8) / 25;
    int const g = (b - f + 1) / 3;
    int const h = (19 * a + b - d - g + 15) % 30;
    int const i = c / 4;
    int const k = c % 4;
    int const l = (32 + 2 * e + 2 * i - h - k) % 7;
    int const m = (a + 11 * h + 22 * l) / 451;
    int const month = (h + l - 7 * m + 114) / 31;
    int const day = ((h + l - 7 * m + 114) % 31) + 1;
    return date_t{static_cast<unsigned short>(year), static_cast<unsigned short>(month),
                  static_cast<unsigned short>(day)};
}

bool is_holiday(date_t d)
{
    int const month = d.month();
    int const day = d.day();
    if ((month == 1 && day == 1) || (month == 5 && day == 1) || (month == 12 && (day == 25 || day == 26))) {
        return true;
    }
    if (month == 3 || month == 4) {
        date_t const easter = easter_sunday(d.year());
        boost::gregorian::date_duration const two_days{2};
        boost::gregorian::date_duration const one_day{1};
        if (d == easter - two_days || d == easter + one_day) {
            return true;
        }
    }
    return false;
}

bool is_business_day(date_t d)
{
    auto const wd = d.day_of_week().as_number(); // 0 = Sunday
    if (wd == 0 || wd == 6) {
        return false;
    }
    return !is_holiday(d);
}

date_t previous_business_day(date_t d)
{
    boost::gregorian::date_duration const one_day{1};
    do {
        d -= one_day;
    } while (!is_business_day(d));
    return d;
}

date_t next_business_day(date_t d)
{
    boost::gregorian::date_duration const one_day{1};
    do {
        d += one_day;
    } while (!is_business_day(d));
    return d;
}

date_t business_day_on_or_after(date_t d) { return is_business_day(d) ? d : next_business_day(d); }

date_t last_business_day_before(month_t month, int lead_days)
{
    if (lead_days < 0) {
        throw validation_error{"lead days must not be negative, got " + std::to_string(lead_days)};
    }
    date_t d = previous_business_day(month.first_day());
    for (int i = 0; i < lead_days; ++i) {
        d = previous_business_day(d);
    }
    return d;
}

} // namespace sozbatch::target2
