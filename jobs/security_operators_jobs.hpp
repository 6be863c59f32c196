// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch operators bootstrap|add|list|grant|revoke|passwd|assign-group|disable`.
/// Everything but bootstrap needs the admin role; bootstrap only works while the tenant has no
/// operator (docs/security.md, "Setting up operators").

#include "jobs/job.hpp"

#include <string>
#include <vector>

namespace sozbatch::jobs {

/// Common options: the operator's login (first positional argument or --login) and more words.
class operators_job_base_t : public job_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    void setup(po::variables_map const &vm) override;

protected:
    /// What the further positional words are ("ROLE", "WORK-GROUP"); empty: none allowed.
    virtual char const *words_name() const { return ""; }
    std::string m_login;
    std::vector<std::string> m_words;
};

/// Creates the tenant (if needed) and its first administrator; refused once an operator exists.
class operators_bootstrap_job_t final : public operators_job_base_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_display_name;
    std::string m_tenant_name;
};

class operators_add_job_t final : public operators_job_base_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_display_name;
    std::string m_db_role;
    std::string m_password_file;
    std::vector<std::string> m_roles;
    std::vector<std::string> m_groups;
};

class operators_list_job_t final : public job_t
{
public:
    exit_code_t run(job_context_t &ctx) override;
};

class operators_grant_job_t final : public operators_job_base_t
{
public:
    exit_code_t run(job_context_t &ctx) override;

protected:
    char const *words_name() const override { return "role"; }
};

class operators_revoke_job_t final : public operators_job_base_t
{
public:
    exit_code_t run(job_context_t &ctx) override;

protected:
    char const *words_name() const override { return "role"; }
};

class operators_passwd_job_t final : public operators_job_base_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    std::string m_password_file;
};

class operators_assign_group_job_t final : public operators_job_base_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    exit_code_t run(job_context_t &ctx) override;

protected:
    char const *words_name() const override { return "work-group"; }

private:
    bool m_remove = false;
};

class operators_disable_job_t final : public operators_job_base_t
{
public:
    void add_options(po::options_description &d, po::positional_options_description &p) override;
    exit_code_t run(job_context_t &ctx) override;

private:
    bool m_enable = false;
};

} // namespace sozbatch::jobs
