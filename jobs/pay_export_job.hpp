// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch pay export RUN`: writes the released run's pain.001.001.09 files, the cash list
/// and the run protocol into `<out-dir>/payments/`, exactly once (docs/payments.md).

#include "jobs/job.hpp"

namespace sozbatch::jobs {

class pay_export_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_run;
};

} // namespace sozbatch::jobs
