-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0011: indexes the month's batch queries need at a million cases
-- (docs/benchmarks.md, "One million cases"; docs/scaling.md).
-- The row-level security rule for payees (sozbatch_payee_visible) looks up a payee's
-- assignments; the "already paid" test of every result header counts its payment orders.
-- Without these, both scan the whole table once per row read.

CREATE INDEX payment_assignments_payee ON payment_assignments (payee_id);
CREATE INDEX payment_orders_result ON payment_orders (calc_result_id);
