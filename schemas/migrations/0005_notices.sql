-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0005: Bescheide produced per case-month (docs/notices.md).
-- A notice run decides per case which letters the month needs; every letter it produces or holds
-- is recorded with the event it answers (the result version or the difference it is based on),
-- so a rerun for the same month never produces the same letter twice. `--force --reason`
-- supersedes the produced letters of the month (recorded on the run) and produces them again.

CREATE TABLE notice_runs (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    month           TEXT NOT NULL,
    started_at      {{ts}} NOT NULL,
    ended_at        {{ts}},
    operator        TEXT NOT NULL,
    forced          SMALLINT NOT NULL DEFAULT 0,
    force_reason    TEXT NOT NULL DEFAULT '',
    documents       BIGINT NOT NULL DEFAULT 0,
    held            BIGINT NOT NULL DEFAULT 0,
    batches         BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notice_runs_month ON notice_runs (tenant_id, month);

CREATE TABLE notices (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    notice_run_id   BIGINT NOT NULL REFERENCES notice_runs(id),
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    month           TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('bewilligung', 'aenderung', 'einstellung', 'nachzahlung',
                        'anhoerung', 'zahlungsmitteilung')),
    event           TEXT NOT NULL,
    event_ref       TEXT NOT NULL,
    calc_result_id  BIGINT REFERENCES calc_results(id),
    difference_id   BIGINT REFERENCES calc_differences(id),
    state           TEXT NOT NULL CHECK (state IN ('produced', 'held', 'superseded')),
    document_id     TEXT NOT NULL,
    batch_id        TEXT NOT NULL DEFAULT '',
    pages           INTEGER NOT NULL DEFAULT 0,
    content_sha256  TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    created_at      {{ts}} NOT NULL
);
CREATE INDEX notices_case ON notices (case_id, month);
CREATE INDEX notices_month ON notices (tenant_id, month, state);
