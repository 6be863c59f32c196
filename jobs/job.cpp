// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/job.hpp"

#include "lib/core/log.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/migrations.hpp"
#include "lib/security/audit.hpp"
#include "lib/security/operators.hpp"

#include <algorithm>

#include <ostream>

namespace sozbatch::jobs {

job_context_t::job_context_t(config::global_options_t const &options, std::ostream &out)
: m_options(options), m_out(out), m_clock(make_clock(options.fixed_now))
{}

job_context_t::~job_context_t() = default;

std::string job_context_t::now_iso() const { return to_iso(m_clock->now()); }

db::database_t &job_context_t::db(bool for_migration)
{
    if (!m_db) {
        m_db = open_connection("sozbatch", !for_migration);
        if (!for_migration) {
            db::require_current_schema(*m_db);
        }
    }
    return *m_db;
}

std::unique_ptr<db::database_t> job_context_t::open_second_connection()
{
    db(); // the schema is checked on the job's connection
    return open_connection("sozbatch (second connection)", true);
}

std::unique_ptr<db::database_t> job_context_t::open_connection(std::string const &context, bool must_exist) const
{
    std::string const url = m_options.db_url.empty() ? db::default_url() : m_options.db_url;
    auto c = std::make_unique<db::database_t>(url, context, must_exist);
    c->set_log_sql(m_options.log_sql);
    // the write-log triggers need the audit functions on every SQLite connection
    security::attach_connection(*c, m_options.operator_name);
    return c;
}

long long job_context_t::tenant_id()
{
    if (m_tenant_id) {
        return *m_tenant_id;
    }
    db::case_store_t store{db()};
    if (!m_options.tenant.empty()) {
        auto id = store.find_tenant(m_options.tenant);
        if (!id) {
            throw usage_error{"unknown tenant '" + m_options.tenant + "'"};
        }
        m_tenant_code = m_options.tenant;
        m_tenant_id = *id;
        return *id;
    }
    auto const codes = store.tenant_codes();
    if (codes.empty()) {
        throw usage_error{"the database has no tenant yet (import case data first)"};
    }
    if (codes.size() > 1) {
        throw usage_error{"the database has several tenants; choose one with --tenant"};
    }
    m_tenant_code = codes.front();
    m_tenant_id = *store.find_tenant(m_tenant_code);
    return *m_tenant_id;
}

std::string const &job_context_t::tenant_code()
{
    tenant_id();
    return m_tenant_code;
}

security::session_t const &job_context_t::session() const
{
    static security::session_t const none{};
    return m_session ? *m_session : none;
}

void job_context_t::set_session(security::session_t const &session)
{
    m_session = std::make_unique<security::session_t>(session);
}

std::string const &job_context_t::operator_login() const
{
    return m_session && m_session->authenticated ? m_session->login : m_options.operator_name;
}

std::vector<std::string> const &job_context_t::visible_work_groups() const { return session().work_groups; }

bool job_context_t::may_see_work_group(std::string const &code) const
{
    auto const &wg = visible_work_groups();
    return std::find(wg.begin(), wg.end(), code) != wg.end();
}

void job_context_t::restrict_to_visible(db::case_filter_t &filter) const
{
    std::vector<std::string> allowed;
    if (filter.work_groups.empty()) {
        allowed = visible_work_groups();
    } else {
        for (auto const &w : filter.work_groups) {
            if (may_see_work_group(w)) {
                allowed.push_back(w);
            }
        }
    }
    if (allowed.empty()) {
        // an empty list means "all" to the data layer: name a group that cannot exist instead
        allowed.emplace_back("\x1f(no visible work group)");
    }
    filter.work_groups = std::move(allowed);
}

void job_context_t::case_failed(std::string const &case_ref, std::string const &reason)
{
    log_warn(kv("event", "case_failed") + " " + kv("case", case_ref) + " " + kv("reason", reason));
    m_failures.emplace_back(case_ref, reason);
}

} // namespace sozbatch::jobs
