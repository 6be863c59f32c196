// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/db_jobs.hpp"

#include "lib/db/migrations.hpp"
#include "lib/security/protection.hpp"

#include <ostream>

namespace sozbatch::jobs {

exit_code_t db_migrate_job_t::run(job_context_t &ctx)
{
    auto &db = ctx.db(true);
    auto const applied = db::migrate(db, ctx.now_iso());
    // write-log triggers, append-only guards, row-level security for every table with tenant_id
    auto const protected_tables = security::install_protection(db);
    auto const st = db::schema_status(db);
    if (applied.empty()) {
        ctx.out() << "schema is up to date at version " << st.current << "\n";
    } else {
        for (int const v : applied) {
            ctx.out() << "applied migration " << v << "\n";
        }
        ctx.out() << "schema is now at version " << st.current << "\n";
    }
    ctx.out() << "write log and access protection installed on " << protected_tables << " tables\n";
    return exit_code_t::ok;
}

exit_code_t db_status_job_t::run(job_context_t &ctx)
{
    auto &db = ctx.db(true);
    auto const st = db::schema_status(db);
    ctx.out() << "database: " << db.display_url() << "\n"
              << "backend: " << (db.dialect() == db::dialect_t::postgresql ? "postgresql" : "sqlite") << "\n"
              << "schema version: " << st.current << "\n"
              << "latest version: " << st.latest << "\n";
    for (auto const &m : st.pending) {
        ctx.out() << "pending: " << m.version << " " << m.name << "\n";
    }
    for (auto const &p : st.problems) {
        ctx.out() << "problem: " << p << "\n";
    }
    if (!st.problems.empty()) {
        throw db_error{"db status", st.problems.front()};
    }
    ctx.out() << "state: " << (st.pending.empty() ? "current" : "needs migration") << "\n";
    return exit_code_t::ok;
}

} // namespace sozbatch::jobs
