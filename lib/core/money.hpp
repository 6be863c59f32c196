// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief money_t: an exact amount in euro cents. No floating point anywhere near amounts.

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace sozbatch {

/// An amount of money in whole euro cents (int64). Arithmetic is checked: an overflow throws
/// internal_error rather than wrapping. Only the formatters turn cents into text; rounding is
/// always explicit through a named function (see money_t::scale and lib/core/rounding.hpp).
class money_t
{
public:
    constexpr money_t() noexcept = default;

    /// From a number of cents.
    static constexpr money_t cents(std::int64_t c) noexcept { return money_t{c}; }

    /// From whole euros.
    static money_t euros(std::int64_t e);

    /// Parses "1234", "1234.5", "1234.56", "-3.07" (dot decimal, as in XML and SEPA).
    /// \throws validation_error on more than two decimals, a comma, an empty string or overflow.
    static money_t parse(std::string_view text);

    constexpr std::int64_t as_cents() const noexcept { return m_cents; }
    constexpr bool is_zero() const noexcept { return m_cents == 0; }
    constexpr bool is_negative() const noexcept { return m_cents < 0; }
    constexpr bool is_positive() const noexcept { return m_cents > 0; }

    money_t operator+(money_t o) const;
    money_t operator-(money_t o) const;
    money_t operator-() const;
    money_t &operator+=(money_t o) { return *this = *this + o; }
    money_t &operator-=(money_t o) { return *this = *this - o; }
    money_t operator*(std::int64_t factor) const;

    /// this * num / den, rounded half away from zero to whole cents (the one rounding rule,
    /// "kaufmännisch"). Used for day shares (days/30) and percentages (e.g. 17/100).
    /// \pre den > 0
    money_t scale(std::int64_t num, std::int64_t den) const;

    /// The larger/smaller of two amounts.
    static money_t max(money_t a, money_t b) noexcept { return a.m_cents >= b.m_cents ? a : b; }
    static money_t min(money_t a, money_t b) noexcept { return a.m_cents <= b.m_cents ? a : b; }

    /// Never below zero.
    money_t clamp_zero() const noexcept { return m_cents < 0 ? money_t{} : *this; }

    constexpr auto operator<=>(money_t const &) const noexcept = default;

    /// "1234.56" (SEPA / XML notation, always two decimals, '-' for negatives).
    std::string to_sepa() const;

    /// "1.234,56 €" (German notation for letters and reports). \param with_symbol adds " €".
    std::string to_german(bool with_symbol = true) const;

private:
    constexpr explicit money_t(std::int64_t c) noexcept : m_cents(c) {}
    std::int64_t m_cents = 0;
};

} // namespace sozbatch
