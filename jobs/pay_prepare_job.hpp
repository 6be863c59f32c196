// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch pay prepare --month YYYY-MM`: a payment run from the newest calculation results
/// and open differences, with holds, totals and a delta preview against the previous month.

#include "jobs/job.hpp"

namespace sozbatch::jobs {

class pay_prepare_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_month;
    bool m_force = false;
    std::string m_reason;
};

} // namespace sozbatch::jobs
