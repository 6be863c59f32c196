// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Archive hand-over and retention purge in the database (docs/security.md, "Archive and
/// retention"). The export of the case file is the job's part (formats/case_import writer).

#include "lib/db/database.hpp"

#include <string>
#include <vector>

namespace sozbatch::security {

struct archive_case_t
{
    long long case_id = 0;
    std::string file_ref;
    std::string law;
    std::string work_group;
    std::string closed_on;      ///< YYYY-MM-DD
    std::string handed_over_on; ///< YYYY-MM-DD, "" when not handed over
    std::string retention_end;  ///< YYYY-MM-DD: 31 Dec of (closing year + retention years)
    int retention_years = 0;
};

/// Closed cases (newest version closed on or before \p closed_before) of the given work groups
/// not yet handed over to the archive.
std::vector<archive_case_t> hand_over_candidates(db::database_t &db, long long tenant_id, std::string const &closed_before,
                                                 std::vector<std::string> const &work_groups);

void record_hand_over(db::database_t &db, long long tenant_id, archive_case_t const &c, std::string const &date,
                      std::string const &now, std::string const &operator_name);

/// Handed-over, not yet purged cases whose retention ended before \p today.
/// \param retention_years_of the retention per law code
std::vector<archive_case_t> purge_candidates(db::database_t &db, long long tenant_id, std::string const &today,
                                             std::vector<std::string> const &work_groups,
                                             int (*retention_years_of)(std::string const &law));

/// Records (or finds) the archive order. \returns its id
long long ensure_archive_order(db::database_t &db, long long tenant_id, std::string const &order_ref,
                               std::string const &now, std::string const &operator_name);

struct purge_result_t
{
    long long rows_deleted = 0;      ///< case contents and person versions
    long long rows_pseudonymised = 0; ///< persons, payees and payee versions kept for payment records
    long long audit_redacted = 0;    ///< write-log entries whose values were redacted
};

/// Deletes the personal data of one case in the caller's transaction: the case contents (members,
/// approvals, needs, incomes, housing, assets, assignments, claims, offsets), the versions of
/// persons that belong to no other case; pseudonymises those persons and their person payees;
/// redacts the values of their write-log entries. Case versions (law, work group, dates) stay.
purge_result_t purge_case(db::database_t &db, long long case_id, std::string const &pseudonym);

void record_purge(db::database_t &db, long long tenant_id, long long order_id, archive_case_t const &c,
                  std::string const &pseudonym, purge_result_t const &r, std::string const &export_file,
                  std::string const &export_sha256, std::string const &now, std::string const &operator_name);

} // namespace sozbatch::security
