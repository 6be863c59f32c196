// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief What `sozbatch run-month` needs to know about a month: which steps the month's own
/// records show as done (calculation, payment run, notices, export), the history of the steps
/// run-month started (with forced redos and their reasons) and the files handed over.

#include "lib/core/date.hpp"
#include "lib/db/database.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sozbatch::db {

/// One step run-month started (a row of month_run_steps).
struct month_step_row_t
{
    long long id = 0;
    std::string step, state, started_at, ended_at, operator_name;
    std::optional<long long> exit_code;
    bool forced = false;
    std::string force_reason, run_ref, detail;
};

/// The month as the domain records show it.
struct month_facts_t
{
    /// Approved approvals (newest case versions) that cover a day of the month.
    long long approvals_in_month = 0;
    /// The newest finished calculation run of the month.
    std::optional<std::string> calc_ended_at, calc_as_of;
    long long calc_cases = 0, calc_failed = 0;
    /// The newest payment run of the month (any state).
    std::optional<std::string> run_ref;
    std::string run_state, run_prepared_at, run_released_by, run_refused_by, run_refusal_reason;
    /// Finished notice runs of the month, the newest one's end.
    long long notice_runs = 0;
    std::optional<std::string> notices_ended_at;
    /// Case versions recorded after the newest calculation's "as of" (changed case data).
    long long cases_changed_since_calc = 0;
    /// True when the newest calculation ended after the newest payment run was prepared.
    bool calc_newer_than_run = false;
};

/// A file handed over to a recipient (a row of hand_overs).
struct hand_over_row_t
{
    std::string recipient; ///< bank, print-shop
    std::string run_ref, file_name, sha256, handed_over_at, operator_name;
};

class month_run_store_t
{
public:
    explicit month_run_store_t(database_t &db) : m_db(db) {}

    month_facts_t facts(long long tenant, month_t month);

    /// Records the start of a step. \returns its id
    long long begin_step(long long tenant, month_t month, std::string const &step, std::string const &now,
                         std::string const &operator_name, bool forced, std::string const &reason,
                         std::string const &run_ref);
    void finish_step(long long id, std::string const &state, int exit_code, std::string const &now,
                     std::string const &detail, std::string const &run_ref);
    /// The steps run-month started for the month, oldest first.
    std::vector<month_step_row_t> steps(long long tenant, month_t month);

    /// Files of the month already handed over.
    std::vector<hand_over_row_t> hand_overs(long long tenant, month_t month);
    void record_hand_over(long long tenant, month_t month, hand_over_row_t const &row);
    /// Print batches holding produced (not superseded) Bescheide of the month, sorted.
    std::vector<std::string> produced_batches(long long tenant, month_t month);

private:
    database_t &m_db;
};

} // namespace sozbatch::db
