// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/run_month_job.hpp"

#include "jobs/security_session.hpp"
#include "lib/config/options.hpp"
#include "lib/core/atomic_file.hpp"
#include "lib/core/log.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/month_run_store.hpp"
#include "lib/db/payment_store.hpp"
#include "lib/db/run_lock.hpp"
#include "lib/payments/payment_run.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>
#include <sstream>

namespace sozbatch::jobs {

namespace {

namespace fs = std::filesystem;

/// The steps that --force can redo, in the order run-month runs them.
std::vector<std::string> const &forceable_steps()
{
    static std::vector<std::string> const steps{"calc", "pay-prepare", "notices"};
    return steps;
}

/// Runs a registered command as a step of run-month, with \p args as its command line.
exit_code_t run_step(job_context_t &ctx, std::string const &name, std::vector<std::string> const &args)
{
    auto const &table = job_table();
    auto const it = std::find_if(table.begin(), table.end(), [&](job_info_t const &j) { return j.name == name; });
    if (it == table.end()) {
        throw internal_error{"run-month: no command '" + name + "'"};
    }
    auto job = it->make();
    po::options_description own;
    po::positional_options_description positional;
    job->add_options(own, positional);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(own).positional(positional).run(), vm);
    po::notify(vm);
    job->setup(vm);
    ctx.out() << "\n== " << name;
    for (auto const &a : args) {
        ctx.out() << " " << a;
    }
    ctx.out() << "\n";
    ctx.out().flush();
    return run_step_job(*it, *job, ctx, args);
}

/// Where a recipient's files go: [handover] bank-dir / print-dir, relative to --out-dir unless
/// absolute; by default <out>/handover/bank and <out>/handover/print-shop.
std::string outbox(job_context_t &ctx, std::string const &key, std::string const &fallback)
{
    auto const &s = config::extra_settings();
    auto const it = s.find("handover." + key);
    fs::path p = it == s.end() || it->second.empty() ? fs::path{"handover"} / fallback : fs::path{it->second};
    if (p.is_relative()) {
        p = fs::path{ctx.options().out_dir} / p;
    }
    return p.string();
}

std::string read_all(std::string const &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw error_t{"hand-over: cannot read " + path};
    }
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Copies \p source (and its manifest, when there is one) into \p dir, atomically. The copy's
/// SHA-256 must equal \p expected_sha256 when given. A file of the same name already in the outbox
/// is accepted only with the same content (a rerun after a crash). \returns the SHA-256
std::string copy_into(std::string const &source, std::string const &dir, std::string const &expected_sha256)
{
    std::string const data = read_all(source);
    std::string const sha = sha256_hex(data);
    if (!expected_sha256.empty() && sha != expected_sha256) {
        throw error_t{"hand-over: " + source + " has SHA-256 " + sha + " but " + expected_sha256 +
                      " was recorded when it was written; the file was changed, nothing handed over"};
    }
    make_directories(dir);
    fs::path const target = fs::path{dir} / fs::path{source}.filename();
    if (fs::exists(target)) {
        if (sha256_file(target.string()) != sha) {
            throw error_t{"hand-over: " + target.string() + " exists with other content; refusing to overwrite it"};
        }
    } else {
        write_file_atomically(target.string(), data);
    }
    std::string const manifest = source + ".manifest";
    if (fs::exists(manifest)) {
        std::string const m = read_all(manifest);
        fs::path const mt = fs::path{dir} / fs::path{manifest}.filename();
        if (!fs::exists(mt) || sha256_file(mt.string()) != sha256_hex(m)) {
            write_file_atomically(mt.string(), m);
        }
    }
    return sha;
}

/// Copies the exported run's pain.001 files into the bank's outbox and the month's produced print
/// batches into the print shop's, each recorded in hand_overs; files recorded before are skipped.
/// \returns what was handed over, for the step record
std::string hand_over(job_context_t &ctx, db::month_run_store_t &store, month_t month, std::string const &run_ref)
{
    long long const tenant = ctx.tenant_id();
    std::string const m = month.to_string();
    std::string const bank = outbox(ctx, "bank-dir", "bank");
    std::string const print = outbox(ctx, "print-dir", "print-shop");
    std::set<std::string> done;
    for (auto const &h : store.hand_overs(tenant, month)) {
        done.insert(h.recipient + "/" + h.file_name);
    }
    auto &o = ctx.out();
    long long n_bank = 0, n_print = 0;
    auto deliver = [&](std::string const &recipient, std::string const &dir, std::string const &src,
                       std::string const &name, std::string const &expected_sha256) {
        std::string const sha = copy_into(src, dir, expected_sha256);
        payments::fault_point("hand-over-after-first-file");
        store.record_hand_over(tenant, month, db::hand_over_row_t{recipient, run_ref, name, sha, ctx.now_iso(),
                                                                  ctx.operator_login()});
        std::string label = recipient;
        label.resize(12, ' ');
        o << "  " << label << (fs::path{dir} / name).string() << "\n";
    };
    o << "\n== hand-over\n";
    db::payment_store_t payments{ctx.db()};
    auto const run = payments.find_run(tenant, run_ref);
    for (auto const &f : payments.files(run->id)) {
        if (!f.file_name.ends_with(".xml") || done.count("bank/" + f.file_name)) {
            continue; // the cash list stays with the cash office (out/payments)
        }
        deliver("bank", bank, ctx.options().out_dir + "/payments/" + f.file_name, f.file_name, f.sha256);
        ++n_bank;
    }
    std::string const notices_dir = ctx.options().out_dir + "/notices/" + m;
    for (auto const &b : store.produced_batches(tenant, month)) {
        for (auto const &name : std::array<std::string, 2>{b + ".pdf", b + ".index.xml"}) {
            if (done.count("print-shop/" + name)) {
                continue;
            }
            std::string const src = notices_dir + "/" + name;
            if (!fs::exists(src)) {
                throw error_t{"hand-over: print batch file " + src + " is missing; rerun 'sozbatch notices --month " + m +
                              " --force --reason TEXT' to produce it again"};
            }
            deliver("print-shop", print, src, name, "");
            ++n_print;
        }
    }
    return std::to_string(n_bank) + " file(s) to the bank, " + std::to_string(n_print) + " to the print shop";
}

struct plan_t
{
    bool calc = false, prepare = false, notices = false, export_run = false, hand_over = false, report = false;
    bool force_prepare = false, force_notices = false;
};

} // namespace

