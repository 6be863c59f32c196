// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch archive hand-over` and `sozbatch archive purge --order REF` (administrators).

#include "jobs/job.hpp"

#include <string>

namespace sozbatch::jobs {

/// Records closed cases (closed on or before --closed-before, default: today) as handed over to
/// the archive on --date (default: today).
class archive_hand_over_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_date;
    std::string m_closed_before;
};

/// Exports, then deletes the personal data of handed-over cases whose retention has passed.
class archive_purge_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_order;
    bool m_dry_run = false;
    int m_retention_years = 0;
};

} // namespace sozbatch::jobs
