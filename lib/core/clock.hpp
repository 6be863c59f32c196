// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The one injectable clock. Nothing in sozbatch reads the system time directly, so a run
/// with `--fixed-now` (or SOZBATCH_FIXED_NOW) writes byte-for-byte reproducible files.

#include "lib/core/date.hpp"

#include <boost/date_time/posix_time/ptime.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace sozbatch {

using timestamp_t = boost::posix_time::ptime; ///< always UTC

class clock_source_t
{
public:
    virtual ~clock_source_t() = default;
    /// The current instant in UTC, whole seconds.
    virtual timestamp_t now() const = 0;
    date_t today() const { return now().date(); }
};

/// The system clock (UTC, truncated to seconds).
class system_clock_t final : public clock_source_t
{
public:
    timestamp_t now() const override;
};

/// Always the same instant: for tests, golden files and reproducible reruns.
class fixed_clock_t final : public clock_source_t
{
public:
    explicit fixed_clock_t(timestamp_t t) : m_now(t) {}
    timestamp_t now() const override { return m_now; }

private:
    timestamp_t m_now;
};

/// Parses "YYYY-MM-DDTHH:MM:SS" with an optional trailing "Z" (UTC). \throws validation_error
timestamp_t parse_timestamp(std::string_view text);

/// "YYYY-MM-DDTHH:MM:SSZ"
std::string to_iso(timestamp_t t);

/// A clock from `--fixed-now` when given, else the system clock.
std::unique_ptr<clock_source_t> make_clock(std::string const &fixed_now);

} // namespace sozbatch
