// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/pension151_jobs.hpp"

#include "formats/exchange/pension151.hpp"
#include "lib/config/options.hpp"
#include "lib/core/atomic_file.hpp"
#include "lib/core/identifiers.hpp"
#include "lib/core/log.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/exchange_store.hpp"
#include "lib/exchange/exchange_config.hpp"
#include "lib/exchange/selection.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <ostream>

namespace sozbatch::jobs {

namespace {

std::string padded(long long n, int width)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%0*lld", width, n);
    return buf;
}

} // namespace

// --- export ---------------------------------------------------------------------------------

void pension151_export_job_t::add_options(po::options_description &d, po::positional_options_description &)
{
    d.add_options()("key-date", po::value(&m_key_date), "Stichtag of the query YYYY-MM-DD (default: today)")(
        "resend", po::bool_switch(&m_resend), "ask again for a key date asked before (with --reason)")(
        "reason", po::value(&m_reason), "why the query is sent again (recorded)");
}

void pension151_export_job_t::setup(po::variables_map const &)
{
    if (!m_key_date.empty()) {
        parse_date(m_key_date);
    }
    if (m_resend && m_reason.empty()) {
        throw usage_error{"pension151 export --resend needs --reason TEXT (it is recorded)"};
    }
}

exit_code_t pension151_export_job_t::run(job_context_t &ctx)
{
    auto const cfg = exchange::exchange_config_t::from_settings(config::extra_settings());
    date_t const key = m_key_date.empty() ? ctx.clock().today() : parse_date(m_key_date);
    long long const tenant = ctx.tenant_id();
    auto &db = ctx.db();
    db::exchange_store_t store{db};
    db::case_store_t cases{db};
    auto const before = store.runs(tenant, "pension151", to_iso(key));
    if (!before.empty() && !m_resend) {
        throw usage_error{"the pension query for key date " + to_iso(key) + " was sent on " + before.back().sent_at +
                          " (" + before.back().file_name + "); send it again only with --resend --reason TEXT"};
    }
    db::case_filter_t filter;
    ctx.restrict_to_visible(filter);
    auto const sel = exchange::select_pension151(cases, tenant, filter, key);

    long long const file_number = store.next_file_number(tenant, "pension151");
    exchange::pension151_request_t request;
    request.office_id = cfg.office_id;
    request.office_name = cfg.office_name;
    request.receiver_id = cfg.pension_receiver_id;
    request.created = ctx.clock().today();
    request.key_date = key;
    request.file_number = file_number;
    std::map<std::string, exchange::pension151_candidate_t const *> by_reference;
    long long serial = 0, by_income = 0, by_age = 0;
    for (auto const &c : sel) {
        std::string const reference = "R" + to_iso(key).substr(0, 4) + "-" + padded(file_number, 6) + "/" +
                                      padded(++serial, 5);
        by_reference[reference] = &c;
        if (c.person.vsnr.empty()) {
            ctx.case_failed(c.file_ref, "person " + c.person.ext_id + " (" + reference +
                                            "): VSNR: missing (the § 151 query needs the Versicherungsnummer)");
            continue;
        }
        if (auto const why = vsnr_t::check(c.person.vsnr); !why.empty()) {
            ctx.case_failed(c.file_ref, "person " + c.person.ext_id + " (" + reference + "): VSNR: " + why);
            continue;
        }
        if (!c.person.birth_date) {
            ctx.case_failed(c.file_ref, "person " + c.person.ext_id + " (" + reference + "): birth date missing");
            continue;
        }
        exchange::pension151_person_t p;
        p.reference = reference;
        p.vsnr = c.person.vsnr;
        p.family_name = c.person.family_name;
        p.first_name = c.person.first_names.substr(0, c.person.first_names.find(' '));
        if (c.person.birth_name != c.person.family_name) {
            p.birth_name = c.person.birth_name;
        }
        p.birth_date = *c.person.birth_date;
        request.persons.push_back(std::move(p));
    }
    auto const built = exchange::build_pension151_query(request, true);
    for (auto const &r : built.rejected) {
        auto const *c = by_reference.at(r.reference);
        ctx.case_failed(c->file_ref, "person " + c->person.ext_id + " (" + r.reference + "): " + r.field + ": " + r.reason);
    }
    std::vector<db::exchange_person_t> persons;
    for (auto const &p : request.persons) {
        if (std::any_of(built.rejected.begin(), built.rejected.end(), [&](auto const &r) { return r.reference == p.reference; })) {
            continue;
        }
        auto const &c = *by_reference.at(p.reference);
        (c.reason == "pension-income" ? by_income : by_age)++;
        db::exchange_person_t x;
        x.reference = p.reference;
        x.person_ext_id = c.person.ext_id;
        x.case_id = c.case_id;
        x.file_ref = c.file_ref;
        x.work_group = c.work_group;
        x.law = c.law;
        x.benefit_from = to_iso(key);
        x.benefit_to = to_iso(key);
        persons.push_back(std::move(x));
    }
    std::string const dir = ctx.options().out_dir + "/exchange";
    make_directories(dir);
    std::string const name = "RTANF-" + to_iso(key) + "-" + padded(file_number, 6) + ".txt";
    db::exchange_run_t run;
    run.procedure = "pension151";
    run.period_label = to_iso(key);
    run.period_from = to_iso(key);
    run.period_to = to_iso(key);
    run.file_number = file_number;
    run.file_name = name;
    run.sha256 = sha256_hex(built.content);
    run.persons = static_cast<long long>(built.records);
    run.rejected = static_cast<long long>(sel.size()) - run.persons;
    run.sent_at = ctx.now_iso();
    run.sent_by = ctx.operator_login();
    run.resend_reason = m_resend ? m_reason : "";
    store.create_run(tenant, run, persons, [&] {
        auto const written = exchange::write_pension151_query(dir + "/" + name, request, true);
        if (written.sha256 != run.sha256) {
            throw internal_error{"query file " + name + " differs from the one recorded"};
        }
    });
    log_info(kv("event", "pension151-export") + " " + kv("key-date", to_iso(key)) + " " +
             kv("persons", std::to_string(run.persons)) + " " + kv("rejected", std::to_string(run.rejected)));
    auto &o = ctx.out();
    o << "§ 151 pension query (provisional layout), key date " << to_iso(key) << ", file " << padded(file_number, 6)
      << ": " << name << "\n";
    o << "  persons asked: " << run.persons << " (pension income recorded: " << by_income
      << ", pension age without pension data: " << by_age << "), rejected: " << run.rejected << "\n";
    return ctx.result();
}