void run_month_job_t::add_options(po::options_description &d, po::positional_options_description &)
{
    d.add_options()("month", po::value(&m_month), "the benefit month YYYY-MM (required)")(
        "dry-run", po::bool_switch(&m_dry_run), "show what would happen and what changed since the last run; change nothing")(
        "force", po::value(&m_force), "redo STEP (calc, pay-prepare or notices) and the steps after it; needs --reason")(
        "reason", po::value(&m_reason), "why the step is redone (recorded with the step, the runs and the protocol)");
}

void run_month_job_t::setup(po::variables_map const &)
{
    if (m_month.empty()) {
        throw usage_error{"run-month needs --month YYYY-MM"};
    }
    month_t::parse(m_month);
    if (!m_force.empty()) {
        auto const &steps = forceable_steps();
        if (std::find(steps.begin(), steps.end(), m_force) == steps.end()) {
            throw usage_error{"--force takes calc, pay-prepare or notices (an exported payment run is never redone; "
                              "'sozbatch pay export RUN' reproduces its files byte for byte)"};
        }
        if (m_reason.empty()) {
            throw usage_error{"--force " + m_force + " needs --reason TEXT (it is recorded)"};
        }
    } else if (!m_reason.empty()) {
        throw usage_error{"--reason is only used with --force STEP"};
    }
}

