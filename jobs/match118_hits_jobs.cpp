// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/match118_hits_jobs.hpp"

#include "lib/core/log.hpp"
#include "lib/db/exchange_store.hpp"

#include <ostream>

namespace sozbatch::jobs {

namespace {

bool valid_state(std::string const &s) { return s == "open" || s == "checked-no-effect" || s == "overpayment-claim"; }

std::string span(std::optional<std::string> const &from, std::optional<std::string> const &to)
{
    if (!from) {
        return "-";
    }
    return *from + ".." + to.value_or("");
}

} // namespace

void match118_hits_job_t::add_options(po::options_description &d, po::positional_options_description &)
{
    d.add_options()("state", po::value(&m_state), "only hits in this state: open, checked-no-effect, overpayment-claim");
}

void match118_hits_job_t::setup(po::variables_map const &)
{
    if (!m_state.empty() && !valid_state(m_state)) {
        throw usage_error{"unknown hit state '" + m_state + "' (open, checked-no-effect, overpayment-claim)"};
    }
}

exit_code_t match118_hits_job_t::run(job_context_t &ctx)
{
    long long const tenant = ctx.tenant_id();
    db::exchange_store_t store{ctx.db()};
    auto const list = store.hits(tenant, ctx.visible_work_groups(),
                                 m_state.empty() ? std::nullopt : std::optional<std::string>{m_state});
    auto &o = ctx.out();
    o << "§ 118 hits" << (m_state.empty() ? "" : " (" + m_state + ")") << " of work groups";
    for (auto const &g : ctx.visible_work_groups()) {
        o << " " << g;
    }
    o << ": " << list.size() << "\n";
    for (auto const &h : list) {
        o << "  #" << h.id << "  " << h.state << "  " << h.work_group << "  " << h.file_ref << "  " << h.reference
          << "  " << h.source << " (" << h.agency << ", block " << h.block << ")  period " << span(h.hit_from, h.hit_to)
          << "  in benefit period " << span(h.overlap_from, h.overlap_to);
        if (h.amount) {
            o << "  " << h.amount->to_german() << (h.basis == "none" ? "" : " " + h.basis);
        }
        if (!h.party.empty()) {
            o << "  " << h.party;
        }
        if (!h.detail.empty()) {
            o << "  [" << h.detail << "]";
        }
        if (!h.reviewed_by.empty()) {
            o << "  reviewed by " << h.reviewed_by << " " << h.reviewed_at << (h.note.empty() ? "" : ": " + h.note);
        }
        o << "\n";
    }
    return exit_code_t::ok;
}

void match118_review_job_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    d.add_options()("hit", po::value(&m_hit), "the hit number from `match118 hits`")(
        "state", po::value(&m_state), "checked-no-effect or overpayment-claim (or open to reopen)")(
        "note", po::value(&m_note), "the caseworker's note");
    p.add("hit", 1);
}

void match118_review_job_t::setup(po::variables_map const &)
{
    if (m_hit <= 0) {
        throw usage_error{"match118 review needs the HIT number"};
    }
    if (!valid_state(m_state)) {
        throw usage_error{"match118 review needs --state checked-no-effect|overpayment-claim|open"};
    }
}

exit_code_t match118_review_job_t::run(job_context_t &ctx)
{
    long long const tenant = ctx.tenant_id();
    db::exchange_store_t store{ctx.db()};
    auto const h = store.hit(tenant, m_hit);
    if (!h || !ctx.may_see_work_group(h->work_group)) {
        throw usage_error{"no hit #" + std::to_string(m_hit) + " in your work groups"};
    }
    store.review_hit(tenant, h->id, m_state, m_note, ctx.operator_login(), ctx.now_iso());
    log_info(kv("event", "match118-review") + " " + kv("hit", std::to_string(h->id)) + " " + kv("state", m_state));
    ctx.out() << "hit #" << h->id << " (" << h->file_ref << ", " << h->source << "): " << h->state << " -> " << m_state
              << "\n";
    return exit_code_t::ok;
}

} // namespace sozbatch::jobs
