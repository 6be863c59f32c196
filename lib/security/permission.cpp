// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/security/permission.hpp"

#include <algorithm>
#include <map>

namespace sozbatch::security {

std::string_view permission_name(permission_t p)
{
    switch (p) {
    case permission_t::db_owner: return "database-owner";
    case permission_t::bootstrap: return "bootstrap";
    case permission_t::case_read: return "case-read";
    case permission_t::case_edit: return "case-edit";
    case permission_t::case_approve: return "case-approve";
    case permission_t::payment_prepare: return "payment-prepare";
    case permission_t::payment_release: return "payment-release";
    case permission_t::audit: return "audit";
    case permission_t::protocol_read: return "protocol-read";
    case permission_t::admin: return "admin";
    }
    return "?";
}

std::vector<std::string> const &roles_granting(permission_t p)
{
    // The matrix. Caseworker levels are cumulative (approve > edit > read); the payment roles read
    // cases because they must see what they pay; the administrator manages operators and the
    // archive but sees no case data unless also given a caseworker role.
    static std::map<permission_t, std::vector<std::string>> const matrix{
        {permission_t::db_owner, {}},
        {permission_t::bootstrap, {}},
        {permission_t::case_read,
         {"caseworker-read", "caseworker-edit", "caseworker-approve", "payment-preparer", "payment-releaser"}},
        {permission_t::case_edit, {"caseworker-edit", "caseworker-approve"}},
        {permission_t::case_approve, {"caseworker-approve"}},
        {permission_t::payment_prepare, {"payment-preparer"}},
        {permission_t::payment_release, {"payment-releaser"}},
        {permission_t::audit, {"auditor", "admin"}},
        {permission_t::protocol_read, {"admin"}},
        {permission_t::admin, {"admin"}},
    };
    return matrix.at(p);
}

bool allows(std::set<std::string> const &roles, permission_t p)
{
    auto const &granting = roles_granting(p);
    return std::any_of(granting.begin(), granting.end(), [&](auto const &r) { return roles.contains(r); });
}

bool is_role(std::string_view role)
{
    auto const &r = all_roles();
    return std::find(r.begin(), r.end(), role) != r.end();
}

} // namespace sozbatch::security
