// SPDX-License-Identifier: GPL-3.0-or-later
#include "db_fixture.hpp"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace sozbatch::testing {

std::string backend_name(::testing::TestParamInfo<backend_t> const &info)
{
    return info.param == backend_t::sqlite ? "sqlite" : "postgresql";
}

namespace {
std::atomic<int> g_counter{0};
}

temp_db_t::temp_db_t(backend_t b) : m_backend(b)
{
    int const n = ++g_counter;
    if (b == backend_t::sqlite) {
        char tmpl[] = "/tmp/sozbatch-test-XXXXXX";
        m_dir = ::mkdtemp(tmpl);
        m_url = "sqlite3://db=" + m_dir + "/test.db";
        return;
    }
    char const *pg = std::getenv("SOZBATCH_TEST_PG");
    if (!pg || !*pg) {
        m_skip = "SOZBATCH_TEST_PG is not set (scripts/test starts a PostgreSQL cluster and sets it)";
        return;
    }
    m_admin_url = pg;
    m_name = "sozbatch_t" + std::to_string(::getpid()) + "_" + std::to_string(n);
    db::database_t admin{m_admin_url, "test setup", false};
    admin.sql() << "DROP DATABASE IF EXISTS " + m_name;
    admin.sql() << "CREATE DATABASE " + m_name;
    std::string url = m_admin_url;
    auto const pos = url.find("dbname=");
    if (pos != std::string::npos) {
        auto const end = url.find(' ', pos);
        url.replace(pos, end == std::string::npos ? std::string::npos : end - pos, "dbname=" + m_name);
    } else {
        url += " dbname=" + m_name;
    }
    m_url = url;
}

temp_db_t::~temp_db_t()
{
    if (std::getenv("SOZBATCH_KEEP_TEST_DB")) {
        return;
    }
    if (m_backend == backend_t::sqlite && !m_dir.empty()) {
        std::filesystem::remove_all(m_dir);
    }
    if (m_backend == backend_t::postgresql && !m_name.empty()) {
        try {
            db::database_t admin{m_admin_url, "test teardown", false};
            admin.sql() << "DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)";
        } catch (...) {
        }
    }
}

std::unique_ptr<db::database_t> temp_db_t::connect(bool must_exist) const
{
    return std::make_unique<db::database_t>(m_url, "test", must_exist);
}

void db_test::SetUp()
{
    m_tmp = std::make_unique<temp_db_t>(GetParam());
    if (!m_tmp->available()) {
        if (std::getenv("SOZBATCH_TEST_PG_REQUIRED")) {
            FAIL() << m_tmp->skip_reason();
        }
        GTEST_SKIP() << m_tmp->skip_reason();
    }
    m_db = m_tmp->connect();
}

} // namespace sozbatch::testing
