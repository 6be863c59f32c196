// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/core/money.hpp"

#include "lib/core/error.hpp"

#include <cstdlib>

namespace sozbatch {

namespace {

std::int64_t checked_add(std::int64_t a, std::int64_t b)
{
    std::int64_t r = 0;
    if (__builtin_add_overflow(a, b, &r)) {
        throw internal_error{"money overflow in addition"};
    }
    return r;
}

std::int64_t checked_mul(std::int64_t a, std::int64_t b)
{
    std::int64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r)) {
        throw internal_error{"money overflow in multiplication"};
    }
    return r;
}

} // namespace

money_t money_t::euros(std::int64_t e) { return money_t{checked_mul(e, 100)}; }

money_t money_t::parse(std::string_view text)
{
    std::string_view const original = text;
    auto fail = [&](char const *why) {
        return validation_error{"invalid amount '" + std::string{original} + "': " + why};
    };
    bool negative = false;
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
        negative = text.front() == '-';
        text.remove_prefix(1);
    }
    if (text.empty()) {
        throw fail("empty");
    }
    std::int64_t whole = 0;
    std::int64_t frac = 0;
    int frac_digits = 0;
    bool seen_dot = false;
    bool seen_digit = false;
    for (char const c : text) {
        if (c == '.') {
            if (seen_dot) {
                throw fail("two decimal points");
            }
            seen_dot = true;
            continue;
        }
        if (c < '0' || c > '9') {
            throw fail("only digits and one '.' are allowed");
        }
        seen_digit = true;
        int const d = c - '0';
        if (seen_dot) {
            if (++frac_digits > 2) {
                throw fail("more than two decimals");
            }
            frac = frac * 10 + d;
        } else {
            if (__builtin_mul_overflow(whole, 10, &whole) || __builtin_add_overflow(whole, d, &whole)) {
                throw fail("too large");
            }
        }
    }
    if (!seen_digit) {
        throw fail("no digits");
    }
    if (frac_digits == 1) {
        frac *= 10;
    }
    std::int64_t cents = 0;
    if (__builtin_mul_overflow(whole, 100, &cents) || __builtin_add_overflow(cents, frac, &cents)) {
        throw fail("too large");
    }
    return money_t{negative ? -cents : cents};
}

money_t money_t::operator+(money_t o) const { return money_t{checked_add(m_cents, o.m_cents)}; }

money_t money_t::operator-(money_t o) const
{
    std::int64_t r = 0;
    if (__builtin_sub_overflow(m_cents, o.m_cents, &r)) {
        throw internal_error{"money overflow in subtraction"};
    }
    return money_t{r};
}

money_t money_t::operator-() const { return money_t{} - *this; }

money_t money_t::operator*(std::int64_t factor) const { return money_t{checked_mul(m_cents, factor)}; }

money_t money_t::scale(std::int64_t num, std::int64_t den) const
{
    if (den <= 0) {
        throw internal_error{"money_t::scale with a non-positive denominator"};
    }
    if (num == den) {
        return *this;
    }
    if (num == 0) {
        return money_t{};
    }
    std::int64_t p64 = 0;
    if (!__builtin_mul_overflow(m_cents, num, &p64)) {
        // the common case in 64 bits (same rounding as below)
        std::int64_t q = p64 / den;
        std::int64_t const r = p64 % den;
        std::int64_t const ar = r < 0 ? -r : r;
        if (ar >= den - ar) { // ar * 2 >= den without overflow
            q += (p64 < 0) ? -1 : 1;
        }
        return money_t{q};
    }
    __extension__ using i128 = __int128;
    i128 const p = static_cast<i128>(m_cents) * num;
    i128 q = p / den;
    i128 const r = p % den;
    // half away from zero: |r| * 2 >= den rounds the magnitude up
    i128 const ar = r < 0 ? -r : r;
    if (ar * 2 >= den) {
        q += (p < 0) ? -1 : 1;
    }
    if (q > INT64_MAX || q < INT64_MIN) {
        throw internal_error{"money overflow in scale"};
    }
    return money_t{static_cast<std::int64_t>(q)};
}

std::string money_t::to_sepa() const
{
    std::uint64_t const a = m_cents < 0 ? 0 - static_cast<std::uint64_t>(m_cents) : static_cast<std::uint64_t>(m_cents);
    std::string s = std::to_string(a / 100);
    unsigned const c = static_cast<unsigned>(a % 100);
    s += '.';
    s += static_cast<char>('0' + c / 10);
    s += static_cast<char>('0' + c % 10);
    return m_cents < 0 ? "-" + s : s;
}

std::string money_t::to_german(bool with_symbol) const
{
    std::uint64_t const a = m_cents < 0 ? 0 - static_cast<std::uint64_t>(m_cents) : static_cast<std::uint64_t>(m_cents);
    std::string digits = std::to_string(a / 100);
    std::string grouped;
    int n = 0;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it, ++n) {
        if (n > 0 && n % 3 == 0) {
            grouped.insert(grouped.begin(), '.');
        }
        grouped.insert(grouped.begin(), *it);
    }
    unsigned const c = static_cast<unsigned>(a % 100);
    grouped += ',';
    grouped += static_cast<char>('0' + c / 10);
    grouped += static_cast<char>('0' + c % 10);
    if (m_cents < 0) {
        grouped.insert(grouped.begin(), '-');
    }
    if (with_symbol) {
        grouped += " \xE2\x82\xAC"; // " €"
    }
    return grouped;
}

} // namespace sozbatch
