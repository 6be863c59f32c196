-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0004: what pay prepare/release/export and bank import need beyond 0003
-- (docs/payments.md): the order number inside a run, the ultimate creditor, the reason of a forced
-- re-preparation, the purpose text kind, and payment stops after a bank return (MD07: deceased).

ALTER TABLE payment_runs ADD COLUMN force_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_runs ADD COLUMN invalidated_reason TEXT NOT NULL DEFAULT '';

ALTER TABLE payment_orders ADD COLUMN order_no BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payment_orders ADD COLUMN ultimate_creditor TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_orders ADD COLUMN file_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_orders ADD COLUMN debtor_iban TEXT NOT NULL DEFAULT '';

CREATE TABLE payment_stops (
    id               {{pk}},
    tenant_id        BIGINT NOT NULL REFERENCES tenants(id),
    case_id          BIGINT NOT NULL REFERENCES cases(id),
    payee_ext_id     TEXT NOT NULL,
    reason_code      TEXT NOT NULL,
    payment_order_id BIGINT REFERENCES payment_orders(id),
    bank_message_id  BIGINT REFERENCES bank_messages(id),
    created_at       {{ts}} NOT NULL,
    resolved_by      TEXT,
    resolved_at      {{ts}}
);
CREATE INDEX payment_stops_case ON payment_stops (case_id);
