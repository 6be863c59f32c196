// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The payment run without the database: configuration, building one order from a payout
/// (channel, budget line, remittance, holds, EndToEndId), the content hash, and rendering a run's
/// files (pain.001.001.09 per debtor account and execution date, split at a maximum; cash list;
/// card-provider file) deterministically from the run, never from "now" (docs/payments.md).

#include "lib/core/date.hpp"
#include "lib/core/money.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/payment_store.hpp"

#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace sozbatch::payments {

/// Settings of the payment commands (config file sections [sepa], [budget], [card]).
struct payment_config_t
{
    std::string debtor_name;                            ///< sepa.debtor-name
    std::string debtor_iban;                            ///< sepa.debtor-iban
    std::map<std::string, std::string> debtor_iban_law; ///< sepa.debtor-iban.<LAW>
    std::string debtor_bic;                             ///< sepa.debtor-bic (empty: NOTPROVIDED)
    std::string initiating_party;                       ///< sepa.initiating-party (default: debtor name)
    std::string ultimate_debtor;                        ///< sepa.ultimate-debtor (optional)
    std::string category_purpose = "SSBE";              ///< sepa.category-purpose
    std::string purpose = "GOVT";                       ///< sepa.purpose
    long long max_transactions = 5000;                  ///< sepa.max-transactions
    int lead_days = 0;                                  ///< sepa.lead-days
    bool batch_booking = true;                          ///< sepa.batch-booking
    std::map<std::string, std::string> budget_lines;    ///< budget.<LAW>
    std::string card_mode = "transfer";                 ///< card.mode: transfer | file
    std::string card_iban, card_bic, card_name;         ///< card.collection-iban/-bic/-name
    bool read_ahead = true;                             ///< payments.read-ahead (pay prepare, PostgreSQL)
    long long chunk_cases = 1000;                       ///< payments.chunk-cases: cases pay prepare reads at a time

    /// Reads the settings (config::extra_settings()). \throws config_error for an invalid value
    static payment_config_t from_settings(std::map<std::string, std::string> const &s);
    /// The budget line of a law (configured or the documented default).
    std::string budget_line(std::string const &law) const;
    /// The debtor account of a law. \throws config_error when none is configured
    std::string debtor_iban_for(std::string const &law) const;
};

/// What one order is built from.
struct order_source_t
{
    long long case_id = 0;
    std::string file_ref;
    std::string law;
    std::string month; ///< the benefit month the money is for
    std::optional<long long> calc_result_id;
    std::optional<long long> difference_id;
    std::string purpose; ///< benefit, rent, energy
    std::optional<db::payee_row_t> payee;
    std::string applicant_name; ///< for the UltmtCdtr when paying a third party
    money_t amount;
    bool stopped = false; ///< a payment stop (MD07) is open for the payee
    /// Appended to the remittance, e.g. the Aufrechnung deducted from this payment (docs/payments.md)
    std::string remittance_note;
};

/// The run reference, e.g. "KIEL-202612-R1" (DK identifier; the prefix of MsgIds and EndToEndIds).
std::string run_ref(std::string const &tenant_code, month_t month, long long seq);

/// Builds order number \p order_no of run \p run: channel, remittance, EndToEndId, and the hold
/// reason when it cannot be paid. \p notes receives transliteration remarks for the log.
db::payment_order_t build_order(payment_config_t const &cfg, order_source_t const &src, std::string const &run,
                                long long order_no, std::vector<std::string> &notes);

/// The kind of file order \p o goes into when its run is exported: "cash" (the cash list), "card"
/// (the card provider's file: a card load without the collection account) or "sepa" (a pain.001
/// transfer). Stored with the order (payment_orders.destination, migration 0019): a file's range
/// of order numbers names its orders by it.
std::string file_channel_of(db::payment_order_t const &o);

/// Receives orders one at a time, in order-number order.
using order_visitor_t = std::function<void(db::payment_order_t const &)>;
/// A run's orders, readable as often as needed, each time completely and in order-number order:
/// from the database a page at a time (stored_orders) or from a vector (orders_in). The payment
/// commands read runs this way so that their memory does not grow with the run (docs/scaling.md).
using order_stream_t = std::function<void(order_visitor_t const &)>;
/// The orders of a stored run, read from \p store in pages of \p page orders. \p store must
/// outlive the stream.
order_stream_t stored_orders(db::payment_store_t &store, long long run_id, std::size_t page = 5000);
/// The orders of a vector (which must outlive the stream).
order_stream_t orders_in(std::vector<db::payment_order_t> const &orders);

