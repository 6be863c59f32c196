// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Calculation results as bytes: JSON (docs/formats/calc-result.md, stable) and the text
/// Berechnungsbogen for `sozbatch explain`. Both are deterministic: the same result gives the
/// same bytes.

#include "lib/calc/result.hpp"

#include <ostream>
#include <span>
#include <string>

namespace sozbatch::formats::calc_result {

/// One result as a JSON object (no trailing newline).
void write_json(std::ostream &out, calc::case_result_t const &r);
std::string to_json(calc::case_result_t const &r);

/// Several results as one JSON document {"format":…, "month":…, "results":[…], "errors":[…]}
/// for `sozbatch calc --input … --format json`. \p errors are the messages of skipped cases.
void write_json_document(std::ostream &out, month_t month, std::span<calc::case_result_t const> results,
                         std::span<std::string const> errors);

/// A difference (Nachzahlung/Überzahlung) as a JSON object.
std::string to_json(calc::difference_t const &d);

/// The Berechnungsbogen: every line with its norm, basis, factor, days and amount, the parameter
/// values used, the totals and the payout split (German labels, amounts as 1.234,56).
void write_text(std::ostream &out, calc::case_result_t const &r);
std::string to_text(calc::case_result_t const &r);

} // namespace sozbatch::formats::calc_result
