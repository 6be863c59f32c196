// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch match118 import FILE [--accept-valid]`: reads a § 118 answer file (SOZHIANT)
/// into reviewable hits and deletes the request data of persons without findings (§ 118 Abs. 1
/// Satz 3 SGB XII). All or nothing unless --accept-valid (docs/exchange.md).

#include "jobs/job.hpp"

namespace sozbatch::jobs {

class match118_import_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_file;
    bool m_accept_valid = false;
};

} // namespace sozbatch::jobs
