// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch explain AKTENZEICHEN --month YYYY-MM`: the Berechnungsbogen of the newest stored
/// result: every line, its norm, the parameter values used, and the totals.

#include "jobs/job.hpp"

namespace sozbatch::jobs {

class explain_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_file_ref;
    std::string m_month_text;
};

} // namespace sozbatch::jobs
