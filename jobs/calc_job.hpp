// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch calc --month YYYY-MM`: the monthly benefit calculation for every approved case,
/// stored as versioned results; and the trial calculation without a database (`--input FILE`).

#include "jobs/job.hpp"
#include "lib/domain/case_model.hpp"

namespace sozbatch::jobs {

/// True when an approved approval of \p c covers a day of \p m.
bool approved_in(domain::case_t const &c, month_t m);

class calc_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;
    bool uses_database() const override { return m_input.empty(); }

private:
    exit_code_t run_trial(job_context_t &ctx);

    std::string m_month_text;
    std::string m_as_of;
    std::string m_input;
    std::string m_format = "text";
    std::string m_overlay;
    std::string m_params_dir;
    std::string m_shard;      ///< "K/N" or empty
    int m_shard_index = 0;    ///< 0-based
    int m_shard_count = 1;
};

} // namespace sozbatch::jobs
