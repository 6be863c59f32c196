// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/db/payment_store.hpp"

#include "lib/core/error.hpp"
#include "lib/db/bulk.hpp"
#include "lib/db/row.hpp"

#include <soci/soci.h>

#include <algorithm>

namespace sozbatch::db {

std::string order_state_sql(std::string const &o, std::string const &r)
{
    return "CASE WHEN " + o + ".state IN ('prepared', 'released') AND " + r + ".state IN ('released', 'exported') THEN " +
           r + ".state ELSE " + o + ".state END";
}

std::string order_paid_sql(std::string const &o, std::string const &r)
{
    std::string const run_exported =
        r.empty() ? "EXISTS (SELECT 1 FROM payment_runs pr WHERE pr.id = " + o + ".payment_run_id AND pr.state = 'exported')"
                  : r + ".state = 'exported'";
    return "(" + o + ".state IN ('exported', 'booked') OR (" + o + ".state IN ('prepared', 'released') AND " +
           run_exported + "))";
}

namespace {

// the columns of order_from_row; the query names payment_orders o and joins payment_runs r
std::string const ORDER_COLUMNS =
    "o.id, o.order_no, o.case_id, o.file_ref, o.month, o.calc_result_id, o.difference_id, o.law, o.budget_line, "
    "o.channel, o.purpose, o.payee_ext_id, o.creditor_name, o.iban, o.bic, o.card_ref, o.remittance, "
    "o.ultimate_creditor, o.debtor_iban, o.amount_cents, o.end_to_end_id, " + order_state_sql("o", "r") +
    ", o.hold_reason, o.destination, o.bank_reason";
std::string const ORDERS_FROM = " FROM payment_orders o JOIN payment_runs r ON r.id = o.payment_run_id ";

payment_order_t order_from_row(soci::row const &r)
{
    payment_order_t o;
    o.id = int64(r, 0);
    o.order_no = int64(r, 1);
    o.case_id = int64(r, 2);
    o.file_ref = text(r, 3);
    o.month = text(r, 4);
    o.calc_result_id = opt_int64(r, 5);
    o.difference_id = opt_int64(r, 6);
    o.law = text(r, 7);
    o.budget_line = text(r, 8);
    o.channel = text(r, 9);
    o.purpose = text(r, 10);
    o.payee_ext_id = text(r, 11);
    o.creditor_name = text(r, 12);
    o.iban = text(r, 13);
    o.bic = text(r, 14);
    o.card_ref = text(r, 15);
    o.remittance = text(r, 16);
    o.ultimate_creditor = text(r, 17);
    o.debtor_iban = text(r, 18);
    o.amount = money_t::cents(int64(r, 19));
    o.end_to_end_id = text(r, 20);
    o.state = text(r, 21);
    o.hold_reason = text(r, 22);
    o.destination = text(r, 23);
    o.bank_reason = text(r, 24);
    return o;
}

constexpr char const *RUN_COLUMNS =
    "id, run_ref, month, state, CAST(execution_date AS TEXT), prepared_by, CAST(prepared_at AS TEXT), content_hash, "
    "files_hash, released_by, CAST(released_at AS TEXT), refused_by, CAST(refused_at AS TEXT), refusal_reason, "
    "CAST(exported_at AS TEXT), orders_count, total_cents, held_count, force_reason, invalidated_reason";

payment_run_t run_from_row(soci::row const &r)
{
    payment_run_t x;
    x.id = int64(r, 0);
    x.run_ref = text(r, 1);
    x.month = text(r, 2);
    x.state = text(r, 3);
    x.execution_date = text(r, 4).substr(0, 10);
    x.prepared_by = text(r, 5);
    x.prepared_at = text(r, 6);
    x.content_hash = text(r, 7);
    x.files_hash = text(r, 8);
    x.released_by = text(r, 9);
    x.released_at = text(r, 10);
    x.refused_by = text(r, 11);
    x.refused_at = text(r, 12);
    x.refusal_reason = text(r, 13);
    x.exported_at = text(r, 14);
    x.orders_count = int64(r, 15);
    x.total = money_t::cents(int64(r, 16));
    x.held_count = int64(r, 17);
    x.force_reason = text(r, 18);
    x.invalidated_reason = text(r, 19);
    return x;
}

payee_row_t payee_from_row(soci::row const &r)
{
    return payee_row_t{text(r, 0), text(r, 1), text(r, 2), text(r, 3), text(r, 4), text(r, 5), text(r, 6)};
}

constexpr char const *PAYEE_SELECT =
    "SELECT p.ext_id, v.kind, v.name, v.iban, v.bic, v.card_ref, v.person_ext_id FROM payees p "
    "JOIN payee_versions v ON v.payee_id = p.id "
    "WHERE p.tenant_id = :t AND v.version = (SELECT MAX(v2.version) FROM payee_versions v2 WHERE v2.payee_id = p.id) ";

} // namespace

std::vector<payment_run_t> payment_store_t::runs_for_month(long long tenant, std::string const &month)
{
    return guard(m_db, [&] {
        std::vector<payment_run_t> out;
        soci::rowset<soci::row> rs = (m_db.sql().prepare << std::string{"SELECT "} + RUN_COLUMNS +
                                          " FROM payment_runs WHERE tenant_id = :t AND month = :m ORDER BY id",
                                      soci::use(tenant), soci::use(month));
        for (auto const &r : rs) {
            out.push_back(run_from_row(r));
        }
        return out;
    });
}

std::optional<payment_run_t> payment_store_t::find_run(long long tenant, std::string const &run_ref)
{
    return guard(m_db, [&]() -> std::optional<payment_run_t> {
        soci::row r;
        m_db.sql() << std::string{"SELECT "} + RUN_COLUMNS + " FROM payment_runs WHERE tenant_id = :t AND run_ref = :r",
            soci::into(r), soci::use(tenant), soci::use(run_ref);
        if (!m_db.sql().got_data()) {
            return std::nullopt;
        }
        return run_from_row(r);
    });
}

std::optional<payment_run_t> payment_store_t::last_valid_run(long long tenant, std::string const &month)
{
    std::optional<payment_run_t> last;
    for (auto &r : runs_for_month(tenant, month)) {
        if (r.state != "invalidated" && r.state != "refused") {
            last = std::move(r);
        }
    }
    return last;
}

long long payment_store_t::count_runs(long long tenant, std::string const &month)
{
    return guard(m_db, [&] {
        long long n = 0;
        m_db.sql() << "SELECT COUNT(*) FROM payment_runs WHERE tenant_id = :t AND month = :m", soci::into(n),
            soci::use(tenant), soci::use(month);
        return n;
    });
}

namespace {

// Neither the tenant nor "no difference" may drive this query (docs/scaling.md, "Chunk queries"):
// nearly every order has no difference, and on SQLite the index on difference_id (migration 0017)
// would read every order of every month for each chunk of cases.
std::string const COVERED_SELECT =
    "SELECT o.case_id, o.purpose FROM payment_orders o JOIN payment_runs r ON r.id = o.payment_run_id WHERE " +
    unindexed("o.tenant_id") + " = :t AND o.month = :m AND " + unindexed("o.difference_id") +
    " IS NULL AND ((r.state IN ('prepared', 'released') AND o.state <> 'held') OR " + order_paid_sql("o", "r") + ")";

} // namespace

std::set<std::pair<long long, std::string>> payment_store_t::covered(long long tenant, std::string const &month)
{
    return guard(m_db, [&] {
        std::set<std::pair<long long, std::string>> out;
        soci::rowset<soci::row> rs = (m_db.sql().prepare << COVERED_SELECT, soci::use(tenant), soci::use(month));
        for (auto const &r : rs) {
            out.emplace(int64(r, 0), text(r, 1));
        }
        return out;
    });
}

std::set<std::pair<long long, std::string>> payment_store_t::covered_of(long long tenant, std::string const &month,
                                                                        std::vector<long long> const &case_ids)
{
    return guard(m_db, [&] {
        std::set<std::pair<long long, std::string>> out;
        if (case_ids.empty()) {
            return out;
        }
        soci::rowset<soci::row> rs = (m_db.sql().prepare << std::string{COVERED_SELECT} + " AND o.case_id" + in_ids(m_db, case_ids),
                                      soci::use(tenant), soci::use(month));
        for (auto const &r : rs) {
            out.emplace(int64(r, 0), text(r, 1));
        }
        return out;
    });
}

namespace {

std::vector<open_difference_t> read_open_differences(database_t &db, long long tenant, std::vector<long long> const &case_ids)
{
    std::vector<open_difference_t> out;
    {
        soci::rowset<soci::row> rs =
            (db.sql().prepare << "SELECT d.id, d.case_id, c.file_ref, d.month, d.kind, d.payout_delta_cents, "
                                 "d.new_result_id FROM calc_differences d JOIN cases c ON c.id = d.case_id "
                                 "WHERE d.tenant_id = :t AND d.case_id" + in_ids(db, case_ids) + " AND NOT EXISTS (SELECT 1 FROM "
                                 "payment_orders o JOIN payment_runs r ON r.id = o.payment_run_id WHERE "
                                 "o.difference_id = d.id AND ((r.state IN ('prepared', 'released') AND o.state <> "
                                 "'held') OR " + order_paid_sql("o", "r") + ")) "
                                 "ORDER BY c.file_ref, d.month, d.id",
             soci::use(tenant));
        for (auto const &r : rs) {
            open_difference_t d;
            d.id = int64(r, 0);
            d.case_id = int64(r, 1);
            d.file_ref = text(r, 2);
            d.month = text(r, 3);
            d.kind = text(r, 4);
            d.payout_delta = money_t::cents(int64(r, 5));
            d.new_result_id = int64(r, 6);
            out.push_back(std::move(d));
        }
    }
    for (auto &d : out) {
        soci::rowset<soci::row> rs = (db.sql().prepare << "SELECT payee_ext_id, purpose, amount_cents FROM "
                                                          "calc_difference_payees WHERE difference_id = :d ORDER BY id",
                                      soci::use(d.id));
        for (auto const &r : rs) {
            d.by_payee.push_back(calc::payout_t{text(r, 0), domain::parse_assignment_purpose(text(r, 1)),
                                                money_t::cents(int64(r, 2))});
        }
    }
    return out;
}

} // namespace

std::vector<open_difference_t> payment_store_t::open_differences_of(long long tenant, std::vector<long long> const &case_ids)
{
    return guard(m_db, [&] {
        return case_ids.empty() ? std::vector<open_difference_t>{} : read_open_differences(m_db, tenant, case_ids);
    });
}

std::set<std::pair<long long, std::string>> payment_store_t::active_stops(long long tenant)
{
    return guard(m_db, [&] {
        std::set<std::pair<long long, std::string>> out;
        soci::rowset<soci::row> rs = (m_db.sql().prepare << "SELECT case_id, payee_ext_id FROM payment_stops WHERE "
                                                            "tenant_id = :t AND resolved_at IS NULL",
                                      soci::use(tenant));
        for (auto const &r : rs) {
            out.emplace(int64(r, 0), text(r, 1));
        }
        return out;
    });
}

std::optional<payee_row_t> payment_store_t::payee_of_person(long long tenant, std::string const &person_ext_id)
{
    return guard(m_db, [&]() -> std::optional<payee_row_t> {
        soci::row r;
        m_db.sql() << std::string{PAYEE_SELECT} + "AND v.person_ext_id = :pe AND v.kind = 'person' ORDER BY p.ext_id LIMIT 1",
            soci::into(r), soci::use(tenant), soci::use(person_ext_id);
        if (!m_db.sql().got_data()) {
            return std::nullopt;
        }
        return payee_from_row(r);
    });
}

std::optional<payee_row_t> payment_store_t::payee(long long tenant, std::string const &ext_id)
{
    return guard(m_db, [&]() -> std::optional<payee_row_t> {
        soci::row r;
        m_db.sql() << std::string{PAYEE_SELECT} + "AND p.ext_id = :e", soci::into(r), soci::use(tenant), soci::use(ext_id);
        if (!m_db.sql().got_data()) {
            return std::nullopt;
        }
        return payee_from_row(r);
    });
}

long long payment_store_t::create_run(long long tenant, payment_run_t const &run, std::vector<payment_order_t> const &orders)
{
    return guard(m_db, [&] {
        soci::transaction tr{m_db.sql()};
        long long const id = insert_run(tenant, run);
        insert_orders(tenant, id, orders);
        tr.commit();
        return id;
    });
}

long long payment_store_t::insert_run(long long tenant, payment_run_t const &run)
{
    return guard(m_db, [&] {
        long long id = 0;
        long long const total = run.total.as_cents();
        m_db.sql() << "INSERT INTO payment_runs (tenant_id, run_ref, month, state, execution_date, prepared_by, "
                      "prepared_at, content_hash, files_hash, orders_count, total_cents, held_count, force_reason) "
                      "VALUES (:t, :r, :m, 'prepared', :x, :pb, :pa, :ch, :fh, :n, :tot, :h, :f) RETURNING id",
            soci::use(tenant), soci::use(run.run_ref), soci::use(run.month), soci::use(run.execution_date),
            soci::use(run.prepared_by), soci::use(run.prepared_at), soci::use(run.content_hash),
            soci::use(run.files_hash), soci::use(run.orders_count), soci::use(total), soci::use(run.held_count),
            soci::use(run.force_reason), soci::into(id);
        return id;
    });
}

void payment_store_t::insert_orders(long long tenant, long long run_id, std::vector<payment_order_t> const &orders)
{
    guard(m_db, [&] {
        // the orders in bulk (COPY on PostgreSQL, bound vectors on SQLite), in slices of bounded size
        bulk_rows_t rows{"payment_orders",
                         {"tenant_id", "payment_run_id", "case_id", "month", "calc_result_id", "difference_id", "law",
                          "budget_line", "channel", "purpose", "payee_ext_id", "creditor_name", "iban", "bic",
                          "card_ref", "remittance", "amount_cents", "end_to_end_id", "state", "hold_reason", "order_no",
                          "ultimate_creditor", "file_ref", "debtor_iban", "destination"}};
        for (auto const &o : orders) {
            rows.add(tenant).add(run_id).add(o.case_id).add(o.month).add(o.calc_result_id).add(o.difference_id)
                .add(o.law).add(o.budget_line).add(o.channel).add(o.purpose).add(o.payee_ext_id).add(o.creditor_name)
                .add(o.iban).add(o.bic).add(o.card_ref).add(o.remittance).add(o.amount.as_cents()).add(o.end_to_end_id)
                .add(o.state).add(o.hold_reason).add(o.order_no).add(o.ultimate_creditor).add(o.file_ref)
                .add(o.debtor_iban).add(o.destination);
            if (rows.size() >= 10000) {
                insert_rows(m_db, rows);
                rows.clear();
            }
        }
        insert_rows(m_db, rows);
    });
}

void payment_store_t::finish_run(long long run_id, payment_run_t const &run)
{
    guard(m_db, [&] {
        long long const total = run.total.as_cents();
        m_db.sql() << "UPDATE payment_runs SET content_hash = :ch, files_hash = :fh, orders_count = :n, total_cents = "
                      ":tot, held_count = :h WHERE id = :r AND state = 'prepared'",
            soci::use(run.content_hash), soci::use(run.files_hash), soci::use(run.orders_count), soci::use(total),
            soci::use(run.held_count), soci::use(run_id);
    });
}

void payment_store_t::invalidate_open_runs(long long tenant, std::string const &month, std::string const &reason)
{
    guard(m_db, [&] {
        m_db.sql() << "UPDATE payment_runs SET state = 'invalidated', invalidated_reason = :r WHERE tenant_id = :t "
                      "AND month = :m AND state IN ('prepared', 'released')",
            soci::use(reason), soci::use(tenant), soci::use(month);
    });
}

std::vector<payment_order_t> payment_store_t::orders(long long run_id)
{
    return guard(m_db, [&] {
        std::vector<payment_order_t> out;
        soci::rowset<soci::row> rs = (m_db.sql().prepare << "SELECT " + ORDER_COLUMNS + ORDERS_FROM +
                                          "WHERE o.payment_run_id = :r ORDER BY o.order_no",
                                      soci::use(run_id));
        for (auto const &r : rs) {
            out.push_back(order_from_row(r));
        }
        return out;
    });
}

void payment_store_t::for_each_order(long long run_id, std::function<void(payment_order_t const &)> const &fn,
                                     std::size_t page)
{
    page = std::max<std::size_t>(page, 1);
    long long last = -1;
    for (;;) {
        auto const chunk = orders_page(run_id, last, page);
        for (auto const &o : chunk) {
            fn(o);
        }
        if (chunk.size() < page) {
            return;
        }
        last = chunk.back().order_no;
    }
}

std::vector<payment_order_t> payment_store_t::orders_page(long long run_id, long long after, std::size_t limit)
{
    return guard(m_db, [&] {
        std::vector<payment_order_t> out;
        out.reserve(limit);
        soci::rowset<soci::row> rs = (m_db.sql().prepare << "SELECT " + ORDER_COLUMNS + ORDERS_FROM +
                                          "WHERE o.payment_run_id = :r AND o.order_no > :last "
                                          "ORDER BY o.order_no LIMIT " + std::to_string(std::max<std::size_t>(limit, 1)),
                                      soci::use(run_id), soci::use(after));
        for (auto const &r : rs) {
            out.push_back(order_from_row(r));
        }
        return out;
    });
}

std::vector<payment_file_t> payment_store_t::files(long long run_id)
{
    return guard(m_db, [&] {
        std::vector<payment_file_t> out;
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << "SELECT id, file_name, msg_id, channel, debtor_iban, CAST(execution_date AS TEXT), "
                                   "tx_count, ctrl_sum_cents, sha256, first_order_no, last_order_no FROM payment_files WHERE "
                                   "payment_run_id = :r ORDER BY id",
             soci::use(run_id));
        for (auto const &r : rs) {
            payment_file_t f;
            f.id = int64(r, 0);
            f.file_name = text(r, 1);
            f.msg_id = text(r, 2);
            f.channel = text(r, 3);
            f.debtor_iban = text(r, 4);
            f.execution_date = text(r, 5).substr(0, 10);
            f.tx_count = int64(r, 6);
            f.ctrl_sum = money_t::cents(int64(r, 7));
            f.sha256 = text(r, 8);
            f.first_order_no = opt_int64(r, 9);
            f.last_order_no = opt_int64(r, 10);
            out.push_back(std::move(f));
        }
        return out;
    });
}

