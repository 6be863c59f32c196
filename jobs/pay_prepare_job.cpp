// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/pay_prepare_job.hpp"

#include "jobs/payment_delta.hpp"

#include "lib/config/options.hpp"
#include "lib/core/log.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/payment_store.hpp"
#include "lib/db/result_store.hpp"
#include "lib/db/run_lock.hpp"
#include "lib/payments/payment_run.hpp"
#include "lib/payments/target2.hpp"

#include <algorithm>
#include <map>
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

exit_code_t pay_prepare_job_t::run(job_context_t &ctx)
{
    month_t const month = month_t::parse(m_month);
    auto const cfg = payments::payment_config_t::from_settings(config::extra_settings());
    long long const tenant = ctx.tenant_id();
    auto &db = ctx.db();
    db::run_lock_t const lock{db, tenant, "payments"};
    db::payment_store_t store{db};
    db::result_store_t results{db};
    db::case_store_t cases{db};

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

    // the visible cases
    std::map<long long, case_info_t> visible;
    std::map<std::string, long long> case_of_ref;
    db::case_filter_t filter;
    ctx.restrict_to_visible(filter);
    cases.for_each_case(tenant, filter, [&](db::stored_case_t &&sc) {
        case_info_t ci;
        ci.case_id = sc.case_id;
        ci.file_ref = sc.data.file_ref;
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
        case_of_ref[ci.file_ref] = ci.case_id;
        visible.emplace(ci.case_id, std::move(ci));
    });

    // the month's newest results of the visible cases; none: nothing to pay, no run
    auto latest = results.latest_for_month(tenant, month);
    std::erase_if(latest, [&](auto const &h) { return visible.count(h.case_id) == 0; });
    if (latest.empty()) {
        throw usage_error{"no calculation results for " + month.to_string() +
                          " in the cases you may see: run 'sozbatch calc --month " + month.to_string() +
                          "' first; no payment run created"};
    }
    if (m_force) {
        store.invalidate_open_runs(tenant, month.to_string(), "replaced by a forced pay prepare: " + m_reason);
    }
    auto const covered = store.covered(tenant, month.to_string());
    auto const stops = store.active_stops(tenant);
    std::vector<payments::order_source_t> sources;
    for (auto const &h : latest) {
        auto const it = visible.find(h.case_id);
        auto const &c = it->second;
        for (auto const &p : results.payouts(h.id)) {
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
            s.stopped = s.payee && stops.count({c.case_id, s.payee->ext_id}) != 0;
            sources.push_back(std::move(s));
        }
    }
    std::vector<db::open_difference_t> overpayments;
    for (auto const &d : store.open_differences(tenant)) {
        auto const it = visible.find(d.case_id);
        if (it == visible.end()) {
            continue;
        }
        if (d.kind != "nachzahlung") {
            overpayments.push_back(d);
            continue;
        }
        auto const &c = it->second;
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
    std::stable_sort(sources.begin(), sources.end(), [](auto const &a, auto const &b) {
        return std::tie(a.file_ref, a.difference_id, a.purpose) < std::tie(b.file_ref, b.difference_id, b.purpose);
    });

    if (sources.empty()) {
        throw usage_error{"every payment of " + month.to_string() + " is already in a payment run and no difference is "
                          "open: nothing to prepare, no payment run created"};
    }
    long long const seq = store.count_runs(tenant, month.to_string()) + 1;
    db::payment_run_t run;
    run.run_ref = payments::run_ref(ctx.tenant_code(), month, seq);
    run.month = month.to_string();
    run.execution_date = to_iso(target2::last_business_day_before(month, cfg.lead_days));
    run.prepared_by = ctx.operator_login();
    run.prepared_at = ctx.now_iso();
    run.force_reason = m_force ? m_reason : "";
    std::vector<db::payment_order_t> orders;
    std::vector<std::string> notes;
    long long no = 0;
    for (auto const &s : sources) {
        orders.push_back(payments::build_order(cfg, s, run.run_ref, ++no, notes));
    }
    for (auto const &o : orders) {
        if (o.state == "held") {
            ++run.held_count;
        } else {
            run.total += o.amount;
        }
    }
    run.orders_count = static_cast<long long>(orders.size());
    run.content_hash = payments::content_hash(orders);
    run.files_hash = payments::compute_files_hash(cfg, run, orders).files_hash;
    store.create_run(tenant, run, orders);
    for (auto const &n : notes) {
        log_info(kv("event", "transliterated") + " " + kv("run", run.run_ref) + " " + kv("what", n));
    }
    log_info(kv("event", "pay-prepare") + " " + kv("run", run.run_ref) + " " + kv("orders", std::to_string(orders.size())) +
             " " + kv("held", std::to_string(run.held_count)));

    auto &o = ctx.out();
    o << "payment run " << run.run_ref << " for " << run.month << " prepared by " << run.prepared_by
      << " (execution date " << run.execution_date << ")\n";
    if (m_force) {
        o << "  forced: " << m_reason << " (open runs of the month invalidated)\n";
    }
    o << "  orders: " << orders.size() << ", to pay: " << orders.size() - run.held_count << " ("
      << run.total.to_german() << "), held: " << run.held_count << "\n";
    o << payments::totals_table(orders);
    if (run.held_count > 0) {
        o << "held orders (not paid, listed for the caseworkers):\n";
        for (auto const &x : orders) {
            if (x.state == "held") {
                o << "  " << x.end_to_end_id << "  " << x.file_ref << "  " << x.purpose << "  "
                  << (x.payee_ext_id.empty() ? "-" : x.payee_ext_id) << "  " << x.amount.to_german() << "  "
                  << x.hold_reason << "\n";
                ctx.case_failed(x.file_ref, "payment held: " + x.hold_reason);
            }
        }
    }
    if (!overpayments.empty()) {
        o << "Überzahlungen (claims to be established, not paid):\n";
        for (auto const &d : overpayments) {
            o << "  " << d.file_ref << "  " << d.month << "  " << d.payout_delta.to_german() << "\n";
        }
    }
    // delta preview against the previous month's run
    auto const prev = store.last_valid_run(tenant, month.prev().to_string());
    if (!prev) {
        o << "delta preview: no payment run for " << month.prev().to_string() << "\n";
        return ctx.result();
    }
    auto const delta = compare_payments(regular_payments(store.orders(prev->id)), regular_payments(orders));
    o << "delta preview against " << prev->run_ref << " (" << prev->month << "):\n";
    for (auto const &c : delta.cases) {
        switch (c.kind) {
        case delta_case_t::kind_t::added:
            o << "  new      " << c.file_ref << "  " << c.after.to_german() << "\n";
            break;
        case delta_case_t::kind_t::changed:
            o << "  changed  " << c.file_ref << "  " << c.before.to_german() << " -> " << c.after.to_german() << "\n";
            if (c.before_result && c.after_result) {
                for (auto const &l : changed_lines(results, *c.before_result, *c.after_result)) {
                    o << "           " << l.key << ": " << l.before.to_german() << " -> " << l.after.to_german() << "\n";
                }
            }
            break;
        case delta_case_t::kind_t::ended:
            o << "  ended    " << c.file_ref << "  " << c.before.to_german() << "\n";
            break;
        }
    }
    o << "  new " << delta.added << ", ended " << delta.ended << ", changed " << delta.changed << "\n";
    return ctx.result();
}

} // namespace sozbatch::jobs
