// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/notices_job.hpp"

#include "formats/notice/print_batch.hpp"
#include "jobs/notices_letter.hpp"
#include "jobs/notices_plan.hpp"
#include "jobs/notices_render.hpp"
#include "lib/core/error.hpp"
#include "lib/core/external_sort.hpp"
#include "lib/core/log.hpp"
#include "lib/core/progress.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/notice_store.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <ostream>
#include <thread>

namespace sozbatch::jobs {

namespace {

std::string two_digits(long long n)
{
    char buf[24];
    std::snprintf(buf, sizeof buf, "%02lld", n);
    return buf;
}

db::notice_record_t record_of(planned_notice_t const &p, month_t month)
{
    db::notice_record_t r;
    r.case_id = p.stored->case_id;
    r.month = month.to_string();
    r.kind = std::string{notice::notice_kind_code(p.kind)};
    r.event = std::string{notice_event_code(p.event)};
    r.event_ref = p.event_ref;
    if (p.difference) {
        r.difference_id = p.difference->id;
        r.calc_result_id = p.difference->new_result_id;
    } else if (p.current) {
        r.calc_result_id = p.current->id;
    } else if (p.previous) {
        r.calc_result_id = p.previous->id;
    }
    r.document_id = notice_document_id(p, month);
    return r;
}

/// The render threads of \p settings: as set, or one per core, at most 8 (each holds its fonts
/// and a batch of letters; the job's own thread cannot feed more).
int render_threads(notice_settings_t const &settings)
{
    if (settings.render_threads > 0) {
        return settings.render_threads;
    }
    return std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 8);
}

} // namespace

void notices_job_t::add_options(po::options_description &d, po::positional_options_description &)
{
    d.add_options()("month", po::value(&m_month_text), "the benefit month YYYY-MM (required)")(
        "force", po::bool_switch(&m_force), "produce the month's letters again (needs --reason; recorded)")(
        "reason", po::value(&m_reason), "why the letters are produced again (with --force)")(
        "batch-size", po::value(&m_batch_size), "documents per print batch (default: notices.batch-size, 500)")(
        "render-threads", po::value(&m_render_threads),
        "threads that draw the print batches (default: notices.render-threads, 0: one per core)");
}

void notices_job_t::setup(po::variables_map const &)
{
    if (m_month_text.empty()) {
        throw usage_error{"notices needs --month YYYY-MM"};
    }
    month_t::parse(m_month_text);
    if (m_force && m_reason.empty()) {
        throw usage_error{"--force needs --reason TEXT (recorded with the run)"};
    }
    if (!m_force && !m_reason.empty()) {
        throw usage_error{"--reason is only used with --force"};
    }
    if (m_batch_size < 0) {
        throw usage_error{"--batch-size must be at least 1"};
    }
    if (m_render_threads < 0) {
        throw usage_error{"--render-threads must be 0 (one per core) or more"};
    }
}

