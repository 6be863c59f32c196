// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/security/operators.hpp"

#include "lib/core/error.hpp"
#include "lib/db/row.hpp"
#include "lib/security/permission.hpp"

#include <sodium.h>

#include <algorithm>

namespace sozbatch::security {

using db::guard;
using db::int64;
using db::text;

std::string hash_password(std::string_view password)
{
    if (sodium_init() < 0) {
        throw internal_error{"libsodium could not be initialised"};
    }
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        throw internal_error{"password hashing ran out of memory"};
    }
    return out;
}

bool verify_password(std::string const &hash, std::string_view password)
{
    if (sodium_init() < 0 || hash.empty()) {
        return false;
    }
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

namespace {

char const *const OPERATOR_COLUMNS =
    "SELECT id, tenant_id, login, display_name, COALESCE(db_role, ''), COALESCE(password_hash, ''), active, "
    "failed_attempts, created_at FROM operators ";

operator_t from_row(soci::row const &r)
{
    operator_t o;
    o.id = int64(r, 0);
    o.tenant_id = int64(r, 1);
    o.login = text(r, 2);
    o.display_name = text(r, 3);
    o.db_role = text(r, 4);
    o.password_hash = text(r, 5);
    o.active = int64(r, 6) != 0;
    o.failed_attempts = static_cast<int>(int64(r, 7));
    o.created_at = text(r, 8);
    return o;
}

} // namespace

void operator_store_t::load_details(operator_t &op)
{
    op.roles.clear();
    op.work_groups.clear();
    soci::rowset<soci::row> roles = (m_db.sql().prepare << "SELECT role FROM operator_roles WHERE operator_id = :o",
                                     soci::use(op.id));
    for (auto const &r : roles) {
        op.roles.insert(text(r, 0));
    }
    soci::rowset<soci::row> groups =
        (m_db.sql().prepare << "SELECT wg.code FROM operator_work_groups owg JOIN work_groups wg ON wg.id = "
                               "owg.work_group_id WHERE owg.operator_id = :o ORDER BY wg.code",
         soci::use(op.id));
    for (auto const &r : groups) {
        op.work_groups.push_back(text(r, 0));
    }
}

long long operator_store_t::count(long long tenant_id)
{
    return guard(m_db, [&] {
        long long n = 0;
        m_db.sql() << "SELECT COUNT(*) FROM operators WHERE tenant_id = :t", soci::use(tenant_id), soci::into(n);
        return n;
    });
}

std::optional<operator_t> operator_store_t::find(long long tenant_id, std::string const &login)
{
    return guard(m_db, [&]() -> std::optional<operator_t> {
        soci::rowset<soci::row> rs = (m_db.sql().prepare << std::string{OPERATOR_COLUMNS} +
                                                                "WHERE tenant_id = :t AND login = :l",
                                      soci::use(tenant_id), soci::use(login));
        for (auto const &r : rs) {
            auto op = from_row(r);
            load_details(op);
            return op;
        }
        return std::nullopt;
    });
}

std::optional<operator_t> operator_store_t::find_by_db_role(std::string const &db_role)
{
    return guard(m_db, [&]() -> std::optional<operator_t> {
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << std::string{OPERATOR_COLUMNS} + "WHERE db_role = :r", soci::use(db_role));
        for (auto const &r : rs) {
            auto op = from_row(r);
            load_details(op);
            return op;
        }
        return std::nullopt;
    });
}

std::vector<operator_t> operator_store_t::list(long long tenant_id)
{
    return guard(m_db, [&] {
        std::vector<operator_t> out;
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << std::string{OPERATOR_COLUMNS} + "WHERE tenant_id = :t ORDER BY login",
             soci::use(tenant_id));
        for (auto const &r : rs) {
            out.push_back(from_row(r));
        }
        for (auto &o : out) {
            load_details(o);
        }
        return out;
    });
}

long long operator_store_t::add(long long tenant_id, std::string const &login, std::string const &display_name,
                                std::string const &password_hash, std::string const &db_role, std::string const &now)
{
    if (find(tenant_id, login)) {
        throw usage_error{"operator '" + login + "' exists already"};
    }
    if (!db_role.empty() && find_by_db_role(db_role)) {
        throw usage_error{"database role '" + db_role + "' is mapped to another operator already"};
    }
    return guard(m_db, [&] {
        db::nullable_text_t hash{password_hash.empty() ? std::nullopt : std::optional{password_hash}};
        db::nullable_text_t role{db_role.empty() ? std::nullopt : std::optional{db_role}};
        m_db.sql() << "INSERT INTO operators (tenant_id, login, display_name, password_hash, db_role, active, created_at) "
                      "VALUES (:t, :l, :d, :h, :r, 1, :c)",
            soci::use(tenant_id), soci::use(login), soci::use(display_name), soci::use(hash.value, hash.ind),
            soci::use(role.value, role.ind), soci::use(now);
        long long id = 0;
        m_db.sql() << "SELECT id FROM operators WHERE tenant_id = :t AND login = :l", soci::use(tenant_id),
            soci::use(login), soci::into(id);
        return id;
    });
}

void operator_store_t::grant(operator_t const &op, std::string const &role)
{
    if (!is_role(role)) {
        throw usage_error{"unknown role '" + role + "'"};
    }
    if (op.roles.contains(role)) {
        return;
    }
    guard(m_db, [&] {
        m_db.sql() << "INSERT INTO operator_roles (tenant_id, operator_id, role) VALUES (:t, :o, :r)",
            soci::use(op.tenant_id), soci::use(op.id), soci::use(role);
    });
}

