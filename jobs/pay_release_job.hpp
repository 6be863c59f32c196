// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch pay release RUN [--refuse --reason TEXT]`: the four-eyes release of a prepared
/// payment run, bound to the content hash of its orders and the SHA-256 of the files export writes.

#include "jobs/job.hpp"

namespace sozbatch::jobs {

class pay_release_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_run;
    bool m_refuse = false;
    std::string m_reason;
};

} // namespace sozbatch::jobs
