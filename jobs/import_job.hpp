// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch import FILE.xml...`: loads approved case data (docs/formats/case-import.md).

#include "jobs/job.hpp"

namespace sozbatch::jobs {

/// Reads each file record by record and stores it in slices, one transaction per file, committed
/// only if the whole file is valid; with several files, all are checked first, so nothing is
/// written unless every file is valid (and a file must not change between the check and the
/// store: its SHA-256). A file imported before (same SHA-256) changes nothing; a changed record
/// becomes a new version.
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