// --- import ---------------------------------------------------------------------------------

void pension151_import_job_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    d.add_options()("file", po::value(&m_file), "the answer file of the pension query")(
        "accept-valid", po::bool_switch(&m_accept_valid), "take the valid records of a partly bad file");
    p.add("file", 1);
}

void pension151_import_job_t::setup(po::variables_map const &)
{
    if (m_file.empty()) {
        throw usage_error{"pension151 import needs the answer FILE"};
    }
}

exit_code_t pension151_import_job_t::run(job_context_t &ctx)
{
    auto const cfg = exchange::exchange_config_t::from_settings(config::extra_settings());
    long long const tenant = ctx.tenant_id();
    auto &db = ctx.db();
    db::exchange_store_t store{db};
    db::case_store_t cases{db};
    auto &o = ctx.out();
    std::string const name = std::filesystem::path{m_file}.filename().string();
    auto const bytes = exchange::read_exchange_bytes(m_file);
    auto const sha = sha256_hex(bytes);
    if (store.answer_known(tenant, "pension151", sha)) {
        o << "answer file " << name << " was imported before (sha256 " << sha.substr(0, 16) << "…); nothing changed\n";
        return exit_code_t::ok;
    }
    db::person_lookup_t lookup{store, tenant, "pension151"};
    exchange::pension151_read_options_t opts;
    opts.office_id = cfg.office_id;
    opts.is_known_reference = [&](std::string const &ref) { return lookup(ref).has_value(); };
    opts.accept_valid_records = m_accept_valid;
    auto const file = exchange::parse_pension151_answer(bytes, m_file, opts);

    std::vector<db::proposal_row_t> proposals;
    std::vector<long long> answered, done;
    long long differing = 0;
    for (auto const &a : file.answers) {
        auto const &p = *lookup(a.reference);
        answered.push_back(p.id);
        if (a.payments.empty()) {
            done.push_back(p.id); // no pension known: nothing to propose, the query data is not needed any more
            continue;
        }
        auto const sc = cases.load_case(tenant, p.file_ref);
        for (auto const &pay : a.payments) {
            db::proposal_row_t x;
            x.exchange_person_id = p.id;
            x.record_no = a.record;
            x.pension_type = pay.pension_type;
            x.pension_label = pay.pension_type_label;
            x.valid_from = to_iso(pay.valid_from);
            if (pay.valid_to) {
                x.valid_to = to_iso(*pay.valid_to);
            }
            x.monthly = pay.monthly_amount;
            if (sc) {
                x.recorded = exchange::recorded_pension(sc->data, p.person_ext_id, pay.valid_from);
            }
            x.differs = !x.recorded || *x.recorded != x.monthly;
            differing += x.differs ? 1 : 0;
            x.change_reason = pay.change_reason_label.empty() ? pay.change_reason : pay.change_reason_label;
            x.payees = static_cast<long long>(a.payees.size());
            proposals.push_back(std::move(x));
        }
    }
    db::answer_file_t af;
    af.procedure = "pension151";
    af.file_name = name;
    af.sha256 = sha;
    af.sender = file.sender;
    af.file_number = file.file_number;
    af.records = static_cast<long long>(file.answers.size());
    af.rejected = static_cast<long long>(file.rejected.size());
    af.imported_at = ctx.now_iso();
    af.imported_by = ctx.operator_login();
    store.store_pension151_answer(tenant, af, proposals, answered, done);
    log_info(kv("event", "pension151-import") + " " + kv("file", name) + " " +
             kv("records", std::to_string(af.records)) + " " + kv("proposals", std::to_string(proposals.size())));
    o << "pension answer " << name << ": " << file.answers.size() << " record(s), income proposals: "
      << proposals.size() << " (differing from the recorded income: " << differing << ")\n";
    o << "  proposals change nothing until a caseworker accepts them (pension151 proposals / decide)\n";
    for (auto const &r : file.rejected) {
        ctx.case_failed(r.where.record.empty() ? name : r.where.record, r.message());
    }
    return ctx.result();
}

