// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/pay_export_job.hpp"

#include "lib/config/options.hpp"
#include "lib/core/atomic_file.hpp"
#include "lib/core/log.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/claim_store.hpp"
#include "lib/db/payment_store.hpp"
#include "lib/db/run_lock.hpp"
#include "lib/payments/payment_run.hpp"

#include <filesystem>
#include <ostream>

namespace sozbatch::jobs {

namespace fs = std::filesystem;

namespace {

void write_protocol(db::database_t &db, std::string const &dir, db::payment_run_t const &run,
                    payments::run_summary_t const &orders, std::vector<db::payment_file_t> const &files)
{
    std::vector<payments::protocol_deduction_t> deductions;
    for (auto const &d : db::claim_store_t{db}.deductions_of_run(run.id)) {
        deductions.push_back(payments::protocol_deduction_t{d.claim_ref, d.file_ref, d.month, d.amount, d.legal_basis});
    }
    for (auto const &[name, text] :
         {std::pair{run.run_ref + "-protocol.txt", payments::protocol_text(run, orders, files, deductions)},
                                     std::pair{run.run_ref + "-protocol.csv", payments::protocol_csv(run, orders)}}) {
        std::string const path = dir + "/" + name;
        auto const sha = write_file_atomically(path, text);
        manifest_t m;
        m.add("file", name);
        m.add("run", run.run_ref);
        m.add("orders", std::to_string(orders.orders));
        m.add("sha256", sha);
        m.write_beside(path);
    }
}

/// Moves the staged files (and manifests) into \p dir, one rename each.
void publish(std::string const &staging, std::string const &dir, std::vector<db::payment_file_t> const &files)
{
    bool first = true;
    for (auto const &f : files) {
        for (auto const &name : {f.file_name, f.file_name + ".manifest"}) {
            if (fs::exists(staging + "/" + name)) {
                fs::rename(staging + "/" + name, dir + "/" + name);
            }
        }
        if (first) {
            payments::fault_point("after-first-file");
            first = false;
        }
    }
}

/// Lists the run's held orders (paid by no file) and marks their cases failed: exit 1.
void report_held(job_context_t &ctx, payments::run_summary_t const &orders)
{
    bool first = true;
    for (auto const &x : orders.held_orders) {
        if (first) {
            ctx.out() << "held orders (in no file, listed in the protocol):\n";
            first = false;
        }
        ctx.out() << "  " << x.end_to_end_id << "  " << x.file_ref << "  " << x.purpose << "  " << x.amount.to_german()
                  << "  " << x.hold_reason << "\n";
        ctx.case_failed(x.file_ref, "payment held: " + x.hold_reason);
    }
}

} // namespace

void pay_export_job_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    d.add_options()("run", po::value(&m_run), "the released payment run, e.g. KIEL-202612-R1");
    p.add("run", 1);
}

void pay_export_job_t::setup(po::variables_map const &)
{
    if (m_run.empty()) {
        throw usage_error{"pay export needs the run reference"};
    }
}

