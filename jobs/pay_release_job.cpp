// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/pay_release_job.hpp"

#include "lib/config/options.hpp"
#include "lib/core/log.hpp"
#include "lib/db/claim_store.hpp"
#include "lib/db/payment_store.hpp"
#include "lib/db/run_lock.hpp"
#include "lib/payments/payment_run.hpp"

#include <ostream>

namespace sozbatch::jobs {

void pay_release_job_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    d.add_options()("run", po::value(&m_run), "the payment run reference, e.g. KIEL-202612-R1")(
        "refuse", po::bool_switch(&m_refuse), "refuse the release instead (needs --reason)")(
        "reason", po::value(&m_reason), "why the release is refused");
    p.add("run", 1);
}

void pay_release_job_t::setup(po::variables_map const &)
{
    if (m_run.empty()) {
        throw usage_error{"pay release needs the run reference (see pay prepare's output)"};
    }
    if (m_refuse && m_reason.empty()) {
        throw usage_error{"pay release --refuse needs --reason TEXT"};
    }
}

exit_code_t pay_release_job_t::run(job_context_t &ctx)
{
    long long const tenant = ctx.tenant_id();
    auto &db = ctx.db();
    db::run_lock_t const lock{db, tenant, "payments"};
    db::payment_store_t store{db};
    auto const run = store.find_run(tenant, m_run);
    if (!run) {
        throw usage_error{"no payment run '" + m_run + "'"};
    }
    if (run->state != "prepared") {
        throw usage_error{"payment run " + run->run_ref + " is " + run->state + "; only a prepared run can be " +
                          (m_refuse ? "refused" : "released")};
    }
    std::string const me = ctx.operator_login();
    if (me == run->prepared_by) {
        throw access_error{"four eyes: payment run " + run->run_ref + " was prepared by " + run->prepared_by +
                           "; another operator with the payment-release right must release or refuse it"};
    }
    auto &o = ctx.out();
    if (m_refuse) {
        store.refuse(run->id, me, ctx.now_iso(), m_reason);
        db::claim_store_t{db}.refresh(tenant); // the refused run's deductions from claims no longer count
        log_info(kv("event", "pay-refuse") + " " + kv("run", run->run_ref) + " " + kv("by", me));
        o << "payment run " << run->run_ref << " refused by " << me << ": " << m_reason << "\n";
        return ctx.result();
    }
    auto const cfg = payments::payment_config_t::from_settings(config::extra_settings());
    // the orders are read a page at a time, twice: the content hash is taken in the first pass of
    // rendering the files and checked before any file is written
    payments::content_hasher_t hasher;
    std::string content;
    auto const rendered = payments::compute_files_hash(
        cfg, *run, payments::stored_orders(store, run->id), [&](db::payment_order_t const &x) { hasher.add(x); },
        [&] {
            content = hasher.hex_digest();
            if (content != run->content_hash) {
                throw error_t{"payment run " + run->run_ref + ": its orders changed after preparation (content hash " +
                              content + ", prepared " + run->content_hash + "); refuse it and prepare again"};
            }
        });
    if (rendered.files_hash != run->files_hash) {
        throw error_t{"payment run " + run->run_ref + ": the files export would write differ from the prepared ones "
                      "(configuration changed?); refuse it and prepare again"};
    }
    store.release(run->id, me, ctx.now_iso());
    log_info(kv("event", "pay-release") + " " + kv("run", run->run_ref) + " " + kv("by", me));
    o << "payment run " << run->run_ref << " (" << run->month << ") released by " << me << " (prepared by "
      << run->prepared_by << ")\n";
    o << "  orders: " << run->orders_count << " (held " << run->held_count << "), total " << run->total.to_german() << "\n";
    o << "  content sha256: " << content << "\n";
    o << "  files sha256:   " << rendered.files_hash << "\n";
    for (auto const &f : rendered.files) {
        o << "    " << f.file_name << "  " << f.tx_count << " tx  " << f.ctrl_sum.to_german() << "  " << f.sha256 << "\n";
    }
    return ctx.result();
}

} // namespace sozbatch::jobs