void operator_store_t::revoke(operator_t const &op, std::string const &role)
{
    guard(m_db, [&] {
        m_db.sql() << "DELETE FROM operator_roles WHERE operator_id = :o AND role = :r", soci::use(op.id),
            soci::use(role);
    });
}

void operator_store_t::assign_group(operator_t const &op, std::string const &code)
{
    if (std::find(op.work_groups.begin(), op.work_groups.end(), code) != op.work_groups.end()) {
        return;
    }
    guard(m_db, [&] {
        soci::indicator ind = soci::i_null;
        long long wg = 0;
        m_db.sql() << "SELECT id FROM work_groups WHERE tenant_id = :t AND code = :c", soci::use(op.tenant_id),
            soci::use(code), soci::into(wg, ind);
        if (!m_db.sql().got_data()) {
            m_db.sql() << "INSERT INTO work_groups (tenant_id, code, name) VALUES (:t, :c, :n)", soci::use(op.tenant_id),
                soci::use(code), soci::use(code);
            m_db.sql() << "SELECT id FROM work_groups WHERE tenant_id = :t AND code = :c", soci::use(op.tenant_id),
                soci::use(code), soci::into(wg);
        }
        m_db.sql() << "INSERT INTO operator_work_groups (tenant_id, operator_id, work_group_id) VALUES (:t, :o, :w)",
            soci::use(op.tenant_id), soci::use(op.id), soci::use(wg);
    });
}

void operator_store_t::unassign_group(operator_t const &op, std::string const &code)
{
    guard(m_db, [&] {
        m_db.sql() << "DELETE FROM operator_work_groups WHERE operator_id = :o AND work_group_id IN "
                      "(SELECT id FROM work_groups WHERE tenant_id = :t AND code = :c)",
            soci::use(op.id), soci::use(op.tenant_id), soci::use(code);
    });
}

void operator_store_t::set_password(operator_t const &op, std::string const &hash)
{
    guard(m_db, [&] {
        m_db.sql() << "UPDATE operators SET password_hash = :h, failed_attempts = 0 WHERE id = :o", soci::use(hash),
            soci::use(op.id);
    });
}

void operator_store_t::set_active(operator_t const &op, bool active, std::string const &now)
{
    guard(m_db, [&] {
        int const a = active ? 1 : 0;
        db::nullable_text_t at{active ? std::nullopt : std::optional{now}};
        m_db.sql() << "UPDATE operators SET active = :a, disabled_at = :d, failed_attempts = 0 WHERE id = :o",
            soci::use(a), soci::use(at.value, at.ind), soci::use(op.id);
    });
}

void operator_store_t::record_failure(operator_t const &op)
{
    guard(m_db, [&] {
        m_db.sql() << "UPDATE operators SET failed_attempts = failed_attempts + 1 WHERE id = :o", soci::use(op.id);
    });
}

void operator_store_t::reset_failures(operator_t const &op)
{
    if (op.failed_attempts == 0) {
        return;
    }
    guard(m_db, [&] { m_db.sql() << "UPDATE operators SET failed_attempts = 0 WHERE id = :o", soci::use(op.id); });
}

std::string session_role(db::database_t &db)
{
    if (db.dialect() != db::dialect_t::postgresql) {
        return {};
    }
    return guard(db, [&] {
        std::string role;
        db.sql() << "SELECT CAST(session_user AS TEXT)", soci::into(role);
        return role;
    });
}

auth_result_t authenticate(db::database_t &db, long long tenant_id, std::string const &login,
                           std::function<std::string()> const &password_of)
{
    auth_result_t res;
    operator_store_t store{db};
    auto const op = store.find(tenant_id, login);
    if (db.dialect() == db::dialect_t::postgresql) {
        res.db_role = session_role(db);
        if (!op) {
            res.failure = "unknown operator";
            return res;
        }
        if (op->db_role.empty() || op->db_role != res.db_role) {
            res.failure = "database role '" + res.db_role + "' is not the role of operator '" + login + "'";
            return res;
        }
    } else {
        if (!op) {
            res.failure = "unknown operator";
            return res;
        }
        if (op->failed_attempts >= MAX_FAILED_ATTEMPTS) {
            res.failure = "operator locked after " + std::to_string(op->failed_attempts) +
                          " failed attempts (an administrator resets it with: sozbatch operators passwd)";
            return res;
        }
        if (op->password_hash.empty()) {
            res.failure = "operator has no password (an administrator sets it with: sozbatch operators passwd)";
            return res;
        }
        std::string password = password_of();
        bool const ok = verify_password(op->password_hash, password);
        sodium_memzero(password.data(), password.size());
        if (!ok) {
            store.record_failure(*op);
            res.failure = "wrong password";
            return res;
        }
    }
    if (!op->active) {
        res.failure = "operator is disabled";
        return res;
    }
    store.reset_failures(*op);
    session_t s;
    s.authenticated = true;
    s.tenant_id = op->tenant_id;
    s.operator_id = op->id;
    s.login = op->login;
    s.display_name = op->display_name;
    s.db_role = op->db_role;
    s.roles = op->roles;
    s.work_groups = op->work_groups;
    res.session = std::move(s);
    return res;
}

} // namespace sozbatch::security