void payment_store_t::release(long long run_id, std::string const &by, std::string const &at)
{
    guard(m_db, [&] {
        soci::transaction tr{m_db.sql()};
        std::string prepared_by, state;
        m_db.sql() << "SELECT prepared_by, state FROM payment_runs WHERE id = :r", soci::into(prepared_by),
            soci::into(state), soci::use(run_id);
        if (!m_db.sql().got_data()) {
            throw internal_error{"payment run " + std::to_string(run_id) + " does not exist"};
        }
        if (prepared_by == by) {
            // four eyes, enforced here as well as in the job: whoever prepared a run never releases it
            throw access_error{"four eyes: " + by + " prepared the payment run and must not release it"};
        }
        if (state != "prepared") {
            throw internal_error{"payment run " + std::to_string(run_id) + " is " + state + ", not prepared"};
        }
        m_db.sql() << "UPDATE payment_runs SET state = 'released', released_by = :b, released_at = :a WHERE id = :r "
                      "AND state = 'prepared' AND prepared_by <> :b2",
            soci::use(by), soci::use(at), soci::use(run_id), soci::use(by);
        // the orders are released as of the run (migration 0019): no update, no write-log entry per order
        tr.commit();
    });
}

void payment_store_t::refuse(long long run_id, std::string const &by, std::string const &at, std::string const &reason)
{
    guard(m_db, [&] {
        m_db.sql() << "UPDATE payment_runs SET state = 'refused', refused_by = :b, refused_at = :a, refusal_reason = :x "
                      "WHERE id = :r AND state = 'prepared'",
            soci::use(by), soci::use(at), soci::use(reason), soci::use(run_id);
    });
}

