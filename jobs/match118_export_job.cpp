// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/match118_export_job.hpp"

#include "formats/exchange/match118.hpp"
#include "lib/config/options.hpp"
#include "lib/core/atomic_file.hpp"
#include "lib/core/identifiers.hpp"
#include "lib/core/log.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/exchange_store.hpp"
#include "lib/exchange/exchange_config.hpp"
#include "lib/exchange/selection.hpp"

#include <cstdio>
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

exchange::sex_t to_exchange(domain::sex_t s)
{
    switch (s) {
    case domain::sex_t::male: return exchange::sex_t::male;
    case domain::sex_t::female: return exchange::sex_t::female;
    case domain::sex_t::diverse: return exchange::sex_t::diverse;
    case domain::sex_t::unknown: return exchange::sex_t::unknown;
    }
    return exchange::sex_t::unknown;
}

/// The request record of a selected person (§ 118 Abs. 1 Satz 2 SGB XII data only).
exchange::match118_person_t to_request(exchange::match118_candidate_t const &c, std::string const &reference)
{
    auto const &p = c.person;
    exchange::match118_person_t r;
    r.reference = reference;
    r.family_name = p.family_name;
    auto const blank = p.first_names.find(' ');
    r.first_name = p.first_names.substr(0, blank); // Rufname: the first given name
    if (p.birth_name != p.family_name) {
        r.birth_name = p.birth_name;
    }
    r.birth_date = *p.birth_date;
    r.birth_place = p.birth_place;
    r.sex = to_exchange(p.sex);
    r.nationality = p.nationality;
    if (!p.address.postcode.empty()) {
        r.address = exchange::postal_address_t{p.address.postcode, p.address.city, p.address.street, p.address.house_no};
    }
    if (!p.vsnr.empty()) {
        r.vsnr = p.vsnr;
    }
    r.benefit_period = c.benefit_period;
    return r;
}

} // namespace

void match118_export_job_t::add_options(po::options_description &d, po::positional_options_description &)
{
    d.add_options()("quarter", po::value(&m_quarter), "the Abgleichszeitraum YYYYQn, e.g. 2026Q3 (required)")(
        "resend", po::bool_switch(&m_resend), "send a quarter again that was sent before (with --reason)")(
        "reason", po::value(&m_reason), "why the quarter is sent again (recorded in the registry)");
}

void match118_export_job_t::setup(po::variables_map const &)
{
    if (m_quarter.empty()) {
        throw usage_error{"match118 export needs --quarter YYYYQn"};
    }
    exchange::quarter_t::parse(m_quarter);
    if (m_resend && m_reason.empty()) {
        throw usage_error{"match118 export --resend needs --reason TEXT (it is recorded in the registry)"};
    }
}

