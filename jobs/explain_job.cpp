// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/explain_job.hpp"

#include "lib/db/case_store.hpp"
#include "lib/db/result_store.hpp"

#include "lib/core/text.hpp"

#include <ostream>

namespace sozbatch::jobs {

namespace {



std::string factor_text(db::stored_line_t const &l)
{
    if (l.factor_den == 0) {
        return "";
    }
    if (l.factor_den == 100) {
        return std::to_string(l.factor_num) + " %";
    }
    return std::to_string(l.factor_num) + "/" + std::to_string(l.factor_den);
}

} // namespace

void explain_job_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    d.add_options()("case", po::value(&m_file_ref), "Aktenzeichen of the case")(
        "month", po::value(&m_month_text), "the benefit month YYYY-MM (required)");
    p.add("case", 1);
}

void explain_job_t::setup(po::variables_map const &)
{
    if (m_file_ref.empty() || m_month_text.empty()) {
        throw usage_error{"explain needs an Aktenzeichen and --month YYYY-MM"};
    }
    month_t::parse(m_month_text);
}

exit_code_t explain_job_t::run(job_context_t &ctx)
{
    month_t const month = month_t::parse(m_month_text);
    long long const tenant = ctx.tenant_id();
    db::result_store_t results{ctx.db()};
    auto const h = results.latest(tenant, m_file_ref, month);
    if (!h) {
        throw usage_error{"no calculation result for " + m_file_ref + " in " + month.to_string() +
                          " (run: sozbatch calc --month " + month.to_string() + ")"};
    }
    if (!ctx.may_see_work_group(h->work_group)) {
        throw access_error{"case " + m_file_ref + " belongs to work group " + h->work_group +
                           ", which operator " + ctx.operator_login() + " may not see"};
    }
    auto &o = ctx.out();
    o << "Berechnungsbogen " << h->file_ref << " " << h->month << " (" << h->law << ", result version " << h->version
      << ", calculated " << h->created_at << (h->paid ? ", paid" : "") << ")\n\n";
    o << pad("PERSON", 10) << pad("LINE", 26) << pad("LEGAL BASIS", 58) << pad_left("BASIS", 12) << pad_left("FACTOR", 9)
      << pad_left("DAYS", 6) << pad_left("AMOUNT", 12) << "  PARAMETERS\n";
    for (auto const &l : results.lines(h->id)) {
        o << pad(l.person_id.empty() ? "-" : l.person_id, 10) << pad(l.kind, 26) << pad(l.legal_basis, 58)
          << pad_left(l.basis.to_german(false), 12) << pad_left(factor_text(l), 9) << pad_left(std::to_string(l.days), 6)
          << pad_left(l.amount.to_german(false), 12) << "  " << l.params;
        if (!l.note.empty()) {
            o << "  (" << l.note << ")";
        }
        o << "\n";
    }
    auto const &t = h->totals;
    o << "\n" << pad("needs (paid in money)", 34) << pad_left(t.needs.to_german(), 16) << "\n"
      << pad("needs provided in kind", 34) << pad_left(t.in_kind.to_german(), 16) << "\n"
      << pad("income counted", 34) << pad_left(t.income_counted.to_german(), 16) << "\n"
      << pad("income applied", 34) << pad_left(t.income_applied.to_german(), 16) << "\n"
      << pad("entitlement", 34) << pad_left(t.entitlement.to_german(), 16) << "\n"
      << pad("offsets (Aufrechnung)", 34) << pad_left(t.offsets.to_german(), 16) << "\n"
      << pad("payout", 34) << pad_left(t.payout.to_german(), 16) << "\n";
    auto const payouts = results.payouts(h->id);
    if (!payouts.empty()) {
        o << "\npayout split:\n";
        for (auto const &p : payouts) {
            o << "  " << pad(p.payee_id.empty() ? "(applicant)" : p.payee_id, 12)
              << pad(std::string{domain::assignment_purpose_code(p.purpose)}, 10) << pad_left(p.amount.to_german(), 16)
              << "\n";
        }
    }
    return exit_code_t::ok;
}

} // namespace sozbatch::jobs
