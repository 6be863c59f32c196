// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Partial months and rounding: the one place where a monthly amount becomes the amount
/// for some days (docs/calculation.md, "Partial months and rounding").
///
/// A month counts as 30 days (§ 3 Abs. 5 Satz 2 AsylbLG by law; SGB XII by practice, analogous to
/// § 41 Abs. 1 SGB II). Day d of a month is counted as min(d, 30); the last day of the month
/// completes the 30 (so February's last day adds the missing days, a 31st adds nothing).
/// Amounts are rounded to cents half away from zero, per component (money_t::scale).

#include "lib/core/date.hpp"
#include "lib/core/money.hpp"

namespace sozbatch::calc {

inline constexpr int MONTH_DAYS = 30;

/// Days of the day range [first, last] (days of the month, 1-based) counted with a 30-day month.
/// \pre 1 <= first <= last <= days_in_month
constexpr int days_30(int first, int last, int days_in_month) noexcept
{
    auto const cum = [days_in_month](int d) { return d >= days_in_month ? MONTH_DAYS : (d < MONTH_DAYS ? d : MONTH_DAYS); };
    return cum(last) - cum(first - 1);
}

/// The amount for \p days of a monthly amount: monthly × days / 30, half up to cents.
inline money_t pro_rata(money_t monthly, int days)
{
    return days == MONTH_DAYS ? monthly : monthly.scale(days, MONTH_DAYS);
}

/// Share k (0-based) of n of \p total such that the n shares add up to total exactly:
/// round(total·(k+1)/n) − round(total·k/n).
inline money_t exact_share(money_t total, int k, int n)
{
    return total.scale(k + 1, n) - total.scale(k, n);
}

} // namespace sozbatch::calc
