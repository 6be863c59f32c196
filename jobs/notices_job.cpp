// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/notices_job.hpp"

#include "formats/notice/print_batch.hpp"
#include "jobs/notices_letter.hpp"
#include "jobs/notices_plan.hpp"
#include "lib/core/log.hpp"
#include "lib/core/progress.hpp"
#include "lib/db/notice_store.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <ostream>

namespace sozbatch::jobs {

namespace {

struct pending_t
{
    planned_notice_t plan;
    notice::letter_t letter;
};

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

} // namespace

void notices_job_t::add_options(po::options_description &d, po::positional_options_description &)
{
    d.add_options()("month", po::value(&m_month_text), "the benefit month YYYY-MM (required)")(
        "force", po::bool_switch(&m_force), "produce the month's letters again (needs --reason; recorded)")(
        "reason", po::value(&m_reason), "why the letters are produced again (with --force)")(
        "batch-size", po::value(&m_batch_size), "documents per print batch (default: notices.batch-size, 500)");
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
}

exit_code_t notices_job_t::run(job_context_t &ctx)
{
    month_t const month = month_t::parse(m_month_text);
    auto settings = notice_settings_t::from_settings(config::extra_settings());
    if (m_batch_size > 0) {
        settings.batch_size = m_batch_size;
    }
    auto const templates = settings.template_dir.empty() ? notice::template_set_t::embedded_defaults()
                                                         : notice::template_set_t::from_directory(settings.template_dir);
    long long const tenant = ctx.tenant_id();
    auto &db = ctx.db();
    db::notice_store_t store{db};
    auto plans = plan_notices(db, tenant, month, settings.events, ctx.visible_work_groups());

    std::string const now = ctx.now_iso();
    long long const run = store.begin_run(tenant, month, now, ctx.operator_login(), m_force, m_reason);
    long long superseded = 0;
    if (m_force) {
        superseded = store.supersede(tenant, month);
    }
    long long skipped = 0;
    std::vector<pending_t> pending;
    long long held = 0;
    auto hold = [&](planned_notice_t const &p, std::string const &reason) {
        auto r = record_of(p, month);
        r.state = "held";
        r.reason = reason;
        store.record(tenant, run, r, now);
        ctx.case_failed(p.file_ref(), std::string{notice::notice_kind_code(p.kind)} + " held: " + reason);
        ++held;
    };
    date_t const today = ctx.clock().today();
    for (auto &p : plans) {
        if (p.already_produced && !m_force) {
            ++skipped;
            continue;
        }
        try {
            auto letter = build_letter(p, db, settings, templates, month, today);
            pending.push_back(pending_t{std::move(p), std::move(letter)});
        } catch (case_error const &e) {
            hold(p, e.what());
        }
    }
    // Presort for the post: domestic mail by postcode, foreign mail last.
    std::stable_sort(pending.begin(), pending.end(), [](pending_t const &a, pending_t const &b) {
        auto key = [](pending_t const &x) {
            return std::tuple{x.letter.addressee.country != "DE", x.letter.addressee.postcode, x.letter.aktenzeichen,
                              x.letter.kind};
        };
        return key(a) < key(b);
    });

    std::vector<notice::batch_summary_t> batches;
    std::vector<std::pair<pending_t const *, notice::batch_piece_t>> added;
    std::map<notice::notice_kind_t, long long> by_kind;
    std::string const dir = (std::filesystem::path{ctx.options().out_dir} / "notices" / month.to_string()).string();
    if (!pending.empty()) {
        notice::pdf_renderer_t const renderer{templates, settings.render};
        notice::batch_options_t bo;
        bo.directory = dir;
        bo.batch_prefix = month.to_string() + "-" + two_digits(store.runs_for_month(tenant, month));
        bo.max_documents = settings.batch_size;
        bo.created = ctx.clock().now();
        notice::print_batch_writer_t writer{renderer, bo};
        progress_t bar{"documents", pending.size()}; // on a terminal only
        for (auto const &p : pending) {
            try {
                added.emplace_back(&p, writer.add(p.letter));
            } catch (case_error const &e) {
                hold(p.plan, e.what());
            }
            bar.step();
        }
        bar.finish();
        batches = writer.finish();
    }
    // Which batch each added document went into: the batches hold them in order.
    std::size_t next = 0;
    for (auto const &b : batches) {
        for (int i = 0; i < b.documents && next < added.size(); ++i, ++next) {
            auto const &[p, piece] = added[next];
            auto r = record_of(p->plan, month);
            r.state = "produced";
            r.batch_id = b.batch_id;
            r.pages = piece.pages;
            r.content_sha256 = piece.content_sha256;
            store.record(tenant, run, r, now);
            ++by_kind[p->plan.kind];
        }
    }
    store.finish_run(run, static_cast<long long>(added.size()), held, static_cast<long long>(batches.size()),
                     ctx.now_iso());
    log_info(kv("event", "notices") + " " + kv("month", month.to_string()) + " " +
             kv("documents", std::to_string(added.size())) + " " + kv("held", std::to_string(held)) + " " +
             kv("batches", std::to_string(batches.size())));

    auto &o = ctx.out();
    o << "notices " << month.to_string() << ": " << added.size() << " documents in " << batches.size()
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
