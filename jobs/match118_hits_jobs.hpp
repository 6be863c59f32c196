// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch match118 hits [--state STATE]` (the review list of the operator's work
/// groups) and `sozbatch match118 review HIT --state checked-no-effect|overpayment-claim [--note]`.

#include "jobs/job.hpp"

namespace sozbatch::jobs {

class match118_hits_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_state;
};

class match118_review_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    long long m_hit = 0;
    std::string m_state;
    std::string m_note;
};

} // namespace sozbatch::jobs
