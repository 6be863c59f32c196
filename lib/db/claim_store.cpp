// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/db/claim_store.hpp"

#include "lib/core/error.hpp"
#include "lib/db/row.hpp"

#include <soci/soci.h>

#include <map>

namespace sozbatch::db {

namespace {

/// The deductions that count: those of runs that are not invalidated or refused.
constexpr char const *COUNTED =
    "SELECT CAST(COALESCE(SUM(o.amount_cents), 0) AS BIGINT) FROM claim_offsets o JOIN payment_runs x ON "
    "x.id = o.payment_run_id "
    "WHERE o.claim_id = c.id AND x.state NOT IN ('invalidated', 'refused')";

} // namespace

std::string claim_state(std::string const &stored, money_t amount, money_t deducted)
{
    if (stored == "waived") {
        return stored;
    }
    if (!(amount - deducted).is_positive()) {
        return "settled";
    }
    return deducted.is_zero() ? "open" : "offsetting";
}

std::vector<overpayment_claim_t> claim_store_t::claims(long long tenant)
{
    return guard(m_db, [&] {
        std::vector<overpayment_claim_t> out;
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << std::string{"SELECT c.id, c.case_id, k.file_ref, c.claim_ref, c.difference_id, "
                                               "r.run_ref, c.month, c.debtor_ext_id, c.amount_cents, ("} +
                                       COUNTED +
                                       "), c.legal_basis, c.state, CAST(c.created_at AS TEXT), (SELECT n.document_id FROM notices n WHERE "
                                       "n.difference_id = c.difference_id AND n.kind = 'anhoerung' AND n.state = "
                                       "'produced' ORDER BY n.id DESC LIMIT 1) FROM overpayment_claims c "
                                       "JOIN cases k ON k.id = c.case_id JOIN payment_runs r ON r.id = c.payment_run_id "
                                       "WHERE c.tenant_id = :t ORDER BY k.file_ref, c.month, c.id",
             soci::use(tenant));
        for (auto const &r : rs) {
            overpayment_claim_t c;
            c.id = int64(r, 0);
            c.case_id = int64(r, 1);
            c.file_ref = text(r, 2);
            c.claim_ref = text(r, 3);
            c.difference_id = int64(r, 4);
            c.run_ref = text(r, 5);
            c.month = text(r, 6);
            c.debtor_ext_id = text(r, 7);
            c.amount = money_t::cents(int64(r, 8));
            c.deducted = money_t::cents(int64(r, 9));
            c.legal_basis = text(r, 10);
            c.state = claim_state(text(r, 11), c.amount, c.deducted);
            c.created_at = text(r, 12);
            c.hearing_document = text(r, 13);
            out.push_back(std::move(c));
        }
        return out;
    });
}

std::set<std::pair<long long, std::string>> claim_store_t::counted_deductions(long long tenant)
{
    return guard(m_db, [&] {
        std::set<std::pair<long long, std::string>> out;
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << "SELECT o.claim_id, o.month FROM claim_offsets o JOIN payment_runs x ON "
                                   "x.id = o.payment_run_id WHERE o.tenant_id = :t AND x.state NOT IN "
                                   "('invalidated', 'refused')",
             soci::use(tenant));
        for (auto const &r : rs) {
            out.emplace(int64(r, 0), text(r, 1));
        }
        return out;
    });
}

std::vector<std::string> claim_store_t::record(long long tenant, long long run_id, std::vector<new_claim_t> const &claims,
                                               std::vector<claim_deduction_t> const &deductions, std::string const &now)
{
    return guard(m_db, [&] {
        soci::transaction tr{m_db.sql()};
        auto created = record_in_transaction(tenant, run_id, claims, deductions, now);
        tr.commit();
        return created;
    });
}

