// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief TARGET2 (T2) business-day calendar for SEPA execution dates.
///
/// SEPA interbank business days follow the TARGET calendar. Closing days: Saturdays, Sundays,
/// 1 January, Good Friday, Easter Monday, 1 May, 25 and 26 December. German bank holidays
/// (24 and 31 December) and regional holidays are NOT TARGET closing days; a bank may still
/// re-date or reject (see docs/formats/pain001.md, "ReqdExctnDt").

#include "lib/core/date.hpp"

namespace sozbatch::target2 {

/// Easter Sunday (Gregorian calendar, anonymous Gregorian algorithm). \pre 1583 <= year <= 9999
date_t easter_sunday(int year);

/// True unless \p d is a weekend day or a TARGET2 closing day.
bool is_business_day(date_t d);

/// True for the TARGET2 holidays (1 Jan, Good Friday, Easter Monday, 1 May, 25/26 Dec); weekends
/// are not holidays in this sense.
bool is_holiday(date_t d);

/// The latest business day strictly before \p d.
date_t previous_business_day(date_t d);

/// The earliest business day strictly after \p d.
date_t next_business_day(date_t d);

/// \p d itself when it is a business day, else the next business day.
date_t business_day_on_or_after(date_t d);

/// The execution date for benefits for \p month, which are paid in advance: the last TARGET2
/// business day before the first day of \p month, moved back by \p lead_days further business
/// days (0 = the last business day of the previous month).
/// \pre lead_days >= 0 (\throws validation_error otherwise)
date_t last_business_day_before(month_t month, int lead_days = 0);

} // namespace sozbatch::target2
