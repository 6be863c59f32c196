// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/db/database.hpp"

#include "lib/core/error.hpp"
#include "lib/core/log.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <libpq-fe.h>
#include <regex>
#include <unistd.h>

namespace sozbatch::db {

namespace {

std::string strip_password(std::string const &url)
{
    static std::regex const re{R"(password\s*=\s*\S+)"};
    return std::regex_replace(url, re, "password=***");
}

/// The file name inside a SQLite connect string ("db=/x.db timeout=5" or "/x.db").
std::string sqlite_file(std::string const &connect)
{
    static std::regex const re{R"((?:^|\s)(?:db|dbname)\s*=\s*(\S+))"};
    std::smatch m;
    if (std::regex_search(connect, m, re)) {
        return m[1].str();
    }
    return connect;
}

class sql_logger final : public soci::logger_impl
{
public:
    explicit sql_logger(std::string ctx) : m_ctx(std::move(ctx)) {}
    void start_query(std::string const &query) override { log_debug(kv("sql", query) + " " + kv("context", m_ctx)); }

private:
    logger_impl *do_clone() const override { return new sql_logger(m_ctx); }
    std::string m_ctx;
};

} // namespace

database_t::database_t(std::string const &url, std::string const &context, bool must_exist)
: m_dialect(dialect_t::sqlite), m_context(context), m_display_url(strip_password(url))
{
    std::string backend;
    std::string connect;
    auto const pos = url.find("://");
    if (pos == std::string::npos) {
        throw db_error{context, "connection string '" + m_display_url +
                                    "' must start with sqlite3:// or postgresql://"};
    }
    backend = url.substr(0, pos);
    connect = url.substr(pos + 3);
    try {
        if (backend == "sqlite3" || backend == "sqlite") {
            m_dialect = dialect_t::sqlite;
            std::string const file = sqlite_file(connect);
            if (file != ":memory:") {
                if (must_exist && !std::filesystem::exists(file)) {
                    throw db_error{context, "SQLite database " + file +
                                                " does not exist (create it with: sozbatch db migrate)"};
                }
                auto const parent = std::filesystem::path{file}.parent_path();
                if (!parent.empty()) {
                    std::filesystem::create_directories(parent);
                }
            }
            m_session.open(soci::sqlite3, connect.find('=') == std::string::npos ? "db=" + connect : connect);
            m_session << "PRAGMA foreign_keys = ON";
            m_session << "PRAGMA busy_timeout = 10000";
            m_session << "PRAGMA journal_mode = WAL";
            m_session << "PRAGMA synchronous = NORMAL";
        } else if (backend == "postgresql" || backend == "postgres") {
            m_dialect = dialect_t::postgresql;
            m_session.open(soci::postgresql, connect);
            m_session << "SET datestyle TO ISO";
            m_session << "SET client_min_messages TO WARNING";
            // The jobs run many mid-sized queries (a page of 1,000 cases, a batch of results) whose
            // row-level security sub-plans make PostgreSQL's cost estimate large: JIT compiled each
            // of them for about 0.3 s and gained nothing (docs/operations.md, "PostgreSQL settings").
            m_session << "SET jit TO off";
            // Values over about 2 KB (a result's documents and their write-log entries) are compressed
            // when stored; PostgreSQL's default pglz took about a tenth of the server's CPU in a month's
            // calculation, lz4 a fraction of that (docs/operations.md, "PostgreSQL settings"). The
            // session setting also reaches the job's temporary staging tables. A server built without
            // lz4 keeps pglz.
            int lz4 = 0;
            m_session << "SELECT COUNT(*) FROM pg_settings WHERE name = 'default_toast_compression' AND "
                         "'lz4' = ANY(enumvals)",
                soci::into(lz4);
            if (lz4 != 0) {
                m_session << "SET default_toast_compression TO lz4";
            }
        } else {
            throw db_error{context, "unknown database backend '" + backend + "' (sqlite3 or postgresql)"};
        }
    } catch (soci::soci_error const &e) {
        std::string msg = e.what();
        while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) {
            msg.pop_back();
        }
        auto const nl = msg.find('\n');
        if (nl != std::string::npos) {
            msg = msg.substr(0, nl);
        }
        throw db_error{context, "cannot connect to " + m_display_url + ": " + msg};
    } catch (std::filesystem::filesystem_error const &e) {
        throw db_error{context, std::string{"cannot create the database directory: "} + e.what()};
    }
}

database_t::~database_t() = default;

void database_t::set_log_sql(bool on)
{
    if (on) {
        m_session.set_logger(new sql_logger(m_context));
    }
}

std::string database_t::translate(std::string_view sql) const
{
    std::string out{sql};
    auto replace_all = [&](std::string const &from, std::string const &to) {
        for (std::size_t p = out.find(from); p != std::string::npos; p = out.find(from, p + to.size())) {
            out.replace(p, from.size(), to);
        }
    };
    bool const pg = m_dialect == dialect_t::postgresql;
    replace_all("{{pk}}", pg ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY");
    replace_all("{{date}}", pg ? "DATE" : "TEXT");
    replace_all("{{ts}}", "TEXT");
    return out;
}

void database_t::exec_script(std::string const &script)
{
    if (m_dialect == dialect_t::sqlite) {
        auto *backend = static_cast<soci::sqlite3_session_backend *>(m_session.get_backend());
        char *err = nullptr;
        if (sqlite_api::sqlite3_exec(backend->conn_, script.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
            std::string const msg = err ? err : "unknown error";
            sqlite_api::sqlite3_free(err);
            throw db_error{m_context, msg};
        }
        return;
    }
    auto *backend = static_cast<soci::postgresql_session_backend *>(m_session.get_backend());
    PGresult *res = PQexec(backend->conn_, script.c_str());
    auto const status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        std::string const msg = PQresultErrorMessage(res);
        PQclear(res);
        throw db_error{m_context, msg};
    }
    PQclear(res);
}

std::string default_url()
{
    std::string dir;
    if (char const *d = std::getenv("SOZBATCH_DATA_DIR"); d && *d) {
        dir = d;
    } else if (::geteuid() == 0) {
        dir = "/var/lib/sozbatch";
    } else if (char const *x = std::getenv("XDG_DATA_HOME"); x && *x) {
        dir = std::string{x} + "/sozbatch";
    } else if (char const *h = std::getenv("HOME"); h && *h) {
        dir = std::string{h} + "/.local/share/sozbatch";
    } else {
        dir = ".";
    }
    return "sqlite3://db=" + dir + "/sozbatch.db";
}

} // namespace sozbatch::db
