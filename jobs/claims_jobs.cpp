// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/claims_jobs.hpp"

#include "lib/core/error.hpp"
#include "lib/core/text.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/claim_store.hpp"

#include <ostream>
#include <set>

namespace sozbatch::jobs {

void claims_list_job_t::add_options(po::options_description &d, po::positional_options_description &)
{
    d.add_options()("case", po::value(&m_case), "only the claims of this Aktenzeichen")(
        "state", po::value(&m_state), "only claims in this state: open, offsetting, settled or waived");
}

void claims_list_job_t::setup(po::variables_map const &)
{
    if (!m_state.empty() && m_state != "open" && m_state != "offsetting" && m_state != "settled" && m_state != "waived") {
        throw usage_error{"claims list --state must be open, offsetting, settled or waived, not '" + m_state + "'"};
    }
}

exit_code_t claims_list_job_t::run(job_context_t &ctx)
{
    long long const tenant = ctx.tenant_id();
    // only the cases of the operator's work groups (docs/security.md); on PostgreSQL row-level
    // security hides the others' claims as well
    db::case_filter_t filter;
    ctx.restrict_to_visible(filter);
    std::set<long long> visible;
    for (auto const &c : db::case_store_t{ctx.db()}.list_cases(tenant, filter)) {
        visible.insert(c.case_id);
    }
    auto &o = ctx.out();
    o << pad("CLAIM", 22) << pad("AKTENZEICHEN", 14) << pad("MONTH", 9) << pad_left("AMOUNT", 14)
      << pad_left("OFFSET", 14) << pad_left("OPEN", 14) << "  " << pad("STATE", 12) << pad("LEGAL BASIS", 13)
      << "ANHÖRUNG (§ 24 SGB X)\n";
    long long n = 0;
    money_t open;
    for (auto const &k : db::claim_store_t{ctx.db()}.claims(tenant)) {
        if (visible.count(k.case_id) == 0 || (!m_case.empty() && k.file_ref != m_case) ||
            (!m_state.empty() && k.state != m_state)) {
            continue;
        }
        o << pad(k.claim_ref, 22) << pad(k.file_ref, 14) << pad(k.month, 9) << pad_left(k.amount.to_german(), 14)
          << pad_left(k.deducted.to_german(), 14) << pad_left(k.open().to_german(), 14) << "  " << pad(k.state, 12)
          << pad(k.legal_basis, 13) << (k.hearing_document.empty() ? "-" : k.hearing_document) << "\n";
        ++n;
        open += k.open();
    }
    o << n << " claim(s), open " << open.to_german() << "\n";
    return exit_code_t::ok;
}

} // namespace sozbatch::jobs
