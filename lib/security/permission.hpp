// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Roles, permissions and the permission matrix (docs/security.md, "Permission matrix").
///
/// Every command names one permission in jobs/registry.cpp; the driver checks it against the
/// authenticated operator's roles before the job runs.

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::security {

/// What a command needs. Two are special: `db_owner` commands run without an operator (they need
/// the rights of the database owner instead: writing the SQLite file, owning the PostgreSQL
/// database) and `bootstrap` is allowed only while the tenant has no operator.
enum class permission_t {
    db_owner,        ///< db migrate, db status
    bootstrap,       ///< operators bootstrap
    case_read,       ///< read cases, trial calculations, print previews
    case_edit,       ///< import and change case data
    case_approve,    ///< approve (Bewilligung)
    payment_prepare, ///< calculate a payment run and prepare the SEPA file
    payment_release, ///< release a prepared payment run (second operator)
    audit,           ///< audit verify and reading the write log
    protocol_read,   ///< read the login/system protocol
    admin,           ///< operators, archive hand-over and purge
};

/// The roles of the data-protection register, as stored in operator_roles.role.
inline std::vector<std::string> const &all_roles()
{
    static std::vector<std::string> const roles{"admin",           "caseworker-read",  "caseworker-edit", "caseworker-approve",
                                                "payment-preparer", "payment-releaser", "auditor"};
    return roles;
}

/// The permission's name as shown in messages and docs.
std::string_view permission_name(permission_t p);

/// The roles that grant \p p (the permission matrix). Empty for db_owner and bootstrap.
std::vector<std::string> const &roles_granting(permission_t p);

/// True when one of \p roles grants \p p.
bool allows(std::set<std::string> const &roles, permission_t p);

/// True when \p role is one of all_roles().
bool is_role(std::string_view role);

} // namespace sozbatch::security