exit_code_t run_month_job_t::run(job_context_t &ctx)
{
    month_t const month = month_t::parse(m_month);
    std::string const m = month.to_string();
    long long const tenant = ctx.tenant_id();
    auto &db = ctx.db();
    std::optional<db::run_lock_t> lock;
    if (!m_dry_run) {
        lock.emplace(db, tenant, "run-month");
    }
    db::month_run_store_t store{db};
    auto facts = store.facts(tenant, month);
    auto &o = ctx.out();

    if (facts.approvals_in_month == 0) {
        throw usage_error{"no approved case covers " + m + " (a month beyond the approvals?): nothing to do, nothing changed"};
    }
    bool const exported = facts.run_state == "exported";
    bool const run_open = facts.run_state == "prepared" || facts.run_state == "released";
    if (!m_force.empty()) {
        if (exported) {
            throw usage_error{"payment run " + *facts.run_ref + " of " + m + " is exported; --force " + m_force +
                              " is refused. Corrections go through 'sozbatch calc --month " + m +
                              "' and reach the next payment run as differences"};
        }
        if (!facts.calc_ended_at) {
            throw usage_error{"--force " + m_force + ": " + m + " has not been calculated yet; run 'sozbatch run-month --month " +
                              m + "' without --force"};
        }
    }

    plan_t p;
    p.calc = !facts.calc_ended_at || m_force == "calc";
    bool const need_new_run = !facts.run_ref || facts.run_state == "invalidated" || facts.run_state == "refused";
    if (facts.run_state == "refused" && m_force.empty()) {
        throw usage_error{"payment run " + *facts.run_ref + " of " + m + " was refused by " + facts.run_refused_by + " (" +
                          facts.run_refusal_reason + "); correct the case data, then rerun with --force calc --reason TEXT "
                          "(or --force pay-prepare --reason TEXT when the results are right)"};
    }
    p.prepare = need_new_run || m_force == "calc" || m_force == "pay-prepare";
    p.force_prepare = p.prepare && run_open;
    p.notices = facts.notice_runs == 0 || m_force == "calc" || m_force == "notices";
    p.force_notices = p.notices && facts.notice_runs > 0;
    bool const released_now = facts.run_state == "released" && !p.prepare;
    p.export_run = released_now;
    auto const history = store.steps(tenant, month);
    bool const handed_over = exported && std::any_of(history.begin(), history.end(), [&](auto const &s) {
                                 return s.step == "hand-over" && s.state == "done" && s.run_ref == *facts.run_ref;
                             });
    p.hand_over = (exported && (!handed_over || p.notices)) || released_now;
    bool const reported = exported && std::any_of(history.begin(), history.end(), [&](auto const &s) {
                              return s.step == "report" && s.state == "done" && s.run_ref == *facts.run_ref;
                          });
    p.report = (exported && (!reported || p.hand_over)) || released_now;

    if (m_dry_run) {
        auto line = [&o](std::string const &step, std::string const &what) {
            std::string s = step;
            s.resize(13, ' ');
            o << "  " << s << what << "\n";
        };
        o << "run-month " << m << " (tenant " << ctx.tenant_code() << "): dry run, nothing is changed\n";
        line("calc", p.calc ? (facts.calc_ended_at ? "would run again (forced)" : "would run")
                            : "done " + *facts.calc_ended_at + " (" + std::to_string(facts.calc_cases) + " cases, " +
                                  std::to_string(facts.calc_failed) + " failed)");
        line("pay-prepare", p.prepare ? (p.force_prepare ? "would prepare a new run, invalidating " + *facts.run_ref
                                                         : std::string{"would run"})
                                      : "done: " + *facts.run_ref + " (" + facts.run_state + ")");
        line("notices", p.notices ? (p.force_notices ? "would produce the month's letters again (forced)" : "would run")
                                  : "done (" + std::to_string(facts.notice_runs) + " notice run(s))");
        if (exported || released_now) {
            line("release", "done: released by " + facts.run_released_by);
        } else {
            line("release", "waits for a second operator: sozbatch pay release " +
                                (p.prepare ? std::string{"RUN"} : facts.run_ref.value_or("RUN")));
        }
        line("pay-export", exported ? "done" : released_now ? "would run" : "after the release");
        line("hand-over", handed_over && !p.hand_over ? "done" : p.hand_over ? "would run" : "after the export");
        line("report", reported && !p.report ? "done" : p.report ? "would run" : "after the export");
        o << "changes since the last run:\n";
        bool any = false;
        if (facts.calc_ended_at && facts.cases_changed_since_calc > 0) {
            any = true;
            o << "  " << facts.cases_changed_since_calc << " case version(s) recorded after the calculation (data as of "
              << *facts.calc_as_of << ")";
            o << (exported ? "; they reach the next month's run as differences\n"
                           : "; to include them: run-month --month " + m + " --force calc --reason TEXT\n");
        }
        if (facts.calc_newer_than_run && !p.prepare) {
            any = true;
            o << "  the newest calculation ended after payment run " << *facts.run_ref << " was prepared\n";
        }
        if (!history.empty()) {
            auto const &s = history.back();
            o << "  last step: " << s.step << " " << s.state << " " << (s.ended_at.empty() ? s.started_at : s.ended_at)
              << " by " << s.operator_name << (s.forced ? " (forced: " + s.force_reason + ")" : "") << "\n";
        }
        if (!facts.calc_ended_at) {
            o << "  " << m << " has not been calculated yet\n";
        } else if (!any) {
            o << "  no case data changed since the calculation\n";
        }
        return exit_code_t::ok;
    }

    if (!p.calc && !p.prepare && !p.notices && !p.export_run && !p.hand_over && !p.report) {
        if (run_open) {
            throw usage_error{"payment run " + *facts.run_ref + " of " + m +
                              " is prepared and waits for the release by a second operator (sozbatch pay release " +
                              *facts.run_ref + "); nothing done"};
        }
        o << "run-month " << m << ": every step is done (payment run " << facts.run_ref.value_or("-")
          << " exported, handed over and reported); nothing to do\n";
        return exit_code_t::ok;
    }

    o << "run-month " << m << " (tenant " << ctx.tenant_code() << ")";
    if (!m_force.empty()) {
        o << ": redoing " << m_force << " (forced: " << m_reason << ")";
    }
    o << "\n";
    if (facts.calc_ended_at && !p.calc && facts.cases_changed_since_calc > 0 && !exported) {
        o << "note: " << facts.cases_changed_since_calc << " case version(s) recorded after the calculation (data as of "
          << *facts.calc_as_of << "); to include them: run-month --month " << m << " --force calc --reason TEXT\n";
    }
    std::string const op = ctx.operator_login();
    // Records a step in month_run_steps around \p body, which returns its exit code and a detail.
    auto recorded = [&](std::string const &name, bool forced, std::string const &run_ref, auto &&body) {
        long long const id = store.begin_step(tenant, month, name, ctx.now_iso(), op, forced, forced ? m_reason : "", run_ref);
        try {
            auto const [rc, detail] = body();
            store.finish_step(id, "done", static_cast<int>(rc), ctx.now_iso(), detail, run_ref);
            log_info(kv("event", "run-month-step") + " " + kv("month", m) + " " + kv("step", name) + " " +
                     kv("rc", std::to_string(static_cast<int>(rc))) + (detail.empty() ? "" : " " + kv("detail", detail)));
        } catch (std::exception const &e) {
            try {
                store.finish_step(id, "failed", 2, ctx.now_iso(), e.what(), run_ref);
            } catch (std::exception const &) {
                // the database is gone: the original error is what the operator sees
            }
            throw;
        }
    };
    auto step = [&](std::string const &name, std::string const &command, std::vector<std::string> const &args, bool forced,
                    std::string const &run_ref) {
        recorded(name, forced, run_ref, [&] {
            auto const rc = run_step(ctx, command, args);
            return std::pair{rc, ctx.failures().empty() ? std::string{}
                                                        : std::to_string(ctx.failures().size()) + " case(s) failed so far"};
        });
    };
    auto with_force = [&](std::vector<std::string> args, bool force) {
        if (force) {
            args.insert(args.end(), {"--force", "--reason", "run-month --force " + m_force + ": " + m_reason});
        }
        return args;
    };

    if (p.calc) {
        step("calc", "calc", {"--month", m}, m_force == "calc", "");
        payments::fault_point("run-month-after-calc");
    }
    if (p.prepare) {
        step("pay-prepare", "pay prepare", with_force({"--month", m}, p.force_prepare), !m_force.empty(), "");
    }
    if (p.notices) {
        step("notices", "notices", with_force({"--month", m}, p.force_notices), p.force_notices, "");
        payments::fault_point("run-month-after-notices");
    }
    facts = store.facts(tenant, month);
    if (facts.run_state == "prepared") {
        o << "\nrun-month " << m << ": stopped at the release. Payment run " << *facts.run_ref
          << " waits for a second operator: sozbatch pay release " << *facts.run_ref
          << "\nthen run 'sozbatch run-month --month " << m << "' again to export and hand over.\n";
        return ctx.result();
    }
    if (facts.run_state == "released") {
        step("pay-export", "pay export", {*facts.run_ref}, false, *facts.run_ref);
        facts = store.facts(tenant, month);
    }
    if (facts.run_state == "exported" && p.hand_over) {
        recorded("hand-over", false, *facts.run_ref, [&] {
            return std::pair{exit_code_t::ok, hand_over(ctx, store, month, *facts.run_ref)};
        });
    }
    if (facts.run_state == "exported" && p.report) {
        step("report", "report", {"--run", *facts.run_ref}, false, *facts.run_ref);
    }
    if (facts.run_state == "exported") {
        o << "\nrun-month " << m << ": done. Payment run " << *facts.run_ref << " exported and handed over.\n";
    }
    return ctx.result();
}

} // namespace sozbatch::jobs
