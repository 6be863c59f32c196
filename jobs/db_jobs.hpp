// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch db migrate` and `sozbatch db status`.

#include "jobs/job.hpp"

namespace sozbatch::jobs {

/// Applies pending migrations from schemas/migrations (creates the SQLite file if needed).
class db_migrate_job_t final : public job_t
{
public:
    exit_code_t run(job_context_t &ctx) override;
};

/// Prints the schema version, pending migrations and problems; exit 2 on problems.
class db_status_job_t final : public job_t
{
public:
    exit_code_t run(job_context_t &ctx) override;
};

} // namespace sozbatch::jobs
