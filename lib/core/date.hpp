// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Calendar types: date_t (Boost.date_time), month_t (a Leistungsmonat), period_t.

#include <boost/date_time/gregorian/gregorian_types.hpp>

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace sozbatch {

/// A calendar date without time of day.
using date_t = boost::gregorian::date;

/// Parses "YYYY-MM-DD" strictly (no 2026-02-31). \throws validation_error
date_t parse_date(std::string_view text);

/// "YYYY-MM-DD"
std::string to_iso(date_t d);

/// "DD.MM.YYYY" (German notation for letters)
std::string to_german(date_t d);

/// Full years of age on \p on for someone born on \p birth (a birthday on 29 Feb counts on 1 Mar
/// in common years, § 187 Abs. 2 / § 188 Abs. 2 BGB as practised by the Sozialamt).
int age_on(date_t birth, date_t on);

/// A calendar month, e.g. the month for which benefits are paid (Leistungsmonat).
class month_t
{
public:
    constexpr month_t() noexcept = default;
    month_t(int year, int month);

    /// Parses "YYYY-MM". \throws validation_error
    static month_t parse(std::string_view text);
    static month_t of(date_t d) { return month_t{d.year(), d.month()}; }

    int year() const noexcept { return m_year; }
    int month() const noexcept { return m_month; }
    date_t first_day() const;
    date_t last_day() const;
    int days() const;
    month_t next() const;
    month_t prev() const;
    month_t plus(int months) const;
    /// Months from \p earlier to this (this - earlier).
    int months_since(month_t earlier) const noexcept { return (m_year - earlier.m_year) * 12 + (m_month - earlier.m_month); }

    /// "YYYY-MM"
    std::string to_string() const;

    constexpr auto operator<=>(month_t const &) const noexcept = default;

private:
    int m_year = 1970;
    int m_month = 1;
};

/// A closed date interval [from, to]; an open end (`to` empty) means "until further notice".
class period_t
{
public:
    period_t() = default;
    period_t(date_t from, std::optional<date_t> to);

    static period_t of(month_t m) { return period_t{m.first_day(), m.last_day()}; }

    date_t from() const noexcept { return m_from; }
    std::optional<date_t> const &to() const noexcept { return m_to; }
    bool open_ended() const noexcept { return !m_to.has_value(); }

    bool contains(date_t d) const noexcept;
    bool overlaps(period_t const &o) const noexcept;
    /// The common part, if any.
    std::optional<period_t> intersect(period_t const &o) const;
    /// Number of days; \pre closed period
    long days() const;

    std::string to_string() const;

    bool operator==(period_t const &o) const noexcept { return m_from == o.m_from && m_to == o.m_to; }

private:
    date_t m_from{1970, 1, 1};
    std::optional<date_t> m_to;
};

} // namespace sozbatch
