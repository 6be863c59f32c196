// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch bank import FILE` (pain.002.001.10 rejects, camt.054.001.08 returns;
/// idempotent) and `sozbatch bank returns` (the caseworkers' list of rejected and returned
/// payments and open payment stops).

#include "jobs/job.hpp"

namespace sozbatch::jobs {

class bank_import_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_file;
};

class bank_returns_job_t final : public job_t
{
public:
    exit_code_t run(job_context_t &ctx) override;
};

} // namespace sozbatch::jobs
