// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch match118 export --quarter YYYYQn [--resend --reason TEXT]`: the § 118 SGB XII
/// request file for a quarter (docs/exchange.md), recorded in the exchange registry.

#include "jobs/job.hpp"

namespace sozbatch::jobs {

class match118_export_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_quarter;
    bool m_resend = false;
    std::string m_reason;
};

} // namespace sozbatch::jobs
