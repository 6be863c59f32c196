// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief What the notice job reads and records (schemas/migrations/0005_notices.sql): the line
/// items with their segments, open differences, and which letters were produced for which event,
/// so that a rerun for the same month never produces the same letter twice.

#include "lib/core/date.hpp"
#include "lib/core/money.hpp"
#include "lib/db/database.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sozbatch::db {

/// A line item of a stored result with the segment it belongs to.
struct notice_line_t
{
    std::string person_id;
    std::string kind;
    std::string cls;
    std::string legal_basis;
    date_t segment_from{1970, 1, 1};
    date_t segment_to{1970, 1, 1};
    money_t monthly; ///< full-month amount
    money_t amount;  ///< what entered the month's totals
    std::string note;
};

/// A stored difference to a paid result (calc_differences).
struct difference_row_t
{
    long long id = 0;
    long long case_id = 0;
    std::string file_ref;
    std::string month; ///< the month that was recalculated
    std::string kind;  ///< nachzahlung | ueberzahlung
    long long paid_result_id = 0;
    long long new_result_id = 0;
    money_t entitlement_delta;
    money_t payout_delta;
};

/// One letter produced or held by a notice run.
struct notice_record_t
{
    long long case_id = 0;
    std::string file_ref; ///< filled when read back
    std::string month;
    std::string kind;
    std::string event;
    std::string event_ref; ///< "result:<id>", "end-after:<id>", "difference:<id>"
    std::optional<long long> calc_result_id;
    std::optional<long long> difference_id;
    std::string state; ///< produced | held | superseded
    std::string document_id;
    std::string batch_id;
    int pages = 0;
    std::string content_sha256;
    std::string reason;
};

class notice_store_t
{
public:
    explicit notice_store_t(database_t &db) : m_db(db) {}

    /// \returns the new run's id
    long long begin_run(long long tenant, month_t month, std::string const &now, std::string const &operator_name,
                        bool forced, std::string const &force_reason);
    void finish_run(long long run_id, long long documents, long long held, long long batches, std::string const &now);
    /// Number of notice runs for the month so far (including unfinished ones).
    long long runs_for_month(long long tenant, month_t month);

    /// The line items of a result with their segments, in order.
    std::vector<notice_line_t> lines(long long result_id);
    /// For the cases \p case_ids (the notice job plans a chunk of cases at a time, docs/scaling.md):
    /// their differences of months up to \p month, oldest first;
    std::vector<difference_row_t> differences_of(long long tenant, month_t month, std::vector<long long> const &case_ids);
    /// those of them that have a stored result for a month before \p month;
    std::set<long long> cases_with_results_before_of(long long tenant, month_t month,
                                                     std::vector<long long> const &case_ids);
    /// the keys "case_id|kind|event_ref" of their letters already produced (not superseded) for
    /// \p month, and of their difference letters of any month (a difference is answered once).
    std::set<std::string> produced_keys_of(long long tenant, month_t month, std::vector<long long> const &case_ids);

    /// Marks every produced letter of the month superseded (`notices --force`), in one transaction
    /// of UPDATEs of at most 10,000 rows each (the write log's statement trigger holds a
    /// statement's rows in memory). \returns how many
    long long supersede(long long tenant, month_t month);
    void record(long long tenant, long long run_id, notice_record_t const &n, std::string const &now);
    /// Records \p records in one transaction (the letters of a published print batch).
    void record_all(long long tenant, long long run_id, std::vector<notice_record_t> const &records,
                    std::string const &now);
    /// The letters recorded for a month, in record order.
    std::vector<notice_record_t> notices(long long tenant, month_t month);

private:
    database_t &m_db;
};

/// The key produced_keys_of() returns for a letter.
std::string notice_key(long long case_id, std::string const &kind, std::string const &event_ref);

} // namespace sozbatch::db
