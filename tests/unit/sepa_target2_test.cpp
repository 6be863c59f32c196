// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/core/error.hpp"
#include "lib/payments/target2.hpp"

#include <gtest/gtest.h>

using namespace sozbatch;
using sozbatch::target2::is_business_day;
using sozbatch::target2::last_business_day_before;

namespace {
date_t d(char const *s) { return parse_date(s); }
} // namespace

TEST(Target2, EasterSunday)
{
    EXPECT_EQ(target2::easter_sunday(2024), d("2024-03-31"));
    EXPECT_EQ(target2::easter_sunday(2025), d("2025-04-20"));
    EXPECT_EQ(target2::easter_sunday(2026), d("2026-04-05"));
    EXPECT_EQ(target2::easter_sunday(2027), d("2027-03-28"));
    EXPECT_EQ(target2::easter_sunday(2038), d("2038-04-25")); // latest possible
    EXPECT_EQ(target2::easter_sunday(2285), d("2285-03-22")); // earliest possible
}

TEST(Target2, ClosingDays)
{
    EXPECT_FALSE(is_business_day(d("2026-01-01")));
    EXPECT_FALSE(is_business_day(d("2026-04-03"))); // Good Friday
    EXPECT_FALSE(is_business_day(d("2026-04-06"))); // Easter Monday
    EXPECT_FALSE(is_business_day(d("2026-05-01")));
    EXPECT_FALSE(is_business_day(d("2026-12-25")));
    EXPECT_FALSE(is_business_day(d("2026-12-26")));
    EXPECT_FALSE(is_business_day(d("2026-01-03"))); // Saturday
    EXPECT_FALSE(is_business_day(d("2026-01-04"))); // Sunday
    EXPECT_TRUE(is_business_day(d("2026-04-02")));  // Maundy Thursday
    EXPECT_TRUE(is_business_day(d("2026-04-07")));
    EXPECT_TRUE(is_business_day(d("2025-12-24")));  // German bank holiday, TARGET open
    EXPECT_TRUE(is_business_day(d("2025-12-31")));
    EXPECT_TRUE(is_business_day(d("2026-10-03")) == false); // Saturday (Tag der Deutschen Einheit)
    EXPECT_TRUE(is_business_day(d("2025-10-03")));          // Friday: not a TARGET holiday
}

TEST(Target2, LastBusinessDayBeforeMonth)
{
    EXPECT_EQ(last_business_day_before(month_t{2026, 1}), d("2025-12-31"));
    EXPECT_EQ(last_business_day_before(month_t{2026, 4}), d("2026-03-31"));
    EXPECT_EQ(last_business_day_before(month_t{2026, 2}), d("2026-01-30")); // 31 Jan is a Saturday
    EXPECT_EQ(last_business_day_before(month_t{2026, 5}), d("2026-04-30"));
    EXPECT_EQ(last_business_day_before(month_t{2026, 6}), d("2026-05-29")); // 30/31 May weekend
    EXPECT_EQ(last_business_day_before(month_t{2027, 1}), d("2026-12-31"));
    EXPECT_EQ(last_business_day_before(month_t{2027, 4}), d("2027-03-31")); // Easter 2027 is 28 Mar
    EXPECT_EQ(last_business_day_before(month_t{2024, 4}), d("2024-03-28")); // Good Friday 29 Mar, Easter Monday 1 Apr
}

TEST(Target2, LeadDaysAroundEaster2026)
{
    // Money for April 2026 on the account by 1 April: lead days move back over business days only.
    EXPECT_EQ(last_business_day_before(month_t{2026, 4}, 1), d("2026-03-30"));
    EXPECT_EQ(last_business_day_before(month_t{2026, 4}, 2), d("2026-03-27"));
    // A date around Easter: the next business day after Maundy Thursday 2026 is Tuesday 7 April.
    EXPECT_EQ(target2::next_business_day(d("2026-04-02")), d("2026-04-07"));
    EXPECT_EQ(target2::previous_business_day(d("2026-04-07")), d("2026-04-02"));
    EXPECT_EQ(target2::business_day_on_or_after(d("2026-04-03")), d("2026-04-07"));
    EXPECT_EQ(target2::business_day_on_or_after(d("2026-04-02")), d("2026-04-02"));
    EXPECT_THROW(last_business_day_before(month_t{2026, 4}, -1), validation_error);
}
