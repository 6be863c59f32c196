// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/params_jobs.hpp"

#include "jobs/params_source.hpp"
#include "lib/calc/month_params.hpp"

#include "lib/core/text.hpp"

#include <ostream>

namespace sozbatch::jobs {

namespace {


std::string validity(params::entry_t const &e) { return to_iso(e.from) + ".." + (e.to ? to_iso(*e.to) : ""); }

} // namespace

void params_show_job_t::add_options(po::options_description &d, po::positional_options_description &)
{
    d.add_options()("date", po::value(&m_date), "show the values in force on this day (YYYY-MM-DD, default: today)");
    add_params_options(d, m_overlay, m_dir);
}

void params_show_job_t::setup(po::variables_map const &)
{
    if (!m_date.empty()) {
        parse_date(m_date);
    }
}

exit_code_t params_show_job_t::run(job_context_t &ctx)
{
    date_t const day = m_date.empty() ? ctx.clock().today() : parse_date(m_date);
    auto const set = load_params(m_overlay, m_dir);
    auto &o = ctx.out();
    o << "parameters in force on " << to_iso(day) << " (federal + " << set.overlay_name() << ")\n";
    o << pad("KEY", 30) << pad("VALUE", 14) << pad("UNIT", 7) << pad("VALID", 24) << pad("STATUS", 11) << "NORM\n";
    for (auto const *e : set.list_in_force(day)) {
        o << pad(e->key, 30) << pad(e->value_text(), 14) << pad(std::string{params::unit_code(e->unit)}, 7)
          << pad(validity(*e), 24) << pad(std::string{params::status_code(e->status)}, 11) << e->norm << "\n";
    }
    return exit_code_t::ok;
}

void params_check_job_t::add_options(po::options_description &d, po::positional_options_description &)
{
    d.add_options()("month", po::value(&m_month), "also check that every required value is in force in this month");
    add_params_options(d, m_overlay, m_dir);
}

exit_code_t params_check_job_t::run(job_context_t &ctx)
{
    auto const set = load_params(m_overlay, m_dir);
    auto &o = ctx.out();
    auto const unverified = set.list_unverified();
    o << "parameter set: federal + " << set.overlay_name() << ", " << set.entries().size() << " values\n";
    o << "unverified values (marked [U] in the sources; check before relying on them): " << unverified.size() << "\n";
    for (auto const *e : unverified) {
        o << "  " << pad(e->key, 30) << pad(e->value_text(), 14) << pad(validity(*e), 24) << e->norm;
        if (!e->note.empty()) {
            o << "  -- " << e->note;
        }
        o << "\n";
    }
    if (!m_month.empty()) {
        month_t const m = month_t::parse(m_month);
        auto const missing = calc::missing_required(set, m);
        o << "required values missing in " << m.to_string() << ": " << missing.size() << "\n";
        for (auto const &k : missing) {
            o << "  " << k << "\n";
        }
        if (!missing.empty()) {
            return exit_code_t::cases_failed;
        }
    }
    return exit_code_t::ok;
}

} // namespace sozbatch::jobs
