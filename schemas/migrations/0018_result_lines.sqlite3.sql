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

CREATE VIEW calc_result_lines AS
SELECT r.tenant_id, r.id AS calc_result_id, json_extract(l.value, '$[0]') AS seq,
       json_extract(l.value, '$[1]') AS person_ext_id, json_extract(l.value, '$[2]') AS segment_from,
       json_extract(l.value, '$[3]') AS segment_to, json_extract(l.value, '$[4]') AS kind,
       json_extract(l.value, '$[5]') AS cls, json_extract(l.value, '$[6]') AS legal_basis,
       json_extract(l.value, '$[7]') AS basis_cents, json_extract(l.value, '$[8]') AS factor_num,
       json_extract(l.value, '$[9]') AS factor_den, json_extract(l.value, '$[10]') AS monthly_cents,
       json_extract(l.value, '$[11]') AS days, json_extract(l.value, '$[12]') AS day_share,
       json_extract(l.value, '$[13]') AS amount_cents, json_extract(l.value, '$[14]') AS params,
       json_extract(l.value, '$[15]') AS note
  FROM calc_results r, json_each(r.lines) AS l
 WHERE r.lines IS NOT NULL
UNION ALL
SELECT tenant_id, calc_result_id, seq, person_ext_id, segment_from, segment_to, kind, cls, legal_basis, basis_cents,
       factor_num, factor_den, monthly_cents, days, day_share, amount_cents, params, note
  FROM calc_lines;