// --- proposals / decide ---------------------------------------------------------------------

void pension151_proposals_job_t::add_options(po::options_description &d, po::positional_options_description &)
{
    d.add_options()("state", po::value(&m_state), "only proposals in this state: open, accepted, rejected");
}

void pension151_proposals_job_t::setup(po::variables_map const &)
{
    if (!m_state.empty() && m_state != "open" && m_state != "accepted" && m_state != "rejected") {
        throw usage_error{"unknown proposal state '" + m_state + "' (open, accepted, rejected)"};
    }
}

exit_code_t pension151_proposals_job_t::run(job_context_t &ctx)
{
    long long const tenant = ctx.tenant_id();
    db::exchange_store_t store{ctx.db()};
    auto const list = store.proposals(tenant, ctx.visible_work_groups(),
                                      m_state.empty() ? std::nullopt : std::optional<std::string>{m_state});
    auto &o = ctx.out();
    o << "§ 151 income proposals" << (m_state.empty() ? "" : " (" + m_state + ")") << ": " << list.size() << "\n";
    for (auto const &x : list) {
        o << "  #" << x.id << "  " << x.state << "  " << x.work_group << "  " << x.file_ref << "  " << x.person_ext_id
          << "  " << x.pension_type << " " << x.pension_label << "  from " << x.valid_from
          << (x.valid_to ? " to " + *x.valid_to : std::string{}) << "  " << x.monthly.to_german() << " monthly"
          << "  recorded " << (x.recorded ? x.recorded->to_german() : std::string{"none"})
          << (x.differs ? "  DIFFERS" : "") << (x.change_reason.empty() ? "" : "  (" + x.change_reason + ")");
        if (!x.decided_by.empty()) {
            o << "  decided by " << x.decided_by << (x.note.empty() ? "" : ": " + x.note);
        }
        o << "\n";
    }
    return exit_code_t::ok;
}

void pension151_decide_job_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    d.add_options()("proposal", po::value(&m_id), "the proposal number")(
        "state", po::value(&m_state), "accepted or rejected")("note", po::value(&m_note), "the caseworker's note");
    p.add("proposal", 1);
}

void pension151_decide_job_t::setup(po::variables_map const &)
{
    if (m_id <= 0 || (m_state != "accepted" && m_state != "rejected")) {
        throw usage_error{"pension151 decide needs the PROPOSAL number and --state accepted|rejected"};
    }
}

exit_code_t pension151_decide_job_t::run(job_context_t &ctx)
{
    long long const tenant = ctx.tenant_id();
    db::exchange_store_t store{ctx.db()};
    auto const x = store.proposal(tenant, m_id);
    if (!x || !ctx.may_see_work_group(x->work_group)) {
        throw usage_error{"no proposal #" + std::to_string(m_id) + " in your work groups"};
    }
    if (x->state != "open") {
        throw usage_error{"proposal #" + std::to_string(m_id) + " was already " + x->state};
    }
    store.decide_proposal(tenant, x->id, m_state, m_note, ctx.operator_login(), ctx.now_iso());
    ctx.out() << "proposal #" << x->id << " (" << x->file_ref << "): " << m_state
              << "; the income itself changes through the case system's next import (approved data is never changed here)\n";
    return exit_code_t::ok;
}

} // namespace sozbatch::jobs