exit_code_t notices_job_t::run(job_context_t &ctx)
{
    month_t const month = month_t::parse(m_month_text);
    auto settings = notice_settings_t::from_settings(config::extra_settings());
    if (m_batch_size > 0) {
        settings.batch_size = m_batch_size;
    }
    if (m_render_threads > 0) {
        settings.render_threads = m_render_threads;
    }
    auto const templates = settings.template_dir.empty() ? notice::template_set_t::embedded_defaults()
                                                         : notice::template_set_t::from_directory(settings.template_dir);
    long long const tenant = ctx.tenant_id();
    auto &db = ctx.db();
    auto const work_groups = ctx.visible_work_groups();
    if (!month_has_results(db, tenant, month, work_groups)) {
        throw usage_error{"no calculation results for " + month.to_string() + " (run: sozbatch calc --month " +
                          month.to_string() + ")"};
    }
    db::notice_store_t store{db};

    std::string const now = ctx.now_iso();
    long long const run = store.begin_run(tenant, month, now, ctx.operator_login(), m_force, m_reason);
    long long superseded = 0;
    if (m_force) {
        superseded = store.supersede(tenant, month);
    }
    long long skipped = 0;
    long long held = 0;
    auto hold = [&](db::notice_record_t r, std::string const &file_ref, std::string const &reason) {
        r.state = "held";
        r.reason = reason;
        store.record(tenant, run, r, now);
        ctx.case_failed(file_ref, r.kind + " held: " + reason);
        ++held;
    };
    date_t const today = ctx.clock().today();

    // Pass 1, a chunk of cases at a time: which letters the month needs and their addresses (a
    // letter that cannot be addressed is held here; reading the database per letter waits for pass 2). Only the presort key of each
    // letter is kept, in an external sorter: domestic mail by postcode, foreign mail last, then
    // Aktenzeichen, kind and the planning order. Memory holds a chunk, not the month
    // (docs/scaling.md, "Bescheide").
    external_sorter_t presort{static_cast<std::size_t>(settings.presort_kib) * 1024};
    unsigned long long ordinal = 0;
    for_each_planned_chunk(db, tenant, month, settings.events, work_groups, [&](std::vector<planned_notice_t> &&plans) {
        for (auto const &p : plans) {
            if (p.already_produced && !m_force) {
                ++skipped;
                continue;
            }
            try {
                auto const address = letter_addressee(p, settings, templates, month, today);
                std::string key;
                key_field(key, address.country != "DE" ? "1" : "0");
                key_field(key, address.postcode);
                key_field(key, p.file_ref());
                key_number(key, static_cast<unsigned long long>(p.kind));
                key_number(key, ordinal++);
                key_number(key, static_cast<unsigned long long>(p.stored->case_id));
                key_field(key, p.event_ref);
                presort.add(std::move(key));
            } catch (case_error const &e) {
                hold(record_of(p, month), p.file_ref(), e.what());
            }
        }
    });
    presort.finish();

    // Pass 2, in presort order, a batch's worth of letters at a time: their cases are loaded and
    // planned again and the letters built (this thread, the database), then composed, drawn and
    // published by the render threads (a batch each, published in order) while the next window
    // is built. Each batch's documents are recorded (one transaction) as soon as it is published.
    std::vector<notice::batch_summary_t> batches;
    std::map<notice::notice_kind_t, long long> by_kind;
    long long documents = 0;
    std::string const dir = (std::filesystem::path{ctx.options().out_dir} / "notices" / month.to_string()).string();
    if (presort.size() > 0) {
        notice::batch_options_t bo;
        bo.directory = dir;
        bo.batch_prefix = month.to_string() + "-" + two_digits(store.runs_for_month(tenant, month));
        bo.max_documents = settings.batch_size;
        bo.created = ctx.clock().now();
        progress_t bar{"documents", presort.size()}; // on a terminal only
        auto handle = [&](render_event_t &&ev) {
            if (ev.type == render_event_t::type_t::failed) {
                bar.step();
                auto &item = ev.item;
                if (item.record_failure) {
                    hold(std::move(item.record), item.file_ref, item.failure);
                } else {
                    ctx.case_failed(item.file_ref, item.failure);
                }
                return;
            }
            std::vector<db::notice_record_t> records;
            records.reserve(ev.items.size());
            for (std::size_t i = 0; i < ev.items.size(); ++i) {
                auto r = std::move(ev.items[i].record);
                r.state = "produced";
                r.batch_id = ev.batch.batch_id;
                r.pages = ev.pieces[i].pages;
                r.content_sha256 = ev.pieces[i].content_sha256;
                ++by_kind[notice::parse_notice_kind(r.kind)];
                records.push_back(std::move(r));
                bar.step();
            }
            store.record_all(tenant, run, records, now);
            documents += static_cast<long long>(records.size());
        };
        render_pool_t renderer{templates, settings.render, bo, render_threads(settings)};

        struct wanted_t
        {
            std::string file_ref;
            long long case_id;
            std::string kind;
            std::string event_ref;
        };
        std::vector<wanted_t> window;
        bool rendering = true; // false: the render threads stopped on an error (finish() rethrows it)
        auto submit_window = [&] {
            std::vector<long long> ids;
            for (auto const &w : window) {
                ids.push_back(w.case_id);
            }
            std::sort(ids.begin(), ids.end());
            ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
            std::map<std::string, planned_notice_t> plans;
            for (auto &p : plan_cases(db, tenant, month, settings.events, work_groups,
                                      db::case_store_t{db}.load_cases(tenant, ids))) {
                auto key = db::notice_key(p.stored->case_id, std::string{notice::notice_kind_code(p.kind)}, p.event_ref);
                plans.emplace(std::move(key), std::move(p));
            }
            std::vector<render_item_t> items;
            items.reserve(window.size());
            for (auto const &w : window) {
                render_item_t item;
                item.file_ref = w.file_ref;
                auto const it = plans.find(db::notice_key(w.case_id, w.kind, w.event_ref));
                if (it == plans.end()) {
                    // the case changed between the passes (a calculation ran meanwhile): the
                    // letter is not recorded, so the next run decides it again
                    item.failure = w.kind + " not produced: the case changed while the notices were produced; run "
                                            "notices again";
                    item.record_failure = false;
                    items.push_back(std::move(item));
                    continue;
                }
                auto const &p = it->second;
                item.record = record_of(p, month);
                try {
                    item.letter = build_letter(p, db, settings, templates, month, today);
                } catch (case_error const &e) {
                    item.failure = e.what();
                }
                items.push_back(std::move(item));
            }
            window.clear();
            rendering = renderer.submit(std::move(items));
            render_event_t ev;
            while (renderer.poll(ev)) {
                handle(std::move(ev));
            }
        };
        // a window is as many letters as a batch holds
        auto const WINDOW = static_cast<std::size_t>(settings.batch_size);
        std::string key;
        while (rendering && presort.next(key)) {
            auto const f = key_fields(key);
            if (f.size() != 7) {
                throw internal_error{"notices: malformed presort key"};
            }
            auto const kind = notice::notice_kind_code(static_cast<notice::notice_kind_t>(std::stoull(f[3])));
            window.push_back(wanted_t{f[2], std::stoll(f[5]), std::string{kind}, f[6]});
            if (window.size() >= WINDOW) {
                submit_window();
            }
        }
        if (rendering && !window.empty()) {
            submit_window();
        }
        batches = renderer.finish(handle);
        bar.finish();
    }
    store.finish_run(run, documents, held, static_cast<long long>(batches.size()), ctx.now_iso());
    log_info(kv("event", "notices") + " " + kv("month", month.to_string()) + " " +
             kv("documents", std::to_string(documents)) + " " + kv("held", std::to_string(held)) + " " +
             kv("batches", std::to_string(batches.size())) + " " +
             kv("presort_runs", std::to_string(presort.spilled_runs())));

    auto &o = ctx.out();
    o << "notices " << month.to_string() << ": " << documents << " documents in " << batches.size()
      << (batches.size() == 1 ? " batch" : " batches") << ", " << held << " held, " << skipped
      << " already produced";
    if (m_force) {
        o << ", " << superseded << " superseded (forced: " << m_reason << ")";
    }
    o << "\n";
    for (auto const &[kind, n] : by_kind) {
        o << "  " << notice::notice_kind_code(kind) << ": " << n << "\n";
    }
    for (auto const &b : batches) {
        o << "  batch " << b.batch_id << ": " << b.documents << " documents, " << b.pages << " pages, " << b.sheets
          << " sheets\n    " << b.pdf_path << "\n    " << b.index_path << "\n";
    }
    return ctx.result();
}

} // namespace sozbatch::jobs
