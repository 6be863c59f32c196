// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Reading soci::row columns independent of the backend's type mapping (PostgreSQL DATE
/// arrives as std::tm, SQLite INTEGER as int or long long, ...).

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>

namespace sozbatch::db {

/// The column as text ("" for NULL); dates as YYYY-MM-DD.
std::string text(soci::row const &r, std::size_t i);
std::optional<std::string> opt_text(soci::row const &r, std::size_t i);
/// The column as an integer (0 for NULL).
long long int64(soci::row const &r, std::size_t i);
std::optional<long long> opt_int64(soci::row const &r, std::size_t i);

/// For binding optional values: the value and its indicator.
struct nullable_text_t
{
    std::string value;
    soci::indicator ind = soci::i_null;
    nullable_text_t() = default;
    explicit nullable_text_t(std::optional<std::string> const &v) : value(v.value_or("")), ind(v ? soci::i_ok : soci::i_null) {}
};

struct nullable_int_t
{
    long long value = 0;
    soci::indicator ind = soci::i_null;
    nullable_int_t() = default;
    explicit nullable_int_t(std::optional<long long> const &v) : value(v.value_or(0)), ind(v ? soci::i_ok : soci::i_null) {}
};

} // namespace sozbatch::db
