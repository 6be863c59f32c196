// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/import_job.hpp"

#include "formats/case_import/reader.hpp"
#include "lib/core/log.hpp"
#include "lib/core/progress.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/case_store.hpp"

#include <map>
#include <optional>
#include <ostream>

namespace sozbatch::jobs {

void import_job_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    d.add_options()("file", po::value(&m_files)->multitoken(), "case-import XML file(s)");
    p.add("file", -1);
}

void import_job_t::setup(po::variables_map const &)
{
    if (m_files.empty()) {
        throw usage_error{"import needs at least one FILE.xml"};
    }
}

exit_code_t import_job_t::run(job_context_t &ctx)
{
    // Memory holds one file at a time, whatever the number of files (docs/scaling.md, "Import"):
    // the first pass reads and checks every file and keeps only its SHA-256 (the records too when
    // there is only one file); the second reads each file again, makes sure it is the same file,
    // and stores it. So nothing is written unless every file is valid.
    struct checked_t
    {
        std::string path;
        std::string sha256;
    };
    std::vector<checked_t> checked;
    std::optional<domain::case_bundle_t> first;
    auto read = [&](std::string const &path, std::string &sha256) {
        std::string const bytes = formats::read_case_import_bytes(path);
        sha256 = sha256_hex(bytes);
        domain::case_bundle_t bundle = formats::read_case_import_string(bytes, path);
        if (!ctx.options().tenant.empty() && bundle.tenant != ctx.options().tenant) {
            throw usage_error{path + " is for tenant '" + bundle.tenant + "', not '" + ctx.options().tenant + "'"};
        }
        for (auto const &c : bundle.cases) { // an operator imports only cases of their work groups (docs/security.md)
            if (!ctx.may_see_work_group(c.work_group)) {
                throw access_error{path + ": case " + c.file_ref + " is in work group " + c.work_group +
                                   ", which is not one of operator " + ctx.operator_login() + "'s work groups"};
            }
        }
        return bundle;
    };
    progress_t bar{"files checked", m_files.size()}; // on a terminal only; reading and validating is the long part
    for (auto const &f : m_files) {
        checked_t c{f, {}};
        auto bundle = read(f, c.sha256);
        if (m_files.size() == 1) {
            first = std::move(bundle);
        }
        checked.push_back(std::move(c));
        bar.step();
    }
    bar.finish();
    db::case_store_t store{ctx.db()};
    for (std::size_t i = 0; i < checked.size(); ++i) {
        checked_t const &l = checked[i];
        std::optional<domain::case_bundle_t> again; // this file's records, gone after this round
        if (first) {
            again = std::move(first);
            first.reset();
        } else {
            std::string sha256;
            again = read(l.path, sha256);
            if (sha256 != l.sha256) {
                throw input_error{{l.path, 0, "", ""}, "the file changed while it was being imported (SHA-256 " +
                                                           l.sha256.substr(0, 16) + "... when checked, " +
                                                           sha256.substr(0, 16) + "... now); import it again"};
            }
        }
        domain::case_bundle_t const &bundle = *again;
        auto const s = store.import_bundle(bundle, l.path, l.sha256, ctx.operator_login(), ctx.now_iso());
        log_info(kv("event", "import") + " " + kv("file", l.path) + " " + kv("sha256", l.sha256) + " " +
                 kv("written", std::to_string(s.records_written())));
        ctx.out() << "file " << l.path << " (tenant " << bundle.tenant << ", sha256 " << l.sha256.substr(0, 16)
                  << "...)\n";
        if (s.already_imported) {
            ctx.out() << "  already imported before: nothing changed\n";
            continue;
        }
        ctx.out() << "  persons: " << s.persons_new << " new, " << s.persons_changed << " changed, " << s.persons_same
                  << " unchanged\n"
                  << "  payees:  " << s.payees_new << " new, " << s.payees_changed << " changed, " << s.payees_same
                  << " unchanged\n"
                  << "  cases:   " << s.cases_new << " new, " << s.cases_changed << " changed, " << s.cases_same
                  << " unchanged\n";
        std::map<std::string, int> by_law;
        for (auto const &c : bundle.cases) {
            ++by_law[std::string{domain::law_code(c.law)}];
        }
        ctx.out() << "  cases by law:";
        for (auto const &[law, n] : by_law) {
            ctx.out() << " " << law << "=" << n;
        }
        ctx.out() << "\n";
    }
    return exit_code_t::ok;
}

} // namespace sozbatch::jobs