namespace {

/// The orders (alias \p o) a file's range names (migration 0019; the same condition as the view
/// payment_order_states): of run :r, not held, order number in [:a, :b], destination :c (the file's
/// channel) and, for a pain.001 file, debtor account :d ('' for the lists).
std::string in_file_range_sql(std::string const &o)
{
    return o + "payment_run_id = :r AND " + o + "order_no >= :a AND " + o + "order_no <= :b AND " + o +
           "state <> 'held' AND " + o + "destination = :c AND CASE WHEN " + o + "destination = 'sepa' THEN " + o +
           "debtor_iban ELSE '' END = :d";
}

} // namespace

void payment_store_t::record_export(long long tenant, long long run_id, std::vector<payment_file_t> const &files,
                                    std::string const &at)
{
    guard(m_db, [&] {
        soci::transaction tr{m_db.sql()};
        std::string state;
        m_db.sql() << "SELECT state FROM payment_runs WHERE id = :r", soci::into(state), soci::use(run_id);
        if (state != "released") {
            throw internal_error{"payment run " + std::to_string(run_id) + " is " + state + ", not released"};
        }
        // ranges of the same channel and debtor account must not overlap (so no order is in two files)
        std::map<std::pair<std::string, std::string>, long long> last_of;
        long long in_files = 0;
        for (auto const &f : files) {
            long long const sum = f.ctrl_sum.as_cents();
            std::string const debtor = f.channel == "sepa" ? f.debtor_iban : std::string{};
            nullable_int_t first, last;
            if (!f.order_nos.empty()) {
                long long const a = *f.order_nos.begin(), b = f.order_nos.back();
                auto const key = std::pair{f.channel, debtor};
                auto const prev = last_of.find(key);
                if (prev != last_of.end() && prev->second >= a) {
                    throw internal_error{f.file_name + " begins at order number " + std::to_string(a) +
                                         ", inside the previous file of the same account"};
                }
                last_of[key] = b;
                // the range names the file's orders when it names exactly as many with the same sum
                long long n = 0, cents = 0;
                // (not yet reported on by the bank: 'prepared', or 'released' by a release before 0019)
                m_db.sql() << "SELECT COUNT(*), COALESCE(SUM(amount_cents), 0) FROM payment_orders WHERE " +
                                  in_file_range_sql("") + " AND state IN ('prepared', 'released')",
                    soci::into(n), soci::into(cents), soci::use(run_id), soci::use(a), soci::use(b),
                    soci::use(f.channel), soci::use(debtor);
                if (n == static_cast<long long>(f.order_nos.size()) && cents == sum) {
                    first = nullable_int_t{a};
                    last = nullable_int_t{b};
                }
            }
            long long fid = 0;
            m_db.sql() << "INSERT INTO payment_files (tenant_id, payment_run_id, file_name, msg_id, channel, debtor_iban, "
                          "execution_date, tx_count, ctrl_sum_cents, sha256, written_at, first_order_no, last_order_no) "
                          "VALUES (:t, :r, :f, :m, :c, :d, :x, :n, :s, :h, :a, :fa, :fb) RETURNING id",
                soci::use(tenant), soci::use(run_id), soci::use(f.file_name), soci::use(f.msg_id), soci::use(f.channel),
                soci::use(f.debtor_iban), soci::use(f.execution_date), soci::use(f.tx_count), soci::use(sum),
                soci::use(f.sha256), soci::use(at), soci::use(first.value, first.ind), soci::use(last.value, last.ind),
                soci::into(fid);
            in_files += static_cast<long long>(f.order_nos.size());
            if (first.ind == soci::i_ok || f.order_nos.empty()) {
                continue;
            }
            // no range names the file's orders (orders prepared before migration 0019): each order
            // gets the file's id and the state 'exported', one UPDATE per slice of the file's orders
            std::vector<long long> slice;
            slice.reserve(5000);
            auto mark = [&] {
                soci::statement st = (m_db.sql().prepare << "UPDATE payment_orders SET state = 'exported', "
                                                            "payment_file_id = :f WHERE payment_run_id = :r AND "
                                                            "state IN ('prepared', 'released') AND order_no" + in_ids(m_db, slice),
                                      soci::use(fid), soci::use(run_id));
                st.execute(true);
                if (st.get_affected_rows() != static_cast<long long>(slice.size())) {
                    for (long long const no : slice) {
                        long long n = 0;
                        m_db.sql() << "SELECT COUNT(*) FROM payment_orders WHERE payment_run_id = :r AND "
                                      "order_no = :o AND payment_file_id = :f",
                            soci::into(n), soci::use(run_id), soci::use(no), soci::use(fid);
                        if (n != 1) {
                            throw internal_error{"order number " + std::to_string(no) + " is not a released order of the run"};
                        }
                    }
                    throw internal_error{"orders of " + f.file_name + " are listed twice"};
                }
                slice.clear();
            };
            for (long long const no : f.order_nos) {
                slice.push_back(no);
                if (slice.size() == 5000) {
                    mark();
                }
            }
            if (!slice.empty()) {
                mark();
            }
        }
        // every order of the run that is not held is in one file; none is left out
        long long open = 0;
        m_db.sql() << "SELECT COUNT(*) FROM payment_orders WHERE payment_run_id = :r AND state <> 'held'",
            soci::into(open), soci::use(run_id);
        if (open != in_files) {
            throw internal_error{"payment run " + std::to_string(run_id) + " has " + std::to_string(open) +
                                 " orders to pay, the files hold " + std::to_string(in_files)};
        }
        m_db.sql() << "UPDATE payment_runs SET state = 'exported', exported_at = :a WHERE id = :r", soci::use(at),
            soci::use(run_id);
        tr.commit();
    });
}

