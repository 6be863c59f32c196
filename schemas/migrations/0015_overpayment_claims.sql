-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0015: an Überzahlung found by a recalculation becomes a claim
-- (Erstattungsanspruch, § 50 SGB X), and the deductions (Aufrechnung) of later payment runs reduce
-- it until it is settled (docs/payments.md, "Überzahlungen and claims").
-- Named overpayment_claims: the table "claims" of 0001 holds the claims the case-management system
-- sends with the case data. The case data names one of these claims by its claim_ref in a
-- <claim>/<offset> pair to offset it.
-- The write-log triggers and (PostgreSQL) the row-level security policies are installed by
-- db::install_protection() after the migration, as for every table with a tenant_id; both tables
-- carry case_id, so a claim is visible exactly when its case is.

CREATE TABLE overpayment_claims (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    claim_ref       TEXT NOT NULL,
    difference_id   BIGINT NOT NULL REFERENCES calc_differences(id),
    payment_run_id  BIGINT NOT NULL REFERENCES payment_runs(id),
    month           TEXT NOT NULL,
    debtor_ext_id   TEXT NOT NULL,
    amount_cents    BIGINT NOT NULL CHECK (amount_cents > 0),
    open_cents      BIGINT NOT NULL CHECK (open_cents >= 0),
    legal_basis     TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('open', 'offsetting', 'settled', 'waived')),
    created_at      {{ts}} NOT NULL,
    UNIQUE (tenant_id, claim_ref),
    UNIQUE (difference_id)
);
CREATE INDEX overpayment_claims_case ON overpayment_claims (case_id);

-- One deduction of one payment run from one claim for one benefit month. Only deductions of runs
-- that are not invalidated or refused count; open_cents and state are kept equal to that sum.
CREATE TABLE claim_offsets (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    claim_id        BIGINT NOT NULL REFERENCES overpayment_claims(id),
    payment_run_id  BIGINT NOT NULL REFERENCES payment_runs(id),
    month           TEXT NOT NULL,
    amount_cents    BIGINT NOT NULL CHECK (amount_cents > 0),
    legal_basis     TEXT NOT NULL,
    created_at      {{ts}} NOT NULL,
    UNIQUE (claim_id, payment_run_id, month)
);
CREATE INDEX claim_offsets_claim ON claim_offsets (claim_id);
