// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch notices --month YYYY-MM`: decides which Bescheide the month needs, renders them
/// into print batches sorted by postcode (`<out-dir>/notices/<month>/`, index and manifest per
/// batch) and records what was produced, so a rerun produces no letter twice (docs/notices.md).

#include "jobs/job.hpp"

namespace sozbatch::jobs {

class notices_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_month_text;
    bool m_force = false;
    std::string m_reason;
    int m_batch_size = 0;
    int m_render_threads = 0;
};

} // namespace sozbatch::jobs
