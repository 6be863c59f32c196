-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0006: data exchange (docs/exchange.md): the § 118 SGB XII Datenabgleich and
-- the § 151 SGB VI pension query. A run is one request file sent (quarter or key date, file
-- number, resend reason); its persons map the Erkennungszeichen back to person and case and are
-- deleted when the answer shows no findings (§ 118 Abs. 1 Satz 3 SGB XII); the deletion log
-- keeps only counts. Hits and income proposals wait for a caseworker: nothing here changes
-- approved case data.

CREATE TABLE exchange_runs (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    procedure       TEXT NOT NULL CHECK (procedure IN ('match118', 'pension151')),
    period_label    TEXT NOT NULL,          -- 2026Q3 (match118) or the key date (pension151)
    period_from     {{date}} NOT NULL,
    period_to       {{date}} NOT NULL,
    file_number     BIGINT NOT NULL,
    file_name       TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    persons         BIGINT NOT NULL,
    rejected        BIGINT NOT NULL,
    full_cohort     SMALLINT NOT NULL DEFAULT 0, -- BZSt: everyone of the previous year included
    sent_at         {{ts}} NOT NULL,
    sent_by         TEXT NOT NULL,
    resend_reason   TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX exchange_runs_file ON exchange_runs (tenant_id, procedure, file_number);
CREATE INDEX exchange_runs_period ON exchange_runs (tenant_id, procedure, period_label);

CREATE TABLE exchange_persons (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    run_id          BIGINT NOT NULL REFERENCES exchange_runs(id),
    reference       TEXT NOT NULL,          -- Erkennungszeichen (opaque, no personal data)
    person_ext_id   TEXT NOT NULL,
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    file_ref        TEXT NOT NULL,
    work_group      TEXT NOT NULL,
    law             TEXT NOT NULL,
    benefit_from    {{date}} NOT NULL,
    benefit_to      {{date}},
    answered_at     {{ts}}
);
CREATE UNIQUE INDEX exchange_persons_ref ON exchange_persons (tenant_id, reference);
CREATE INDEX exchange_persons_run ON exchange_persons (run_id);

CREATE TABLE exchange_answer_files (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    procedure       TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    sender          TEXT NOT NULL,
    file_number     BIGINT NOT NULL,
    records         BIGINT NOT NULL,
    rejected        BIGINT NOT NULL,
    imported_at     {{ts}} NOT NULL,
    imported_by     TEXT NOT NULL
);
CREATE UNIQUE INDEX exchange_answer_files_sha ON exchange_answer_files (tenant_id, procedure, sha256);

CREATE TABLE match118_hits (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    answer_file_id  BIGINT NOT NULL REFERENCES exchange_answer_files(id),
    exchange_person_id BIGINT NOT NULL REFERENCES exchange_persons(id),
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    work_group      TEXT NOT NULL,
    record_no       BIGINT NOT NULL,
    block           TEXT NOT NULL,
    source          TEXT NOT NULL CHECK (source IN ('pension', 'accident_insurance', 'employment_agency',
                        'employment', 'other_welfare_office', 'interest', 'error')),
    kind            TEXT NOT NULL,
    agency          TEXT NOT NULL,
    hit_from        {{date}},
    hit_to          {{date}},
    overlap_from    {{date}},               -- hit period within the benefit period (NULL: none)
    overlap_to      {{date}},
    amount_cents    BIGINT,
    basis           TEXT NOT NULL,
    party           TEXT NOT NULL,
    detail          TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'checked-no-effect', 'overpayment-claim')),
    note            TEXT NOT NULL DEFAULT '',
    reviewed_by     TEXT,
    reviewed_at     {{ts}},
    created_at      {{ts}} NOT NULL
);
CREATE INDEX match118_hits_group ON match118_hits (tenant_id, work_group, state);

CREATE TABLE exchange_deletions (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    answer_file_id  BIGINT NOT NULL REFERENCES exchange_answer_files(id),
    procedure       TEXT NOT NULL,
    persons_deleted BIGINT NOT NULL,
    legal_basis     TEXT NOT NULL,
    deleted_at      {{ts}} NOT NULL,
    deleted_by      TEXT NOT NULL
);

CREATE TABLE pension151_proposals (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    answer_file_id  BIGINT NOT NULL REFERENCES exchange_answer_files(id),
    exchange_person_id BIGINT NOT NULL REFERENCES exchange_persons(id),
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    work_group      TEXT NOT NULL,
    record_no       BIGINT NOT NULL,
    pension_type    TEXT NOT NULL,
    pension_label   TEXT NOT NULL,
    valid_from      {{date}} NOT NULL,
    valid_to        {{date}},
    monthly_cents   BIGINT NOT NULL,
    recorded_cents  BIGINT,                 -- recorded pension income on valid_from (NULL: none)
    differs         SMALLINT NOT NULL,
    change_reason   TEXT NOT NULL,
    payees          BIGINT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'accepted', 'rejected')),
    decided_by      TEXT,
    decided_at      {{ts}},
    note            TEXT NOT NULL DEFAULT '',
    created_at      {{ts}} NOT NULL
);
CREATE INDEX pension151_proposals_group ON pension151_proposals (tenant_id, work_group, state);
