// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch protocol` (administrators) and `sozbatch audit verify` (auditors, administrators).

#include "jobs/job.hpp"

#include <string>

namespace sozbatch::jobs {

/// Prints the login/system protocol, oldest first.
class protocol_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_since;
};

/// Recomputes the write log's hash chain. Exit 0: intact; exit 1: broken (the first broken entry
/// is named); exit 2: could not run.
class audit_verify_job_t final : public job_t
{
public:
    exit_code_t run(job_context_t &ctx) override;
};

} // namespace sozbatch::jobs
