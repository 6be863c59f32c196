// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch run-month --month YYYY-MM`: the month as one scheduled run.
///
/// calc → pay prepare → notices → (release by a second operator) → pay export → hand-over →
/// run report. Each step is done once: whether it is done is read from the month's own records
/// (calculation runs, the payment run's state, notice runs, hand-over receipts), so steps run by
/// hand count too, and a rerun continues where the last one stopped. `--dry-run` shows the plan
/// and what changed since the last run; `--force STEP --reason TEXT` redoes a step (and the steps
/// after it) while the month is not exported. One lock per tenant (docs/operations.md).

#include "jobs/job.hpp"

namespace sozbatch::jobs {

class run_month_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_month;
    bool m_dry_run = false;
    std::string m_force;
    std::string m_reason;
};

} // namespace sozbatch::jobs