std::vector<std::string> claim_store_t::record_in_transaction(long long tenant, long long run_id,
                                                              std::vector<new_claim_t> const &claims,
                                                              std::vector<claim_deduction_t> const &deductions,
                                                              std::string const &now)
{
    return guard(m_db, [&] {
        std::vector<std::string> created;
        for (auto const &c : claims) {
            if (!c.amount.is_positive()) {
                throw validation_error{"claim " + c.claim_ref + ": the amount must be positive, not " + c.amount.to_german()};
            }
            long long n = 0;
            m_db.sql() << "SELECT COUNT(*) FROM overpayment_claims WHERE difference_id = :d", soci::use(c.difference_id),
                soci::into(n);
            if (n != 0) {
                continue; // established by an earlier prepare: never a second claim for the same difference
            }
            long long const amount = c.amount.as_cents();
            m_db.sql() << "INSERT INTO overpayment_claims (tenant_id, case_id, claim_ref, difference_id, payment_run_id, "
                          "month, debtor_ext_id, amount_cents, open_cents, legal_basis, state, created_at) VALUES (:t, "
                          ":c, :r, :d, :run, :m, :p, :a, :o, :l, 'open', :now)",
                soci::use(tenant), soci::use(c.case_id), soci::use(c.claim_ref), soci::use(c.difference_id),
                soci::use(run_id), soci::use(c.month), soci::use(c.debtor_ext_id), soci::use(amount), soci::use(amount),
                soci::use(c.legal_basis), soci::use(now);
            created.push_back(c.claim_ref);
        }
        for (auto const &d : deductions) {
            if (!d.amount.is_positive()) {
                throw validation_error{"a deduction from a claim must be positive, not " + d.amount.to_german()};
            }
            long long amount = 0, counted = 0;
            std::string ref;
            m_db.sql() << std::string{"SELECT c.amount_cents, ("} + COUNTED +
                              "), c.claim_ref FROM overpayment_claims c WHERE c.id = :id AND c.tenant_id = :t",
                soci::use(d.claim_id), soci::use(tenant), soci::into(amount), soci::into(counted), soci::into(ref);
            if (!m_db.sql().got_data()) {
                throw validation_error{"no claim with id " + std::to_string(d.claim_id)};
            }
            money_t const open = money_t::cents(amount - counted);
            if (d.amount > open) {
                throw validation_error{"claim " + ref + ": a deduction of " + d.amount.to_german() + " is more than the " +
                                       open.to_german() + " still open (a claim never goes below zero)"};
            }
            long long const cents = d.amount.as_cents();
            m_db.sql() << "INSERT INTO claim_offsets (tenant_id, case_id, claim_id, payment_run_id, month, amount_cents, "
                          "legal_basis, created_at) VALUES (:t, :c, :k, :r, :m, :a, :l, :now)",
                soci::use(tenant), soci::use(d.case_id), soci::use(d.claim_id), soci::use(run_id), soci::use(d.month),
                soci::use(cents), soci::use(d.legal_basis), soci::use(now);
        }
        refresh_in_transaction(tenant);
        return created;
    });
}

std::vector<recorded_deduction_t> claim_store_t::deductions_of_run(long long run_id)
{
    return guard(m_db, [&] {
        std::vector<recorded_deduction_t> out;
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << "SELECT c.claim_ref, k.file_ref, o.month, o.amount_cents, o.legal_basis FROM "
                                   "claim_offsets o JOIN overpayment_claims c ON c.id = o.claim_id JOIN cases k ON "
                                   "k.id = o.case_id WHERE o.payment_run_id = :r ORDER BY k.file_ref, c.claim_ref, o.id",
             soci::use(run_id));
        for (auto const &r : rs) {
            out.push_back(recorded_deduction_t{text(r, 0), text(r, 1), text(r, 2), money_t::cents(int64(r, 3)), text(r, 4)});
        }
        return out;
    });
}

void claim_store_t::refresh(long long tenant)
{
    guard(m_db, [&] {
        soci::transaction tr{m_db.sql()};
        refresh_in_transaction(tenant);
        tr.commit();
    });
}

void claim_store_t::refresh_in_transaction(long long tenant)
{
    struct row_t
    {
        long long id, amount, counted, stored_open;
        std::string stored_state;
    };
    std::vector<row_t> rows;
    {
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << std::string{"SELECT c.id, c.amount_cents, ("} + COUNTED +
                                       "), c.open_cents, c.state FROM overpayment_claims c WHERE c.tenant_id = :t "
                                       "ORDER BY c.id",
             soci::use(tenant));
        for (auto const &r : rs) {
            rows.push_back(row_t{int64(r, 0), int64(r, 1), int64(r, 2), int64(r, 3), text(r, 4)});
        }
    }
    for (auto const &r : rows) {
        long long const open = r.amount - r.counted;
        if (open < 0) {
            throw validation_error{"claim id " + std::to_string(r.id) + ": deductions exceed the claim"};
        }
        std::string const state = claim_state(r.stored_state, money_t::cents(r.amount), money_t::cents(r.counted));
        if (open != r.stored_open || state != r.stored_state) {
            // only changed rows are written: every write is one write-log entry
            m_db.sql() << "UPDATE overpayment_claims SET open_cents = :o, state = :s WHERE id = :id", soci::use(open),
                soci::use(state), soci::use(r.id);
        }
    }
}

} // namespace sozbatch::db
