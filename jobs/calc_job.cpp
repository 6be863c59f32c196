// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/calc_job.hpp"

#include "formats/calc_result/calc_result.hpp"
#include "formats/case_import/reader.hpp"
#include "jobs/params_source.hpp"
#include "lib/calc/calculate.hpp"
#include "lib/core/log.hpp"
#include "lib/core/progress.hpp"
#include "lib/core/text.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/result_store.hpp"

#include <map>
#include <ostream>

namespace sozbatch::jobs {

namespace {

} // namespace

bool approved_in(domain::case_t const &c, month_t m)
{
    auto const month = period_t::of(m);
    for (auto const &a : c.approvals) {
        if (a.state == domain::approval_state_t::approved && a.period.overlaps(month)) {
            return true;
        }
    }
    return false;
}

namespace {

struct law_sum_t
{
    long long cases = 0;
    money_t entitlement;
    money_t payout;
};

} // namespace

void calc_job_t::add_options(po::options_description &d, po::positional_options_description &)
{
    d.add_options()("month", po::value(&m_month_text), "the benefit month YYYY-MM (required)")(
        "as-of", po::value(&m_as_of), "use case data as known at this UTC time (default: now)")(
        "input", po::value(&m_input), "trial calculation of a case-import XML file, without a database")(
        "format", po::value(&m_format)->default_value("text"), "trial calculation output: text or json")(
        "shard", po::value(&m_shard), "K/N: calculate only shard K of N (cases by internal id); the N shards "
                                      "may run side by side, together they are the whole month");
    add_params_options(d, m_overlay, m_params_dir);
}

void calc_job_t::setup(po::variables_map const &)
{
    if (m_month_text.empty()) {
        throw usage_error{"calc needs --month YYYY-MM"};
    }
    month_t::parse(m_month_text);
    if (m_format != "text" && m_format != "json") {
        throw usage_error{"--format must be text or json"};
    }
    if (!m_as_of.empty()) {
        parse_timestamp(m_as_of);
    }
    if (!m_shard.empty()) {
        auto const slash = m_shard.find('/');
        int k = 0, n = 0;
        try {
            std::size_t used_k = 0, used_n = 0;
            k = std::stoi(m_shard.substr(0, slash), &used_k);
            n = slash == std::string::npos ? 0 : std::stoi(m_shard.substr(slash + 1), &used_n);
            if (used_k != slash || used_n != m_shard.size() - slash - 1) {
                n = 0;
            }
        } catch (std::exception const &) {
            n = 0;
        }
        if (n < 1 || n > 256 || k < 1 || k > n) {
            throw usage_error{"--shard must be K/N with 1 <= K <= N <= 256, e.g. 1/2"};
        }
        m_shard_index = k - 1;
        m_shard_count = n;
    }
}

exit_code_t calc_job_t::run_trial(job_context_t &ctx)
{
    month_t const month = month_t::parse(m_month_text);
    auto const params = load_params(m_overlay, m_params_dir);
    require_params(params, month);
    auto const bundle = formats::read_case_import(m_input);
    calc::month_params_t const mp{params, month};
    calc::calculator_t calculator{mp};
    std::vector<calc::case_result_t> results;
    for (auto const &c : bundle.cases) {
        if (!approved_in(c, month)) {
            continue;
        }
        std::vector<domain::person_t> persons;
        for (auto const &m : c.members) {
            if (auto const *p = bundle.find_person(m.person_id)) {
                persons.push_back(*p);
            }
        }
        calc::case_result_t r;
        try {
            calculator.calculate(c, persons, r);
            results.push_back(std::move(r));
        } catch (case_error const &e) {
            ctx.case_failed(c.file_ref, e.what());
        } catch (validation_error const &e) {
            ctx.case_failed(c.file_ref, e.what());
        }
    }
    if (m_format == "json") {
        std::vector<std::string> errors;
        for (auto const &[ref, reason] : ctx.failures()) {
            errors.push_back(ref + ": " + reason);
        }
        formats::calc_result::write_json_document(ctx.out(), month, results, errors);
    } else {
        for (auto const &r : results) {
            formats::calc_result::write_text(ctx.out(), r);
        }
    }
    return ctx.result();
}

exit_code_t calc_job_t::run(job_context_t &ctx)
{
    if (!m_input.empty()) {
        return run_trial(ctx);
    }
    month_t const month = month_t::parse(m_month_text);
    auto const params = load_params(m_overlay, m_params_dir);
    require_params(params, month); // exit 2 before anything is written
    std::string const now = ctx.now_iso();
    std::string const as_of = m_as_of.empty() ? now : to_iso(parse_timestamp(m_as_of));
    long long const tenant = ctx.tenant_id();
    db::case_store_t cases{ctx.db()};
    db::result_store_t results{ctx.db()};
    long long const run = results.begin_run(tenant, month, as_of, now, ctx.options().operator_name, params.overlay_name());

    calc::month_params_t const mp{params, month};
    calc::calculator_t calculator{mp};
    calc::case_result_t r;
    db::calc_run_stats_t stats;
    std::map<std::string, law_sum_t> by_law;
    long long not_entitled = 0, unchanged = 0, new_versions = 0, differences = 0;
    db::case_filter_t filter;
    filter.as_of = as_of;
    filter.shard_count = m_shard_count;
    filter.shard_index = m_shard_index;
    ctx.restrict_to_visible(filter);
    progress_t bar{"cases", 0}; // on a terminal only
    db::result_batch_t batch{ctx.db(), tenant, run, now};
    cases.for_each_case(tenant, filter, [&](db::stored_case_t &&sc) {
        bar.step();
        if (!approved_in(sc.data, month)) {
            ++not_entitled;
            return;
        }
        ++stats.cases_total;
        try {
            calculator.calculate(sc.data, sc.persons, r);
        } catch (error_t const &e) {
            ++stats.failed;
            results.record_failure(tenant, run, sc.data.file_ref, e.what());
            ctx.case_failed(sc.data.file_ref, e.what());
            return;
        }
        batch.add(sc, r); // written in batches (bulk inserts), outcomes counted by the batch
        auto &s = by_law[std::string{domain::law_code(sc.data.law)}];
        ++s.cases;
        s.entitlement += r.totals.entitlement;
        s.payout += r.totals.payout;
        stats.entitlement += r.totals.entitlement;
        stats.payout += r.totals.payout;
    });
    bar.finish();
    batch.flush();
    unchanged = batch.counts().unchanged;
    new_versions = batch.counts().new_versions;
    differences = batch.counts().differences;
    stats.new_results = batch.counts().new_results + new_versions;
    results.finish_run(run, stats, now);
    log_info(kv("event", "calc") + " " + kv("month", month.to_string()) + " " +
             kv("cases", std::to_string(stats.cases_total)) + " " + kv("failed", std::to_string(stats.failed)));

    auto &o = ctx.out();
    o << "calculation " << month.to_string() << " (tenant " << ctx.tenant_code() << ", parameters "
      << params.overlay_name() << ", data as of " << as_of
      << (m_shard_count > 1 ? ", shard " + std::to_string(m_shard_index + 1) + "/" + std::to_string(m_shard_count) : "")
      << ")\n";
    o << "  cases calculated: " << stats.cases_total << " (new results " << stats.new_results - new_versions
      << ", changed " << new_versions << ", unchanged " << unchanged << ", failed " << stats.failed
      << "); without approval this month: " << not_entitled << "\n";
    if (differences > 0) {
        o << "  differences to paid results (Nachzahlung/Überzahlung): " << differences << "\n";
    }
    o << "  LAW        CASES   ENTITLEMENT        PAYOUT\n";
    for (auto const &[law, s] : by_law) {
        std::string l = law;
        l.resize(10, ' ');
        o << "  " << l << pad_left(std::to_string(s.cases), 6) << pad_left(s.entitlement.to_german(), 16)
          << pad_left(s.payout.to_german(), 16) << "\n";
    }
    o << "  " << std::string("total     ") << pad_left(std::to_string(stats.cases_total - stats.failed), 6)
      << pad_left(stats.entitlement.to_german(), 16) << pad_left(stats.payout.to_german(), 16) << "\n";
    return ctx.result();
}

} // namespace sozbatch::jobs
