// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/db/run_lock.hpp"

#include "lib/core/error.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/row.hpp"

#include <soci/soci.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace sozbatch::db {

run_lock_t::run_lock_t(database_t &db, long long tenant, std::string const &job) : m_db(db)
{
    std::string const name = "sozbatch:" + job + ":" + std::to_string(tenant);
    if (db.dialect() == dialect_t::postgresql) {
        // a stable 63-bit key from the name
        std::string const h = sha256_hex(name);
        m_key = static_cast<long long>(std::stoull(h.substr(0, 15), nullptr, 16));
        bool got = false;
        guard(db, [&] {
            int ok = 0;
            db.sql() << "SELECT CASE WHEN pg_try_advisory_lock(:k) THEN 1 ELSE 0 END", soci::use(m_key), soci::into(ok);
            got = ok == 1;
        });
        if (!got) {
            m_key = 0;
            throw lock_error{"another '" + job + "' run of this tenant holds the lock (PostgreSQL advisory lock " +
                             name + "); try again when it has finished"};
        }
        return;
    }
    std::string file;
    guard(db, [&] {
        soci::row r;
        db.sql() << "SELECT file FROM pragma_database_list WHERE name = 'main'", soci::into(r);
        file = text(r, 0);
    });
    if (file.empty()) {
        file = "/tmp/sozbatch-memory";
    }
    std::string const path = file + "." + job + "-" + std::to_string(tenant) + ".lock";
    m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (m_fd < 0) {
        throw lock_error{"cannot open lock file " + path + ": " + std::strerror(errno)};
    }
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(m_fd);
        m_fd = -1;
        throw lock_error{"another '" + job + "' run of this tenant holds the lock file " + path +
                         "; try again when it has finished"};
    }
}

run_lock_t::~run_lock_t()
{
    if (m_key != 0) {
        try {
            m_db.sql() << "SELECT pg_advisory_unlock(:k)", soci::use(m_key);
        } catch (...) {
            // the session ends with the process; the lock goes with it
        }
    }
    if (m_fd >= 0) {
        ::flock(m_fd, LOCK_UN);
        ::close(m_fd);
    }
}

} // namespace sozbatch::db
