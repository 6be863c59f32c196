// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief § 151 SGB VI pension query (provisional layout, docs/exchange.md):
/// `pension151 export [--key-date D] [--resend --reason TEXT]`, `pension151 import FILE
/// [--accept-valid]` (answers become income proposals, never a change of approved data) and
/// `pension151 proposals [--state open]` / `pension151 decide ID --state accepted|rejected`.

#include "jobs/job.hpp"

namespace sozbatch::jobs {

class pension151_export_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_key_date;
    bool m_resend = false;
    std::string m_reason;
};

class pension151_import_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_file;
    bool m_accept_valid = false;
};

class pension151_proposals_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_state;
};

class pension151_decide_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    long long m_id = 0;
    std::string m_state;
    std::string m_note;
};

} // namespace sozbatch::jobs
