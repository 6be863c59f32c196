-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0016: the payment commands read a run's orders in pages of their order
-- number (keyset pagination, docs/scaling.md), so that pay prepare, release and export hold a
-- page of orders at a time instead of the whole run.

CREATE INDEX payment_orders_run_no ON payment_orders (payment_run_id, order_no);
