// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The job interface: one class per command, registered once in jobs/registry.cpp.
///
/// `add_options` declares the command's options, `setup` only reads the parsed values (no I/O),
/// `run` does the work through the job context and returns the exit code.

#include "lib/config/options.hpp"
#include "lib/core/clock.hpp"
#include "lib/core/error.hpp"
#include "lib/db/database.hpp"
#include "lib/security/permission.hpp"

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sozbatch::db {
struct case_filter_t;
}
namespace sozbatch::security {
struct session_t;
}

namespace sozbatch::jobs {

namespace po = boost::program_options;

/// What a running job may use: options, the clock, the database, stdout, the failure list.
class job_context_t
{
public:
    job_context_t(config::global_options_t const &options, std::ostream &out);
    ~job_context_t();

    config::global_options_t const &options() const noexcept { return m_options; }
    clock_source_t const &clock() const noexcept { return *m_clock; }
    /// "now" as ISO timestamp (UTC) from the injectable clock.
    std::string now_iso() const;
    std::ostream &out() noexcept { return m_out; }

    /// The database, opened on first use. Unless \p for_migration, the schema must be current.
    db::database_t &db(bool for_migration = false);
    /// A second connection to the same database, with the same settings and database role, for a
    /// job that reads on one connection while it writes on the other (pay prepare on PostgreSQL,
    /// docs/scaling.md). Nothing done through it is part of the job's transaction on db().
    std::unique_ptr<db::database_t> open_second_connection();

    /// The tenant: --tenant, or the only one in the database. \throws usage_error
    long long tenant_id();
    std::string const &tenant_code();

    /// The operator the job runs as (set by the driver after authentication, see
    /// jobs/security_session.hpp). Before that, or for database-owner commands, not authenticated.
    security::session_t const &session() const;
    void set_session(security::session_t const &session);
    /// The authenticated operator's login (the --operator name for database-owner commands).
    std::string const &operator_login() const;
    /// Codes of the work groups whose cases the operator may see and process.
    std::vector<std::string> const &visible_work_groups() const;
    /// Restricts \p filter to the visible work groups (intersected with any work groups it already
    /// names); when nothing is left the filter matches no case. Every job that reads cases calls it.
    void restrict_to_visible(db::case_filter_t &filter) const;
    /// True when the job's operator may see cases of work group \p code.
    bool may_see_work_group(std::string const &code) const;

    /// Records a case that failed; the run goes on and exits 1.
    void case_failed(std::string const &case_ref, std::string const &reason);
    std::vector<std::pair<std::string, std::string>> const &failures() const noexcept { return m_failures; }
    /// 0 when no case failed, else 1 (failures are listed on stdout by the driver).
    exit_code_t result() const noexcept { return m_failures.empty() ? exit_code_t::ok : exit_code_t::cases_failed; }

private:
    /// A connection to the configured database with the job's settings (SQL log, audit functions).
    std::unique_ptr<db::database_t> open_connection(std::string const &context, bool must_exist) const;

    config::global_options_t const &m_options;
    std::ostream &m_out;
    std::unique_ptr<clock_source_t> m_clock;
    std::unique_ptr<db::database_t> m_db;
    std::optional<long long> m_tenant_id;
    std::string m_tenant_code;
    std::vector<std::pair<std::string, std::string>> m_failures;
    std::unique_ptr<security::session_t> m_session;
};

class job_t
{
public:
    virtual ~job_t() = default;
    /// Options of this command (besides the global ones).
    virtual void add_options(po::options_description &, po::positional_options_description &) {}
    /// Reads the parsed options; no I/O. \throws usage_error
    virtual void setup(po::variables_map const &) {}
    virtual exit_code_t run(job_context_t &ctx) = 0;
    /// False for a job that, with the options given, reads and writes no database (it then runs
    /// without an operator session, e.g. the trial calculation of a file). Called after setup.
    virtual bool uses_database() const { return true; }
};

struct job_info_t
{
    std::string name;        ///< command words, e.g. "db migrate"
    std::string synopsis;    ///< arguments, e.g. "FILE.xml..."
    std::string description; ///< one line
    std::function<std::unique_ptr<job_t>()> make;
    /// What the operator needs (docs/security.md, "Permission matrix"); checked before `run`.
    /// Defaults to admin so that a command registered without thought is not open to everyone.
    security::permission_t permission = security::permission_t::admin;
};

/// Every command, in the order `sozbatch --help` lists them.
std::vector<job_info_t> const &job_table();

} // namespace sozbatch::jobs
