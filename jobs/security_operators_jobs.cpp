// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/security_operators_jobs.hpp"

#include "jobs/security_session.hpp"
#include "lib/core/log.hpp"
#include "lib/db/case_store.hpp"
#include "lib/security/audit.hpp"
#include "lib/security/operators.hpp"
#include "lib/security/protection.hpp"
#include "lib/security/protocol.hpp"

#include <cstdlib>
#include <ostream>

namespace sozbatch::jobs {

namespace {

std::string quote_ident(std::string const &name)
{
    std::string out = "\"";
    for (char const c : name) {
        out += c == '"' ? std::string{"\"\""} : std::string(1, c);
    }
    return out + "\"";
}

/// PostgreSQL: the login role's group memberships follow the operator's state and roles.
void sync_pg_groups(db::database_t &db, security::operator_t const &op)
{
    if (db.dialect() != db::dialect_t::postgresql || op.db_role.empty()) {
        return;
    }
    auto set = [&](char const *group, bool member, bool admin_option) {
        long long is_member = 0;
        std::string const group_name{group};
        db.sql() << "SELECT COUNT(*) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON "
                    "r.oid = m.member WHERE g.rolname = :g AND r.rolname = :r",
            soci::use(group_name), soci::use(op.db_role), soci::into(is_member);
        if (!member && is_member == 0) {
            return; // nothing to revoke (PostgreSQL would warn on stderr)
        }
        std::string const sql = member ? "GRANT " + std::string{group} + " TO " + quote_ident(op.db_role) +
                                             (admin_option ? " WITH ADMIN OPTION" : "")
                                       : "REVOKE " + std::string{group} + " FROM " + quote_ident(op.db_role);
        try {
            db.exec_script(sql);
        } catch (db_error const &e) {
            throw db_error{"operators", "cannot change the group roles of database role '" + op.db_role +
                                            "' (the administrator's login role needs ADMIN OPTION on " + group +
                                            "; it must exist: CREATE ROLE " + op.db_role + " LOGIN ...): " + e.what()};
        }
    };
    bool const active = op.active;
    bool const admin = active && op.roles.contains("admin");
    set(security::APP_ROLE, active, admin);
    set(security::ADMIN_ROLE, admin, admin);
    set(security::AUDITOR_ROLE, admin || (active && op.roles.contains("auditor")), admin);
}

security::operator_t require_operator(security::operator_store_t &store, job_context_t &ctx, std::string const &login)
{
    auto op = store.find(ctx.tenant_id(), login);
    if (!op) {
        throw usage_error{"no operator '" + login + "'"};
    }
    return *op;
}

void record_change(job_context_t &ctx, std::string const &what)
{
    security::protocol_entry_t e;
    e.tenant_id = ctx.tenant_id();
    e.at = ctx.now_iso();
    e.event = "operator-change";
    e.operator_name = ctx.operator_login();
    e.job = "operators";
    e.parameters = what;
    security::append_protocol(ctx.db(), e);
    log_info(kv("event", "operator_change") + " " + kv("change", what));
}

std::string joined(std::set<std::string> const &v)
{
    std::string s;
    for (auto const &x : v) {
        s += (s.empty() ? "" : ",") + x;
    }
    return s;
}

std::string joined(std::vector<std::string> const &v)
{
    std::string s;
    for (auto const &x : v) {
        s += (s.empty() ? "" : ",") + x;
    }
    return s;
}

bool password_given(config::global_options_t const &o)
{
    char const *p = std::getenv("SOZBATCH_PASSWORD");
    return !o.password_file.empty() || (p && *p);
}

} // namespace

void operators_job_base_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    d.add_options()("login", po::value(&m_login), "the operator's login name");
    p.add("login", 1);
    if (*words_name()) {
        d.add_options()(words_name(), po::value(&m_words)->multitoken(), "one or more (see docs/security.md)");
        p.add(words_name(), -1);
    }
}

void operators_job_base_t::setup(po::variables_map const &)
{
    if (m_login.empty()) {
        throw usage_error{"which operator? (give the login name)"};
    }
    if (*words_name() && m_words.empty()) {
        throw usage_error{std::string{"give at least one "} + words_name()};
    }
    if (std::string{words_name()} == "role") {
        for (auto const &r : m_words) {
            if (!security::is_role(r)) {
                throw usage_error{"unknown role '" + r + "' (admin, caseworker-read, caseworker-edit, "
                                  "caseworker-approve, payment-preparer, payment-releaser, auditor)"};
            }
        }
    }
}

void operators_bootstrap_job_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    operators_job_base_t::add_options(d, p);
    d.add_options()("display-name", po::value(&m_display_name), "the administrator's name (default: the login)")(
        "tenant-name", po::value(&m_tenant_name), "name of the tenant when --tenant creates it");
}

