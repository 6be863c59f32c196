// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/db/migrations.hpp"

#include "lib/core/embedded.hpp"
#include "lib/core/error.hpp"
#include "lib/core/sha256.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

namespace sozbatch::db {

namespace {

char const *const MIGRATIONS_PREFIX = "schemas/migrations/";

void ensure_table(database_t &db)
{
    guard(db, [&] {
        // look first: an application role (PostgreSQL) may read the table but not create in the schema
        long long n = 0;
        if (db.dialect() == dialect_t::postgresql) {
            db.sql() << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND "
                        "table_name = 'schema_migrations'",
                soci::into(n);
        } else {
            db.sql() << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
                soci::into(n);
        }
        if (n == 0) {
            db.sql() << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                        "checksum TEXT NOT NULL, applied_at TEXT NOT NULL)";
        }
    });
}

} // namespace

std::vector<migration_t> known_migrations(database_t &db)
{
    std::string const own = db.dialect() == dialect_t::postgresql ? "postgresql" : "sqlite3";
    std::map<int, migration_t> by_version;
    for (auto const &f : embedded::with_prefix(MIGRATIONS_PREFIX)) {
        std::string const file = std::filesystem::path{std::string{f.path}}.filename().string();
        if (file.size() < 6 || file.substr(file.size() - 4) != ".sql") {
            continue;
        }
        std::string stem = file.substr(0, file.size() - 4);
        auto const dot = stem.find('.');
        if (dot != std::string::npos) {
            std::string const dialect = stem.substr(dot + 1);
            if (dialect != own) {
                continue;
            }
            stem = stem.substr(0, dot);
        }
        int const version = std::stoi(stem.substr(0, 4));
        auto &m = by_version[version];
        m.version = version;
        if (m.name.empty()) {
            m.name = stem.substr(5);
        }
        m.sql += db.translate(f.contents);
        m.sql += "\n";
    }
    std::vector<migration_t> out;
    for (auto &[v, m] : by_version) {
        m.checksum = sha256_hex(m.sql);
        out.push_back(std::move(m));
    }
    return out;
}

schema_status_t schema_status(database_t &db)
{
    ensure_table(db);
    schema_status_t st;
    auto const known = known_migrations(db);
    st.latest = known.empty() ? 0 : known.back().version;
    std::map<int, std::string> applied;
    guard(db, [&] {
        soci::rowset<soci::row> rs = (db.sql().prepare << "SELECT version, checksum FROM schema_migrations ORDER BY version");
        for (auto const &r : rs) {
            applied[r.get<int>(0)] = r.get<std::string>(1);
        }
    });
    for (auto const &[v, sum] : applied) {
        st.current = std::max(st.current, v);
        auto const it = std::find_if(known.begin(), known.end(), [v = v](auto const &m) { return m.version == v; });
        if (it == known.end()) {
            st.problems.push_back("database has migration " + std::to_string(v) +
                                  " which this sozbatch does not know (the database is newer than the program)");
        } else if (it->checksum != sum) {
            st.problems.push_back("migration " + std::to_string(v) + " (" + it->name +
                                  ") was applied with different contents (checksum mismatch)");
        }
    }
    for (auto const &m : known) {
        if (!applied.contains(m.version)) {
            st.pending.push_back(m);
        }
    }
    return st;
}

std::vector<int> migrate(database_t &db, std::string const &applied_at)
{
    auto const st = schema_status(db);
    if (!st.problems.empty()) {
        throw db_error{db.context(), st.problems.front()};
    }
    std::vector<int> done;
    for (auto const &m : st.pending) {
        if (m.version < st.current) {
            throw db_error{db.context(), "migration " + std::to_string(m.version) +
                                             " is missing below the applied version " + std::to_string(st.current)};
        }
        guard(db, [&] {
            soci::transaction tr{db.sql()};
            db.exec_script(m.sql);
            db.sql() << "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (:v, :n, :c, :a)",
                soci::use(m.version), soci::use(m.name), soci::use(m.checksum), soci::use(applied_at);
            tr.commit();
        });
        done.push_back(m.version);
    }
    return done;
}

void require_current_schema(database_t &db)
{
    auto const st = schema_status(db);
    if (!st.problems.empty()) {
        throw db_error{db.context(), st.problems.front()};
    }
    if (st.current != st.latest) {
        throw db_error{db.context(), "database schema is at version " + std::to_string(st.current) +
                                         ", this sozbatch needs " + std::to_string(st.latest) +
                                         " (run: sozbatch db migrate)"};
    }
}

} // namespace sozbatch::db
