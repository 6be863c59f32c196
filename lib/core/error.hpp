// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Typed errors. Each maps to one exit code (see docs/operations.md, "Exit codes").
///
/// Throw sites stay one line: `throw input_error{where, "IBAN check digit wrong"}`.
/// Errors are caught only in cmd/main.cpp and at the per-case boundary of batch loops.

#include <stdexcept>
#include <string>

namespace sozbatch {

/// Exit codes are a contract with schedulers: 0 ok, 1 finished but some cases failed, 2 could not run.
enum class exit_code_t : int { ok = 0, cases_failed = 1, fatal = 2 };

/// Base of all sozbatch errors.
class error_t : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// Wrong command line or option value.
class usage_error : public error_t
{
public:
    using error_t::error_t;
};

/// Unreadable or malformed configuration.
class config_error : public error_t
{
public:
    using error_t::error_t;
};

/// Database unreachable, SQL failure, wrong schema version. Carries a context ("import", "migrate").
class db_error : public error_t
{
public:
    db_error(std::string const &context, std::string const &message)
    : error_t("database error (" + context + "): " + message)
    {}
};

/// Another run holds the lock for this tenant and job.
class lock_error : public error_t
{
public:
    using error_t::error_t;
};

/// Authentication or permission refused.
class access_error : public error_t
{
public:
    using error_t::error_t;
};

/// Where in an input file something was found: file, line, record and field.
struct input_location_t
{
    std::string file;
    long line = 0;
    std::string record; ///< e.g. "case[@file-ref='50.1-0001']"
    std::string field;  ///< e.g. "iban"

    std::string to_string() const;
};

/// Bad input file; the message names file, line, record and field.
class input_error : public error_t
{
public:
    input_error(input_location_t where, std::string const &reason)
    : error_t(where.to_string() + ": " + reason), m_where(std::move(where)), m_reason(reason)
    {}

    input_location_t const &where() const noexcept { return m_where; }
    std::string const &reason() const noexcept { return m_reason; }

private:
    input_location_t m_where;
    std::string m_reason;
};

/// A value that fails a domain rule (bad check digit, amount with three decimals, ...).
class validation_error : public error_t
{
public:
    using error_t::error_t;
};

/// One case could not be processed; the batch goes on and the run exits 1.
class case_error : public error_t
{
public:
    using error_t::error_t;
};

/// A broken invariant inside sozbatch (a bug), e.g. control sums that do not add up.
class internal_error : public error_t
{
public:
    using error_t::error_t;
};

} // namespace sozbatch
