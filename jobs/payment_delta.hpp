// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The month-over-month comparison of regular payments per case: new cases, ended cases and
/// changed amounts with the line items (kind and person) whose amounts changed. Used by the delta
/// preview of `pay prepare` and by the run report (`sozbatch report`).

#include "lib/core/money.hpp"
#include "lib/db/payment_store.hpp"
#include "lib/db/report_store.hpp"
#include "lib/db/result_store.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sozbatch::jobs {

/// One case that differs between the two months.
struct delta_case_t
{
    enum class kind_t { added, changed, ended };
    kind_t kind = kind_t::added;
    std::string file_ref;
    money_t before; ///< zero for a new case
    money_t after;  ///< zero for an ended case
    std::optional<long long> before_result, after_result;
};

/// The comparison. `cases` holds new and changed cases in Aktenzeichen order, then the ended ones
/// in Aktenzeichen order.
struct payment_delta_t
{
    std::vector<delta_case_t> cases;
    long long added = 0, ended = 0, changed = 0;
    long long cases_before = 0, cases_after = 0;
    money_t total_before, total_after;
};

/// Compares the regular payments of the previous month (\p before) with this month's (\p after).
payment_delta_t compare_payments(db::case_payments_t const &before, db::case_payments_t const &after);

/// One case's regular payment: Aktenzeichen and payment.
using case_payment_entry_t = std::pair<std::string, db::case_payment_t>;
/// Yields one case's regular payment per call, in Aktenzeichen order; nullopt at the end.
using payment_cursor_t = std::function<std::optional<case_payment_entry_t>()>;
/// Makes a fresh cursor over the same payments each time it is called.
using payment_source_t = std::function<payment_cursor_t()>;

/// The regular payments of a map.
payment_source_t payments_of(db::case_payments_t const &payments);
/// The regular payments of a stored run, read a page of orders at a time: a run's orders are
/// numbered in Aktenzeichen order, so the orders of a case follow each other.
payment_source_t regular_payments_of_run(db::payment_store_t &store, long long run_id, std::size_t page = 5000);

/// The same comparison without holding either month: a merge of two sorted cursors. \p each
/// receives the delta cases in the order of payment_delta_t::cases (new and changed, then ended);
/// the returned delta has the counts and totals and an empty `cases`.
/// \throws internal_error when a source is not in ascending byte order of the Aktenzeichen
payment_delta_t compare_payments(payment_source_t const &before, payment_source_t const &after,
                                 std::function<void(delta_case_t const &)> const &each);

/// A line item of a calculation result whose amount differs between two results.
struct line_change_t
{
    std::string key; ///< kind, then the person when the line belongs to one (e.g. "regelbedarf P1")
    money_t before, after;
};

/// The line items whose summed amounts differ between results \p before and \p after (result
/// lines and the entitlement are left out: they are the sums).
std::vector<line_change_t> changed_lines(db::result_store_t &results, long long before, long long after);

} // namespace sozbatch::jobs
