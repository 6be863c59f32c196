// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/report_job.hpp"

#include "jobs/payment_delta.hpp"

#include "formats/notice/pdf_renderer.hpp"
#include "formats/report/run_report.hpp"
#include "lib/config/options.hpp"
#include "lib/core/atomic_file.hpp"
#include "lib/core/log.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/payment_store.hpp"
#include "lib/db/report_store.hpp"
#include "lib/db/result_store.hpp"
#include "lib/domain/case_model.hpp"

#include <algorithm>
#include <map>
#include <ostream>

namespace sozbatch::jobs {

namespace fs = std::filesystem;

namespace {

/// Cases listed per kind (new, ended, changed) in the month-over-month comparison.
constexpr std::size_t LIST_LIMIT = 25;

std::string setting(std::string const &key, std::string const &fallback = {})
{
    auto const &s = config::extra_settings();
    auto const it = s.find(key);
    return it == s.end() || it->second.empty() ? fallback : it->second;
}

bool bool_setting(std::string const &key, bool fallback)
{
    std::string const v = setting(key);
    if (v.empty()) {
        return fallback;
    }
    if (v == "true" || v == "yes" || v == "1") {
        return true;
    }
    if (v == "false" || v == "no" || v == "0") {
        return false;
    }
    throw config_error{"setting " + key + " = '" + v + "': expected true or false"};
}

/// The fonts and PDF/A settings of the Bescheide ([notices] font-regular, font-bold, pdfa).
report::pdf_options_t pdf_options()
{
    notice::render_options_t const defaults;
    report::pdf_options_t o;
    o.font_regular = setting("notices.font-regular", defaults.font_regular);
    o.font_bold = setting("notices.font-bold", defaults.font_bold);
    o.font_family = defaults.font_family;
    o.icc_profile = defaults.icc_profile;
    o.pdfa = bool_setting("notices.pdfa", defaults.pdfa);
    return o;
}

std::size_t rank(std::vector<std::string> const &order, std::string const &code)
{
    return static_cast<std::size_t>(std::find(order.begin(), order.end(), code) - order.begin());
}

/// Law codes in the order of domain::all_laws, then unknown codes in byte order.
std::vector<std::string> law_order(std::vector<std::string> codes)
{
    std::vector<std::string> known;
    for (auto const l : domain::all_laws) {
        known.emplace_back(domain::law_code(l));
    }
    std::sort(codes.begin(), codes.end());
    codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
    std::stable_sort(codes.begin(), codes.end(),
                     [&](auto const &a, auto const &b) { return rank(known, a) < rank(known, b); });
    return codes;
}

std::vector<std::string> all_law_codes()
{
    std::vector<std::string> v;
    for (auto const l : domain::all_laws) {
        v.emplace_back(domain::law_code(l));
    }
    return v;
}

void publish(fs::path const &path, std::string const &contents, std::string const &format,
             report::run_report_t const &r)
{
    std::string const sha = write_file_atomically(path.string(), contents);
    manifest_t m;
    m.add("file", path.filename().string());
    m.add("format", format);
    m.add("run", r.run_ref);
    m.add("month", r.month);
    m.add("state", r.state);
    m.add("orders", std::to_string(r.paid.count));
    m.add("total", r.paid.amount.to_sepa());
    m.add("held", std::to_string(r.held.count));
    m.add("bytes", std::to_string(contents.size()));
    m.add("sha256", sha);
    m.add("created", to_iso(r.generated_at));
    m.write_beside(path.string());
}

} // namespace

std::string latest_run_of_month(job_context_t &ctx, std::string const &month)
{
    month_t::parse(month);
    db::payment_store_t store{ctx.db()};
    long long const tenant = ctx.tenant_id();
    if (auto const valid = store.last_valid_run(tenant, month)) {
        return valid->run_ref;
    }
    auto const runs = store.runs_for_month(tenant, month);
    if (runs.empty()) {
        throw usage_error{"no payment run for " + month + ": prepare one with 'sozbatch pay prepare --month " + month +
                          "'"};
    }
    return runs.back().run_ref;
}

std::vector<fs::path> write_run_report(job_context_t &ctx, std::string const &run_id, fs::path const &out_dir)
{
    long long const tenant = ctx.tenant_id();
    auto &db = ctx.db();
    db::payment_store_t payments{db};
    db::report_store_t store{db};
    db::result_store_t results{db};
    auto const run = payments.find_run(tenant, run_id);
    if (!run) {
        throw usage_error{"no payment run '" + run_id + "'"};
    }
    db::case_filter_t visible;
    ctx.restrict_to_visible(visible);
    auto const &groups = visible.work_groups;
    month_t const month = month_t::parse(run->month);

    report::run_report_t r;
    r.office = setting("letterhead.authority", store.tenant_name(tenant));
    r.department = setting("letterhead.department");
    r.tenant_code = ctx.tenant_code();
    r.tenant_name = store.tenant_name(tenant);
    r.run_ref = run->run_ref;
    r.month = run->month;
    r.state = run->state;
    r.execution_date = run->execution_date;
    r.prepared_by = run->prepared_by;
    r.prepared_at = run->prepared_at;
    r.released_by = run->released_by;
    r.released_at = run->released_at;
    r.refused_by = run->refused_by;
    r.refused_at = run->refused_at;
    r.refusal_reason = run->refusal_reason;
    r.exported_at = run->exported_at;
    r.force_reason = run->force_reason;
    r.invalidated_reason = run->invalidated_reason;
    r.content_hash = run->content_hash;
    r.files_hash = run->files_hash;
    r.generated_at = ctx.clock().now();
    r.generated_by = ctx.operator_login();
    r.work_groups = ctx.visible_work_groups();
    std::sort(r.work_groups.begin(), r.work_groups.end());

    for (auto const &f : payments.files(run->id)) {
        r.files.push_back(report::file_row_t{f.file_name, f.channel, f.msg_id, f.tx_count, f.ctrl_sum, f.sha256});
    }

    // totals by law, channel and state
    auto const totals = store.run_totals(tenant, run->id, groups);
    std::vector<std::string> codes = all_law_codes();
    for (auto const &t : totals) {
        codes.push_back(t.law);
    }
    std::map<std::string, report::law_row_t> by_law;
    std::map<std::pair<std::string, std::string>, report::count_sum_t> by_channel;
    std::map<std::string, report::count_sum_t> by_state;
    long long visible_orders = 0;
    for (auto const &t : totals) {
        visible_orders += t.count;
        by_state[t.state].add(t.count, t.amount);
        auto &law = by_law[t.law];
        if (t.state == "held") {
            law.held.add(t.count, t.amount);
            r.held.add(t.count, t.amount);
        } else {
            law.paid.add(t.count, t.amount);
            r.paid.add(t.count, t.amount);
            by_channel[{t.channel, t.purpose}].add(t.count, t.amount);
        }
    }
    for (auto const &code : law_order(codes)) {
        auto row = by_law[code];
        row.law = code;
        r.laws.push_back(row);
    }
    std::vector<std::string> const channel_order{"sepa", "card", "cash"};
    std::vector<std::string> const purpose_order{"benefit", "rent", "energy"};
    std::vector<std::pair<std::string, std::string>> channel_keys;
    for (auto const &[k, v] : by_channel) {
        channel_keys.push_back(k);
    }
    std::stable_sort(channel_keys.begin(), channel_keys.end(), [&](auto const &a, auto const &b) {
        return std::pair{rank(channel_order, a.first), rank(purpose_order, a.second)} <
               std::pair{rank(channel_order, b.first), rank(purpose_order, b.second)};
    });
    for (auto const &k : channel_keys) {
        r.channels.push_back(report::channel_row_t{k.first, k.second, by_channel[k]});
    }
    std::vector<std::string> const state_order{"prepared", "released", "exported", "booked", "rejected", "returned", "held"};
    std::vector<std::string> state_keys;
    for (auto const &[k, v] : by_state) {
        state_keys.push_back(k);
    }
    std::stable_sort(state_keys.begin(), state_keys.end(),
                     [&](auto const &a, auto const &b) { return rank(state_order, a) < rank(state_order, b); });
    for (auto const &k : state_keys) {
        r.states.push_back(report::state_row_t{k, by_state[k]});
    }
    r.hidden_orders = std::max(0LL, run->orders_count - visible_orders);

    // month over month
    auto &c = r.comparison;
    c.previous_month = month.prev().to_string();
    for (auto const &p : payments.runs_for_month(tenant, c.previous_month)) {
        if (p.state != "refused" && p.state != "invalidated") {
            c.previous_runs.push_back(p.run_ref);
        }
    }
    auto const before = store.regular_payments(tenant, c.previous_month, std::nullopt, groups);
    auto const after = store.regular_payments(tenant, run->month, run->id, groups);
    auto const delta = compare_payments(before, after);
    c.cases_before = delta.cases_before;
    c.cases_after = delta.cases_after;
    c.total_before = delta.total_before;
    c.total_after = delta.total_after;
    c.changed = delta.changed;
    c.list_limit = static_cast<long long>(LIST_LIMIT);
    std::vector<delta_case_t> changed;
    for (auto const &d : delta.cases) {
        report::change_row_t row{d.file_ref, d.before, d.after, {}};
        switch (d.kind) {
        case delta_case_t::kind_t::added:
            c.added.add(1, d.after);
            if (c.added_list.size() < LIST_LIMIT) {
                c.added_list.push_back(row);
            }
            break;
        case delta_case_t::kind_t::ended:
            c.ended.add(1, d.before);
            if (c.ended_list.size() < LIST_LIMIT) {
                c.ended_list.push_back(row);
            }
            break;
        case delta_case_t::kind_t::changed:
            c.changed_delta += d.after - d.before;
            changed.push_back(d);
            break;
        }
    }
    // the largest changes first (absolute amount), then by Aktenzeichen
    auto magnitude = [](delta_case_t const &d) {
        auto const v = (d.after - d.before).as_cents();
        return v < 0 ? -v : v;
    };
    std::stable_sort(changed.begin(), changed.end(),
                     [&](auto const &a, auto const &b) { return magnitude(a) > magnitude(b); });
    for (auto const &d : changed) {
        if (c.changed_list.size() >= LIST_LIMIT) {
            break;
        }
        report::change_row_t row{d.file_ref, d.before, d.after, {}};
        if (d.before_result && d.after_result) {
            for (auto const &l : changed_lines(results, *d.before_result, *d.after_result)) {
                row.lines.push_back(report::line_detail_t{l.key, l.before, l.after});
            }
        }
        c.changed_list.push_back(std::move(row));
    }

    // payments by law over the last 12 months
    month_t const first = month.plus(-11);
    auto const monthly = store.monthly_by_law(tenant, first.to_string(), month.to_string(), run->id, groups);
    std::vector<std::string> chart_laws;
    for (auto const &m : monthly) {
        if (!m.amount.is_zero()) {
            chart_laws.push_back(m.law);
        }
    }
    r.chart.laws = law_order(chart_laws);
    for (month_t m = first; m <= month; m = m.next()) {
        r.chart.months.push_back(m.to_string());
        std::vector<money_t> row(r.chart.laws.size());
        for (auto const &x : monthly) {
            if (x.month == m.to_string()) {
                row[rank(r.chart.laws, x.law)] += x.amount;
            }
        }
        r.chart.amounts.push_back(std::move(row));
    }

    // render, check, publish
    std::string const svg = report::chart_svg(r.chart);
    std::string const html = report::report_html(r);
    for (auto const &[text, name] : {std::pair{&svg, std::string{"chart SVG"}}, std::pair{&html, std::string{"HTML"}}}) {
        if (auto const e = report::well_formed_error(*text, name); !e.empty()) {
            throw internal_error{"run report " + r.run_ref + ": the " + name + " is not well-formed XML: " + e};
        }
    }
    auto const options = pdf_options();
    std::string const png = report::chart_png(r.chart, options);

    make_directories(out_dir.string());
    fs::path const html_path = out_dir / (r.run_ref + "-report.html");
    fs::path const pdf_path = out_dir / (r.run_ref + "-report.pdf");
    fs::path const svg_path = out_dir / (r.run_ref + "-chart.svg");
    fs::path const png_path = out_dir / (r.run_ref + "-chart.png");
    publish(svg_path, svg, "run-report-chart-svg", r);
    publish(png_path, png, "run-report-chart-png", r);
    publish(html_path, html, "run-report-html", r);
    auto const pdf = report::write_report_pdf(r, options, pdf_path.string());
    {
        manifest_t m;
        m.add("file", pdf_path.filename().string());
        m.add("format", options.pdfa ? "run-report-pdf/a-2b" : "run-report-pdf");
        m.add("run", r.run_ref);
        m.add("month", r.month);
        m.add("state", r.state);
        m.add("orders", std::to_string(r.paid.count));
        m.add("total", r.paid.amount.to_sepa());
        m.add("held", std::to_string(r.held.count));
        m.add("pages", std::to_string(pdf.pages));
        m.add("sha256", pdf.sha256);
        m.add("created", to_iso(r.generated_at));
        m.write_beside(pdf_path.string());
    }
    log_info(kv("event", "report") + " " + kv("run", r.run_ref) + " " + kv("orders", std::to_string(r.paid.count)) +
             " " + kv("pages", std::to_string(pdf.pages)));
    return {html_path, pdf_path, svg_path, png_path};
}

void report_job_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    d.add_options()("run", po::value(&m_run), "the payment run, e.g. KIEL-202612-R1")(
        "month", po::value(&m_month), "instead of --run: the month's latest payment run (YYYY-MM)")(
        "out", po::value(&m_out), "directory for the report files (default: <out-dir>/reports)");
    p.add("run", 1);
}

void report_job_t::setup(po::variables_map const &)
{
    if (m_run.empty() == m_month.empty()) {
        throw usage_error{"report needs either --run RUN or --month YYYY-MM"};
    }
    if (!m_month.empty()) {
        month_t::parse(m_month);
    }
}

exit_code_t report_job_t::run(job_context_t &ctx)
{
    std::string const run = m_run.empty() ? latest_run_of_month(ctx, m_month) : m_run;
    fs::path const dir = m_out.empty() ? fs::path{ctx.options().out_dir} / "reports" : fs::path{m_out};
    auto const files = write_run_report(ctx, run, dir);
    auto &o = ctx.out();
    o << "run report " << run << " written to " << dir.string() << "/\n";
    for (auto const &f : files) {
        o << "  " << f.filename().string() << "\n";
    }
    return exit_code_t::ok;
}

} // namespace sozbatch::jobs
