-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0002: calculation runs and versioned results (docs/calculation.md).
-- A result is never overwritten: a recalculation that differs becomes version + 1; when the
-- previous version was already paid, the change is also recorded as a difference
-- (Nachzahlung / Überzahlung) for the next payment run.

CREATE TABLE calc_runs (
    id                 {{pk}},
    tenant_id          BIGINT NOT NULL REFERENCES tenants(id),
    month              TEXT NOT NULL,
    as_of              {{ts}} NOT NULL,
    started_at         {{ts}} NOT NULL,
    ended_at           {{ts}},
    operator           TEXT NOT NULL,
    params_overlay     TEXT NOT NULL,
    cases_total        BIGINT NOT NULL DEFAULT 0,
    cases_new_results  BIGINT NOT NULL DEFAULT 0,
    cases_failed       BIGINT NOT NULL DEFAULT 0,
    entitlement_cents  BIGINT NOT NULL DEFAULT 0,
    payout_cents       BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE calc_results (
    id                   {{pk}},
    tenant_id            BIGINT NOT NULL REFERENCES tenants(id),
    case_id              BIGINT NOT NULL REFERENCES cases(id),
    month                TEXT NOT NULL,
    version              INTEGER NOT NULL,
    calc_run_id          BIGINT NOT NULL REFERENCES calc_runs(id),
    case_version_id      BIGINT NOT NULL REFERENCES case_versions(id),
    law                  TEXT NOT NULL,
    work_group_id        BIGINT NOT NULL REFERENCES work_groups(id),
    result_hash          TEXT NOT NULL,
    needs_cents          BIGINT NOT NULL,
    in_kind_cents        BIGINT NOT NULL,
    income_counted_cents BIGINT NOT NULL,
    income_applied_cents BIGINT NOT NULL,
    entitlement_cents    BIGINT NOT NULL,
    offsets_cents        BIGINT NOT NULL,
    payout_cents         BIGINT NOT NULL,
    created_at           {{ts}} NOT NULL,
    UNIQUE (case_id, month, version)
);
CREATE INDEX calc_results_month ON calc_results (tenant_id, month);

CREATE TABLE calc_lines (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    calc_result_id  BIGINT NOT NULL REFERENCES calc_results(id),
    seq             INTEGER NOT NULL,
    person_ext_id   TEXT NOT NULL,
    segment_from    {{date}} NOT NULL,
    segment_to      {{date}} NOT NULL,
    kind            TEXT NOT NULL,
    cls             TEXT NOT NULL,
    legal_basis     TEXT NOT NULL,
    basis_cents     BIGINT NOT NULL,
    factor_num      BIGINT NOT NULL,
    factor_den      BIGINT NOT NULL,
    monthly_cents   BIGINT NOT NULL,
    days            INTEGER NOT NULL,
    day_share       SMALLINT NOT NULL,
    amount_cents    BIGINT NOT NULL,
    params          TEXT NOT NULL,
    note            TEXT NOT NULL
);
CREATE INDEX calc_lines_result ON calc_lines (calc_result_id);

CREATE TABLE calc_payouts (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    calc_result_id  BIGINT NOT NULL REFERENCES calc_results(id),
    payee_ext_id    TEXT NOT NULL,
    purpose         TEXT NOT NULL CHECK (purpose IN ('benefit', 'rent', 'energy')),
    amount_cents    BIGINT NOT NULL
);
CREATE INDEX calc_payouts_result ON calc_payouts (calc_result_id);

CREATE TABLE calc_flags (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    calc_result_id  BIGINT NOT NULL REFERENCES calc_results(id),
    person_ext_id   TEXT NOT NULL,
    code            TEXT NOT NULL,
    text            TEXT NOT NULL
);

CREATE TABLE calc_failures (
    id           {{pk}},
    tenant_id    BIGINT NOT NULL REFERENCES tenants(id),
    calc_run_id  BIGINT NOT NULL REFERENCES calc_runs(id),
    file_ref     TEXT NOT NULL,
    reason       TEXT NOT NULL
);

-- A recalculation of a month that was already paid: what the next payment run pays
-- (Nachzahlung, payout_delta > 0) or turns into a claim (Überzahlung, payout_delta < 0).
CREATE TABLE calc_differences (
    id                      {{pk}},
    tenant_id               BIGINT NOT NULL REFERENCES tenants(id),
    case_id                 BIGINT NOT NULL REFERENCES cases(id),
    month                   TEXT NOT NULL,
    paid_result_id          BIGINT NOT NULL REFERENCES calc_results(id),
    new_result_id           BIGINT NOT NULL REFERENCES calc_results(id),
    kind                    TEXT NOT NULL CHECK (kind IN ('nachzahlung', 'ueberzahlung')),
    entitlement_delta_cents BIGINT NOT NULL,
    payout_delta_cents      BIGINT NOT NULL,
    created_at              {{ts}} NOT NULL
);
CREATE INDEX calc_differences_case ON calc_differences (case_id, month);

CREATE TABLE calc_difference_payees (
    id                 {{pk}},
    tenant_id          BIGINT NOT NULL REFERENCES tenants(id),
    difference_id      BIGINT NOT NULL REFERENCES calc_differences(id),
    payee_ext_id       TEXT NOT NULL,
    purpose            TEXT NOT NULL,
    amount_cents       BIGINT NOT NULL
);
