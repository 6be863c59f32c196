// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The unalterable write log: canonical text and hash of an entry, per-connection audit
/// context (operator and time written by the triggers), and `audit verify`.
///
/// Canonical text of entry n: the length-prefixed fields ("<characters>:<text>;") id, tenant_id
/// ("" when NULL), at, operator, db_role, table_name, operation, row_key, old_sha256, new_sha256,
/// prev_hash; hash = lower-case hex SHA-256 of its UTF-8 bytes. old_sha256/new_sha256 are the
/// SHA-256 of old_values/new_values ("" for a missing side). prev_hash of the first entry is 64
/// zeros. The triggers compute exactly this (PostgreSQL: sozbatch_audit_statement() in
/// schemas/migrations/0013_write_log_statement.postgresql.sql; SQLite: the function sozbatch_audit_hash
/// registered here).

#include "lib/db/database.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace sozbatch::security {

/// The value text an archive purge puts in place of redacted old/new values.
inline constexpr char const *REDACTED_MARKER = "{\"redacted\":\"archive-purge\"}";
/// prev_hash of the first entry.
std::string const &genesis_hash();

struct audit_entry_t
{
    long long id = 0;
    std::string tenant_id; ///< decimal, "" when NULL
    std::string at;
    std::string operator_name;
    std::string db_role;
    std::string table_name;
    std::string operation;
    std::string row_key;
    std::string old_values;
    std::string new_values;
    std::string old_sha256;
    std::string new_sha256;
    std::string prev_hash;
    std::string hash;
};

/// The canonical text over which the entry hash is computed.
std::string audit_canonical(audit_entry_t const &e);
/// SHA-256 (hex) of audit_canonical(e).
std::string audit_hash(audit_entry_t const &e);

/// Registers the SQL functions the SQLite triggers call (no-op on PostgreSQL). Every connection
/// that writes domain tables needs them; job_context_t::db() calls this.
void attach_connection(db::database_t &db, std::string const &operator_name);

/// Sets who and when the triggers record for this connection: SQLite through the registered
/// functions, PostgreSQL through the session settings sozbatch.operator and sozbatch.now
/// (the database role is recorded separately from session_user and cannot be changed).
void set_audit_context(db::database_t &db, std::string const &operator_name, std::string const &now);

/// SQLite: allows the redaction of write-log values on this connection while \p on.
void set_redacting(db::database_t &db, bool on);

struct verify_result_t
{
    long long entries = 0;
    long long redacted = 0;           ///< entries whose values were redacted by a purge
    std::optional<long long> broken;  ///< id of the first broken entry
    std::string reason;               ///< why it is broken
    std::string head_hash;            ///< hash of the last entry (note it down outside the database)
    long long head_id = 0;
};

/// Recomputes the chain from the first entry; stops at the first broken one.
verify_result_t verify_chain(db::database_t &db);

} // namespace sozbatch::security
