-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0019: an order's release and export are recorded on its run and its file,
-- not by updating every order.
--
-- Until now `pay release` set every order of the run to 'released' and `pay export` every order to
-- 'exported' with its payment_file_id: two updates and two write-log entries per order, 128 s and
-- about 100 s for a million orders (docs/scaling.md, "Orders' states on the run"). A run is
-- released and exported as a whole in one transaction, so from now on:
--
-- - an order keeps the state it was prepared with ('prepared' or 'held') until the bank reports
--   on it ('rejected', 'returned', 'booked'); while it is 'prepared', its run's state ('released',
--   'exported') is its state;
-- - a file records the first and last order number it holds (first_order_no, last_order_no); it
--   holds every order of its run in that range that is not held, goes to the same kind of file
--   (payment_orders.destination: 'sepa' for a pain.001 transfer, 'cash' for the cash list, 'card'
--   for the card provider's file, set by pay prepare) and, for a pain.001 file, is paid from the
--   file's debtor account. pay export counts them before it commits (lib/db/payment_store.cpp).
--
-- Orders exported before this migration keep their state and payment_file_id, and a file without
-- a range (NULL) is found through payment_file_id as before; nothing is rewritten. The view
-- payment_order_states shows every order's state and file, for old and new runs alike.
ALTER TABLE payment_orders ADD COLUMN destination TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_files ADD COLUMN first_order_no BIGINT;
ALTER TABLE payment_files ADD COLUMN last_order_no BIGINT;
CREATE INDEX payment_files_run ON payment_files (payment_run_id);

-- With the reader's rights and row-level security (security_invoker): an operator sees the
-- states of the orders of their own work groups, as in payment_orders.
CREATE VIEW payment_order_states WITH (security_invoker = true) AS
SELECT o.id AS payment_order_id, o.tenant_id, o.payment_run_id, o.order_no, o.case_id, o.end_to_end_id,
       CASE WHEN o.state IN ('prepared', 'released') AND r.state IN ('released', 'exported') THEN r.state
            ELSE o.state END AS state,
       COALESCE(o.payment_file_id,
                (SELECT f.id FROM payment_files f
                  WHERE f.payment_run_id = o.payment_run_id AND f.first_order_no <= o.order_no
                    AND f.last_order_no >= o.order_no AND f.channel = o.destination
                    AND f.debtor_iban = CASE WHEN o.destination = 'sepa' THEN o.debtor_iban ELSE '' END
                    AND o.state <> 'held')) AS payment_file_id
  FROM payment_orders o JOIN payment_runs r ON r.id = o.payment_run_id;
