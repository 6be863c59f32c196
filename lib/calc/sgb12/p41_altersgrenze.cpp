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

month_t p41_first_month(date_t birth)
{
    // the "birthday" of 65 years + extra months; a day that does not exist in the target month
    // rolls over into the next month (29 Feb -> 1 Mar), as age_on() does.
    month_t const target = month_t::of(birth).plus(65 * 12 + p41_extra_months(birth.year()));
    date_t const birthday = target.first_day() + boost::gregorian::days(birth.day() - 1);
    date_t const completed = birthday - boost::gregorian::days(1);
    return month_t::of(completed).next();
}

} // namespace sozbatch::calc
