// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Database-side protection for every domain table: the write-log triggers, the
/// append-only guards and, on PostgreSQL, row-level security, application roles and grants.
///
/// A domain table is any table with a `tenant_id` column except the protocol and the write log
/// themselves. `sozbatch db migrate` calls install_protection() after the migrations, so a table
/// a later migration adds is covered by the next `db migrate` without further code
/// (docs/security.md, "What a new table needs").

#include "lib/db/database.hpp"

#include <string>
#include <vector>

namespace sozbatch::security {

struct table_info_t
{
    std::string name;
    std::vector<std::string> columns;
    std::vector<std::string> key; ///< primary-key columns (all columns when there is none)
    bool has(std::string const &column) const;
};

/// Every domain table with its columns and key, sorted by name.
std::vector<table_info_t> domain_tables(db::database_t &db);

/// How row-level security restricts a table (PostgreSQL), or "" when it does not.
/// Rule order: case_access, case_versions, cases, persons, payees by name; then a case_version_id,
/// case_id, person_id, payee_id or calc_result_id column (an EXISTS probe on that parent, which
/// carries its own policy; migration 0014).
std::string visibility_rule(table_info_t const &t);

/// The PostgreSQL group roles sozbatch uses (created when missing, NOLOGIN, without BYPASSRLS).
inline constexpr char const *APP_ROLE = "sozbatch_app";
inline constexpr char const *ADMIN_ROLE = "sozbatch_administrators";
inline constexpr char const *AUDITOR_ROLE = "sozbatch_auditors";

/// (Re)creates triggers, guards, policies and grants. Idempotent; needs the schema owner.
/// \returns the number of domain tables protected.
std::size_t install_protection(db::database_t &db);

/// Names of domain tables without their write-log trigger (empty when all are protected).
std::vector<std::string> unprotected_tables(db::database_t &db);

} // namespace sozbatch::security
