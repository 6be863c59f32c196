// SPDX-License-Identifier: GPL-3.0-or-later
// § 41 Abs. 2 SGB XII, Altersgrenze.
#include "lib/calc/sgb12/p41_altersgrenze.hpp"

namespace sozbatch::calc {

int p41_extra_months(int birth_year) noexcept
{
    if (birth_year < 1947) {
        return 0;
    }
    if (birth_year <= 1958) {
        return birth_year - 1946; // 1947: 1 … 1958: 12 (66 years)
    }
    if (birth_year <= 1963) {
        return 12 + 2 * (birth_year - 1958); // 1959: 14 … 1963: 22
    }
    return 24; // 67 years
}

month_t p41_first_month(int birth_year, int birth_month, int birth_day)
{
    // months since year 0 of the target month (65 years + extra months after the birth month)
    int const target = birth_year * 12 + (birth_month - 1) + 65 * 12 + p41_extra_months(birth_year);
    // the year is completed the day before the "birthday" (day birth_day of the target month,
    // rolling over into the next month when the month is shorter); by arithmetic on month numbers
    int const target_days = boost::gregorian::gregorian_calendar::end_of_month_day(
        static_cast<unsigned short>(target / 12), static_cast<unsigned short>(target % 12 + 1));
    int completed = target;
    if (birth_day == 1) {
        completed = target - 1;
    } else if (birth_day - 1 > target_days) {
        completed = target + 1;
    }
    int const first = completed + 1;
    return month_t{first / 12, first % 12 + 1};
}

month_t p41_first_month(date_t birth)
{
    auto const ymd = birth.year_month_day();
    return p41_first_month(ymd.year, ymd.month, ymd.day);
}

} // namespace sozbatch::calc
