// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/security_archive_jobs.hpp"

#include "formats/case_import/writer.hpp"
#include "lib/config/options.hpp"
#include "lib/core/atomic_file.hpp"
#include "lib/core/log.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/case_store.hpp"
#include "lib/security/archive.hpp"
#include "lib/security/protocol.hpp"

#include <ostream>

namespace sozbatch::jobs {

namespace {

/// Retention per law: config `retention-years.<LAW>`, else `retention-years`, else 5.
int retention_years_of(std::string const &law)
{
    auto const &extra = config::extra_settings();
    for (std::string const &key : {"retention-years." + law, std::string{"retention-years"}}) {
        if (auto const it = extra.find(key); it != extra.end()) {
            try {
                int const y = std::stoi(it->second);
                if (y >= 1 && y <= 100) {
                    return y;
                }
            } catch (std::exception const &) {
            }
            throw config_error{"configuration " + key + " = '" + it->second + "' is not a number of years (1..100)"};
        }
    }
    return 5;
}

std::string safe_name(std::string s)
{
    for (auto &c : s) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') {
            c = '_';
        }
    }
    return s;
}

} // namespace

void archive_hand_over_job_t::add_options(po::options_description &d, po::positional_options_description &)
{
    d.add_options()("date", po::value(&m_date), "date of the hand-over (YYYY-MM-DD; default: today)")(
        "closed-before", po::value(&m_closed_before), "only cases closed on or before this date (default: the hand-over date)");
}

void archive_hand_over_job_t::setup(po::variables_map const &)
{
    if (!m_date.empty()) {
        m_date = to_iso(parse_date(m_date));
    }
    if (!m_closed_before.empty()) {
        m_closed_before = to_iso(parse_date(m_closed_before));
    }
}

exit_code_t archive_hand_over_job_t::run(job_context_t &ctx)
{
    std::string const date = m_date.empty() ? to_iso(ctx.clock().today()) : m_date;
    std::string const before = m_closed_before.empty() ? date : m_closed_before;
    auto &db = ctx.db();
    auto const cases = security::hand_over_candidates(db, ctx.tenant_id(), before, ctx.visible_work_groups());
    db::guard(db, [&] {
        soci::transaction tr{db.sql()};
        for (auto const &c : cases) {
            security::record_hand_over(db, ctx.tenant_id(), c, date, ctx.now_iso(), ctx.operator_login());
        }
        tr.commit();
    });
    for (auto const &c : cases) {
        ctx.out() << c.file_ref << "\t" << c.law << "\tclosed " << c.closed_on << "\thanded over " << date << "\n";
    }
    ctx.out() << cases.size() << " case(s) handed over to the archive\n";
    log_info(kv("event", "archive_hand_over") + " " + kv("cases", std::to_string(cases.size())));
    return exit_code_t::ok;
}

void archive_purge_job_t::add_options(po::options_description &d, po::positional_options_description &)
{
    d.add_options()("order", po::value(&m_order), "reference of the archive's order (required)")(
        "dry-run", po::bool_switch(&m_dry_run), "only list the cases that would be purged");
}

void archive_purge_job_t::setup(po::variables_map const &)
{
    if (m_order.empty()) {
        throw usage_error{"archive purge needs --order REF (the archive's order)"};
    }
}

exit_code_t archive_purge_job_t::run(job_context_t &ctx)
{
    auto &db = ctx.db();
    long long const tenant = ctx.tenant_id();
    std::string const today = to_iso(ctx.clock().today());
    auto const cases = security::purge_candidates(db, tenant, today, ctx.visible_work_groups(), &retention_years_of);
    if (m_dry_run) {
        for (auto const &c : cases) {
            ctx.out() << c.file_ref << "\t" << c.law << "\tclosed " << c.closed_on << "\thanded over "
                      << c.handed_over_on << "\tretention " << c.retention_years << "y ended " << c.retention_end << "\n";
        }
        ctx.out() << cases.size() << " case(s) would be purged (dry run, nothing changed)\n";
        return exit_code_t::ok;
    }
    // 1. the case files for the public archive (Landesarchivgesetz SH), before anything is deleted
    std::string const dir = ctx.options().out_dir + "/archive/" + safe_name(m_order);
    make_directories(dir);
    db::case_store_t store{db};
    struct exported_t
    {
        security::archive_case_t c;
        std::string file;
        std::string sha256;
        std::string pseudonym;
    };
    std::vector<exported_t> exported;
    for (auto const &c : cases) {
        auto const sc = store.load_case(tenant, c.file_ref);
        if (!sc) {
            throw internal_error{"case " + c.file_ref + " vanished during the purge"};
        }
        domain::case_bundle_t b;
        b.tenant = ctx.tenant_code();
        b.tenant_name = ctx.tenant_code();
        b.source = "sozbatch archive export, order " + m_order;
        b.created = ctx.clock().now();
        b.work_groups = {sc->data.work_group};
        b.work_group_names = {{sc->data.work_group, sc->data.work_group}};
        b.persons = sc->persons;
        b.payees = sc->payees;
        b.cases = {sc->data};
        std::string const file = dir + "/" + safe_name(c.file_ref) + ".xml";
        std::string const sha = write_file_atomically(file, formats::write_case_import(b));
        manifest_t m;
        m.add("kind", "archive-export");
        m.add("order", m_order);
        m.add("case", c.file_ref);
        m.add("law", c.law);
        m.add("version", std::to_string(sc->version));
        m.add("exported-at", ctx.now_iso());
        m.add("sha256", sha);
        m.write_beside(file);
        std::string const pseudonym = "purged-" + sha256_hex(std::to_string(tenant) + "|" + std::to_string(c.case_id) +
                                                             "|" + m_order).substr(0, 16);
        exported.push_back(exported_t{c, file, sha, pseudonym});
    }
    // 2. delete and pseudonymise, one transaction per case
    long long const order_id = security::ensure_archive_order(db, tenant, m_order, ctx.now_iso(), ctx.operator_login());
    for (auto const &e : exported) {
        security::purge_result_t r;
        db::guard(db, [&] {
            soci::transaction tr{db.sql()};
            r = security::purge_case(db, e.c.case_id, e.pseudonym);
            security::record_purge(db, tenant, order_id, e.c, e.pseudonym, r, e.file, e.sha256, ctx.now_iso(),
                                   ctx.operator_login());
            tr.commit();
        });
        security::protocol_entry_t p;
        p.tenant_id = tenant;
        p.at = ctx.now_iso();
        p.event = "archive-purge";
        p.operator_name = ctx.operator_login();
        p.job = "archive purge";
        p.parameters = "--order " + m_order;
        p.detail = "case_id=" + std::to_string(e.c.case_id) + " pseudonym=" + e.pseudonym + " law=" + e.c.law +
                   " deleted=" + std::to_string(r.rows_deleted) + " pseudonymised=" + std::to_string(r.rows_pseudonymised) +
                   " audit-redacted=" + std::to_string(r.audit_redacted);
        security::append_protocol(db, p);
        log_info(kv("event", "archive_purge") + " " + kv("pseudonym", e.pseudonym) + " " +
                 kv("deleted", std::to_string(r.rows_deleted)));
        ctx.out() << e.c.file_ref << "\texported " << e.file << "\tdeleted " << r.rows_deleted << " rows, pseudonymised "
                  << r.rows_pseudonymised << ", redacted " << r.audit_redacted << " write-log entries\n";
    }
    ctx.out() << exported.size() << " case(s) purged under order " << m_order << "\n";
    return exit_code_t::ok;
}

} // namespace sozbatch::jobs
