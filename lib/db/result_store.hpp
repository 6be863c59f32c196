// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Calculation runs and versioned results (schemas/migrations/0002_calculation.sql).
///
/// A result is never overwritten. Saving a result identical to the newest stored version of the
/// case-month writes nothing; a different one becomes version + 1; when the newest version was
/// already paid (its payment order exported), the change is also stored as a difference
/// (Nachzahlung or Überzahlung) for the next payment run.

#include "lib/calc/result.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/database.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sozbatch::db {

enum class save_outcome_t { unchanged, new_result, new_version, difference };

struct saved_result_t
{
    save_outcome_t outcome = save_outcome_t::unchanged;
    long long result_id = 0;
    int version = 0;
    std::optional<calc::difference_t> difference; ///< when the previous version was paid
};

/// A stored result's header (totals and where it came from).
struct result_header_t
{
    long long id = 0;
    long long case_id = 0;
    std::string file_ref;
    std::string month;
    int version = 0;
    long long case_version_id = 0;
    std::string law;
    std::string work_group;
    std::string hash;
    calc::totals_t totals;
    std::string created_at;
    bool paid = false;
};

struct stored_line_t
{
    std::string person_id;
    std::string kind;
    std::string cls;
    std::string legal_basis;
    money_t basis;
    long long factor_num = 0, factor_den = 0;
    money_t monthly;
    int days = 0;
    money_t amount;
    std::string params;
    std::string note;
};

struct calc_run_stats_t
{
    long long cases_total = 0, new_results = 0, failed = 0;
    money_t entitlement, payout;
};

class result_store_t
{
public:
    explicit result_store_t(database_t &db) : m_db(db) {}

    long long begin_run(long long tenant, month_t month, std::string const &as_of, std::string const &now,
                        std::string const &operator_name, std::string const &overlay);
    void finish_run(long long run_id, calc_run_stats_t const &stats, std::string const &now);
    void record_failure(long long tenant, long long run_id, std::string const &file_ref, std::string const &reason);

    /// Stores \p r for the case unless identical to the newest version (see file comment).
    saved_result_t save(long long tenant, long long run_id, stored_case_t const &c, calc::case_result_t const &r,
                        std::string const &now);

    /// The newest stored result of a case-month.
    std::optional<result_header_t> latest(long long tenant, std::string const &file_ref, month_t month);
    /// Its line items, in order.
    std::vector<stored_line_t> lines(long long result_id);
    /// Its payouts (payee, purpose, amount).
    std::vector<calc::payout_t> payouts(long long result_id);
    /// The newest results of all cases for a month (for pay prepare, notices, reports).
    std::vector<result_header_t> latest_for_month(long long tenant, month_t month,
                                                  std::vector<std::string> const &work_groups = {});

private:
    database_t &m_db;
};

/// The canonical text of a result, from which its hash is computed.
std::string canonical(calc::case_result_t const &r);

} // namespace sozbatch::db