exit_code_t operators_bootstrap_job_t::run(job_context_t &ctx)
{
    auto &db = ctx.db();
    if (auto const missing = security::unprotected_tables(db); !missing.empty()) {
        throw db_error{"operators bootstrap", "the write log is not installed (run: sozbatch db migrate)"};
    }
    db::case_store_t cases{db};
    long long tenant = 0;
    std::string const &code = ctx.options().tenant;
    if (!code.empty() && !cases.find_tenant(code)) {
        security::set_audit_context(db, m_login, ctx.now_iso());
        tenant = cases.ensure_tenant(code, m_tenant_name.empty() ? code : m_tenant_name, ctx.now_iso());
    } else {
        try {
            tenant = ctx.tenant_id();
        } catch (usage_error const &e) {
            throw usage_error{std::string{e.what()} + "; bootstrap creates it with --tenant CODE --tenant-name NAME"};
        }
    }
    security::operator_store_t store{db};
    auto refuse = [&](std::string const &why) {
        security::protocol_entry_t e;
        e.tenant_id = tenant;
        e.at = ctx.now_iso();
        e.event = "access-denied";
        e.operator_name = m_login;
        e.job = "operators bootstrap";
        e.detail = why;
        security::append_protocol(db, e);
        throw access_error{"operators bootstrap refused: " + why};
    };
    if (store.count(tenant) > 0) {
        refuse("the tenant has operators already (an administrator adds more with: sozbatch operators add)");
    }
    std::string db_role;
    std::string hash;
    if (db.dialect() == db::dialect_t::postgresql) {
        db_role = security::session_role(db);
        int owner = 0;
        db.sql() << "SELECT CASE WHEN r.rolsuper OR pg_has_role(session_user, d.datdba, 'MEMBER') THEN 1 ELSE 0 END "
                    "FROM pg_roles r, pg_database d WHERE r.rolname = session_user AND d.datname = current_database()",
            soci::into(owner);
        if (!owner) {
            refuse("only the database owner may bootstrap (connected as '" + db_role + "')");
        }
    } else {
        std::string pw = password_given(ctx.options()) ? read_password(ctx.options(), "")
                                                       : read_new_password("", "new password for " + m_login + ": ");
        if (pw.size() < 8) {
            throw usage_error{"the password must have at least 8 characters"};
        }
        hash = security::hash_password(pw);
    }
    security::set_audit_context(db, m_login, ctx.now_iso());
    db::guard(db, [&] {
        soci::transaction tr{db.sql()};
        store.add(tenant, m_login, m_display_name.empty() ? m_login : m_display_name, hash, db_role, ctx.now_iso());
        auto op = *store.find(tenant, m_login);
        store.grant(op, "admin");
        op.roles.insert("admin");
        sync_pg_groups(db, op);
        tr.commit();
    });
    security::session_t s;
    s.authenticated = true;
    s.tenant_id = tenant;
    s.login = m_login;
    s.roles = {"admin"};
    ctx.set_session(s);
    security::protocol_entry_t e;
    e.tenant_id = tenant;
    e.at = ctx.now_iso();
    e.event = "bootstrap";
    e.operator_name = m_login;
    e.job = "operators bootstrap";
    e.detail = "first administrator created";
    security::append_protocol(db, e);
    ctx.out() << "created administrator " << m_login << " for tenant " << ctx.tenant_code()
              << (db_role.empty() ? "" : " (database role " + db_role + ")") << "\n";
    return exit_code_t::ok;
}

void operators_add_job_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    operators_job_base_t::add_options(d, p);
    d.add_options()("display-name", po::value(&m_display_name), "the operator's name (default: the login)")(
        "role", po::value(&m_roles)->multitoken(), "roles to grant")(
        "work-group", po::value(&m_groups)->multitoken(), "work groups to assign")(
        "db-role", po::value(&m_db_role), "PostgreSQL login role of the operator (default: the login)")(
        "new-password-file", po::value(&m_password_file),
        "SQLite: file with the new operator's password (else $SOZBATCH_NEW_PASSWORD, else asked)");
}

exit_code_t operators_add_job_t::run(job_context_t &ctx)
{
    for (auto const &r : m_roles) {
        if (!security::is_role(r)) {
            throw usage_error{"unknown role '" + r + "'"};
        }
    }
    auto &db = ctx.db();
    security::operator_store_t store{db};
    std::string hash;
    std::string db_role;
    if (db.dialect() == db::dialect_t::postgresql) {
        db_role = m_db_role.empty() ? m_login : m_db_role;
    } else {
        hash = security::hash_password(read_new_password(m_password_file, "new password for " + m_login + ": "));
    }
    db::guard(db, [&] {
        soci::transaction tr{db.sql()};
        store.add(ctx.tenant_id(), m_login, m_display_name.empty() ? m_login : m_display_name, hash, db_role,
                  ctx.now_iso());
        auto op = *store.find(ctx.tenant_id(), m_login);
        for (auto const &r : m_roles) {
            store.grant(op, r);
            op.roles.insert(r);
        }
        for (auto const &g : m_groups) {
            store.assign_group(op, g);
            op.work_groups.push_back(g);
        }
        sync_pg_groups(db, op);
        tr.commit();
    });
    record_change(ctx, "add " + m_login + " roles=" + joined(std::set<std::string>(m_roles.begin(), m_roles.end())) +
                           " work-groups=" + joined(m_groups));
    ctx.out() << "added operator " << m_login << "\n";
    return exit_code_t::ok;
}

