// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Payment runs, orders, exported files and bank feedback (migrations 0003 and 0004,
/// docs/payments.md). All SQL of the payment commands lives here.

#include "lib/calc/result.hpp"
#include "lib/core/increasing_list.hpp"
#include "lib/core/money.hpp"
#include "lib/db/database.hpp"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace sozbatch::db {

/// One payment order (a row of payment_orders).
struct payment_order_t
{
    long long id = 0;
    long long order_no = 0;
    long long case_id = 0;
    std::string file_ref;
    std::string month;
    std::optional<long long> calc_result_id;
    std::optional<long long> difference_id;
    std::string law;
    std::string budget_line;
    std::string channel;  ///< sepa, card, cash
    std::string purpose;  ///< benefit, rent, energy
    std::string payee_ext_id;
    std::string creditor_name;
    std::string iban;
    std::string bic;
    std::string card_ref;
    std::string remittance;
    std::string ultimate_creditor;
    std::string debtor_iban;
    money_t amount;
    std::string end_to_end_id;
    /// held, prepared, released, exported, booked, rejected, returned: as read, the state as of the
    /// run (order_state_sql); stored, 'prepared' or 'held' until the bank reports (migration 0019)
    std::string state;
    std::string hold_reason;
    std::string bank_reason;
    /// the kind of file the order goes into: sepa (a pain.001 transfer), cash (the cash list),
    /// card (the card provider's file); set by pay prepare (payments::file_channel_of)
    std::string destination;
};

/// SQL for the state of order \p o as of its run \p r (both table aliases of a query that joins
/// payment_runs): a stored 'prepared' (or, before migration 0019, 'released') order of a released
/// or exported run has its run's state; every other state is the order's own.
std::string order_state_sql(std::string const &o, std::string const &r);

/// SQL condition: order \p o of run \p r went out to the bank and was not rejected or returned
/// (exported or booked, as of the run). With \p r empty the query does not join payment_runs and
/// the run is looked up per order (EXISTS): for a query driven by something else than the run,
/// e.g. the orders of a result, so that the planner keeps using that index.
std::string order_paid_sql(std::string const &o, std::string const &r);

/// One payment run (a row of payment_runs).
struct payment_run_t
{
    long long id = 0;
    std::string run_ref;
    std::string month;
    std::string state; ///< prepared, released, refused, exported, invalidated
    std::string execution_date;
    std::string prepared_by, prepared_at;
    std::string content_hash, files_hash;
    std::string released_by, released_at;
    std::string refused_by, refused_at, refusal_reason;
    std::string exported_at;
    long long orders_count = 0;
    money_t total;
    long long held_count = 0;
    std::string force_reason;
    std::string invalidated_reason;
};

/// One exported file (a row of payment_files).
struct payment_file_t
{
    long long id = 0;
    std::string file_name;
    std::string msg_id;
    std::string channel;
    std::string debtor_iban;
    std::string execution_date;
    long long tx_count = 0;
    money_t ctrl_sum;
    std::string sha256;
    /// The first and last order number the file holds (migration 0019); empty for a file exported
    /// before it, whose orders name it in payment_file_id.
    std::optional<long long> first_order_no, last_order_no;
    /// The order numbers of the orders in the file, ascending (for record_export; the EndToEndIds
    /// are derived from them), about one byte per order (lib/core/increasing_list.hpp)
    increasing_list_t order_nos;
};

/// A difference to a paid result that no run has paid yet.
struct open_difference_t
{
    long long id = 0;
    long long case_id = 0;
    std::string file_ref;
    std::string month;
    std::string kind; ///< nachzahlung, ueberzahlung
    money_t payout_delta;
    long long new_result_id = 0;
    std::vector<calc::payout_t> by_payee;
};

/// A payee as stored (newest version).
struct payee_row_t
{
    std::string ext_id;
    std::string kind;
    std::string name;
    std::string iban;
    std::string bic;
    std::string card_ref;
    std::string person_id;
};

/// One matched or unmatched line of a bank message.
struct bank_event_t
{
    std::optional<long long> payment_order_id;
    std::string end_to_end_id;
    std::string status;      ///< rejected, returned, accepted, unmatched
    std::string reason_code;
    money_t amount;
};

/// A payment stop (MD07 and the like) waiting for review.
struct payment_stop_t
{
    long long id = 0;
    std::string file_ref;
    std::string payee_ext_id;
    std::string reason_code;
    std::string end_to_end_id;
    std::string created_at;
};

/// A returned or rejected order, for the caseworkers' list.
struct bank_return_t
{
    std::string file_ref;
    std::string month;
    std::string payee_ext_id;
    std::string creditor_name;
    money_t amount;
    std::string end_to_end_id;
    std::string state;
    std::string reason_code;
};

class payment_store_t
{
public:
    explicit payment_store_t(database_t &db) : m_db(db) {}

