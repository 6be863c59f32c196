-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0007: the steps of `sozbatch run-month` (docs/operations.md, "run-month").
-- Every step run-month starts is recorded with its outcome; a forced redo carries the operator's
-- reason. The step's own records (calc_runs, payment_runs, notice_runs, ...) stay the truth about
-- what is done; this table is the history of the scheduled month and the hand-over receipts.

CREATE TABLE month_run_steps (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    month           TEXT NOT NULL,
    step            TEXT NOT NULL CHECK (step IN ('calc', 'pay-prepare', 'notices', 'release', 'pay-export',
                        'hand-over', 'report')),
    state           TEXT NOT NULL CHECK (state IN ('started', 'done', 'failed')),
    started_at      {{ts}} NOT NULL,
    ended_at        {{ts}},
    operator        TEXT NOT NULL,
    exit_code       INTEGER,
    forced          SMALLINT NOT NULL DEFAULT 0,
    force_reason    TEXT NOT NULL DEFAULT '',
    run_ref         TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX month_run_steps_month ON month_run_steps (tenant_id, month, step);

-- Files handed over to the bank and the print shop (copied into their outboxes), one row per file.
CREATE TABLE hand_overs (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    month           TEXT NOT NULL,
    recipient       TEXT NOT NULL CHECK (recipient IN ('bank', 'print-shop')),
    run_ref         TEXT NOT NULL DEFAULT '',
    file_name       TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    handed_over_at  {{ts}} NOT NULL,
    operator        TEXT NOT NULL,
    UNIQUE (tenant_id, recipient, file_name)
);
