// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/import_job.hpp"

#include "formats/case_import/reader.hpp"
#include "lib/core/log.hpp"
#include "lib/core/progress.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/case_store.hpp"

#include <map>
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
    struct loaded_t
    {
        std::string path;
        std::string sha256;
        domain::case_bundle_t bundle;
    };
    std::vector<loaded_t> loaded;
    progress_t bar{"files checked", m_files.size()}; // on a terminal only; reading and validating is the long part
    for (auto const &f : m_files) {
        loaded.push_back(loaded_t{f, sha256_file(f), formats::read_case_import(f)});
        bar.step();
        if (!ctx.options().tenant.empty() && loaded.back().bundle.tenant != ctx.options().tenant) {
            throw usage_error{f + " is for tenant '" + loaded.back().bundle.tenant + "', not '" + ctx.options().tenant + "'"};
        }
    }
    bar.finish();
    for (auto const &l : loaded) { // an operator imports only cases of their work groups (docs/security.md)
        for (auto const &c : l.bundle.cases) {
            if (!ctx.may_see_work_group(c.work_group)) {
                throw access_error{l.path + ": case " + c.file_ref + " is in work group " + c.work_group +
                                   ", which is not one of operator " + ctx.operator_login() + "'s work groups"};
            }
        }
    }
    db::case_store_t store{ctx.db()};
    for (auto const &l : loaded) {
        auto const s = store.import_bundle(l.bundle, l.path, l.sha256, ctx.operator_login(), ctx.now_iso());
        log_info(kv("event", "import") + " " + kv("file", l.path) + " " + kv("sha256", l.sha256) + " " +
                 kv("written", std::to_string(s.records_written())));
        ctx.out() << "file " << l.path << " (tenant " << l.bundle.tenant << ", sha256 " << l.sha256.substr(0, 16)
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
        for (auto const &c : l.bundle.cases) {
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