    /// Runs of a month, oldest first.
    std::vector<payment_run_t> runs_for_month(long long tenant, std::string const &month);
    std::optional<payment_run_t> find_run(long long tenant, std::string const &run_ref);
    /// The newest run of \p month that was not invalidated or refused.
    std::optional<payment_run_t> last_valid_run(long long tenant, std::string const &month);
    /// Number of runs of the month so far (for the next run reference).
    long long count_runs(long long tenant, std::string const &month);

    /// (case id, purpose) pairs of \p month whose regular order is paid or on its way: an order of a
    /// prepared/released run, or an exported/booked order of an exported run.
    std::set<std::pair<long long, std::string>> covered(long long tenant, std::string const &month);
    /// The same for the cases \p case_ids only (pay prepare reads them a chunk of cases at a time).
    std::set<std::pair<long long, std::string>> covered_of(long long tenant, std::string const &month,
                                                           std::vector<long long> const &case_ids);
    /// The differences (any month) of the cases \p case_ids that no prepared, released or exported
    /// order pays yet, in Aktenzeichen, month and id order (pay prepare reads them a chunk of cases
    /// at a time).
    std::vector<open_difference_t> open_differences_of(long long tenant, std::vector<long long> const &case_ids);
    /// (case id, payee ext id) with an unresolved payment stop.
    std::set<std::pair<long long, std::string>> active_stops(long long tenant);

    /// The newest payee version of a person (the applicant's own account).
    std::optional<payee_row_t> payee_of_person(long long tenant, std::string const &person_ext_id);
    std::optional<payee_row_t> payee(long long tenant, std::string const &ext_id);

    /// Creates the run and its orders in one transaction. \returns the run id
    long long create_run(long long tenant, payment_run_t const &run, std::vector<payment_order_t> const &orders);
    /// The steps of create_run for a run written while its orders are built (pay prepare), all
    /// inside the caller's transaction: insert the run (its hashes and totals may still be empty),
    /// add its orders in slices, then store the final hashes and totals.
    long long insert_run(long long tenant, payment_run_t const &run);
    void insert_orders(long long tenant, long long run_id, std::vector<payment_order_t> const &orders);
    void finish_run(long long run_id, payment_run_t const &run);
    /// Marks prepared/released runs of the month invalidated (pay prepare --force).
    void invalidate_open_runs(long long tenant, std::string const &month, std::string const &reason);

    std::vector<payment_order_t> orders(long long run_id);
    /// Calls \p fn for each order of the run in order-number order, reading \p page orders per query
    /// (keyset pagination on the order number): memory is one page, whatever the size of the run.
    /// A page is read completely before \p fn sees it, so \p fn may use the database.
    void for_each_order(long long run_id, std::function<void(payment_order_t const &)> const &fn,
                        std::size_t page = 5000);
    /// Up to \p limit orders of the run with an order number above \p after, in order-number order.
    std::vector<payment_order_t> orders_page(long long run_id, long long after, std::size_t limit);
    /// The run's exported files.
    std::vector<payment_file_t> files(long long run_id);

    /// Releases a prepared run: the run's state, not one update per order (its non-held orders are
    /// released as of the run, migration 0019). \throws access_error when \p by prepared the run
    /// (four eyes), internal_error when the run is not prepared
    void release(long long run_id, std::string const &by, std::string const &at);
    void refuse(long long run_id, std::string const &by, std::string const &at, std::string const &reason);

    /// Records the published files, each with the range of order numbers it holds, and moves the
    /// run to exported, in ONE transaction; its orders are exported as of the run (migration 0019).
    /// Before committing it counts, per file, the orders the range names and requires them to be
    /// exactly the file's orders, and every non-held order of the run to be in one file. A file
    /// whose orders a range cannot name (orders prepared before migration 0019, without a
    /// destination) is recorded the old way: its orders get its id and the state 'exported'.
    /// \throws internal_error when an order is not a released order of the run or not in one file
    void record_export(long long tenant, long long run_id, std::vector<payment_file_t> const &files,
                       std::string const &at);

    /// True when a bank message with this SHA-256 was imported already.
    bool bank_message_known(long long tenant, std::string const &sha256);
    /// Orders of a file with MsgId \p msg_id.
    std::vector<payment_order_t> orders_of_msg(long long tenant, std::string const &msg_id);
    std::optional<payment_order_t> order_by_e2e(long long tenant, std::string const &e2e);
    /// Stores the message, its events, the order state changes and the stops in one transaction.
    /// \param stops (order id, reason code) to stop further payments for
    void record_bank_message(long long tenant, std::string const &sha256, std::string const &kind,
                             std::string const &msg_id, std::string const &file_name, std::string const &at,
                             std::vector<bank_event_t> const &events,
                             std::vector<std::pair<long long, std::string>> const &stops);
    std::vector<bank_return_t> returns(long long tenant);
    std::vector<payment_stop_t> stops(long long tenant);

private:
    database_t &m_db;
};

} // namespace sozbatch::db
