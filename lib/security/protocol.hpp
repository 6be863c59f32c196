// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The login/system protocol: append-only, readable only by administrators.
///
/// Entries never carry passwords or case contents; `parameters` are the command's arguments.

#include "lib/db/database.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sozbatch::security {

struct protocol_entry_t
{
    long long id = 0;
    std::optional<long long> tenant_id;
    std::string at;
    std::string event; ///< login-ok, login-failed, access-denied, job-start, job-end, bootstrap, operator-change, archive-purge
    std::string operator_name;
    std::string db_role; ///< PostgreSQL: session_user, recorded by the database
    std::string job;
    std::string parameters;
    std::optional<int> exit_code;
    std::string detail;
};

/// True when the protocol table exists (before migration 0010 it does not).
bool protocol_available(db::database_t &db);

/// Appends one entry in its own statement (autocommit; outlives a failed job's rollback).
void append_protocol(db::database_t &db, protocol_entry_t const &e);

/// Entries at or after \p since (ISO timestamp or date; "" for all), oldest first.
std::vector<protocol_entry_t> read_protocol(db::database_t &db, std::optional<long long> tenant_id,
                                            std::string const &since);

} // namespace sozbatch::security
