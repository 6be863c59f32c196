// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch params show --date D` (the set in force) and `sozbatch params check`
/// (values marked unverified in the data, and months without a required value).

#include "jobs/job.hpp"

namespace sozbatch::jobs {

class params_show_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_date;
    std::string m_overlay, m_dir;
};

class params_check_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_overlay, m_dir;
    std::string m_month;
};

} // namespace sozbatch::jobs
