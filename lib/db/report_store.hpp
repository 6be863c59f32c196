// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief What the run report (`sozbatch report`, docs/formats/run-report.md) reads: a run's orders
/// summed by law, channel, purpose and state, the regular payments per case of a month (for the
/// month-over-month comparison) and the payments by law of a range of months (the 12-month chart).
///
/// Every query sees only the orders of cases whose newest version belongs to one of the given work
/// groups (the operator's, see job_context_t::restrict_to_visible); on PostgreSQL row-level
/// security restricts the rows as well.

#include "lib/core/money.hpp"
#include "lib/db/database.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sozbatch::db {

/// Orders of one run with the same law, channel, purpose and state: how many and their sum.
struct order_total_t
{
    std::string law;
    std::string channel; ///< sepa, card, cash
    std::string purpose; ///< benefit, rent, energy
    std::string state;   ///< held, prepared, released, exported, booked, rejected, returned
    long long count = 0;
    money_t amount;
};

/// Payments of one law in one month (the month of the payment run).
struct month_law_total_t
{
    std::string month; ///< YYYY-MM
    std::string law;
    long long count = 0;
    money_t amount;
};

/// A case's regular payment of a month: the sum of its non-held orders that pay the month itself
/// (no differences), and the calculation result they come from.
struct case_payment_t
{
    money_t amount;
    std::optional<long long> result_id;
};
/// Regular payments by Aktenzeichen.
using case_payments_t = std::map<std::string, case_payment_t>;

class report_store_t
{
public:
    explicit report_store_t(database_t &db) : m_db(db) {}

    /// The tenant's name (tenants.name).
    std::string tenant_name(long long tenant);

    /// The orders of run \p run_id by law, channel, purpose and state (sorted by these keys).
    /// \param work_groups the visible work groups; empty: every case
    std::vector<order_total_t> run_totals(long long tenant, long long run_id, std::vector<std::string> const &work_groups);

    /// Regular payments per case of \p month: the non-held orders without a difference of the month's
    /// runs that were neither refused nor invalidated; with \p up_to_run only runs with an id up to
    /// it, and that run itself whatever its state.
    case_payments_t regular_payments(long long tenant, std::string const &month, std::optional<long long> up_to_run,
                                     std::vector<std::string> const &work_groups);

    /// Payments by run month and law for the months \p from … \p to (YYYY-MM, inclusive): the
    /// non-held orders of runs neither refused nor invalidated. In \p to only the runs with an id up
    /// to \p up_to_run count, and that run itself whatever its state. Sorted by month and law;
    /// months without payments are missing.
    std::vector<month_law_total_t> monthly_by_law(long long tenant, std::string const &from, std::string const &to,
                                                  long long up_to_run, std::vector<std::string> const &work_groups);

private:
    database_t &m_db;
};

} // namespace sozbatch::db
