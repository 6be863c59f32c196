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

/// The regular payments per case of a run's orders: non-held orders without a difference, summed
/// by Aktenzeichen (for a run that is not stored yet).
db::case_payments_t regular_payments(std::vector<db::payment_order_t> const &orders);

/// Compares the regular payments of the previous month (\p before) with this month's (\p after).
payment_delta_t compare_payments(db::case_payments_t const &before, db::case_payments_t const &after);

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
