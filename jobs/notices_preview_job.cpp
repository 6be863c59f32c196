// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/notices_preview_job.hpp"

#include "formats/notice/pdf_renderer.hpp"
#include "jobs/notices_letter.hpp"
#include "jobs/notices_plan.hpp"

#include <filesystem>
#include <ostream>

namespace sozbatch::jobs {

void notices_preview_job_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    d.add_options()("case", po::value(&m_file_ref), "Aktenzeichen of the case")(
        "month", po::value(&m_month_text), "the benefit month YYYY-MM (required)")(
        "kind", po::value(&m_kind),
        "the Bescheid to show: bewilligung, aenderung, einstellung, nachzahlung, anhoerung, zahlungsmitteilung "
        "(default: the one the month needs)")("dpi", po::value(&m_dpi)->default_value(100), "resolution of the PNG");
    p.add("case", 1);
}

void notices_preview_job_t::setup(po::variables_map const &)
{
    if (m_file_ref.empty() || m_month_text.empty()) {
        throw usage_error{"notices preview needs an Aktenzeichen and --month YYYY-MM"};
    }
    month_t::parse(m_month_text);
    if (!m_kind.empty()) {
        try {
            (void)notice::parse_notice_kind(m_kind);
        } catch (validation_error const &e) {
            throw usage_error{e.what()};
        }
    }
    if (m_dpi < 36 || m_dpi > 600) {
        throw usage_error{"--dpi must be between 36 and 600"};
    }
}

exit_code_t notices_preview_job_t::run(job_context_t &ctx)
{
    month_t const month = month_t::parse(m_month_text);
    auto settings = notice_settings_t::from_settings(config::extra_settings());
    // The preview shows a letter even when the month needs none (a payment notice then).
    if (!settings.events.kind(notice_event_t::monthly_payment)) {
        settings.events.set(notice_event_t::monthly_payment, notice::notice_kind_t::zahlungsmitteilung);
    }
    auto const templates = settings.template_dir.empty() ? notice::template_set_t::embedded_defaults()
                                                         : notice::template_set_t::from_directory(settings.template_dir);
    long long const tenant = ctx.tenant_id();
    db::case_store_t cases{ctx.db()};
    auto const summary = cases.load_case(tenant, m_file_ref);
    if (!summary) {
        throw usage_error{"no case with Aktenzeichen " + m_file_ref};
    }
    if (!ctx.may_see_work_group(summary->data.work_group)) {
        throw access_error{"case " + m_file_ref + " belongs to work group " + summary->data.work_group +
                           ", which operator " + ctx.operator_login() + " may not see"};
    }
    auto plans = plan_notices(ctx.db(), tenant, month, settings.events, ctx.visible_work_groups(), m_file_ref);
    if (plans.empty()) {
        throw usage_error{"no Bescheid for " + m_file_ref + " in " + month.to_string() +
                          " (no calculation result, difference or end of benefits)"};
    }
    planned_notice_t plan = plans.front();
    if (!m_kind.empty()) {
        auto const kind = notice::parse_notice_kind(m_kind);
        auto const it = std::find_if(plans.begin(), plans.end(), [&](auto const &p) { return p.kind == kind; });
        if (it != plans.end()) {
            plan = *it;
        } else if (kind == notice::notice_kind_t::nachzahlung || kind == notice::notice_kind_t::anhoerung) {
            throw usage_error{"no " + m_kind + " for " + m_file_ref + ": the case has no such difference up to " +
                              month.to_string()};
        } else {
            auto const base = std::find_if(plans.begin(), plans.end(), [](auto const &p) { return !p.difference; });
            if (base == plans.end()) {
                throw usage_error{"no calculation result for " + m_file_ref + " in " + month.to_string()};
            }
            plan = *base;
            plan.kind = kind;
        }
    }
    auto const letter = build_letter(plan, ctx.db(), settings, templates, month, ctx.clock().today());
    notice::pdf_renderer_t const renderer{templates, settings.render};
    std::string name = m_file_ref + "-" + month.to_string() + "-" + std::string{notice::notice_kind_code(plan.kind)};
    std::replace(name.begin(), name.end(), '/', '_');
    std::filesystem::path const dir = std::filesystem::path{ctx.options().out_dir} / "notices" / "preview";
    std::filesystem::create_directories(dir);
    std::string const pdf = (dir / (name + ".pdf")).string();
    std::string const png = (dir / (name + ".png")).string();
    auto const res = notice::render_preview(renderer, letter, ctx.clock().now(), pdf, png, m_dpi);
    ctx.out() << "preview " << m_file_ref << " " << month.to_string() << " " << notice::notice_kind_code(plan.kind)
              << " (" << res.pages << (res.pages == 1 ? " page" : " pages") << ")\n"
              << "  pdf: " << pdf << "\n"
              << "  png: " << png << "\n";
    return exit_code_t::ok;
}

} // namespace sozbatch::jobs
