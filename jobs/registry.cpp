// SPDX-License-Identifier: GPL-3.0-or-later
/// \file
/// \brief The one table of commands. No other file registers a command.
#include "jobs/cases_jobs.hpp"
#include "jobs/db_jobs.hpp"
#include "jobs/import_job.hpp"
#include "jobs/job.hpp"
#include "jobs/security_archive_jobs.hpp"
#include "jobs/security_audit_jobs.hpp"
#include "jobs/security_operators_jobs.hpp"

namespace sozbatch::jobs {

namespace {
template <typename T>
std::unique_ptr<job_t> make() { return std::make_unique<T>(); }
using enum security::permission_t; // the permission each command needs (docs/security.md)
} // namespace

std::vector<job_info_t> const &job_table()
{
    static std::vector<job_info_t> const table{
        {"db migrate", "", "create or upgrade the database schema", &make<db_migrate_job_t>, db_owner},
        {"db status", "", "show the schema version and pending migrations", &make<db_status_job_t>, db_owner},
        {"import", "FILE.xml...", "load approved case data (case-import XML)", &make<import_job_t>, case_edit},
        {"cases list", "", "list cases with law, work group, state and version", &make<cases_list_job_t>, case_read},
        {"cases show", "AKTENZEICHEN", "show one case with members, approvals, needs and incomes", &make<cases_show_job_t>, case_read},
        {"operators bootstrap", "--login NAME", "create the first administrator (only while no operator exists)", &make<operators_bootstrap_job_t>, bootstrap},
        {"operators add", "LOGIN", "add an operator with roles and work groups", &make<operators_add_job_t>, admin},
        {"operators list", "", "list operators with roles, work groups and state", &make<operators_list_job_t>, admin},
        {"operators grant", "LOGIN ROLE...", "grant roles to an operator", &make<operators_grant_job_t>, admin},
        {"operators revoke", "LOGIN ROLE...", "revoke roles from an operator", &make<operators_revoke_job_t>, admin},
        {"operators passwd", "LOGIN", "set an operator's password (SQLite) and unlock it", &make<operators_passwd_job_t>, admin},
        {"operators assign-group", "LOGIN WORK-GROUP...", "assign an operator to work groups (--remove: take away)", &make<operators_assign_group_job_t>, admin},
        {"operators disable", "LOGIN", "disable an operator (--enable: enable again)", &make<operators_disable_job_t>, admin},
        {"protocol", "", "show the login/system protocol", &make<protocol_job_t>, protocol_read},
        {"audit verify", "", "recompute the write log's hash chain and report the first broken entry", &make<audit_verify_job_t>, audit},
        {"archive hand-over", "", "record closed cases as handed over to the archive", &make<archive_hand_over_job_t>, admin},
        {"archive purge", "--order REF", "delete personal data of archived cases past retention (export first)", &make<archive_purge_job_t>, admin},
    };
    return table;
}

} // namespace sozbatch::jobs
