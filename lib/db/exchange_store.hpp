// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Data exchange registry (migration 0006, docs/exchange.md): request files sent, the
/// Erkennungszeichen -> person/case table, imported answer files, § 118 hits with their review
/// state, § 151 income proposals and the deletion log. All SQL of the exchange commands is here.

#include "lib/core/money.hpp"
#include "lib/db/database.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sozbatch::db {

/// One request file sent (a row of exchange_runs).
struct exchange_run_t
{
    long long id = 0;
    std::string procedure;    ///< match118, pension151
    std::string period_label; ///< "2026Q3" or the key date
    std::string period_from, period_to;
    long long file_number = 0;
    std::string file_name;
    std::string sha256;
    long long persons = 0;
    long long rejected = 0;
    bool full_cohort = false;
    std::string sent_at, sent_by;
    std::string resend_reason;
};

/// An Erkennungszeichen and what it leads back to.
struct exchange_person_t
{
    long long id = 0;
    long long run_id = 0;
    std::string reference;
    std::string person_ext_id;
    long long case_id = 0;
    std::string file_ref;
    std::string work_group;
    std::string law;
    std::string benefit_from;
    std::optional<std::string> benefit_to;
    /// Of the run: its procedure and period.
    std::string procedure;
    std::string period_label, period_from, period_to;
};

/// An imported answer file.
struct answer_file_t
{
    std::string procedure;
    std::string file_name;
    std::string sha256;
    std::string sender;
    long long file_number = 0;
    long long records = 0;
    long long rejected = 0;
    std::string imported_at, imported_by;
};

/// A § 118 hit (a row of match118_hits).
struct hit_row_t
{
    long long id = 0;
    long long exchange_person_id = 0;
    std::string reference;
    std::string file_ref;
    std::string work_group;
    long long record_no = 0;
    std::string block, source, kind, agency;
    std::optional<std::string> hit_from, hit_to, overlap_from, overlap_to;
    std::optional<money_t> amount;
    std::string basis, party, detail;
    std::string state = "open";
    std::string note;
    std::string reviewed_by, reviewed_at;
};

/// A § 151 income proposal (a row of pension151_proposals).
struct proposal_row_t
{
    long long id = 0;
    long long exchange_person_id = 0;
    std::string reference;
    std::string file_ref;
    std::string person_ext_id;
    std::string work_group;
    long long record_no = 0;
    std::string pension_type, pension_label;
    std::string valid_from;
    std::optional<std::string> valid_to;
    money_t monthly;
    std::optional<money_t> recorded;
    bool differs = false;
    std::string change_reason;
    long long payees = 0;
    std::string state = "open";
    std::string decided_by, decided_at, note;
};

class exchange_store_t
{
public:
    explicit exchange_store_t(database_t &db) : m_db(db) {}

    /// Runs of a procedure for a period label, oldest first.
    std::vector<exchange_run_t> runs(long long tenant, std::string const &procedure, std::string const &period_label);
    /// The next file number of a procedure (1, 2, ... without gaps).
    long long next_file_number(long long tenant, std::string const &procedure);
    /// Records a run with its persons in one transaction; \p publish (writing the file) runs
    /// inside it, so a failed write records nothing. \returns the run id
    long long create_run(long long tenant, exchange_run_t const &run, std::vector<exchange_person_t> const &persons,
                         std::function<void()> const &publish);

    /// The person behind an Erkennungszeichen (nothing once deleted or unknown).
    std::optional<exchange_person_t> find_person(long long tenant, std::string const &procedure,
                                                 std::string const &reference);
    /// True when a file with this SHA-256 was imported for the procedure.
    bool answer_known(long long tenant, std::string const &procedure, std::string const &sha256);

    /// Stores an answer file with its hits and deletes the persons without findings, logging the
    /// count (no personal data), in one transaction. \returns the answer file id
    long long store_match118_answer(long long tenant, answer_file_t const &file, std::vector<hit_row_t> const &hits,
                                    std::vector<long long> const &answered_person_ids,
                                    std::vector<long long> const &delete_person_ids);
    /// The same for § 151 proposals.
    long long store_pension151_answer(long long tenant, answer_file_t const &file,
                                      std::vector<proposal_row_t> const &proposals,
                                      std::vector<long long> const &answered_person_ids,
                                      std::vector<long long> const &delete_person_ids);

    /// Hits of the given work groups (empty list: none), optionally of one state, by id.
    std::vector<hit_row_t> hits(long long tenant, std::vector<std::string> const &work_groups,
                                std::optional<std::string> const &state = std::nullopt);
    std::optional<hit_row_t> hit(long long tenant, long long id);
    void review_hit(long long tenant, long long id, std::string const &state, std::string const &note,
                    std::string const &by, std::string const &at);

    std::vector<proposal_row_t> proposals(long long tenant, std::vector<std::string> const &work_groups,
                                          std::optional<std::string> const &state = std::nullopt);
    std::optional<proposal_row_t> proposal(long long tenant, long long id);
    void decide_proposal(long long tenant, long long id, std::string const &state, std::string const &note,
                         std::string const &by, std::string const &at);

    /// Sum of persons deleted under the deletion duty (for reports and tests).
    long long persons_deleted(long long tenant, std::string const &procedure);

private:
    database_t &m_db;
};

/// Memoised look-up of the persons of sent requests by Erkennungszeichen, for answer imports
/// (each reference is asked once, whether the parser or the import asks).
class person_lookup_t
{
public:
    person_lookup_t(exchange_store_t &store, long long tenant, std::string procedure)
    : m_store(store), m_tenant(tenant), m_procedure(std::move(procedure))
    {}

    std::optional<exchange_person_t> const &operator()(std::string const &reference)
    {
        auto it = m_cache.find(reference);
        if (it == m_cache.end()) {
            it = m_cache.emplace(reference, m_store.find_person(m_tenant, m_procedure, reference)).first;
        }
        return it->second;
    }

private:
    exchange_store_t &m_store;
    long long m_tenant;
    std::string m_procedure;
    std::map<std::string, std::optional<exchange_person_t>> m_cache;
};

} // namespace sozbatch::db
