-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0020: a result's payouts and flags as documents in calc_results, as its
-- lines since migration 0018.
--
-- Every payout (about 1.2 per result) and flag (about 0.7) was a row of calc_payouts or calc_flags
-- with its own write-log entry: 1.9 million rows and entries for a month of a million cases.
-- They are written once with their result and never changed, so they become two columns of it,
-- JSON arrays with one array per row (lib/db/result_lines.hpp):
--   payouts: [[payee_ext_id, purpose, amount_cents], ...]   in the calculation's order
--   flags:   [[person_ext_id, code, text], ...]
-- The result's write-log entry contains both.
--
-- Results written before this migration keep their rows in calc_payouts and calc_flags (NULL
-- here); nothing is moved. The views calc_result_payouts and calc_result_flags show both kinds as
-- rows with the old column names (minus id); seq is the position in the document, or the row's
-- order by id.
ALTER TABLE calc_results ADD COLUMN payouts TEXT;
ALTER TABLE calc_results ADD COLUMN flags TEXT;

-- With the reader's rights and row-level security (security_invoker), as calc_result_lines.
CREATE VIEW calc_result_payouts WITH (security_invoker = true) AS
SELECT r.tenant_id, r.id AS calc_result_id, CAST(p.seq AS INTEGER) AS seq, p.e ->> 0 AS payee_ext_id,
       p.e ->> 1 AS purpose, CAST(p.e ->> 2 AS BIGINT) AS amount_cents
  FROM calc_results r CROSS JOIN LATERAL jsonb_array_elements(CAST(r.payouts AS JSONB)) WITH ORDINALITY AS p(e, seq)
 WHERE r.payouts IS NOT NULL
UNION ALL
SELECT tenant_id, calc_result_id, CAST(row_number() OVER (PARTITION BY calc_result_id ORDER BY id) AS INTEGER),
       payee_ext_id, purpose, amount_cents
  FROM calc_payouts;

CREATE VIEW calc_result_flags WITH (security_invoker = true) AS
SELECT r.tenant_id, r.id AS calc_result_id, CAST(f.seq AS INTEGER) AS seq, f.e ->> 0 AS person_ext_id,
       f.e ->> 1 AS code, f.e ->> 2 AS text
  FROM calc_results r CROSS JOIN LATERAL jsonb_array_elements(CAST(r.flags AS JSONB)) WITH ORDINALITY AS f(e, seq)
 WHERE r.flags IS NOT NULL
UNION ALL
SELECT tenant_id, calc_result_id, CAST(row_number() OVER (PARTITION BY calc_result_id ORDER BY id) AS INTEGER),
       person_ext_id, code, text
  FROM calc_flags;