bool payment_store_t::bank_message_known(long long tenant, std::string const &sha256)
{
    return guard(m_db, [&] {
        long long n = 0;
        m_db.sql() << "SELECT COUNT(*) FROM bank_messages WHERE tenant_id = :t AND sha256 = :s", soci::into(n),
            soci::use(tenant), soci::use(sha256);
        return n > 0;
    });
}

std::vector<payment_order_t> payment_store_t::orders_of_msg(long long tenant, std::string const &msg_id)
{
    return guard(m_db, [&] {
        std::vector<payment_order_t> out;
        long long fid = 0, run_id = 0, first = 0, last = 0;
        std::string channel, debtor;
        soci::indicator ind_first = soci::i_ok, ind_last = soci::i_ok;
        m_db.sql() << "SELECT id, payment_run_id, channel, debtor_iban, first_order_no, last_order_no FROM "
                      "payment_files WHERE tenant_id = :t AND msg_id = :m",
            soci::into(fid), soci::into(run_id), soci::into(channel), soci::into(debtor), soci::into(first, ind_first),
            soci::into(last, ind_last), soci::use(tenant), soci::use(msg_id);
        if (!m_db.sql().got_data()) {
            return out;
        }
        auto read = [&](soci::rowset<soci::row> const &rs) {
            for (auto const &r : rs) {
                out.push_back(order_from_row(r));
            }
        };
        if (ind_first == soci::i_ok && ind_last == soci::i_ok) {
            // the orders the file's range names (migration 0019), whatever the bank reported on them since
            std::string const d = channel == "sepa" ? debtor : std::string{};
            soci::rowset<soci::row> const rs =
                (m_db.sql().prepare << "SELECT " + ORDER_COLUMNS + ORDERS_FROM + "WHERE " + in_file_range_sql("o.") +
                                           " ORDER BY o.order_no",
                 soci::use(run_id), soci::use(first), soci::use(last), soci::use(channel), soci::use(d));
            read(rs);
        } else {
            soci::rowset<soci::row> const rs = (m_db.sql().prepare << "SELECT " + ORDER_COLUMNS + ORDERS_FROM +
                                                                          "WHERE o.payment_file_id = :f ORDER BY o.order_no",
                                                soci::use(fid));
            read(rs);
        }
        return out;
    });
}

