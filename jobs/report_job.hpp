// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch report --run RUN | --month YYYY-MM [--out DIR]`: the run report for the office
/// staff (docs/formats/run-report.md): HTML page, PDF, and the 12-month chart as SVG and PNG, each
/// with a manifest, into `<out-dir>/reports/` unless `--out` names a directory.

#include "jobs/job.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace sozbatch::jobs {

/// Writes the report of payment run \p run_id (e.g. "KIEL-202612-R1") into \p out_dir (created when
/// missing): `<run>-report.html`, `<run>-report.pdf`, `<run>-chart.svg`, `<run>-chart.png`, each
/// written atomically with a `.manifest` beside it. Only the orders of cases in the operator's work
/// groups are counted. Deterministic: the same database and clock give the same bytes.
/// \returns the four files (without the manifests), in that order
/// \throws usage_error for an unknown run, config_error (fonts, ICC profile), db_error
std::vector<std::filesystem::path> write_run_report(job_context_t &ctx, std::string const &run_id,
                                                    std::filesystem::path const &out_dir);

/// The newest payment run of \p month that was neither refused nor invalidated, else the newest
/// run of the month. \throws usage_error when the month has no run
std::string latest_run_of_month(job_context_t &ctx, std::string const &month);

class report_job_t final : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_run;
    std::string m_month;
    std::string m_out;
};

} // namespace sozbatch::jobs
