// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief A fixture for db tests that run the demo office through the real commands: the sample
/// configuration, a migrated and protected database with samples/demo-cases.xml imported (one
/// landlord without an account, so that rent orders are held), jobs run as operators with both
/// work groups.

#include "db_fixture.hpp"

#include "formats/case_import/reader.hpp"
#include "jobs/job.hpp"
#include "lib/config/options.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/migrations.hpp"
#include "lib/db/payment_store.hpp"
#include "lib/security/audit.hpp"
#include "lib/security/operators.hpp"
#include "lib/security/protection.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace sozbatch::testing {

inline constexpr char const *DEMO_T0 = "2026-11-20T09:00:00Z";

/// Loads the sample configuration (debtor account, letterhead) into config::extra_settings().
inline void load_sample_config()
{
    config::global_options_t opts;
    boost::program_options::variables_map vm;
    config::parse_all({"--config", SOZBATCH_SOURCE_DIR "/samples/sozbatch.conf"}, config::global_description(opts),
                      boost::program_options::options_description{}, boost::program_options::positional_options_description{}, vm, opts);
}


class demo_office_test : public db_test
{
protected:
    void SetUp() override
    {
        db_test::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        load_sample_config();
        db::migrate(db(), DEMO_T0);
        security::install_protection(db());
        security::attach_connection(db(), "setup");
        security::set_audit_context(db(), "setup", DEMO_T0);
        // the demo office; one landlord without an account, so that rent orders are held
        auto bundle = formats::read_case_import(SOZBATCH_SOURCE_DIR "/samples/demo-cases.xml");
        bool found = false;
        for (auto &p : bundle.payees) {
            if (p.name.starts_with("Hausverwaltung Probst")) {
                p.iban.clear();
                p.bic.clear();
                found = true;
            }
        }
        ASSERT_TRUE(found) << "test data: the landlord to hold is not in samples/demo-cases.xml";
        db::case_store_t cases{db()};
        cases.import_bundle(bundle, "demo-cases.xml", "sha-demo", "setup", DEMO_T0);
        m_bundle = bundle;
        m_tenant = *cases.find_tenant("kiel");
        char tmpl[] = "/tmp/sozbatch-reporttest.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        m_dir = tmpl;
    }
    void TearDown() override
    {
        if (!m_dir.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(m_dir, ec);
        }
        db_test::TearDown();
    }

    /// A job context as \p login with the given work groups (as the driver sets it up).
    std::unique_ptr<jobs::job_context_t> context(std::string const &login, std::vector<std::string> groups)
    {
        m_opts = std::make_unique<config::global_options_t>();
        m_opts->db_url = url();
        m_opts->fixed_now = DEMO_T0;
        m_opts->operator_name = login;
        m_opts->out_dir = m_dir + "/out";
        auto ctx = std::make_unique<jobs::job_context_t>(*m_opts, m_out);
        security::session_t s;
        s.authenticated = true;
        s.tenant_id = m_tenant;
        s.login = login;
        s.work_groups = std::move(groups);
        ctx->set_session(s);
        return ctx;
    }

    /// Runs the registered command \p name with \p args as \p login (both work groups).
    exit_code_t run(std::string const &name, std::vector<std::string> const &args, std::string const &login)
    {
        auto const &table = jobs::job_table();
        auto const it = std::find_if(table.begin(), table.end(), [&](auto const &j) { return j.name == name; });
        EXPECT_NE(it, table.end()) << name;
        auto job = it->make();
        boost::program_options::options_description d;
        boost::program_options::positional_options_description p;
        job->add_options(d, p);
        boost::program_options::variables_map vm;
        boost::program_options::store(boost::program_options::command_line_parser(args).options(d).positional(p).run(), vm);
        boost::program_options::notify(vm);
        job->setup(vm);
        auto ctx = context(login, {"SG-NORD", "SG-SUED"});
        return job->run(*ctx);
    }

    /// calc, pay prepare (prep), pay release (boss), pay export (prep) for \p month. \returns the run
    std::string pay_month(std::string const &month)
    {
        EXPECT_EQ(run("calc", {"--month", month}, "prep"), exit_code_t::ok);
        // exit 1: the orders to the landlord without an account are held
        EXPECT_EQ(run("pay prepare", {"--month", month}, "prep"), exit_code_t::cases_failed);
        db::payment_store_t store{db()};
        auto const r = store.last_valid_run(m_tenant, month);
        EXPECT_TRUE(r.has_value());
        EXPECT_EQ(run("pay release", {r->run_ref}, "boss"), exit_code_t::ok);
        EXPECT_EQ(run("pay export", {r->run_ref}, "prep"), exit_code_t::cases_failed);
        return r->run_ref;
    }

    /// Aktenzeichen -> work group (newest versions).
    std::map<std::string, std::string> groups_of_cases()
    {
        db::case_store_t cases{db()};
        std::map<std::string, std::string> m;
        for (auto const &c : cases.list_cases(m_tenant, {})) {
            m[c.file_ref] = c.work_group;
        }
        return m;
    }

    /// A new version of 50.1-0001 with a higher widow's pension: its December payment changes.
    void raise_pension()
    {
        auto b = m_bundle;
        bool found = false;
        for (auto &c : b.cases) {
            for (auto &i : c.incomes) {
                if (c.file_ref == "50.1-0001" && i.kind == "widow-pension") {
                    i.gross += money_t::euros(40);
                    found = true;
                }
            }
        }
        ASSERT_TRUE(found) << "test data: 50.1-0001 has no widow's pension";
        db::case_store_t cases{db()};
        cases.import_bundle(b, "demo-cases-2.xml", "sha-demo-2", "setup", DEMO_T0);
    }

    domain::case_bundle_t m_bundle;
    long long m_tenant = 0;
    std::string m_dir;
    std::ostringstream m_out;
    std::unique_ptr<config::global_options_t> m_opts;
};

} // namespace sozbatch::testing
