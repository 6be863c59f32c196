// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Runs a job as an authenticated operator: authentication, the permission check, the
/// login/system protocol around the job (docs/security.md). Called by cmd/main.cpp for every
/// command.

#include "jobs/job.hpp"

#include <string>
#include <vector>

namespace sozbatch::jobs {

/// Authenticates the operator (unless the command needs database-owner rights or is the
/// bootstrap), checks `info.permission`, records job start and end in the protocol and runs the
/// job. \param args the command's arguments, recorded as its parameters.
/// \throws access_error (exit 2) on a failed authentication or a missing permission
exit_code_t run_job(job_info_t const &info, job_t &job, job_context_t &ctx, std::vector<std::string> const &args);

/// Runs \p job as a step of a job that already runs for an authenticated operator (`run-month`):
/// checks `info.permission` against the session's roles and records the step's start and end in
/// the protocol (job name as registered, parameters \p args). No second authentication.
/// \throws access_error when the operator lacks the step's permission
exit_code_t run_step_job(job_info_t const &info, job_t &job, job_context_t &ctx, std::vector<std::string> const &args);

/// The operator's password for SQLite: --password-file, else $SOZBATCH_PASSWORD, else a prompt
/// without echo when stdin is a terminal. \throws access_error when there is none
std::string read_password(config::global_options_t const &options, std::string const &prompt);

/// A new password for `operators add|passwd`: --new-password-file, else $SOZBATCH_NEW_PASSWORD,
/// else asked twice on a terminal. \throws usage_error when there is none or it is too short
std::string read_new_password(std::string const &file, std::string const &prompt);

} // namespace sozbatch::jobs
