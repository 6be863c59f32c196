// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The one database wrapper over SOCI: SQLite (embedded default) and PostgreSQL.
///
/// Connection strings are SOCI's: `sqlite3://db=/path/to/file.db` (or `sqlite3:///path/file.db`)
/// and `postgresql://host=/tmp port=5432 dbname=sozbatch user=...` (libpq keywords; secrets come
/// from the environment, ~/.pgpass or a password file, never from the command line).

#include <soci/soci.h>

#include <memory>
#include <string>
#include <string_view>

namespace sozbatch::db {

enum class dialect_t { sqlite, postgresql };

class database_t
{
public:
    /// Opens a connection. \param context names the job for error messages.
    /// \param must_exist for SQLite: refuse to create a new file (every command but `db migrate`).
    /// \throws db_error (exit 2) when the database is missing or unreachable.
    database_t(std::string const &url, std::string const &context, bool must_exist);
    ~database_t();
    database_t(database_t const &) = delete;
    database_t &operator=(database_t const &) = delete;

    soci::session &sql() noexcept { return m_session; }
    dialect_t dialect() const noexcept { return m_dialect; }
    std::string const &context() const noexcept { return m_context; }
    /// The URL with any password removed, for messages.
    std::string const &display_url() const noexcept { return m_display_url; }

    /// Runs a script of several statements (migrations) through the native handle.
    void exec_script(std::string const &script);

    /// Replaces the dialect tokens {{pk}}, {{date}}, {{ts}} (see schemas/migrations/0001_foundation.sql).
    std::string translate(std::string_view sql) const;

    /// Logs every statement at debug level with the connection's context (`--log-sql`).
    void set_log_sql(bool on);

private:
    soci::session m_session;
    dialect_t m_dialect;
    std::string m_context;
    std::string m_display_url;
};

/// Wraps soci exceptions into db_error with the context: `guard(db, [&]{ ... })`.
template <typename F>
decltype(auto) guard(database_t &db, F &&f);

/// The default database when none is configured:
/// `sqlite3://db=$SOZBATCH_DATA_DIR/sozbatch.db`, where the data directory defaults to
/// `$XDG_DATA_HOME/sozbatch` or `~/.local/share/sozbatch` (root: `/var/lib/sozbatch`).
std::string default_url();

} // namespace sozbatch::db

#include "lib/core/error.hpp"

namespace sozbatch::db {

template <typename F>
decltype(auto) guard(database_t &db, F &&f)
{
    try {
        return f();
    } catch (soci::soci_error const &e) {
        std::string msg = e.what();
        while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) {
            msg.pop_back();
        }
        throw db_error{db.context(), msg};
    }
}

} // namespace sozbatch::db
