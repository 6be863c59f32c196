// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/pay_prepare_job.hpp"

#include "jobs/payment_delta.hpp"

#include "lib/config/options.hpp"
#include "lib/core/log.hpp"
#include "lib/core/read_ahead.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/bulk.hpp"
#include "lib/db/claim_store.hpp"
#include "lib/db/payment_store.hpp"
#include "lib/db/result_store.hpp"
#include "lib/db/run_lock.hpp"
#include "lib/payments/payment_run.hpp"
#include "lib/payments/target2.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <set>

namespace sozbatch::jobs {

namespace {

/// What prepare needs to know of a visible case.
struct case_info_t
{
    long long case_id = 0;
    std::string file_ref;
    std::string law;
    std::string applicant_id;
    std::string applicant_name;
    std::vector<domain::payee_t> payees;
    std::vector<domain::offset_t> offsets; ///< the Aufrechnung rules of the case data
};

/// The legal basis of an Erstattungsanspruch for benefits paid without a (remaining) basis.
constexpr char const *CLAIM_LEGAL_BASIS = "§ 50 SGB X";

std::string pad2(long long n) { return n < 10 ? "0" + std::to_string(n) : std::to_string(n); }

/// One deduction of this run from a claim, for the report.
struct applied_deduction_t
{
    db::overpayment_claim_t const *claim = nullptr;
    std::string month;
    money_t amount;
    money_t refunded; ///< deducted by the calculation beyond what was still open: paid out again
};

std::optional<db::payee_row_t> resolve_payee(db::payment_store_t &store, long long tenant, case_info_t const &c,
                                             std::string const &payee_id)
{
    if (payee_id.empty()) {
        return c.applicant_id.empty() ? std::nullopt : store.payee_of_person(tenant, c.applicant_id);
    }
    for (auto const &p : c.payees) {
        if (p.ext_id == payee_id) {
            return db::payee_row_t{p.ext_id, std::string{domain::payee_kind_code(p.kind)}, p.name, p.iban, p.bic,
                                   p.card_ref, p.person_id};
        }
    }
    return store.payee(tenant, payee_id);
}

/// A chunk of visible cases in Aktenzeichen order, with their newest results of the month and
/// those results' payouts: what prepare reads of the cases.
struct chunk_t
{
    std::vector<case_info_t> cases;
    std::map<long long, db::result_header_t> latest;
    std::map<long long, std::vector<calc::payout_t>> payouts_of;
};

/// Reads the cases of \p filter a chunk at a time through \p rdb and hands each chunk to \p sink.
/// \throws internal_error when the database does not sort the Aktenzeichen in byte order
void read_chunks(db::database_t &rdb, long long tenant, month_t month, db::case_filter_t const &filter,
                 std::size_t chunk_cases, std::function<void(chunk_t &&)> const &sink)
{
    db::case_store_t cases{rdb};
    db::result_store_t results{rdb};
    std::string last_ref;
    chunk_t chunk;
    auto flush = [&] {
        if (chunk.cases.empty()) {
            return;
        }
        std::vector<long long> ids;
        ids.reserve(chunk.cases.size());
        for (auto const &c : chunk.cases) {
            ids.push_back(c.case_id);
        }
        for (auto &h : results.latest_of_cases(tenant, month, ids, chunk.payouts_of)) {
            chunk.latest.emplace(h.case_id, std::move(h));
        }
        sink(std::move(chunk));
        chunk = chunk_t{};
    };
    cases.for_each_case(
        tenant, filter,
        [&](db::stored_case_t &&sc) {
            case_info_t ci;
            ci.case_id = sc.case_id;
            ci.file_ref = sc.data.file_ref;
            // the orders are numbered in the byte order of the Aktenzeichen on both backends
            if (!last_ref.empty() && !(last_ref < ci.file_ref)) {
                throw internal_error{"the database returned Aktenzeichen " + last_ref + " before " + ci.file_ref +
                                     ": it must sort text in byte order (collation C or C.UTF-8, docs/operations.md)"};
            }
            last_ref = ci.file_ref;
            ci.law = std::string{domain::law_code(sc.data.law)};
            for (auto const &m : sc.data.members) {
                if (m.role == domain::member_role_t::applicant && ci.applicant_id.empty()) {
                    ci.applicant_id = m.person_id;
                }
            }
            for (auto const &p : sc.persons) {
                if (p.ext_id == ci.applicant_id) {
                    ci.applicant_name = p.first_names + " " + p.family_name;
                }
            }
            ci.payees = std::move(sc.payees);
            ci.offsets = sc.data.offsets;
            chunk.cases.push_back(std::move(ci));
            if (chunk.cases.size() >= chunk_cases) {
                flush();
            }
        },
        chunk_cases);
    flush();
}

/// At most this many chunks read ahead wait for the job (memory: flat, about two chunks more).
constexpr std::size_t CHUNKS_AHEAD = 2;

/// Reads the chunks through \p rdb, a second connection, in the snapshot \p snapshot that the
/// job's transaction exported when it began (PostgreSQL; docs/scaling.md, "Reading ahead"): the
/// second connection sees the cases and results the job's connection saw then, and nothing the
/// job writes afterwards. Prepare reads no case data or result that it writes; what is paid
/// already and the open differences are read on the job's connection, in its transaction.
void read_chunks_in_snapshot(db::database_t &rdb, std::string const &snapshot, long long tenant, month_t month,
                             db::case_filter_t const &filter, std::size_t chunk_cases,
                             std::function<void(chunk_t &&)> const &sink)
{
    db::guard(rdb, [&] {
        rdb.sql() << "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
        rdb.sql() << "SET TRANSACTION SNAPSHOT '" + snapshot + "'";
    });
    read_chunks(rdb, tenant, month, filter, chunk_cases, sink);
    db::guard(rdb, [&] { rdb.sql() << "COMMIT"; });
}

} // namespace

void pay_prepare_job_t::add_options(po::options_description &d, po::positional_options_description &)
{
    d.add_options()("month", po::value(&m_month), "the benefit month YYYY-MM (required)")(
        "force", po::bool_switch(&m_force), "replace a prepared or released run of the month that is not exported")(
        "reason", po::value(&m_reason), "why --force is needed (recorded in the run)");
}

void pay_prepare_job_t::setup(po::variables_map const &)
{
    if (m_month.empty()) {
        throw usage_error{"pay prepare needs --month YYYY-MM"};
    }
    month_t::parse(m_month);
    if (m_force && m_reason.empty()) {
        throw usage_error{"pay prepare --force needs --reason TEXT (it is recorded in the run)"};
    }
}

namespace {

/// An Überzahlung that becomes a claim with this run.
struct overpayment_t
{
    db::open_difference_t difference;
    std::string applicant_id;
};

} // namespace

exit_code_t pay_prepare_job_t::run(job_context_t &ctx)
{
    month_t const month = month_t::parse(m_month);
    auto const cfg = payments::payment_config_t::from_settings(config::extra_settings());
    long long const tenant = ctx.tenant_id();
    auto &db = ctx.db();
    db::run_lock_t const lock{db, tenant, "payments"};
    db::payment_store_t store{db};

    for (auto const &r : store.runs_for_month(tenant, month.to_string())) {
        if ((r.state == "prepared" || r.state == "released") && !m_force) {
            throw usage_error{"payment run " + r.run_ref + " for " + month.to_string() + " is " + r.state +
                              " and not exported; export or refuse it, or prepare again with --force --reason TEXT"};
        }
    }
    if (cfg.debtor_name.empty() || cfg.debtor_iban.empty()) {
        throw config_error{"pay prepare needs the debtor account: set [sepa] debtor-name and debtor-iban in the "
                           "configuration file (--config; see docs/payments.md and samples/sozbatch.conf)"};
    }

    // The run, its orders and its claims are written in ONE transaction while the cases are read
    // a chunk at a time (docs/scaling.md): nothing of a failed prepare remains, and memory holds
    // one chunk of cases and orders, not the month.
    db::write_transaction_t tx{db};
    db::case_filter_t filter;
    ctx.restrict_to_visible(filter);
    filter.parts = db::case_parts_t::for_payments(); // not the needs, incomes, housing, ... of the calculation
    // On PostgreSQL the cases are read ahead on a second connection in this transaction's snapshot
    // while this one writes ([payments] read-ahead, default true; docs/scaling.md)
    auto const chunk_cases = static_cast<std::size_t>(cfg.chunk_cases);
    std::unique_ptr<db::database_t> second;
    std::optional<read_ahead_t<chunk_t>> ahead;
    if (db.dialect() == db::dialect_t::postgresql && cfg.read_ahead) {
        std::string snapshot;
        db::guard(db, [&] { db.sql() << "SELECT pg_export_snapshot()", soci::into(snapshot); });
        try {
            second = ctx.open_second_connection();
        } catch (db_error const &e) {
            // e.g. the role's or the server's connection limit: the run is the same on one connection
            log_warn(kv("event", "read-ahead-off") + " " +
                     kv("msg", std::string{"no second connection, pay prepare reads on one: "} + e.what()));
        }
        if (second) {
            ahead.emplace(CHUNKS_AHEAD, [&rdb = *second, snapshot, tenant, month, filter, chunk_cases](auto const &emit) {
                read_chunks_in_snapshot(rdb, snapshot, tenant, month, filter, chunk_cases, emit);
            });
        }
    }
    if (m_force) {
        store.invalidate_open_runs(tenant, month.to_string(), "replaced by a forced pay prepare: " + m_reason);
    }
    auto const stops = store.active_stops(tenant);
    // claims from earlier Überzahlungen (docs/payments.md, "Überzahlungen and claims"): the
    // deductions the calculation made by an offset rule naming one of them reduce it
    db::claim_store_t claim_store{db};
    auto claims = claim_store.claims(tenant);
    auto const counted = claim_store.counted_deductions(tenant);
    std::map<std::pair<long long, std::string>, db::overpayment_claim_t *> claim_by_ref;
    std::set<long long> claims_of_case;
    std::set<long long> claimed_differences;
    for (auto &k : claims) {
        claim_by_ref[{k.case_id, k.claim_ref}] = &k;
        claims_of_case.insert(k.case_id);
        claimed_differences.insert(k.difference_id);
    }

    long long const seq = store.count_runs(tenant, month.to_string()) + 1;
    db::payment_run_t run;
    run.run_ref = payments::run_ref(ctx.tenant_code(), month, seq);
    run.month = month.to_string();
    run.execution_date = to_iso(target2::last_business_day_before(month, cfg.lead_days));
    run.prepared_by = ctx.operator_login();
    run.prepared_at = ctx.now_iso();
    run.force_reason = m_force ? m_reason : "";
    long long const run_id = store.insert_run(tenant, run); // hashes and totals follow at the end

    std::vector<applied_deduction_t> applied;
    std::vector<db::claim_deduction_t> deductions;
    std::vector<overpayment_t> overpayments;
    std::map<long long, std::set<std::string>> rules_of_case; // of the visible cases with claims
    payments::content_hasher_t hasher;
    payments::run_summary_t summary;
    bool any_result = false;
    long long no = 0;

    // one chunk of visible cases (in Aktenzeichen order) with their newest results of the month and
    // the results' payouts, from read_chunks (on this connection or read ahead on a second one);
    // what is paid already and the open differences are read here, in this transaction
    auto process_chunk = [&](chunk_t &&ch) {
        auto const &chunk = ch.cases;
        auto const &latest = ch.latest;
        auto &payouts_of = ch.payouts_of;
        std::vector<long long> ids;
        ids.reserve(chunk.size());
        for (auto const &c : chunk) {
            ids.push_back(c.case_id);
        }
        auto const covered = store.covered_of(tenant, month.to_string(), ids);
        std::multimap<long long, db::open_difference_t> differences;
        for (auto &d : store.open_differences_of(tenant, ids)) {
            differences.emplace(d.case_id, std::move(d));
        }
        std::vector<db::payment_order_t> orders;
        std::vector<std::string> notes;
        for (auto const &c : chunk) {
            std::vector<payments::order_source_t> sources;
            if (auto const lt = latest.find(c.case_id); lt != latest.end()) {
                any_result = true;
                auto const &h = lt->second;
                // this run pays the case's benefit of the month: attribute the calculation's deduction
                // to the offset rules in their order and take what names one of our claims from that claim
                money_t refund;
                std::string note;
                if (covered.count({c.case_id, "benefit"}) == 0 && h.totals.offsets.is_positive()) {
                    money_t left = h.totals.offsets;
                    period_t const whole = period_t::of(month);
                    for (auto const &rule : c.offsets) {
                        if (!left.is_positive() || !rule.validity.overlaps(whole)) {
                            continue;
                        }
                        money_t const by_rule = money_t::min(rule.monthly, left);
                        left -= by_rule;
                        auto const k = claim_by_ref.find({c.case_id, rule.claim_id});
                        if (k == claim_by_ref.end() || k->second->state == "waived" ||
                            counted.count({k->second->id, month.to_string()}) != 0) {
                            continue;
                        }
                        auto &claim = *k->second;
                        money_t const take = money_t::min(by_rule, claim.open()).clamp_zero();
                        applied_deduction_t a{&claim, month.to_string(), take, by_rule - take};
                        refund += a.refunded;
                        if (take.is_positive()) {
                            claim.deducted += take;
                            deductions.push_back(db::claim_deduction_t{
                                claim.id, c.case_id, month.to_string(), take,
                                rule.legal_basis.empty() ? "Aufrechnung" : rule.legal_basis});
                            note += (note.empty() ? "" : " ") + std::string{"abzgl. Aufrechnung "} +
                                    take.to_german(false) + " EUR " + claim.claim_ref;
                        }
                        applied.push_back(a);
                    }
                }
                bool benefit_seen = false;
                auto payouts = std::move(payouts_of[h.id]);
                if (refund.is_positive() && std::none_of(payouts.begin(), payouts.end(), [](auto const &p) {
                        return p.purpose == domain::assignment_purpose_t::benefit;
                    })) {
                    payouts.push_back(calc::payout_t{std::string{}, domain::assignment_purpose_t::benefit, money_t{}});
                }
                for (auto const &p : payouts) {
                    std::string const purpose{domain::assignment_purpose_code(p.purpose)};
                    if (covered.count({c.case_id, purpose}) != 0) {
                        continue;
                    }
                    payments::order_source_t s;
                    s.case_id = c.case_id;
                    s.file_ref = c.file_ref;
                    s.law = h.law;
                    s.month = month.to_string();
                    s.calc_result_id = h.id;
                    s.purpose = purpose;
                    s.payee = resolve_payee(store, tenant, c, p.payee_id);
                    s.applicant_name = c.applicant_name;
                    s.amount = p.amount;
                    if (p.purpose == domain::assignment_purpose_t::benefit && !benefit_seen) {
                        benefit_seen = true;
                        s.amount += refund; // a claim never goes below zero: what was deducted beyond it is paid
                        s.remittance_note = note;
                    }
                    s.stopped = s.payee && stops.count({c.case_id, s.payee->ext_id}) != 0;
                    sources.push_back(std::move(s));
                }
            }
            auto const [from, to] = differences.equal_range(c.case_id);
            for (auto it = from; it != to; ++it) {
                auto const &d = it->second;
                if (d.kind != "nachzahlung") {
                    if (claimed_differences.count(d.id) == 0 && d.payout_delta.is_negative()) {
                        overpayments.push_back(overpayment_t{d, c.applicant_id}); // becomes a claim with this run
                    }
                    continue;
                }
                for (auto const &p : d.by_payee) {
                    if (!p.amount.is_negative() && !p.amount.is_zero()) {
                        payments::order_source_t s;
                        s.case_id = c.case_id;
                        s.file_ref = c.file_ref;
                        s.law = c.law;
                        s.month = d.month;
                        s.calc_result_id = d.new_result_id;
                        s.difference_id = d.id;
                        s.purpose = std::string{domain::assignment_purpose_code(p.purpose)};
                        s.payee = resolve_payee(store, tenant, c, p.payee_id);
                        s.applicant_name = c.applicant_name;
                        s.amount = p.amount;
                        s.stopped = s.payee && stops.count({c.case_id, s.payee->ext_id}) != 0;
                        sources.push_back(std::move(s));
                    }
                }
            }
            // the orders of a run are numbered by Aktenzeichen, then difference, then purpose
            std::stable_sort(sources.begin(), sources.end(), [](auto const &a, auto const &b) {
                return std::tie(a.difference_id, a.purpose) < std::tie(b.difference_id, b.purpose);
            });
            for (auto const &s : sources) {
                orders.push_back(payments::build_order(cfg, s, run.run_ref, ++no, notes));
                hasher.add(orders.back());
                summary.add(orders.back());
            }
            // the offset rules of a visible case with claims (or one to come), for the list of
            // claims that no rule reduces
            if (claims_of_case.count(c.case_id) != 0 || (!overpayments.empty() && overpayments.back().difference.case_id == c.case_id)) {
                auto &rules = rules_of_case[c.case_id];
                for (auto const &r : c.offsets) {
                    rules.insert(r.claim_id);
                }
            }
        }
        store.insert_orders(tenant, run_id, orders);
        for (auto const &n : notes) {
            log_info(kv("event", "transliterated") + " " + kv("run", run.run_ref) + " " + kv("what", n));
        }
    };

    if (ahead) {
        while (auto ch = ahead->next()) {
            process_chunk(std::move(*ch));
        }
    } else {
        read_chunks(db, tenant, month, filter, chunk_cases, process_chunk);
    }

    // no result of the month in the visible cases: nothing to pay, no run (the transaction is
    // rolled back, a forced invalidation with it)
    if (!any_result) {
        throw usage_error{"no calculation results for " + month.to_string() +
                          " in the cases you may see: run 'sozbatch calc --month " + month.to_string() +
                          "' first; no payment run created"};
    }
    if (no == 0) {
        throw usage_error{"every payment of " + month.to_string() + " is already in a payment run and no difference is "
                          "open: nothing to prepare, no payment run created"};
    }
    run.orders_count = no;
    run.held_count = summary.held;
    for (auto const &[k, v] : summary.by_status) {
        if (std::get<3>(k) == "paid") {
            run.total += v.second;
        }
    }
    run.content_hash = hasher.hex_digest();
    run.files_hash = payments::compute_files_hash(cfg, run, payments::stored_orders(store, run_id)).files_hash;
    store.finish_run(run_id, run);
    // the Überzahlungen become claims, the deductions are recorded (a rerun or a forced prepare
    // finds the claim of a difference and creates none)
    std::vector<db::new_claim_t> new_claims;
    for (auto const &op : overpayments) {
        auto const &d = op.difference;
        new_claims.push_back(db::new_claim_t{d.case_id, run.run_ref + "-E" + pad2(static_cast<long long>(new_claims.size()) + 1),
                                             d.id, d.month, op.applicant_id, -d.payout_delta, CLAIM_LEGAL_BASIS});
    }
    claim_store.record_in_transaction(tenant, run_id, new_claims, deductions, run.prepared_at);
    // claims of the visible cases that no offset rule reduces (as recorded now): listed for the caseworkers
    std::vector<db::overpayment_claim_t> unruled;
    for (auto &k : claim_store.claims(tenant)) {
        auto const v = rules_of_case.find(k.case_id);
        if (v != rules_of_case.end() && k.state != "settled" && k.state != "waived" && v->second.count(k.claim_ref) == 0) {
            unruled.push_back(std::move(k));
        }
    }
    payments::fault_point("prepare-before-commit");
    tx.commit();
    log_info(kv("event", "pay-prepare") + " " + kv("run", run.run_ref) + " " + kv("orders", std::to_string(no)) +
             " " + kv("held", std::to_string(run.held_count)));

    auto &o = ctx.out();
    o << "payment run " << run.run_ref << " for " << run.month << " prepared by " << run.prepared_by
      << " (execution date " << run.execution_date << ")\n";
    if (m_force) {
        o << "  forced: " << m_reason << " (open runs of the month invalidated)\n";
    }
    o << "  orders: " << no << ", to pay: " << no - run.held_count << " (" << run.total.to_german()
      << "), held: " << run.held_count << "\n";
    o << payments::totals_table(summary);
    if (run.held_count > 0) {
        o << "held orders (not paid, listed for the caseworkers):\n";
        for (auto const &x : summary.held_orders) {
            o << "  " << x.end_to_end_id << "  " << x.file_ref << "  " << x.purpose << "  "
              << (x.payee_ext_id.empty() ? "-" : x.payee_ext_id) << "  " << x.amount.to_german() << "  " << x.hold_reason
              << "\n";
            ctx.case_failed(x.file_ref, "payment held: " + x.hold_reason);
        }
    }
    if (!new_claims.empty()) {
        o << "Überzahlungen, established as claims (" << CLAIM_LEGAL_BASIS << ", not paid):\n";
        for (std::size_t i = 0; i < new_claims.size(); ++i) {
            auto const &k = new_claims[i];
            o << "  " << k.claim_ref << "  " << overpayments[i].difference.file_ref << "  " << k.month << "  "
              << k.amount.to_german() << "\n";
        }
    }
    if (!applied.empty()) {
        o << "Aufrechnungen (deducted from this run's orders):\n";
        for (auto const &a : applied) {
            o << "  " << a.claim->claim_ref << "  " << a.claim->file_ref << "  " << a.month << "  -"
              << a.amount.to_german() << "  open " << a.claim->open().to_german()
              << (a.claim->open().is_positive() ? "" : "  settled");
            if (a.refunded.is_positive()) {
                o << "  (" << a.refunded.to_german() << " deducted beyond the claim, paid out)";
            }
            o << "\n";
        }
    }
    if (!unruled.empty()) {
        o << "open claims without an offset rule in the case data (listed for the caseworkers):\n";
        for (auto const &k : unruled) {
            o << "  " << k.claim_ref << "  " << k.file_ref << "  " << k.month << "  open " << k.open().to_german() << "\n";
        }
    }
    // delta preview against the previous month's run: both runs read a page at a time and merged
    auto const prev = store.last_valid_run(tenant, month.prev().to_string());
    if (!prev) {
        o << "delta preview: no payment run for " << month.prev().to_string() << "\n";
        return ctx.result();
    }
    o << "delta preview against " << prev->run_ref << " (" << prev->month << "):\n";
    // the run is committed: a preview that cannot be made is reported, not an error of the prepare
    payment_delta_t delta;
    db::result_store_t results{db};
    try {
        delta = compare_payments(
            regular_payments_of_run(store, prev->id), regular_payments_of_run(store, run_id), [&](delta_case_t const &c) {
                switch (c.kind) {
                case delta_case_t::kind_t::added:
                    o << "  new      " << c.file_ref << "  " << c.after.to_german() << "\n";
                    break;
                case delta_case_t::kind_t::changed:
                    o << "  changed  " << c.file_ref << "  " << c.before.to_german() << " -> " << c.after.to_german() << "\n";
                    if (c.before_result && c.after_result) {
                        for (auto const &l : changed_lines(results, *c.before_result, *c.after_result)) {
                            o << "           " << l.key << ": " << l.before.to_german() << " -> " << l.after.to_german()
                              << "\n";
                        }
                    }
                    break;
                case delta_case_t::kind_t::ended:
                    o << "  ended    " << c.file_ref << "  " << c.before.to_german() << "\n";
                    break;
                }
            });
    } catch (internal_error const &e) {
        log_warn(kv("event", "delta-preview-failed") + " " + kv("run", run.run_ref) + " " + kv("reason", e.what()));
        o << "  (no delta preview: " << e.what() << ")\n";
        return ctx.result();
    }
    o << "  new " << delta.added << ", ended " << delta.ended << ", changed " << delta.changed << "\n";
    return ctx.result();
}

} // namespace sozbatch::jobs
