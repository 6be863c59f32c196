// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Überzahlungen as claims (Erstattungsanspruch, § 50 SGB X) and their offsetting
/// (Aufrechnung) by later payment runs (migration 0015, docs/payments.md "Überzahlungen and claims").
/// All SQL of claims lives here.

#include "lib/core/money.hpp"
#include "lib/db/database.hpp"

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace sozbatch::db {

/// One claim as stored, with what the runs that count (not invalidated or refused) deducted.
struct overpayment_claim_t
{
    long long id = 0;
    long long case_id = 0;
    std::string file_ref;
    std::string claim_ref;    ///< e.g. KIEL-202701-R1-E01; the case data names it to offset it
    long long difference_id = 0;
    std::string run_ref;      ///< the payment run that established the claim
    std::string month;        ///< the benefit month that was overpaid
    std::string debtor_ext_id; ///< the person who owes it (the applicant)
    money_t amount;
    money_t deducted;         ///< sum of the counted deductions
    std::string legal_basis;
    std::string state;        ///< open, offsetting, settled, waived (from the counted deductions)
    std::string created_at;
    /// The Anhörung (§ 24 SGB X) of the Überzahlung: the document id of the newest produced
    /// `anhoerung` notice for the claim's difference, empty while none was produced (`notices`)
    std::string hearing_document;

    money_t open() const { return amount - deducted; }
};

/// A claim to establish for an Überzahlung (one per difference).
struct new_claim_t
{
    long long case_id = 0;
    std::string claim_ref;
    long long difference_id = 0;
    std::string month;
    std::string debtor_ext_id;
    money_t amount; ///< positive
    std::string legal_basis;
};

/// One deduction of a payment run from a claim for one benefit month.
struct claim_deduction_t
{
    long long claim_id = 0;
    long long case_id = 0;
    std::string month;
    money_t amount; ///< positive
    std::string legal_basis;
};

/// A deduction as recorded, for the run protocol.
struct recorded_deduction_t
{
    std::string claim_ref;
    std::string file_ref;
    std::string month;
    money_t amount;
    std::string legal_basis;
};

class claim_store_t
{
public:
    explicit claim_store_t(database_t &db) : m_db(db) {}

    /// The tenant's claims, by Aktenzeichen and age; deducted and state from the counted deductions.
    std::vector<overpayment_claim_t> claims(long long tenant);
    /// (claim id, benefit month) pairs already deducted by a run that counts.
    std::set<std::pair<long long, std::string>> counted_deductions(long long tenant);

    /// In ONE transaction: establishes the claims whose difference has none yet (a rerun or a
    /// forced prepare never creates a second claim for the same difference), records the
    /// deductions of run \p run_id and brings open_cents and state of every claim of the tenant up to
    /// date. \returns the references of the claims created
    /// \throws validation_error when a deduction is not positive or larger than the open amount (a
    /// claim never goes below zero); nothing is changed then
    std::vector<std::string> record(long long tenant, long long run_id, std::vector<new_claim_t> const &claims,
                                    std::vector<claim_deduction_t> const &deductions, std::string const &now);
    /// The same inside the caller's transaction (pay prepare writes the run, its orders and its
    /// claims in one transaction).
    std::vector<std::string> record_in_transaction(long long tenant, long long run_id, std::vector<new_claim_t> const &claims,
                                    std::vector<claim_deduction_t> const &deductions, std::string const &now);

    /// The deductions run \p run_id recorded, by Aktenzeichen.
    std::vector<recorded_deduction_t> deductions_of_run(long long run_id);

    /// Brings open_cents and state of every claim of the tenant up to date with the runs that count
    /// (after a run was refused or invalidated).
    void refresh(long long tenant);

private:
    void refresh_in_transaction(long long tenant);
    database_t &m_db;
};

/// The state of a claim from its amount and counted deductions (waived stays waived).
std::string claim_state(std::string const &stored, money_t amount, money_t deducted);

} // namespace sozbatch::db
