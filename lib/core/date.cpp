// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/core/date.hpp"

#include "lib/core/error.hpp"

#include <cstdio>

namespace sozbatch {

namespace {

int digits(std::string_view s, std::size_t pos, std::size_t n, std::string_view whole)
{
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (i >= s.size() || s[i] < '0' || s[i] > '9') {
            throw validation_error{"invalid date '" + std::string{whole} + "': expected YYYY-MM-DD"};
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

} // namespace

date_t parse_date(std::string_view text)
{
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        throw validation_error{"invalid date '" + std::string{text} + "': expected YYYY-MM-DD"};
    }
    int const y = digits(text, 0, 4, text);
    int const m = digits(text, 5, 2, text);
    int const d = digits(text, 8, 2, text);
    if (y < 1800 || y > 9999 || m < 1 || m > 12 || d < 1 ||
        d > boost::gregorian::gregorian_calendar::end_of_month_day(static_cast<unsigned short>(y),
                                                                   static_cast<unsigned short>(m))) {
        throw validation_error{"invalid date '" + std::string{text} + "': no such day"};
    }
    return date_t(static_cast<unsigned short>(y), static_cast<unsigned short>(m), static_cast<unsigned short>(d));
}

std::string to_iso(date_t d)
{
    char buf[24]; // large enough for any value of the fields: nothing is ever cut
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(d.year()), static_cast<int>(d.month()),
                  static_cast<int>(d.day()));
    return buf;
}

std::string to_german(date_t d)
{
    char buf[24]; // large enough for any value of the fields: nothing is ever cut
    std::snprintf(buf, sizeof buf, "%02d.%02d.%04d", static_cast<int>(d.day()), static_cast<int>(d.month()),
                  static_cast<int>(d.year()));
    return buf;
}

int age_on(date_t birth, date_t on)
{
    int age = on.year() - birth.year();
    if (on.month() < birth.month() || (on.month() == birth.month() && on.day() < birth.day())) {
        --age;
    }
    return age;
}

month_t::month_t(int year, int month) : m_year(year), m_month(month)
{
    if (month < 1 || month > 12 || year < 1800 || year > 9999) {
        throw validation_error{"invalid month " + std::to_string(year) + "-" + std::to_string(month)};
    }
}

month_t month_t::parse(std::string_view text)
{
    if (text.size() != 7 || text[4] != '-') {
        throw validation_error{"invalid month '" + std::string{text} + "': expected YYYY-MM"};
    }
    int y = 0;
    int m = 0;
    for (std::size_t i = 0; i < 7; ++i) {
        if (i == 4) {
            continue;
        }
        if (text[i] < '0' || text[i] > '9') {
            throw validation_error{"invalid month '" + std::string{text} + "': expected YYYY-MM"};
        }
        (i < 4 ? y : m) = (i < 4 ? y : m) * 10 + (text[i] - '0');
    }
    if (m < 1 || m > 12) {
        throw validation_error{"invalid month '" + std::string{text} + "': month must be 01..12"};
    }
    return month_t{y, m};
}

date_t month_t::first_day() const
{
    return date_t(static_cast<unsigned short>(m_year), static_cast<unsigned short>(m_month), 1);
}

date_t month_t::last_day() const
{
    return date_t(static_cast<unsigned short>(m_year), static_cast<unsigned short>(m_month),
                  static_cast<unsigned short>(days()));
}

// by arithmetic (leap year rule), without a calendar conversion of a date
int month_t::days() const
{
    return boost::gregorian::gregorian_calendar::end_of_month_day(static_cast<unsigned short>(m_year),
                                                                   static_cast<unsigned short>(m_month));
}

month_t month_t::plus(int months) const
{
    int const idx = m_year * 12 + (m_month - 1) + months;
    return month_t{idx / 12, idx % 12 + 1};
}

month_t month_t::next() const { return plus(1); }
month_t month_t::prev() const { return plus(-1); }

std::string month_t::to_string() const
{
    char buf[24]; // large enough for any value of the fields: nothing is ever cut
    std::snprintf(buf, sizeof buf, "%04d-%02d", m_year, m_month);
    return buf;
}

period_t::period_t(date_t from, std::optional<date_t> to) : m_from(from), m_to(to)
{
    if (m_to && *m_to < m_from) {
        throw validation_error{"period ends (" + to_iso(*m_to) + ") before it starts (" + to_iso(m_from) + ")"};
    }
}

bool period_t::contains(date_t d) const noexcept { return d >= m_from && (!m_to || d <= *m_to); }

bool period_t::overlaps(period_t const &o) const noexcept
{
    bool const this_before = m_to && *m_to < o.m_from;
    bool const other_before = o.m_to && *o.m_to < m_from;
    return !this_before && !other_before;
}

std::optional<period_t> period_t::intersect(period_t const &o) const
{
    if (!overlaps(o)) {
        return std::nullopt;
    }
    date_t const f = std::max(m_from, o.m_from);
    std::optional<date_t> t;
    if (m_to && o.m_to) {
        t = std::min(*m_to, *o.m_to);
    } else if (m_to) {
        t = m_to;
    } else {
        t = o.m_to;
    }
    return period_t{f, t};
}

long period_t::days() const
{
    if (!m_to) {
        throw internal_error{"days() of an open-ended period"};
    }
    return (*m_to - m_from).days() + 1;
}

std::string period_t::to_string() const { return to_iso(m_from) + ".." + (m_to ? to_iso(*m_to) : std::string{}); }

} // namespace sozbatch
