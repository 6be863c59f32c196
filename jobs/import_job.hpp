// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch import FILE.xml...`: loads approved case data (docs/formats/case-import.md).

#include "jobs/job.hpp"

namespace sozbatch::jobs {

/// Validates every file completely first (XSD, check digits, references); nothing is written
/// unless all files are valid. Each file is then read again (refused if its SHA-256 changed) and
/// stored in one transaction, so memory holds one file at a time; a file imported before (same
/// SHA-256) changes nothing; a changed record becomes a new version.
class import_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::vector<std::string> m_files;
};

} // namespace sozbatch::jobs
