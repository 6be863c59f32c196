// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Versioned SQL migrations from schemas/migrations (embedded in the binary).
///
/// A version is a number NNNN; its files are `NNNN_name.sql` (both dialects, with dialect tokens)
/// and optionally `NNNN_name.postgresql.sql` / `NNNN_name.sqlite3.sql` (one dialect only, e.g.
/// row-level security or triggers). Applied versions are recorded with a checksum in
/// `schema_migrations`; a changed checksum or a version unknown to this binary is an error.

#include "lib/db/database.hpp"

#include <string>
#include <vector>

namespace sozbatch::db {

struct migration_t
{
    int version = 0;
    std::string name;
    std::string sql;      ///< translated for the dialect
    std::string checksum; ///< SHA-256 of the translated text
};

struct schema_status_t
{
    int current = 0;                  ///< highest applied version (0 = empty database)
    int latest = 0;                   ///< highest version this binary knows
    std::vector<migration_t> pending; ///< known versions not yet applied, in order
    std::vector<std::string> problems; ///< checksum mismatches, unknown versions
};

/// The migrations this binary knows, for the database's dialect.
std::vector<migration_t> known_migrations(database_t &db);

schema_status_t schema_status(database_t &db);

/// Applies all pending migrations, each in its own transaction. \returns the versions applied.
/// \throws db_error on problems (schema newer than the binary, checksum mismatch).
std::vector<int> migrate(database_t &db, std::string const &applied_at);

/// Refuses to work on a database that is not exactly at the latest version (exit 2).
void require_current_schema(database_t &db);

} // namespace sozbatch::db
