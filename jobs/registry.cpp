// SPDX-License-Identifier: GPL-3.0-or-later
/// \file
/// \brief The one table of commands. No other file registers a command.
#include "jobs/cases_jobs.hpp"
#include "jobs/db_jobs.hpp"
#include "jobs/import_job.hpp"
#include "jobs/job.hpp"

namespace sozbatch::jobs {

namespace {
template <typename T>
std::unique_ptr<job_t> make() { return std::make_unique<T>(); }
} // namespace

std::vector<job_info_t> const &job_table()
{
    static std::vector<job_info_t> const table{
        {"db migrate", "", "create or upgrade the database schema", &make<db_migrate_job_t>},
        {"db status", "", "show the schema version and pending migrations", &make<db_status_job_t>},
        {"import", "FILE.xml...", "load approved case data (case-import XML)", &make<import_job_t>},
        {"cases list", "", "list cases with law, work group, state and version", &make<cases_list_job_t>},
        {"cases show", "AKTENZEICHEN", "show one case with members, approvals, needs and incomes", &make<cases_show_job_t>},
    };
    return table;
}

} // namespace sozbatch::jobs
