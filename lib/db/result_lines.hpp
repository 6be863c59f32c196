// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The calculation lines of a stored result as one document in calc_results.lines (migration 0018).
//
// A month writes about twelve lines per result. As rows of their own (calc_lines, until migration
// 0018) each line was a row with its own write-log entry; that was four fifths of the rows a
// calculation wrote and most of its time on PostgreSQL (docs/scaling.md, "Calculation lines as a
// document"). The lines are derived, written once with their result and never changed, so they
// are now a column of the result: a JSON array with one array per line, its elements in the
// order of the old calc_lines columns (docs/data-model.md):
//
//   [[seq, person_ext_id, segment_from, segment_to, kind, cls, legal_basis, basis_cents,
//     factor_num, factor_den, monthly_cents, days, day_share, amount_cents, params, note], ...]
//
// Numbers are integers (cents, days, factors), the dates ISO 8601, strings JSON strings (UTF-8,
// only '"', '\\' and control characters escaped). The view calc_result_lines shows them as rows
// with the old column names, together with the lines of results written before migration 0018,
// which stay in calc_lines. The result's write-log entry holds the document, so every line is
// still in the log.
//
// Since migration 0020 the result's payouts and flags are documents of the same kind in
// calc_results.payouts and calc_results.flags (views calc_result_payouts, calc_result_flags;
// results written before keep their rows in calc_payouts and calc_flags).
#include "lib/db/database.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::db {

struct line_row_t
{
    long long seq = 0;
    std::string person_ext_id;
    std::string segment_from; ///< YYYY-MM-DD
    std::string segment_to;   ///< YYYY-MM-DD
    std::string kind;
    std::string cls;
    std::string legal_basis;
    long long basis_cents = 0;
    long long factor_num = 0;
    long long factor_den = 0;
    long long monthly_cents = 0;
    long long days = 0;
    long long day_share = 0; ///< 1: the amount is the monthly amount's share of the days
    long long amount_cents = 0;
    std::string params;
    std::string note;

    bool operator==(line_row_t const &) const = default;
};

/// Appends the document of \p lines to \p out.
void append_lines_document(std::string &out, std::span<line_row_t const> lines);

/// The lines of a document written by append_lines_document() (any JSON whitespace allowed).
/// Throws db_error naming \p what ("calc_results.lines of result 17") and the byte offset
/// if the text is not such a document.
std::vector<line_row_t> parse_lines_document(std::string_view doc, std::string const &what);

/// What a result pays to whom, one element of calc_results.payouts (migration 0020):
///   [[payee_ext_id, purpose, amount_cents], ...]  in the order the calculation made them
/// (the old calc_payouts rows by id).
struct payout_row_t
{
    std::string payee_ext_id;
    std::string purpose; ///< benefit, rent, energy
    long long amount_cents = 0;

    bool operator==(payout_row_t const &) const = default;
};

/// A flag of a result for the caseworker, one element of calc_results.flags (migration 0020):
///   [[person_ext_id, code, text], ...]
struct flag_row_t
{
    std::string person_ext_id;
    std::string code;
    std::string text;

    bool operator==(flag_row_t const &) const = default;
};

void append_payouts_document(std::string &out, std::span<payout_row_t const> payouts);
/// \throws db_error naming \p what and the byte offset, as parse_lines_document()
std::vector<payout_row_t> parse_payouts_document(std::string_view doc, std::string const &what);
void append_flags_document(std::string &out, std::span<flag_row_t const> flags);
/// \throws db_error naming \p what and the byte offset, as parse_lines_document()
std::vector<flag_row_t> parse_flags_document(std::string_view doc, std::string const &what);

/// The lines of stored result \p result_id, by seq: its document, or for a result written
/// before migration 0018 (no document) its rows in calc_lines. Call inside guard().
std::vector<line_row_t> read_result_lines(database_t &db, long long result_id);

} // namespace sozbatch::db
