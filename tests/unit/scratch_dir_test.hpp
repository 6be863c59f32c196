// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief A test fixture with a directory of its own under TMPDIR (named after the fixture's
/// prefix, the process and the test), made empty before the test and removed after it unless it
/// failed, so that a failing test's files can be looked at.

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>

namespace sozbatch::test {

class scratch_dir_test : public ::testing::Test
{
protected:
    explicit scratch_dir_test(std::string prefix) : m_prefix(std::move(prefix)) {}

    void SetUp() override
    {
        m_dir = std::filesystem::temp_directory_path() /
                (m_prefix + "_" + std::to_string(getpid()) + "_" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(m_dir);
        std::filesystem::create_directories(m_dir);
    }
    void TearDown() override
    {
        if (!HasFailure()) {
            std::filesystem::remove_all(m_dir);
        }
    }
    std::string path(std::string const &name) const { return (m_dir / name).string(); }

    std::filesystem::path m_dir;

private:
    std::string m_prefix;
};

} // namespace sozbatch::test
