// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief A fresh database per test on each backend (tempdb pattern): SQLite in a temporary file
/// and, when SOZBATCH_TEST_PG names a cluster, a new PostgreSQL database dropped afterwards
/// (kept when SOZBATCH_KEEP_TEST_DB is set).

#include "lib/db/database.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace sozbatch::testing {

enum class backend_t { sqlite, postgresql };

std::string backend_name(::testing::TestParamInfo<backend_t> const &info);

/// Creates a fresh database for one test and removes it afterwards.
class temp_db_t
{
public:
    explicit temp_db_t(backend_t b);
    ~temp_db_t();
    /// false (with a reason) when the backend is not available here
    bool available() const noexcept { return !m_url.empty(); }
    std::string const &skip_reason() const noexcept { return m_skip; }
    std::string const &url() const noexcept { return m_url; }
    /// A connection to the fresh database.
    std::unique_ptr<db::database_t> connect(bool must_exist = false) const;

private:
    backend_t m_backend;
    std::string m_url;
    std::string m_admin_url;
    std::string m_name;
    std::string m_dir;
    std::string m_skip;
};

/// Parameterised over both backends; skips PostgreSQL when no cluster is configured (and fails
/// instead when SOZBATCH_TEST_PG_REQUIRED is set, as in scripts/test).
class db_test : public ::testing::TestWithParam<backend_t>
{
protected:
    void SetUp() override;
    void TearDown() override { m_tmp.reset(); }
    db::database_t &db() { return *m_db; }
    std::string const &url() const { return m_tmp->url(); }

    std::unique_ptr<temp_db_t> m_tmp;
    std::unique_ptr<db::database_t> m_db;
};

#define SOZBATCH_BOTH_BACKENDS(suite)                                                                         \
    INSTANTIATE_TEST_SUITE_P(Backends, suite,                                                                 \
                             ::testing::Values(::sozbatch::testing::backend_t::sqlite,                       \
                                               ::sozbatch::testing::backend_t::postgresql),                  \
                             ::sozbatch::testing::backend_name)

} // namespace sozbatch::testing
