// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/security_session.hpp"

#include "lib/core/log.hpp"
#include "lib/security/audit.hpp"
#include "lib/security/operators.hpp"
#include "lib/security/protection.hpp"
#include "lib/security/protocol.hpp"

#include <sodium.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <regex>

namespace sozbatch::jobs {

namespace {

/// The command's arguments for the protocol, with any password in a connection string masked.
std::string join(std::vector<std::string> const &args)
{
    static std::regex const secret{R"((password\s*=\s*)\S+)"};
    std::string s;
    for (auto const &a : args) {
        s += (s.empty() ? "" : " ") + std::regex_replace(a, secret, "$1***");
    }
    return s;
}

std::string read_first_line(std::string const &file)
{
    struct stat st{};
    if (::stat(file.c_str(), &st) != 0) {
        throw access_error{"password file " + file + " does not exist"};
    }
    if ((st.st_mode & S_IROTH) != 0) {
        throw access_error{"password file " + file + " is readable by others (chmod 600 it)"};
    }
    std::ifstream in{file};
    std::string line;
    if (!in || !std::getline(in, line)) {
        throw access_error{"cannot read the password file " + file};
    }
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    return line;
}

std::string prompt_tty(std::string const &prompt)
{
    std::cerr << prompt << std::flush;
    termios old{};
    bool const term = ::tcgetattr(STDIN_FILENO, &old) == 0;
    if (term) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    std::getline(std::cin, line);
    if (term) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    }
    std::cerr << "\n";
    return line;
}

void protocol(job_context_t &ctx, std::optional<long long> tenant, std::string const &event, std::string const &op,
              job_info_t const &info, std::string const &params, std::optional<int> rc, std::string const &detail)
{
    security::protocol_entry_t e;
    e.tenant_id = tenant;
    e.at = ctx.now_iso();
    e.event = event;
    e.operator_name = op;
    e.job = info.name;
    e.parameters = params;
    e.exit_code = rc;
    e.detail = detail;
    security::append_protocol(ctx.db(), e);
}

/// Database-owner commands and the bootstrap: no operator; recorded afterwards when possible.
exit_code_t run_unauthenticated(job_info_t const &info, job_t &job, job_context_t &ctx, std::string const &params)
{
    std::string const who = "(database owner) " + ctx.options().operator_name;
    auto record = [&](int rc, std::string const &detail) {
        try {
            auto &db = ctx.db(true);
            if (security::protocol_available(db)) {
                security::protocol_entry_t e;
                e.at = ctx.now_iso();
                e.event = "job-end";
                e.operator_name = ctx.session().authenticated ? ctx.session().login : who;
                e.tenant_id = ctx.session().tenant_id ? std::optional{ctx.session().tenant_id} : std::nullopt;
                e.job = info.name;
                e.parameters = params;
                e.exit_code = rc;
                e.detail = detail;
                security::append_protocol(db, e);
            }
        } catch (std::exception const &) {
            // the database may be unreachable: that is the error the user sees
        }
    };
    try {
        auto const rc = job.run(ctx);
        record(static_cast<int>(rc), "");
        return rc;
    } catch (std::exception const &e) {
        record(static_cast<int>(exit_code_t::fatal), e.what());
        throw;
    }
}

} // namespace

std::string read_password(config::global_options_t const &options, std::string const &prompt)
{
    if (!options.password_file.empty()) {
        return read_first_line(options.password_file);
    }
    if (char const *p = std::getenv("SOZBATCH_PASSWORD"); p && *p) {
        return p;
    }
    if (::isatty(STDIN_FILENO)) {
        return prompt_tty(prompt);
    }
    throw access_error{"no password: set SOZBATCH_PASSWORD, use --password-file FILE, or run on a terminal"};
}

std::string read_new_password(std::string const &file, std::string const &prompt)
{
    std::string pw;
    if (!file.empty()) {
        pw = read_first_line(file);
    } else if (char const *p = std::getenv("SOZBATCH_NEW_PASSWORD"); p && *p) {
        pw = p;
    } else if (::isatty(STDIN_FILENO)) {
        pw = prompt_tty(prompt);
        if (prompt_tty("repeat: ") != pw) {
            throw usage_error{"the passwords do not match"};
        }
    } else {
        throw usage_error{"no new password: use --new-password-file FILE, set SOZBATCH_NEW_PASSWORD, or run on a terminal"};
    }
    if (pw.size() < 8) {
        throw usage_error{"the password must have at least 8 characters"};
    }
    return pw;
}

