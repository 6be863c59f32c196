// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/cases_jobs.hpp"

#include <cstdio>
#include "lib/core/text.hpp"

#include <ostream>

namespace sozbatch::jobs {

namespace {

std::optional<std::string> as_of_option(std::string const &text)
{
    if (text.empty()) {
        return std::nullopt;
    }
    return to_iso(parse_timestamp(text));
}


std::string period_text(period_t const &p)
{
    return to_iso(p.from()) + " .. " + (p.to() ? to_iso(*p.to()) : std::string{"open"});
}

} // namespace

void cases_list_job_t::add_options(po::options_description &d, po::positional_options_description &)
{
    d.add_options()("law", po::value(&m_filter.law), "only this law (SGB12-3, SGB12-4, AsylbLG-3, AsylbLG-2, BVG-KOF)")(
        "work-group", po::value(&m_filter.work_groups)->multitoken(), "only these work groups")(
        "state", po::value(&m_filter.state), "only open or closed cases")(
        "as-of", po::value(&m_as_of), "as known at this UTC time (YYYY-MM-DDTHH:MM:SSZ)");
}

void cases_list_job_t::setup(po::variables_map const &)
{
    if (!m_filter.law.empty()) {
        domain::parse_law(m_filter.law);
    }
    if (!m_filter.state.empty() && m_filter.state != "open" && m_filter.state != "closed") {
        throw usage_error{"--state must be open or closed"};
    }
    m_filter.as_of = as_of_option(m_as_of);
}

exit_code_t cases_list_job_t::run(job_context_t &ctx)
{
    db::case_store_t store{ctx.db()};
    auto filter = m_filter;
    ctx.restrict_to_visible(filter); // only the operator's work groups (docs/security.md)
    auto const cases = store.list_cases(ctx.tenant_id(), filter);
    ctx.out() << pad("AKTENZEICHEN", 16) << pad("LAW", 11) << pad("WORK-GROUP", 12) << pad("STATE", 8)
              << pad("VERSION", 9) << pad("MEMBERS", 9) << "RECORDED\n";
    for (auto const &c : cases) {
        ctx.out() << pad(c.file_ref, 16) << pad(c.law, 11) << pad(c.work_group, 12) << pad(c.state, 8)
                  << pad(std::to_string(c.version), 9) << pad(std::to_string(c.members), 9) << c.recorded_at << "\n";
    }
    ctx.out() << cases.size() << " case(s)\n";
    return exit_code_t::ok;
}

void cases_show_job_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    d.add_options()("case", po::value(&m_file_ref), "Aktenzeichen of the case")(
        "as-of", po::value(&m_as_of), "as known at this UTC time (YYYY-MM-DDTHH:MM:SSZ)");
    p.add("case", 1);
}

void cases_show_job_t::setup(po::variables_map const &)
{
    if (m_file_ref.empty()) {
        throw usage_error{"cases show needs an Aktenzeichen"};
    }
    as_of_option(m_as_of);
}

exit_code_t cases_show_job_t::run(job_context_t &ctx)
{
    db::case_store_t store{ctx.db()};
    auto const sc = store.load_case(ctx.tenant_id(), m_file_ref, as_of_option(m_as_of));
    if (!sc) {
        // On PostgreSQL row-level security hides other groups' cases, so "unknown" and "not yours"
        // look the same; both are refused as access errors (protocolled) without telling which.
        throw access_error{"no case with Aktenzeichen '" + m_file_ref + "' among the cases operator " +
                           ctx.operator_login() + " may see"};
    }
    if (!ctx.may_see_work_group(sc->data.work_group)) {
        throw access_error{"case " + m_file_ref + " belongs to work group " + sc->data.work_group +
                           ", which is not one of operator " + ctx.operator_login() + "'s work groups"};
    }
    auto const &c = sc->data;
    auto &o = ctx.out();
    o << "Aktenzeichen: " << c.file_ref << "\n"
      << "law:          " << domain::law_code(c.law) << "\n"
      << "work group:   " << c.work_group << "\n"
      << "state:        " << (c.closed ? "closed" : "open") << "\n"
      << "established:  " << to_iso(c.established_on) << "\n";
    if (c.closed_on) {
        o << "closed on:    " << to_iso(*c.closed_on) << "\n";
    }
    o << "version:      " << sc->version << " (recorded " << sc->recorded_at << ")\n";
    o << "members:\n";
    for (auto const &m : c.members) {
        std::string name = m.person_id;
        std::string birth;
        for (auto const &p : sc->persons) {
            if (p.ext_id == m.person_id) {
                name = p.family_name + ", " + p.first_names;
                birth = p.birth_date ? to_iso(*p.birth_date) : "unknown";
            }
        }
        o << "  " << pad(m.person_id, 10) << pad(std::string{domain::member_role_code(m.role)}, 10) << pad(name, 32)
          << "born " << birth << "  " << period_text(m.validity) << "\n";
    }
    o << "approvals:\n";
    for (auto const &a : c.approvals) {
        o << "  " << pad(a.ext_id, 10) << pad(std::string{domain::approval_state_code(a.state)}, 10)
          << period_text(a.period) << "  by " << a.approved_by << "\n";
    }
    if (!c.housing.empty()) {
        o << "housing:\n";
        for (auto const &h : c.housing) {
            o << "  " << pad(std::string{domain::dwelling_code(h.dwelling)}, 24) << "Grundmiete "
              << h.basic_rent.to_german(false) << "  Nebenkosten " << h.service_charges.to_german(false) << "  Heizung "
              << h.heating.to_german(false) << "  persons " << h.persons_in_dwelling << "  " << period_text(h.validity)
              << "\n";
        }
    }
    if (!c.needs.empty()) {
        o << "needs:\n";
        for (auto const &n : c.needs) {
            o << "  " << pad(n.person_id.empty() ? "-" : n.person_id, 10) << pad(n.kind, 28)
              << pad(n.amount ? n.amount->to_german(false) : "", 12) << period_text(n.validity) << "\n";
        }
    }
    if (!c.incomes.empty()) {
        o << "incomes:\n";
        for (auto const &i : c.incomes) {
            o << "  " << pad(i.person_id, 10) << pad(i.kind, 22) << pad(i.gross.to_german(false), 12)
              << period_text(i.validity) << "\n";
        }
    }
    if (!c.assignments.empty()) {
        o << "payment assignments:\n";
        for (auto const &a : c.assignments) {
            o << "  " << pad(a.payee_id, 10) << pad(std::string{domain::assignment_purpose_code(a.purpose)}, 10)
              << pad(a.amount ? a.amount->to_german(false) : "all", 12) << period_text(a.validity) << "\n";
        }
    }
    if (!c.offsets.empty()) {
        o << "offsets:\n";
        for (auto const &f : c.offsets) {
            o << "  " << pad(f.claim_id, 10) << pad(f.monthly.to_german(false), 12) << period_text(f.validity) << "  "
              << f.legal_basis << "\n";
        }
    }
    return exit_code_t::ok;
}

} // namespace sozbatch::jobs
