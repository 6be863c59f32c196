// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/match118_import_job.hpp"

#include "formats/exchange/match118.hpp"
#include "lib/config/options.hpp"
#include "lib/core/log.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/exchange_store.hpp"
#include "lib/exchange/exchange_config.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <set>

namespace sozbatch::jobs {

namespace {

std::optional<date_t> opt_date(std::optional<std::string> const &s)
{
    return s ? std::optional<date_t>{parse_date(*s)} : std::nullopt;
}

/// Short, non-personal description of a hit for the review list.
std::string detail_of(exchange::match118_hit_t const &h)
{
    std::string d = h.code_label.empty() ? h.code : h.code + " " + h.code_label;
    if (h.source == exchange::hit_source_t::error) {
        d = "field " + std::to_string(h.error_field) + " error " + std::to_string(h.error_number);
    }
    if (!h.reference.empty()) {
        d += (d.empty() ? "" : ", ") + std::string{"ref "} + h.reference;
    }
    if (h.year != 0) {
        d += (d.empty() ? "" : ", ") + std::string{"year "} + std::to_string(h.year);
    }
    return d;
}

} // namespace

void match118_import_job_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    d.add_options()("file", po::value(&m_file), "the answer file (SOZHIANT) from the DSRV")(
        "accept-valid", po::bool_switch(&m_accept_valid), "take the valid records of a partly bad file");
    p.add("file", 1);
}

void match118_import_job_t::setup(po::variables_map const &)
{
    if (m_file.empty()) {
        throw usage_error{"match118 import needs the answer FILE"};
    }
}

exit_code_t match118_import_job_t::run(job_context_t &ctx)
{
    auto const cfg = exchange::exchange_config_t::from_settings(config::extra_settings());
    long long const tenant = ctx.tenant_id();
    auto &db = ctx.db();
    db::exchange_store_t store{db};
    auto &o = ctx.out();
    std::string const name = std::filesystem::path{m_file}.filename().string();

    auto const bytes = exchange::read_exchange_bytes(m_file);
    auto const sha = sha256_hex(bytes);
    if (store.answer_known(tenant, "match118", sha)) {
        o << "answer file " << name << " was imported before (sha256 " << sha.substr(0, 16) << "…); nothing changed\n";
        return exit_code_t::ok;
    }

    db::person_lookup_t lookup{store, tenant, "match118"};
    exchange::match118_read_options_t opts;
    opts.office_id = cfg.office_id;
    opts.is_known_reference = [&](std::string const &ref) { return lookup(ref).has_value(); };
    opts.accept_valid_records = m_accept_valid;
    auto const file = exchange::parse_match118_answer(bytes, m_file, opts);

    std::vector<exchange::rejected_record_t> rejected = file.rejected;
    std::vector<db::hit_row_t> hits;
    std::vector<long long> answered, without_findings;
    std::set<long long> seen;
    long long persons_with_hits = 0;
    for (auto const &a : file.answers) {
        auto const &p = *lookup(a.reference);
        period_t const quarter{parse_date(p.period_from), parse_date(p.period_to)};
        if (!a.comparison_period || !(*a.comparison_period == quarter)) {
            input_location_t where{m_file, a.record, "record " + std::to_string(a.record), "AZR"};
            std::string const why = "Abgleichszeitraum " +
                                    (a.comparison_period ? a.comparison_period->to_string() : std::string{"missing"}) +
                                    " is not the quarter " + p.period_label + " of the request " + a.reference;
            if (!m_accept_valid) {
                throw input_error{where, why};
            }
            rejected.push_back(exchange::rejected_record_t{where, why});
            continue;
        }
        if (!seen.insert(p.id).second) {
            continue; // the reader guarantees unique references; defensive
        }
        period_t const benefit{parse_date(p.benefit_from), opt_date(p.benefit_to)};
        answered.push_back(p.id);
        if (a.hits.empty()) {
            without_findings.push_back(p.id);
            continue;
        }
        ++persons_with_hits;
        for (auto const &h : a.hits) {
            db::hit_row_t r;
            r.exchange_person_id = p.id;
            r.record_no = a.record;
            r.block = h.block;
            r.source = exchange::to_string(h.source);
            r.kind = h.kind;
            r.agency = h.agency;
            std::optional<period_t> span = h.period;
            if (!span && h.date) {
                span = period_t{*h.date, *h.date};
            }
            if (span) {
                r.hit_from = to_iso(span->from());
                if (span->to()) {
                    r.hit_to = to_iso(*span->to());
                }
                if (auto const ov = span->intersect(benefit)) {
                    r.overlap_from = to_iso(ov->from());
                    if (ov->to()) {
                        r.overlap_to = to_iso(*ov->to());
                    }
                }
            }
            r.amount = h.amount;
            r.basis = exchange::to_string(h.basis);
            r.party = h.party_name.empty() ? h.party_id : h.party_name;
            r.detail = detail_of(h);
            hits.push_back(std::move(r));
        }
    }

    db::answer_file_t af;
    af.procedure = "match118";
    af.file_name = name;
    af.sha256 = sha;
    af.sender = file.sender;
    af.file_number = file.file_number;
    af.records = static_cast<long long>(file.answers.size());
    af.rejected = static_cast<long long>(rejected.size());
    af.imported_at = ctx.now_iso();
    af.imported_by = ctx.operator_login();
    store.store_match118_answer(tenant, af, hits, answered, without_findings);
    log_info(kv("event", "match118-import") + " " + kv("file", name) + " " +
             kv("records", std::to_string(af.records)) + " " + kv("hits", std::to_string(hits.size())) + " " +
             kv("rejected", std::to_string(rejected.size())));
    log_info(kv("event", "match118-deleted") + " " + kv("persons", std::to_string(without_findings.size())) + " " +
             kv("basis", "§ 118 Abs. 1 Satz 3 SGB XII"));

    o << "answer file " << name << " (sender " << file.sender << ", file " << file.file_number << "): "
      << file.answers.size() - (rejected.size() - file.rejected.size()) << " record(s) taken\n";
    o << "  hits: " << hits.size() << " for " << persons_with_hits << " person(s)\n";
    o << "  persons without findings: " << without_findings.size()
      << " (request data deleted, § 118 Abs. 1 Satz 3 SGB XII; deletion logged without personal data)\n";
    for (auto const &r : rejected) {
        ctx.case_failed(r.where.record.empty() ? name : r.where.record, r.message());
    }
    return ctx.result();
}

} // namespace sozbatch::jobs