exit_code_t run_job(job_info_t const &info, job_t &job, job_context_t &ctx, std::vector<std::string> const &args)
{
    std::string const params = join(args);
    using security::permission_t;
    if (!job.uses_database()) {
        // e.g. the trial calculation of a file: no case data of the database is read or written
        return job.run(ctx);
    }
    if (info.permission == permission_t::db_owner || info.permission == permission_t::bootstrap) {
        return run_unauthenticated(info, job, ctx, params);
    }
    auto &db = ctx.db();
    if (auto const missing = security::unprotected_tables(db); !missing.empty()) {
        throw db_error{info.name, "the write log is not installed on table " + missing.front() +
                                      " (run: sozbatch db migrate)"};
    }
    long long tenant = 0;
    try {
        tenant = ctx.tenant_id();
    } catch (usage_error const &) {
        if (ctx.options().tenant.empty()) {
            throw access_error{"no tenant and no operator yet: create the first administrator with "
                               "sozbatch operators bootstrap --login NAME --tenant CODE"};
        }
        throw;
    }
    std::string const login = ctx.options().operator_name;
    auto const res = security::authenticate(db, tenant, login, [&] {
        return read_password(ctx.options(), "password for " + login + ": ");
    });
    if (!res.session) {
        protocol(ctx, tenant, "login-failed", login, info, params, std::nullopt, res.failure);
        log_warn(kv("event", "login_failed") + " " + kv("operator", login));
        std::string reason = res.failure;
        if (reason == "unknown operator" || reason == "wrong password") {
            reason = "unknown operator or wrong password";
        }
        throw access_error{"authentication failed for operator '" + login + "': " + reason};
    }
    ctx.set_session(*res.session);
    security::set_audit_context(db, login, ctx.now_iso());
    protocol(ctx, tenant, "login-ok", login, info, params, std::nullopt, "");
    if (!security::allows(res.session->roles, info.permission)) {
        std::string roles;
        for (auto const &r : res.session->roles) {
            roles += (roles.empty() ? "" : ", ") + r;
        }
        std::string const why = "needs permission " + std::string{security::permission_name(info.permission)} +
                                " (roles: " + (roles.empty() ? "none" : roles) + ")";
        protocol(ctx, tenant, "access-denied", login, info, params, 2, why);
        throw access_error{"operator '" + login + "' may not run '" + info.name + "': " + why};
    }
    protocol(ctx, tenant, "job-start", login, info, params, std::nullopt, "");
    try {
        auto const rc = job.run(ctx);
        std::string detail;
        if (!ctx.failures().empty()) {
            detail = std::to_string(ctx.failures().size()) + " case(s) failed";
        }
        protocol(ctx, tenant, "job-end", login, info, params, static_cast<int>(rc), detail);
        return rc;
    } catch (access_error const &e) {
        protocol(ctx, tenant, "access-denied", login, info, params, 2, e.what());
        protocol(ctx, tenant, "job-end", login, info, params, 2, e.what());
        throw;
    } catch (std::exception const &e) {
        try {
            protocol(ctx, tenant, "job-end", login, info, params, 2, e.what());
        } catch (std::exception const &) {
            // a broken connection: the original error is what the user sees
        }
        throw;
    }
}

exit_code_t run_step_job(job_info_t const &info, job_t &job, job_context_t &ctx, std::vector<std::string> const &args)
{
    std::string const params = join(args);
    long long const tenant = ctx.tenant_id();
    std::string const login = ctx.operator_login();
    if (!security::allows(ctx.session().roles, info.permission)) {
        std::string const why = "needs permission " + std::string{security::permission_name(info.permission)};
        protocol(ctx, tenant, "access-denied", login, info, params, 2, why);
        throw access_error{"operator '" + login + "' may not run the step '" + info.name + "': " + why};
    }
    protocol(ctx, tenant, "job-start", login, info, params, std::nullopt, "step of run-month");
    try {
        auto const rc = job.run(ctx);
        protocol(ctx, tenant, "job-end", login, info, params, static_cast<int>(rc), "step of run-month");
        return rc;
    } catch (std::exception const &e) {
        try {
            protocol(ctx, tenant, "job-end", login, info, params, 2, e.what());
        } catch (std::exception const &) {
            // a broken connection: the original error is what the user sees
        }
        throw;
    }
}

} // namespace sozbatch::jobs
