// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch status [--json]`: runs with state, counts and sums, pending releases, held
/// orders and the last errors, for operators and monitoring systems (docs/formats/status-json.md).

#include "jobs/job.hpp"

namespace sozbatch::jobs {

class status_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    bool m_json = false;
};

} // namespace sozbatch::jobs
