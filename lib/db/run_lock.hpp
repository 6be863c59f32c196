// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief A lock per tenant and job so that two concurrent runs never both write: a PostgreSQL
/// session advisory lock (`pg_try_advisory_lock`) or, for SQLite, an flock()ed lock file beside
/// the database file ("<db>.<job>-<tenant>.lock"). Released by the destructor (and by the
/// operating system when the process dies).

#include "lib/db/database.hpp"

#include <string>

namespace sozbatch::db {

class run_lock_t
{
public:
    /// Takes the lock without waiting. \throws lock_error when another process holds it
    run_lock_t(database_t &db, long long tenant, std::string const &job);
    ~run_lock_t();
    run_lock_t(run_lock_t const &) = delete;
    run_lock_t &operator=(run_lock_t const &) = delete;

private:
    database_t &m_db;
    long long m_key = 0;
    int m_fd = -1;
};

} // namespace sozbatch::db
