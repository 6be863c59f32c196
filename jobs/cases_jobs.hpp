// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch cases list` and `sozbatch cases show AKTENZEICHEN`.

#include "jobs/job.hpp"

#include "lib/db/case_store.hpp"

namespace sozbatch::jobs {

/// Lists cases (newest version, or as known at --as-of) with law, work group, state and version.
class cases_list_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    db::case_filter_t m_filter;
    std::string m_as_of;
};

/// Prints one case with members, approvals, needs, incomes, housing and payment assignments.
class cases_show_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_file_ref;
    std::string m_as_of;
};

} // namespace sozbatch::jobs