std::optional<payment_order_t> payment_store_t::order_by_e2e(long long tenant, std::string const &e2e)
{
    return guard(m_db, [&]() -> std::optional<payment_order_t> {
        soci::row r;
        m_db.sql() << "SELECT " + ORDER_COLUMNS + ORDERS_FROM + "WHERE o.tenant_id = :t AND o.end_to_end_id = :e",
            soci::into(r), soci::use(tenant), soci::use(e2e);
        if (!m_db.sql().got_data()) {
            return std::nullopt;
        }
        return order_from_row(r);
    });
}

void payment_store_t::record_bank_message(long long tenant, std::string const &sha256, std::string const &kind,
                                          std::string const &msg_id, std::string const &file_name, std::string const &at,
                                          std::vector<bank_event_t> const &events,
                                          std::vector<std::pair<long long, std::string>> const &stops)
{
    guard(m_db, [&] {
        soci::transaction tr{m_db.sql()};
        long long mid = 0;
        m_db.sql() << "INSERT INTO bank_messages (tenant_id, sha256, kind, msg_id, file_name, imported_at) "
                      "VALUES (:t, :s, :k, :m, :f, :a) RETURNING id",
            soci::use(tenant), soci::use(sha256), soci::use(kind), soci::use(msg_id), soci::use(file_name),
            soci::use(at), soci::into(mid);
        for (auto const &e : events) {
            nullable_int_t oid{e.payment_order_id};
            long long const cents = e.amount.as_cents();
            m_db.sql() << "INSERT INTO bank_events (tenant_id, bank_message_id, payment_order_id, end_to_end_id, status, "
                          "reason_code, amount_cents) VALUES (:t, :m, :o, :e, :s, :r, :a)",
                soci::use(tenant), soci::use(mid), soci::use(oid.value, oid.ind), soci::use(e.end_to_end_id),
                soci::use(e.status), soci::use(e.reason_code), soci::use(cents);
            if (e.payment_order_id && (e.status == "rejected" || e.status == "returned")) {
                // only an exported (or booked) order changes; a second report of the same return does not
                m_db.sql() << "UPDATE payment_orders AS o SET state = :s, bank_reason = :r WHERE o.id = :o AND " +
                                  order_paid_sql("o", ""),
                    soci::use(e.status), soci::use(e.reason_code), soci::use(*e.payment_order_id);
            }
        }
        for (auto const &[oid, code] : stops) {
            long long n = 0;
            m_db.sql() << "SELECT COUNT(*) FROM payment_stops s JOIN payment_orders o ON o.case_id = s.case_id AND "
                          "o.payee_ext_id = s.payee_ext_id WHERE o.id = :o AND s.resolved_at IS NULL",
                soci::into(n), soci::use(oid);
            if (n == 0) {
                m_db.sql() << "INSERT INTO payment_stops (tenant_id, case_id, payee_ext_id, reason_code, payment_order_id, "
                              "bank_message_id, created_at) SELECT o.tenant_id, o.case_id, o.payee_ext_id, :c, o.id, :m, :a "
                              "FROM payment_orders o WHERE o.id = :o",
                    soci::use(code), soci::use(mid), soci::use(at), soci::use(oid);
            }
        }
        tr.commit();
    });
}