exit_code_t operators_list_job_t::run(job_context_t &ctx)
{
    security::operator_store_t store{ctx.db()};
    auto const ops = store.list(ctx.tenant_id());
    ctx.out() << "LOGIN\tSTATE\tROLES\tWORK-GROUPS\tDB-ROLE\tFAILED\n";
    for (auto const &o : ops) {
        ctx.out() << o.login << "\t" << (o.active ? "active" : "disabled") << "\t" << joined(o.roles) << "\t"
                  << joined(o.work_groups) << "\t" << (o.db_role.empty() ? "-" : o.db_role) << "\t" << o.failed_attempts
                  << "\n";
    }
    ctx.out() << ops.size() << " operator(s)\n";
    return exit_code_t::ok;
}

exit_code_t operators_grant_job_t::run(job_context_t &ctx)
{
    auto &db = ctx.db();
    security::operator_store_t store{db};
    db::guard(db, [&] {
        soci::transaction tr{db.sql()};
        auto op = require_operator(store, ctx, m_login);
        for (auto const &r : m_words) {
            store.grant(op, r);
            op.roles.insert(r);
        }
        sync_pg_groups(db, op);
        tr.commit();
    });
    record_change(ctx, "grant " + m_login + " " + joined(m_words));
    ctx.out() << "granted " << joined(m_words) << " to " << m_login << "\n";
    return exit_code_t::ok;
}

exit_code_t operators_revoke_job_t::run(job_context_t &ctx)
{
    auto &db = ctx.db();
    security::operator_store_t store{db};
    db::guard(db, [&] {
        soci::transaction tr{db.sql()};
        auto op = require_operator(store, ctx, m_login);
        for (auto const &r : m_words) {
            if (r == "admin" && m_login == ctx.operator_login()) {
                throw usage_error{"an administrator cannot revoke their own admin role"};
            }
            store.revoke(op, r);
            op.roles.erase(r);
        }
        sync_pg_groups(db, op);
        tr.commit();
    });
    record_change(ctx, "revoke " + m_login + " " + joined(m_words));
    ctx.out() << "revoked " << joined(m_words) << " from " << m_login << "\n";
    return exit_code_t::ok;
}

void operators_passwd_job_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    operators_job_base_t::add_options(d, p);
    d.add_options()("new-password-file", po::value(&m_password_file),
                    "file with the new password (else $SOZBATCH_NEW_PASSWORD, else asked twice)");
}

exit_code_t operators_passwd_job_t::run(job_context_t &ctx)
{
    auto &db = ctx.db();
    if (db.dialect() == db::dialect_t::postgresql) {
        throw usage_error{"on PostgreSQL the database authenticates: change the login role's password there "
                          "(ALTER ROLE ... PASSWORD, or \\password in psql)"};
    }
    security::operator_store_t store{db};
    auto const op = require_operator(store, ctx, m_login);
    store.set_password(op, security::hash_password(read_new_password(m_password_file, "new password for " + m_login + ": ")));
    record_change(ctx, "passwd " + m_login);
    ctx.out() << "password of " << m_login << " set (failed attempts reset)\n";
    return exit_code_t::ok;
}

void operators_assign_group_job_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    operators_job_base_t::add_options(d, p);
    d.add_options()("remove", po::bool_switch(&m_remove), "remove the operator from the work groups instead");
}

exit_code_t operators_assign_group_job_t::run(job_context_t &ctx)
{
    auto &db = ctx.db();
    security::operator_store_t store{db};
    db::guard(db, [&] {
        soci::transaction tr{db.sql()};
        auto const op = require_operator(store, ctx, m_login);
        for (auto const &g : m_words) {
            if (m_remove) {
                store.unassign_group(op, g);
            } else {
                store.assign_group(op, g);
            }
        }
        tr.commit();
    });
    record_change(ctx, std::string{m_remove ? "unassign-group " : "assign-group "} + m_login + " " + joined(m_words));
    ctx.out() << (m_remove ? "removed " : "assigned ") << m_login << (m_remove ? " from " : " to ") << joined(m_words)
              << "\n";
    return exit_code_t::ok;
}

void operators_disable_job_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    operators_job_base_t::add_options(d, p);
    d.add_options()("enable", po::bool_switch(&m_enable), "enable the operator again");
}

exit_code_t operators_disable_job_t::run(job_context_t &ctx)
{
    if (!m_enable && m_login == ctx.operator_login()) {
        throw usage_error{"an administrator cannot disable themselves"};
    }
    auto &db = ctx.db();
    security::operator_store_t store{db};
    db::guard(db, [&] {
        soci::transaction tr{db.sql()};
        auto op = require_operator(store, ctx, m_login);
        store.set_active(op, m_enable, ctx.now_iso());
        op.active = m_enable;
        sync_pg_groups(db, op);
        tr.commit();
    });
    record_change(ctx, std::string{m_enable ? "enable " : "disable "} + m_login);
    ctx.out() << (m_enable ? "enabled " : "disabled ") << m_login << "\n";
    return exit_code_t::ok;
}

} // namespace sozbatch::jobs
