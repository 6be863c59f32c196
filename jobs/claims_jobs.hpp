// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch claims list [--case C] [--state S]`: the claims that Überzahlungen became
/// (Erstattungsanspruch, § 50 SGB X) with what later runs offset (docs/payments.md).

#include "jobs/job.hpp"

namespace sozbatch::jobs {

class claims_list_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_case;
    std::string m_state;
};

} // namespace sozbatch::jobs