std::vector<bank_return_t> payment_store_t::returns(long long tenant)
{
    return guard(m_db, [&] {
        std::vector<bank_return_t> out;
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << "SELECT o.file_ref, o.month, o.payee_ext_id, o.creditor_name, o.amount_cents, "
                                   "o.end_to_end_id, o.state, o.bank_reason FROM payment_orders o WHERE o.tenant_id = :t "
                                   "AND o.state IN ('rejected', 'returned') ORDER BY o.file_ref, o.month, o.end_to_end_id",
             soci::use(tenant));
        for (auto const &r : rs) {
            out.push_back(bank_return_t{text(r, 0), text(r, 1), text(r, 2), text(r, 3), money_t::cents(int64(r, 4)),
                                        text(r, 5), text(r, 6), text(r, 7)});
        }
        return out;
    });
}

std::vector<payment_stop_t> payment_store_t::stops(long long tenant)
{
    return guard(m_db, [&] {
        std::vector<payment_stop_t> out;
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << "SELECT s.id, c.file_ref, s.payee_ext_id, s.reason_code, "
                                   "COALESCE(o.end_to_end_id, ''), CAST(s.created_at AS TEXT) FROM payment_stops s "
                                   "JOIN cases c ON c.id = s.case_id LEFT JOIN payment_orders o ON o.id = s.payment_order_id "
                                   "WHERE s.tenant_id = :t AND s.resolved_at IS NULL ORDER BY c.file_ref, s.id",
             soci::use(tenant));
        for (auto const &r : rs) {
            out.push_back(payment_stop_t{int64(r, 0), text(r, 1), text(r, 2), text(r, 3), text(r, 4), text(r, 5)});
        }
        return out;
    });
}

} // namespace sozbatch::db
