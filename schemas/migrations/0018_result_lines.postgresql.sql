-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0018: the calculation lines of a result as one document in calc_results.lines.
--
-- Until now every line was a row of calc_lines with its own write-log entry: about twelve rows
-- per result, four fifths of what a calculation wrote and most of its time on PostgreSQL
-- (docs/scaling.md, "Calculation lines as a document"). New results carry their lines in this
-- column: a JSON array with one array per line, the elements in the order of the calc_lines
-- columns (seq, person_ext_id, segment_from, segment_to, kind, cls, legal_basis, basis_cents,
-- factor_num, factor_den, monthly_cents, days, day_share, amount_cents, params, note;
-- lib/db/result_lines.hpp). The result's write-log entry contains it.
--
-- Results written before this migration keep their lines in calc_lines (NULL here); nothing is
-- moved, so the write log of those rows stays as it is. The view calc_result_lines shows the
-- lines of both kinds of results as rows with the calc_lines columns (minus id).
ALTER TABLE calc_results ADD COLUMN lines TEXT;

-- The view runs with the rights and row-level security of whoever reads it (security_invoker):
-- an operator sees the lines of the results of their own work groups, as in calc_lines.
CREATE VIEW calc_result_lines WITH (security_invoker = true) AS
SELECT r.tenant_id, r.id AS calc_result_id, CAST(l ->> 0 AS INTEGER) AS seq, l ->> 1 AS person_ext_id,
       CAST(l ->> 2 AS DATE) AS segment_from, CAST(l ->> 3 AS DATE) AS segment_to, l ->> 4 AS kind, l ->> 5 AS cls,
       l ->> 6 AS legal_basis, CAST(l ->> 7 AS BIGINT) AS basis_cents, CAST(l ->> 8 AS BIGINT) AS factor_num,
       CAST(l ->> 9 AS BIGINT) AS factor_den, CAST(l ->> 10 AS BIGINT) AS monthly_cents, CAST(l ->> 11 AS INTEGER) AS days,
       CAST(l ->> 12 AS SMALLINT) AS day_share, CAST(l ->> 13 AS BIGINT) AS amount_cents, l ->> 14 AS params,
       l ->> 15 AS note
  FROM calc_results r CROSS JOIN LATERAL jsonb_array_elements(CAST(r.lines AS JSONB)) AS l
 WHERE r.lines IS NOT NULL
UNION ALL
SELECT tenant_id, calc_result_id, seq, person_ext_id, segment_from, segment_to, kind, cls, legal_basis, basis_cents,
       factor_num, factor_den, monthly_cents, days, day_share, amount_cents, params, note
  FROM calc_lines;