/// SHA-256 over the canonical text of the orders (everything that reaches the bank or the cash
/// office; independent of the prepared/released state), fed one order at a time.
class content_hasher_t
{
public:
    void add(db::payment_order_t const &o);
    std::string hex_digest() { return m_hash.hex_digest(); }

private:
    sha256_t m_hash;
};
std::string content_hash(order_stream_t const &orders);
std::string content_hash(std::vector<db::payment_order_t> const &orders);

/// A file as rendered for a run (payment_file_t plus its path).
struct rendered_t
{
    std::vector<db::payment_file_t> files; ///< in a fixed order
    std::string files_hash;                ///< SHA-256 over "name sha256" lines of all files
};

/// Writes the run's files into \p dir (pain.001 files with manifests, "<run>-CASH.csv", and with
/// card.mode=file "<run>-CARD.csv"), from the non-held orders. Deterministic: the same run and
/// orders give byte-identical files. Reads the orders twice (totals per file first, then the
/// files, several written side by side); memory holds the files' totals and order numbers, not
/// the orders. \p each, when given, sees every order of the first pass, and \p before_writing runs
/// after it, before any file is created: a caller hashes and totals the run in that pass and refuses
/// changed orders before anything is written, without reading the run once more.
/// \throws config_error, validation_error, internal_error, and what \p before_writing throws
rendered_t render_files(payment_config_t const &cfg, db::payment_run_t const &run, order_stream_t const &orders,
                        std::string const &dir, order_visitor_t const &each = {},
                        std::function<void()> const &before_writing = {});
rendered_t render_files(payment_config_t const &cfg, db::payment_run_t const &run,
                        std::vector<db::payment_order_t> const &orders, std::string const &dir);

/// Renders into a temporary directory and returns the hashes only (for prepare and release).
rendered_t compute_files_hash(payment_config_t const &cfg, db::payment_run_t const &run, order_stream_t const &orders,
                              order_visitor_t const &each = {}, std::function<void()> const &before_writing = {});
rendered_t compute_files_hash(payment_config_t const &cfg, db::payment_run_t const &run,
                              std::vector<db::payment_order_t> const &orders);

/// A held order as listed for the caseworkers and in the protocol.
struct held_order_t
{
    std::string end_to_end_id, file_ref, purpose, payee_ext_id;
    money_t amount;
    std::string hold_reason;
};

/// The totals of a run's orders, fed one order at a time: what prepare prints, what the protocol
/// holds. Its size depends on the laws, budget lines and channels and on the held orders, not on
/// the number of orders.
struct run_summary_t
{
    long long orders = 0;
    long long held = 0;
    money_t held_sum;
    /// per (law, budget line, channel, "paid" or "held"): count and sum
    std::map<std::tuple<std::string, std::string, std::string, std::string>, std::pair<long long, money_t>> by_status;
    std::vector<held_order_t> held_orders; ///< in order-number order

    void add(db::payment_order_t const &o);
    /// Reads a whole stream.
    static run_summary_t of(order_stream_t const &orders);
};

/// One Aufrechnung of the run, for the protocol: one line each.
struct protocol_deduction_t
{
    std::string claim_ref;
    std::string file_ref;
    std::string month;
    money_t amount;
    std::string legal_basis;
};

/// The run protocol (what the cash office signs) as text and as CSV. \p deductions: the
/// Aufrechnungen from claims the run's orders carry (docs/payments.md), listed before the signature.
std::string protocol_text(db::payment_run_t const &run, run_summary_t const &orders,
                          std::vector<db::payment_file_t> const &files,
                          std::vector<protocol_deduction_t> const &deductions = {});
std::string protocol_csv(db::payment_run_t const &run, run_summary_t const &orders);

/// Totals of the non-held orders per law, budget line and channel, as printed by prepare.
std::string totals_table(run_summary_t const &orders);

/// Triggers the named fault-injection point: when $SOZBATCH_FAULT equals \p point the process
/// aborts immediately (std::_Exit(86)), as a crash would. See docs/payments.md.
void fault_point(char const *point);

} // namespace sozbatch::payments
