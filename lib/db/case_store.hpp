// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The case repository: versioned, append-only storage of persons, payees and cases.
///
/// A changed record becomes a new version, never an overwrite; reading "as of" a timestamp gives
/// the data as it was known then (recalculating a past month as known then or as known now).

#include "lib/db/database.hpp"
#include "lib/domain/case_model.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sozbatch::db {

struct import_summary_t
{
    bool already_imported = false; ///< the same file (SHA-256) was imported before: nothing changed
    long long import_file_id = 0;
    long long persons_new = 0, persons_changed = 0, persons_same = 0;
    long long payees_new = 0, payees_changed = 0, payees_same = 0;
    long long cases_new = 0, cases_changed = 0, cases_same = 0;
    long long records_written() const
    {
        return persons_new + persons_changed + payees_new + payees_changed + cases_new + cases_changed;
    }
};

struct case_summary_t
{
    long long case_id = 0;
    std::string file_ref;
    std::string law;
    std::string work_group;
    std::string state;
    int version = 0;
    std::string recorded_at;
    long long members = 0;
};

/// A case as stored: its version and everything needed to calculate and pay it.
struct stored_case_t
{
    long long case_id = 0;
    long long case_version_id = 0;
    long long work_group_id = 0; ///< of this case version
    int version = 0;
    std::string recorded_at;
    domain::case_t data;
    std::vector<domain::person_t> persons; ///< the members' persons, as of the same time
    std::vector<domain::payee_t> payees;   ///< the payees the assignments name
};

/// Which child tables of a case a reader loads (for_each_case). A job that needs only part of a
/// case says so and saves a query per chunk for each part it leaves out; the parts left out
/// stay empty in the case it gets. Members, persons, assignments and payees are always read
/// (with applicants_only: of the members only the applicants, and only their persons).
struct case_parts_t
{
    bool approvals = true;
    bool needs = true;
    bool incomes = true;
    bool housing = true;
    bool assets = true;
    bool claims = true;
    bool offsets = true;
    /// only the members in the role of applicant and their persons (partners and children were
    /// 44 % of the person rows prepare read in the scale benchmark, each past row-level security)
    bool applicants_only = false;

    /// What a payment run needs: who the applicant is (and the name), the payees and the offset rules.
    static case_parts_t for_payments()
    {
        return case_parts_t{.approvals = false, .needs = false, .incomes = false, .housing = false, .assets = false,
                            .claims = false, .offsets = true, .applicants_only = true};
    }
};

struct case_filter_t
{
    std::string law;                          ///< empty: all
    std::string state;                        ///< empty: all
    std::vector<std::string> work_groups;     ///< empty: all (the security layer restricts this)
    std::optional<std::string> as_of;         ///< ISO timestamp; empty: as known now
    /// Shards of a month processed side by side (docs/scaling.md): only cases whose internal id
    /// modulo shard_count is shard_index. Every case is in exactly one shard.
    int shard_count = 1;
    int shard_index = 0;
    /// The parts for_each_case loads (default: the whole case).
    case_parts_t parts;
};

/// Stores one import file in slices, all in one transaction: begin() with the file's head (tenant,
/// work groups), then persons, payees and cases in any number of slices — the persons and payees
/// before the cases that name them — then finish(). Each slice looks up only the keys it names and
/// is written with bulk inserts, so memory holds a slice, not the file (jobs/import_job.cpp).
/// Destroyed without finish(), it rolls everything back.
class import_writer_t
{
public:
    import_writer_t(database_t &db, std::string file_name, std::string sha256, std::string operator_name,
                    std::string now);
    ~import_writer_t();
    import_writer_t(import_writer_t const &) = delete;
    import_writer_t &operator=(import_writer_t const &) = delete;

    /// Opens the transaction, the tenant and the declared work groups, and records the file.
    /// \returns false if the file (its SHA-256) was imported before: nothing is written, and
    ///          finish() returns already_imported
    bool begin(domain::case_bundle_t const &head);
    void persons(std::vector<domain::person_t> const &slice);
    void payees(std::vector<domain::payee_t> const &slice);
    /// \throws input_error for a person or payee neither stored nor of this file
    void cases(std::vector<domain::case_t> const &slice);
    /// Records the counts and commits.
    import_summary_t finish();

private:
    void ensure_work_group(std::string const &code, std::string const &name);
    void require_open() const;

    database_t &m_db;
    std::string m_file_name, m_sha256, m_operator, m_now;
    std::optional<soci::transaction> m_tr;
    long long m_tenant = 0;
    std::map<std::string, long long> m_wg_ids;
    /// ext id -> id of the persons and payees of this file and of those its cases named so far
    /// (about 100 bytes each: a file's, not the tenant's)
    std::map<std::string, long long> m_person_ids, m_payee_ids;
    import_summary_t m_sum;
};

class case_store_t
{
public:
    explicit case_store_t(database_t &db) : m_db(db) {}

    /// Finds or creates the tenant. \returns its id
    long long ensure_tenant(std::string const &code, std::string const &name, std::string const &now);
    /// \returns the tenant id, or nothing
    std::optional<long long> find_tenant(std::string const &code);
    /// All tenant codes, sorted.
    std::vector<std::string> tenant_codes();

    /// Stores a validated bundle in one transaction (all or nothing): import_writer_t in one slice.
    /// \param sha256 of the file: the same file twice changes nothing the second time.
    import_summary_t import_bundle(domain::case_bundle_t const &bundle, std::string const &file_name,
                                   std::string const &sha256, std::string const &operator_name,
                                   std::string const &now);

    std::vector<case_summary_t> list_cases(long long tenant_id, case_filter_t const &filter);

    /// One case as of a time (default: newest). \returns nothing if unknown
    std::optional<stored_case_t> load_case(long long tenant_id, std::string const &file_ref,
                                           std::optional<std::string> const &as_of = std::nullopt);

    /// The cases \p case_ids (newest versions), in Aktenzeichen order, loaded as for_each_case
    /// loads a chunk: one query per child table for all of them. Unknown ids are left out.
    std::vector<stored_case_t> load_cases(long long tenant_id, std::vector<long long> const &case_ids);

    /// Every case (newest version as of \p as_of) whose work group passes the filter, in
    /// Aktenzeichen order, read in chunks of \p chunk cases so memory does not grow with N:
    /// keyset pagination on the Aktenzeichen, then one query per child table for the whole chunk
    /// (members, approvals, needs, incomes, housing, assets, assignments, claims, offsets,
    /// persons and payees as of the same time; filter.parts may leave some out), merged in memory. No cursor stays open while
    /// \p fn runs, so \p fn may use the database.
    void for_each_case(long long tenant_id, case_filter_t const &filter,
                       std::function<void(stored_case_t &&)> const &fn, std::size_t chunk = 1000);

private:
    database_t &m_db;
};

/// The canonical text of a record from which its content hash is computed (field order fixed).
std::string canonical(domain::person_t const &p);
std::string canonical(domain::payee_t const &p);
std::string canonical(domain::case_t const &c);

} // namespace sozbatch::db
