// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Operators, their roles and work groups; password hashing (libsodium crypto_pwhash);
/// authentication of a job's operator on SQLite (password) and PostgreSQL (login role).

#include "lib/db/database.hpp"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::security {

/// Failed password attempts after which an operator is locked until `operators passwd`.
inline constexpr int MAX_FAILED_ATTEMPTS = 5;

struct operator_t
{
    long long id = 0;
    long long tenant_id = 0;
    std::string login;
    std::string display_name;
    std::string db_role;       ///< PostgreSQL login role mapped to this operator (empty: none)
    std::string password_hash; ///< crypto_pwhash_str (SQLite); empty: no password set
    bool active = true;
    int failed_attempts = 0;
    std::string created_at;
    std::set<std::string> roles;
    std::vector<std::string> work_groups; ///< work group codes, sorted
};

/// The authenticated operator a job runs as.
struct session_t
{
    bool authenticated = false; ///< false for database-owner commands and bootstrap
    long long tenant_id = 0;    ///< 0: not known (database-owner commands)
    long long operator_id = 0;
    std::string login;
    std::string display_name;
    std::string db_role;
    std::set<std::string> roles;
    std::vector<std::string> work_groups;
};

/// A salted, slow hash (Argon2id via crypto_pwhash_str, interactive limits).
std::string hash_password(std::string_view password);
/// Constant-time check of \p password against a crypto_pwhash_str hash.
bool verify_password(std::string const &hash, std::string_view password);

class operator_store_t
{
public:
    explicit operator_store_t(db::database_t &db) : m_db(db) {}

    /// Number of operators of the tenant (bootstrap is allowed only at 0).
    long long count(long long tenant_id);
    std::optional<operator_t> find(long long tenant_id, std::string const &login);
    std::optional<operator_t> find_by_db_role(std::string const &db_role);
    std::vector<operator_t> list(long long tenant_id);

    /// \returns the new operator's id. \throws usage_error when the login exists
    long long add(long long tenant_id, std::string const &login, std::string const &display_name,
                  std::string const &password_hash, std::string const &db_role, std::string const &now);
    void grant(operator_t const &op, std::string const &role);
    void revoke(operator_t const &op, std::string const &role);
    /// Adds the operator to the work group (created with \p code as name when it does not exist).
    void assign_group(operator_t const &op, std::string const &code);
    void unassign_group(operator_t const &op, std::string const &code);
    void set_password(operator_t const &op, std::string const &hash);
    void set_active(operator_t const &op, bool active, std::string const &now);
    void record_failure(operator_t const &op);
    void reset_failures(operator_t const &op);

private:
    void load_details(operator_t &op);
    db::database_t &m_db;
};

/// The outcome of an authentication: a session, or the reason it was refused.
struct auth_result_t
{
    std::optional<session_t> session;
    std::string failure;  ///< for the protocol and the message (no password, no personal data)
    std::string db_role;  ///< the PostgreSQL session role ("" on SQLite)
};

/// Authenticates \p login. SQLite: against the stored password hash, asking \p password_of
/// (called at most once, only when the operator exists). PostgreSQL: the connection's
/// session_user must be the operator's db_role. Failed password attempts are counted.
auth_result_t authenticate(db::database_t &db, long long tenant_id, std::string const &login,
                           std::function<std::string()> const &password_of);

/// The PostgreSQL session role, or "" on SQLite.
std::string session_role(db::database_t &db);

} // namespace sozbatch::security
