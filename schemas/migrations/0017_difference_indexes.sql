-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0017: indexes for two look-ups by difference that read a whole table each
-- time (docs/scaling.md, "Chunk queries"):
--  * pay prepare asks, for each open difference of a chunk of cases, whether an order of a live
--    run already pays it (NOT EXISTS ... payment_orders o WHERE o.difference_id = d.id);
--  * the claims list (pay prepare's offsets, `claims list`) looks up the newest Anhörung of each
--    claim's difference (notices n WHERE n.difference_id = c.difference_id).
-- Without them a month with many differences (a recalculation after a change of the standard
-- rates) reads every order once per difference.

CREATE INDEX payment_orders_difference ON payment_orders (difference_id);
CREATE INDEX notices_difference ON notices (difference_id);