exit_code_t pay_export_job_t::run(job_context_t &ctx)
{
    long long const tenant = ctx.tenant_id();
    auto &db = ctx.db();
    db::run_lock_t const lock{db, tenant, "payments"};
    db::payment_store_t store{db};
    auto run = store.find_run(tenant, m_run);
    if (!run) {
        throw usage_error{"no payment run '" + m_run + "'"};
    }
    auto const cfg = payments::payment_config_t::from_settings(config::extra_settings());
    std::string const dir = ctx.options().out_dir + "/payments";
    make_directories(dir);
    std::string const staging = dir + "/." + run->run_ref + ".staging";
    auto &o = ctx.out();

    if (run->state == "exported") {
        // reproduce: the same run gives byte-identical files under the same MsgIds, or we refuse
        auto const stored = store.files(run->id);
        payments::run_summary_t summary; // the protocol's totals, taken in the first pass of the files
        fs::remove_all(staging);
        auto const rendered = payments::render_files(cfg, *run, payments::stored_orders(store, run->id), staging,
                                                     [&](db::payment_order_t const &x) { summary.add(x); });
        if (rendered.files.size() != stored.size()) {
            fs::remove_all(staging);
            throw error_t{"payment run " + run->run_ref + " was exported with " + std::to_string(stored.size()) +
                          " files; rendering it again gives " + std::to_string(rendered.files.size()) +
                          " (configuration changed?): refusing, no new MsgIds for the same payments"};
        }
        long long rewritten = 0;
        for (std::size_t i = 0; i < stored.size(); ++i) {
            auto const &s = stored[i];
            auto const &r = rendered.files[i];
            if (r.file_name != s.file_name || r.sha256 != s.sha256) {
                fs::remove_all(staging);
                throw error_t{"payment run " + run->run_ref + ": " + s.file_name + " would differ from the exported file "
                              "(sha256 " + s.sha256 + "): refusing, no new MsgIds for the same payments"};
            }
            std::string const path = dir + "/" + s.file_name;
            bool const damaged = !fs::exists(path) || sha256_file(path) != s.sha256;
            if (damaged) {
                fs::rename(staging + "/" + s.file_name, path);
                ++rewritten;
            }
            if (damaged || !fs::exists(path + ".manifest")) {
                fs::rename(staging + "/" + s.file_name + ".manifest", path + ".manifest");
            }
        }
        fs::remove_all(staging);
        write_protocol(db, dir, *run, summary, stored);
        o << "payment run " << run->run_ref << " was exported at " << run->exported_at << "; " << stored.size()
          << " file(s) verified byte-identical";
        if (rewritten > 0) {
            o << " (" << rewritten << " missing or damaged file(s) rewritten identically)";
        }
        o << "; no new MsgIds\n";
        report_held(ctx, summary);
        return ctx.result();
    }
    if (run->state != "released") {
        throw usage_error{"payment run " + run->run_ref + " is " + run->state +
                          "; it must be released by a second operator (pay release) before export"};
    }
    // the orders are read a page at a time, twice (the two passes of the files); the content hash
    // and the protocol's totals are taken in the first pass, and changed orders are refused before
    // any file is written
    payments::fault_point("before-files");
    fs::remove_all(staging);
    payments::content_hasher_t hasher;
    payments::run_summary_t summary;
    auto const rendered = payments::render_files(
        cfg, *run, payments::stored_orders(store, run->id), staging,
        [&](db::payment_order_t const &x) {
            hasher.add(x);
            summary.add(x);
        },
        [&] {
            if (hasher.hex_digest() != run->content_hash) {
                fs::remove_all(staging);
                throw error_t{"payment run " + run->run_ref + ": orders changed after the release; the release is "
                              "void, nothing exported (refuse the run and prepare again)"};
            }
        });
    if (rendered.files_hash != run->files_hash) {
        fs::remove_all(staging);
        throw error_t{"payment run " + run->run_ref + ": the files differ from the released ones (files sha256 " +
                      rendered.files_hash + ", released " + run->files_hash + "); nothing exported"};
    }
    publish(staging, dir, rendered.files);
    fs::remove_all(staging);
    payments::fault_point("after-files-before-commit");
    store.record_export(tenant, run->id, rendered.files, ctx.now_iso());
    payments::fault_point("after-commit");
    run = store.find_run(tenant, m_run);
    auto const files = store.files(run->id);
    write_protocol(db, dir, *run, summary, files);
    log_info(kv("event", "pay-export") + " " + kv("run", run->run_ref) + " " + kv("files", std::to_string(files.size())));

    o << "payment run " << run->run_ref << " exported to " << dir << "/\n";
    for (auto const &f : files) {
        o << "  " << f.file_name << "  " << f.channel << "  MsgId " << f.msg_id << "  " << f.tx_count << " tx  "
          << f.ctrl_sum.to_german() << "\n";
    }
    o << "  protocol: " << run->run_ref << "-protocol.txt, " << run->run_ref << "-protocol.csv\n";
    report_held(ctx, summary);
    return ctx.result();
}

} // namespace sozbatch::jobs
