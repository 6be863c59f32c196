-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0003: payment runs, orders, files and bank feedback (docs/payments.md).
-- An order moves one way: held | prepared -> released -> exported -> (booked | rejected | returned).
-- Its EndToEndId is fixed when it is created, so a rerun can never pay it twice.

CREATE TABLE payment_runs (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    run_ref         TEXT NOT NULL,
    month           TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('prepared', 'released', 'refused', 'exported', 'invalidated')),
    execution_date  {{date}} NOT NULL,
    prepared_by     TEXT NOT NULL,
    prepared_at     {{ts}} NOT NULL,
    content_hash    TEXT NOT NULL,
    files_hash      TEXT NOT NULL,
    released_by     TEXT,
    released_at     {{ts}},
    refused_by      TEXT,
    refused_at      {{ts}},
    refusal_reason  TEXT,
    exported_at     {{ts}},
    orders_count    BIGINT NOT NULL,
    total_cents     BIGINT NOT NULL,
    held_count      BIGINT NOT NULL,
    UNIQUE (tenant_id, run_ref)
);

CREATE TABLE payment_orders (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    payment_run_id  BIGINT NOT NULL REFERENCES payment_runs(id),
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    month           TEXT NOT NULL,
    calc_result_id  BIGINT REFERENCES calc_results(id),
    difference_id   BIGINT REFERENCES calc_differences(id),
    law             TEXT NOT NULL,
    budget_line     TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('sepa', 'card', 'cash')),
    purpose         TEXT NOT NULL CHECK (purpose IN ('benefit', 'rent', 'energy')),
    payee_ext_id    TEXT NOT NULL,
    creditor_name   TEXT NOT NULL,
    iban            TEXT NOT NULL,
    bic             TEXT NOT NULL,
    card_ref        TEXT NOT NULL,
    remittance      TEXT NOT NULL,
    amount_cents    BIGINT NOT NULL,
    end_to_end_id   TEXT NOT NULL UNIQUE,
    state           TEXT NOT NULL CHECK (state IN ('held', 'prepared', 'released', 'exported', 'booked',
                        'rejected', 'returned')),
    hold_reason     TEXT NOT NULL,
    payment_file_id BIGINT,
    bank_reason     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX payment_orders_run ON payment_orders (payment_run_id);
CREATE INDEX payment_orders_case ON payment_orders (case_id, month);

CREATE TABLE payment_files (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    payment_run_id  BIGINT NOT NULL REFERENCES payment_runs(id),
    file_name       TEXT NOT NULL,
    msg_id          TEXT NOT NULL UNIQUE,
    channel         TEXT NOT NULL,
    debtor_iban     TEXT NOT NULL,
    execution_date  {{date}} NOT NULL,
    tx_count        BIGINT NOT NULL,
    ctrl_sum_cents  BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    written_at      {{ts}} NOT NULL
);

CREATE TABLE bank_messages (
    id              {{pk}},
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    sha256          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    msg_id          TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    imported_at     {{ts}} NOT NULL,
    UNIQUE (tenant_id, sha256)
);

CREATE TABLE bank_events (
    id               {{pk}},
    tenant_id        BIGINT NOT NULL REFERENCES tenants(id),
    bank_message_id  BIGINT NOT NULL REFERENCES bank_messages(id),
    payment_order_id BIGINT REFERENCES payment_orders(id),
    end_to_end_id    TEXT NOT NULL,
    status           TEXT NOT NULL,
    reason_code      TEXT NOT NULL,
    amount_cents     BIGINT NOT NULL
);
