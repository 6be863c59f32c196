// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief § 41 Abs. 2 SGB XII: the age limit for Grundsicherung im Alter by year of birth.

#include "lib/core/date.hpp"

namespace sozbatch::calc {

/// Months above 65 years for the year of birth: 0 before 1947, +1 per year 1947–1958,
/// +2 per year 1959–1963, 24 (67 years) from 1964.
int p41_extra_months(int birth_year) noexcept;

/// The first month for which the age limit is reached: the limit is reached at the end of the
/// month in which the person completes 65 years plus the extra months (§ 41 Abs. 2 Satz 2;
/// a year of life is completed the day before the birthday, § 187 Abs. 2 BGB), and § 44 Abs. 2
/// grants Grundsicherung from the 1st of the following month.
month_t p41_first_month(date_t birth);
/// The same from the parts of the birth date (no calendar conversion; used by the kernel).
month_t p41_first_month(int birth_year, int birth_month, int birth_day);

} // namespace sozbatch::calc
