// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/security_audit_jobs.hpp"

#include "lib/core/log.hpp"
#include "lib/security/audit.hpp"
#include "lib/security/protocol.hpp"

#include <ostream>

namespace sozbatch::jobs {

void protocol_job_t::add_options(po::options_description &d, po::positional_options_description &)
{
    d.add_options()("since", po::value(&m_since), "only entries at or after this UTC date or time (YYYY-MM-DD[THH:MM:SSZ])");
}

void protocol_job_t::setup(po::variables_map const &)
{
    if (m_since.empty()) {
        return;
    }
    if (m_since.size() == 10) {
        parse_date(m_since);
    } else {
        m_since = to_iso(parse_timestamp(m_since));
    }
}

exit_code_t protocol_job_t::run(job_context_t &ctx)
{
    auto const entries = security::read_protocol(ctx.db(), ctx.tenant_id(), m_since);
    ctx.out() << "ID\tAT\tEVENT\tOPERATOR\tDB-ROLE\tJOB\tEXIT\tPARAMETERS\tDETAIL\n";
    for (auto const &e : entries) {
        ctx.out() << e.id << "\t" << e.at << "\t" << e.event << "\t" << e.operator_name << "\t"
                  << (e.db_role.empty() ? "-" : e.db_role) << "\t" << e.job << "\t"
                  << (e.exit_code ? std::to_string(*e.exit_code) : "-") << "\t" << e.parameters << "\t" << e.detail
                  << "\n";
    }
    ctx.out() << entries.size() << " entr" << (entries.size() == 1 ? "y" : "ies") << "\n";
    return exit_code_t::ok;
}

exit_code_t audit_verify_job_t::run(job_context_t &ctx)
{
    auto const r = security::verify_chain(ctx.db());
    if (r.broken) {
        ctx.out() << "write log BROKEN at entry " << *r.broken << ": " << r.reason << "\n"
                  << "entries before it verified: " << r.entries - 1 << "\n";
        log_error(kv("event", "audit_broken") + " " + kv("entry", std::to_string(*r.broken)));
        return exit_code_t::cases_failed;
    }
    ctx.out() << "write log intact: " << r.entries << " entries verified";
    if (r.redacted) {
        ctx.out() << " (" << r.redacted << " with values redacted by an archive purge)";
    }
    ctx.out() << "\nhead: entry " << r.head_id << " hash " << (r.head_hash.empty() ? "-" : r.head_hash) << "\n";
    return exit_code_t::ok;
}

} // namespace sozbatch::jobs
