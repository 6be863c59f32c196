-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0010: operators hardened, login/system protocol, unalterable write log,
-- archive hand-over and purge records (docs/security.md).
-- The audit triggers, the append-only guards and (PostgreSQL) the row-level security policies
-- and grants are NOT created here but by db::install_protection() (lib/security/protection.cpp),
-- which `sozbatch db migrate` runs after every migration for every table that has a tenant_id
-- column, so tables added by later migrations are covered without further SQL.

ALTER TABLE operators ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE operators ADD COLUMN disabled_at {{ts}};
CREATE UNIQUE INDEX operators_db_role ON operators (db_role);

-- Login/system protocol: every authentication (success and failure), every refusal, every job
-- start and end with its parameters and exit code. Append-only; readable only by administrators.
-- tenant_id is NULL when the tenant was not known yet (e.g. a failed login before any tenant).
CREATE TABLE protocol (
    id          {{pk}},
    tenant_id   BIGINT,
    at          {{ts}} NOT NULL,
    event       TEXT NOT NULL CHECK (event IN ('login-ok', 'login-failed', 'access-denied', 'job-start',
                    'job-end', 'bootstrap', 'operator-change', 'archive-purge')),
    operator    TEXT NOT NULL,
    db_role     TEXT NOT NULL,
    job         TEXT NOT NULL,
    parameters  TEXT NOT NULL,
    exit_code   INTEGER,
    detail      TEXT NOT NULL
);
CREATE INDEX protocol_at ON protocol (at);

-- The write log: one row per inserted, updated or deleted row of a domain table, written by
-- triggers. Each entry's hash covers its fields (values through their own SHA-256) and the hash
-- of the previous entry: sozbatch audit verify recomputes the chain (canonical text in
-- lib/security/audit.cpp). Values may later be redacted by an archive purge (marker text), the
-- value hashes and the chain stay intact.
CREATE TABLE audit_log (
    id          {{pk}},
    tenant_id   BIGINT,
    at          {{ts}} NOT NULL,
    operator    TEXT NOT NULL,
    db_role     TEXT NOT NULL,
    table_name  TEXT NOT NULL,
    operation   TEXT NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
    row_key     TEXT NOT NULL,
    old_values  TEXT NOT NULL,
    new_values  TEXT NOT NULL,
    old_sha256  TEXT NOT NULL,
    new_sha256  TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);

-- Closed cases handed over to the archive (Aussonderung), one row per case.
CREATE TABLE archive_handovers (
    id             {{pk}},
    tenant_id      BIGINT NOT NULL REFERENCES tenants(id),
    case_id        BIGINT NOT NULL REFERENCES cases(id),
    handed_over_on {{date}} NOT NULL,
    closed_on      {{date}} NOT NULL,
    law            TEXT NOT NULL,
    recorded_at    {{ts}} NOT NULL,
    operator       TEXT NOT NULL,
    UNIQUE (case_id)
);

-- The public archive's orders (Freigabe zur Löschung after the offer of § 7 LArchG SH).
CREATE TABLE archive_orders (
    id          {{pk}},
    tenant_id   BIGINT NOT NULL REFERENCES tenants(id),
    order_ref   TEXT NOT NULL,
    recorded_at {{ts}} NOT NULL,
    operator    TEXT NOT NULL,
    UNIQUE (tenant_id, order_ref)
);

-- What a purge deleted, without personal data: the case id, its law, counts and the export file.
CREATE TABLE archive_purges (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    order_id        BIGINT NOT NULL REFERENCES archive_orders(id),
    case_id         BIGINT NOT NULL,
    pseudonym       TEXT NOT NULL,
    law             TEXT NOT NULL,
    retention_years INTEGER NOT NULL,
    rows_deleted    BIGINT NOT NULL,
    export_file     TEXT NOT NULL,
    export_sha256   TEXT NOT NULL,
    purged_at       {{ts}} NOT NULL,
    operator        TEXT NOT NULL
);
