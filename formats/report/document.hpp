// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The run report as a list of blocks (headings, paragraphs, tables, the chart), built once
/// from run_report_t and rendered by the HTML and the PDF writer alike, so both show the same.
/// Internal to formats/report.

#include "formats/report/run_report.hpp"

#include <string>
#include <vector>

namespace sozbatch::report::detail {

struct column_t
{
    std::string header;
    bool right = false; ///< numbers and amounts
    int permille = 0;   ///< share of the text width in the PDF
};

struct row_t
{
    enum class style_t { normal, total, detail };
    style_t style = style_t::normal;
    std::vector<std::string> cells;
};

struct block_t
{
    enum class kind_t { title, office, heading, subheading, paragraph, note, keyvalue, table, chart };
    kind_t kind = kind_t::paragraph;
    std::string text;                                          ///< title, office, heading, subheading, paragraph, note
    std::vector<std::pair<std::string, std::string>> pairs;    ///< keyvalue
    std::vector<column_t> columns;                             ///< table
    std::vector<row_t> rows;                                   ///< table
};

/// The blocks of the report, in reading order; the last paragraph is the footer line.
std::vector<block_t> build_document(run_report_t const &r);

/// "Bericht zum Zahllauf <run>" (HTML title, PDF /Title).
std::string document_title(run_report_t const &r);

/// The footer line ("Erstellt am … von …; sozbatch <version>").
std::string footer_text(run_report_t const &r);

} // namespace sozbatch::report::detail
