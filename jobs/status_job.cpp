// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/status_job.hpp"

#include "formats/status/status_report.hpp"
#include "lib/db/status_store.hpp"

namespace sozbatch::jobs {

void status_job_t::add_options(po::options_description &d, po::positional_options_description &)
{
    d.add_options()("json", po::bool_switch(&m_json), "machine-readable JSON (docs/formats/status-json.md)");
}

exit_code_t status_job_t::run(job_context_t &ctx)
{
    auto const st = db::read_status(ctx.db(), ctx.tenant_id(), ctx.tenant_code());
    if (m_json) {
        formats::write_status_json(ctx.out(), st);
    } else {
        formats::write_status_text(ctx.out(), st);
    }
    return exit_code_t::ok;
}

} // namespace sozbatch::jobs