exit_code_t match118_export_job_t::run(job_context_t &ctx)
{
    auto const quarter = exchange::quarter_t::parse(m_quarter);
    auto const cfg = exchange::exchange_config_t::from_settings(config::extra_settings());
    long long const tenant = ctx.tenant_id();
    auto &db = ctx.db();
    db::exchange_store_t store{db};
    db::case_store_t cases{db};

    auto const before = store.runs(tenant, "match118", quarter.to_string());
    if (!before.empty() && !m_resend) {
        auto const &last = before.back();
        throw usage_error{"quarter " + quarter.to_string() + " was sent on " + last.sent_at + " (file " +
                          padded(last.file_number, 6) + ", " + last.file_name +
                          "); send it again only with --resend --reason TEXT"};
    }

    db::case_filter_t filter;
    ctx.restrict_to_visible(filter);
    auto const sel = exchange::select_match118(cases, tenant, filter, quarter);

    long long const file_number = store.next_file_number(tenant, "match118");
    exchange::match118_request_t request;
    request.office_id = cfg.office_id;
    request.office_name = cfg.office_name;
    request.receiver_id = cfg.receiver_id;
    request.created = ctx.clock().today();
    request.file_number = file_number;

    std::map<std::string, exchange::match118_candidate_t const *> by_reference;
    std::vector<std::pair<std::string, exchange::match118_candidate_t const *>> local_rejects;
    long long serial = 0;
    auto &o = ctx.out();
    for (auto const &c : sel.persons) {
        std::string const reference = quarter.to_string() + "-" + padded(file_number, 6) + "/" + padded(++serial, 5);
        by_reference[reference] = &c;
        if (!c.person.birth_date) {
            ctx.case_failed(c.file_ref, "person " + c.person.ext_id + " (" + reference +
                                            "): GBDT: birth date missing (mandatory, § 118 Abs. 1 Satz 2 SGB XII)");
            continue;
        }
        if (!c.person.vsnr.empty()) {
            if (auto const why = vsnr_t::check(c.person.vsnr); !why.empty()) {
                ctx.case_failed(c.file_ref, "person " + c.person.ext_id + " (" + reference + "): VSNR: " + why);
                continue;
            }
        }
        request.persons.push_back(to_request(c, reference));
    }
    auto const built = exchange::build_match118_request(request, true);
    for (auto const &r : built.rejected) {
        auto const *c = by_reference.at(r.reference);
        ctx.case_failed(c->file_ref, "person " + c->person.ext_id + " (" + r.reference + "): " + r.field + ": " + r.reason);
    }
    std::vector<db::exchange_person_t> persons;
    for (auto const &p : request.persons) {
        bool const rejected = std::any_of(built.rejected.begin(), built.rejected.end(),
                                          [&](auto const &r) { return r.reference == p.reference; });
        if (rejected) {
            continue;
        }
        auto const &c = *by_reference.at(p.reference);
        db::exchange_person_t x;
        x.reference = p.reference;
        x.person_ext_id = c.person.ext_id;
        x.case_id = c.case_id;
        x.file_ref = c.file_ref;
        x.work_group = c.work_group;
        x.law = c.law;
        x.benefit_from = to_iso(c.benefit_period.from());
        if (c.benefit_period.to()) {
            x.benefit_to = to_iso(*c.benefit_period.to());
        }
        persons.push_back(std::move(x));
    }

    std::string const dir = ctx.options().out_dir + "/exchange";
    make_directories(dir);
    std::string const name = "SOZHIANF-" + quarter.to_string() + "-" + padded(file_number, 6) + ".txt";
    db::exchange_run_t run;
    run.procedure = "match118";
    run.period_label = quarter.to_string();
    run.period_from = to_iso(quarter.period().from());
    run.period_to = to_iso(*quarter.period().to());
    run.file_number = file_number;
    run.file_name = name;
    run.sha256 = sha256_hex(built.content);
    run.persons = static_cast<long long>(built.records);
    run.rejected = static_cast<long long>(sel.persons.size()) - run.persons;
    run.full_cohort = sel.full_cohort;
    run.sent_at = ctx.now_iso();
    run.sent_by = ctx.operator_login();
    run.resend_reason = m_resend ? m_reason : "";
    store.create_run(tenant, run, persons, [&] {
        auto const written = exchange::write_match118_request(dir + "/" + name, request, true);
        if (written.sha256 != run.sha256) {
            throw internal_error{"request file " + name + " differs from the one recorded"};
        }
    });
    log_info(kv("event", "match118-export") + " " + kv("quarter", quarter.to_string()) + " " +
             kv("file", std::to_string(file_number)) + " " + kv("persons", std::to_string(run.persons)) + " " +
             kv("rejected", std::to_string(run.rejected)));

    o << "§ 118 request for " << quarter.to_string() << " (" << to_iso(quarter.period().from()) << " to "
      << to_iso(*quarter.period().to()) << "), file " << padded(file_number, 6) << ": " << name << "\n";
    if (m_resend) {
        o << "  resend: " << m_reason << " (earlier file(s):";
        for (auto const &b : before) {
            o << " " << padded(b.file_number, 6);
        }
        o << ")\n";
    }
    o << "  persons sent: " << run.persons << ", rejected: " << run.rejected << "\n";
    o << "  new or renewed recipients in the quarter: " << sel.new_or_renewed << "\n";
    if (sel.full_cohort) {
        o << "  BZSt cohort: everyone with benefits in " << sel.cohort_year << " (run performed in "
          << quarter.run_quarter().to_string() << "); added without benefits in the quarter: " << sel.previous_year_only
          << "\n";
    } else {
        o << "  BZSt cohort: the new or renewed recipients (run performed in " << quarter.run_quarter().to_string()
          << ")\n";
    }
    return ctx.result();
}

} // namespace sozbatch::jobs
