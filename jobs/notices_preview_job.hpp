// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch notices preview AKTENZEICHEN --month YYYY-MM [--kind K]`: one Bescheid as PDF
/// and its first page as PNG in `<out-dir>/notices/preview/`, for a look before the batch goes
/// out. Records nothing.

#include "jobs/job.hpp"

namespace sozbatch::jobs {

class notices_preview_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_file_ref;
    std::string m_month_text;
    std::string m_kind;
    int m_dpi = 100;
};

} // namespace sozbatch::jobs
