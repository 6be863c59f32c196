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

/// Outcomes of a batched save: first results of a case-month, changed results (new versions;
/// `differences` of them were already paid and got a difference), unchanged ones.
struct save_counts_t
{
    long long unchanged = 0, new_results = 0, new_versions = 0, differences = 0;
};

/// Saves the results of one calculation run in batches, with the outcome save() would give each
/// case: per batch, the newest stored versions of its case-months are read with one query and the
/// new rows (results, lines, payouts, flags) written with bulk inserts (lib/db/bulk.hpp: COPY on
/// PostgreSQL, bound vectors on SQLite) in one transaction. The write log records every row.
class result_batch_t
{
public:
    /// \param batch cases per transaction
    result_batch_t(database_t &db, long long tenant, long long run_id, std::string now, std::size_t batch = 1000);
    ~result_batch_t();
    result_batch_t(result_batch_t const &) = delete;
    result_batch_t &operator=(result_batch_t const &) = delete;

    /// Queues the result of a case (copied: \p r may be reused); writes the batch when it is full.
    void add(stored_case_t const &c, calc::case_result_t const &r);
    /// Writes what is queued. Call it at the end: the destructor drops what was not written.
    void flush();
    save_counts_t const &counts() const noexcept { return m_counts; }
    /// The outcome per case of the last batch written, in the order added.
    std::vector<saved_result_t> const &last_outcomes() const noexcept { return m_outcomes; }

private:
    struct pending_t;
    database_t &m_db;
    long long m_tenant, m_run;
    std::string m_now;
    std::size_t m_batch;
    std::vector<pending_t> m_pending; ///< the batch's results; emptied by flush()
    std::size_t m_used = 0;
    save_counts_t m_counts;
    std::vector<saved_result_t> m_outcomes;
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
    /// A batch of one (result_batch_t); a calculation run uses result_batch_t directly.
    saved_result_t save(long long tenant, long long run_id, stored_case_t const &c, calc::case_result_t const &r,
                        std::string const &now);

    /// The newest stored result of a case-month.
    std::optional<result_header_t> latest(long long tenant, std::string const &file_ref, month_t month);
    /// Its line items, in order.
    std::vector<stored_line_t> lines(long long result_id);
    /// Its payouts (payee, purpose, amount).
    std::vector<calc::payout_t> payouts(long long result_id);
    /// The payouts of many results in one query (id order within each result, as payouts()).
    std::map<long long, std::vector<calc::payout_t>> payouts_of(std::vector<long long> const &result_ids);
    /// Whether the month has any stored result in the work groups \p work_groups (empty: any).
    bool any_for_month(long long tenant, month_t month, std::vector<std::string> const &work_groups = {});
    /// The newest results of the cases \p case_ids for a month, in Aktenzeichen order (pay prepare
    /// reads them a chunk of cases at a time).
    std::vector<result_header_t> latest_of_cases(long long tenant, month_t month, std::vector<long long> const &case_ids);
    /// The same, and the payouts of those results into \p payouts (as payouts_of() gives them),
    /// read with the headers: one query and one row-level security check per result less.
    std::vector<result_header_t> latest_of_cases(long long tenant, month_t month, std::vector<long long> const &case_ids,
                                                 std::map<long long, std::vector<calc::payout_t>> &payouts);

private:
    database_t &m_db;
};

/// The canonical text of a result, from which its hash is computed.
std::string canonical(calc::case_result_t const &r);

} // namespace sozbatch::db
