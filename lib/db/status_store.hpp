// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief What `sozbatch status` reports: calculation and payment runs with their state, counts
/// and sums, pending releases, held orders and the last errors (for monitoring systems).

#include "lib/core/money.hpp"
#include "lib/db/database.hpp"

#include <string>
#include <vector>

namespace sozbatch::db {

struct calc_run_status_t
{
    long long id = 0;
    std::string month, started_at, ended_at, operator_name;
    long long cases = 0, new_results = 0, failed = 0;
    money_t entitlement, payout;
};

struct payment_run_status_t
{
    std::string run_ref, month, state, prepared_by, prepared_at, released_by, exported_at;
    long long orders = 0, held = 0;
    money_t total;
};

struct error_status_t
{
    std::string source; ///< e.g. "calc 2026-12"
    std::string file_ref;
    std::string reason;
};

struct status_t
{
    std::string tenant;
    int schema_version = 0;
    std::vector<calc_run_status_t> calc_runs;       ///< newest first
    std::vector<payment_run_status_t> payment_runs; ///< newest first
    long long pending_releases = 0;                 ///< payment runs prepared, not yet released
    long long held_orders = 0;                      ///< orders held in runs not yet exported
    std::vector<error_status_t> last_errors;        ///< failures of the newest calculation run
};

/// Reads the status of a tenant. \param limit newest runs per kind
status_t read_status(database_t &db, long long tenant, std::string const &tenant_code, int limit = 12);

} // namespace sozbatch::db
