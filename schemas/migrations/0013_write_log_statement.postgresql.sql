-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0013, PostgreSQL only: the write log per statement instead of per row.
--
-- The entries and their hashes are exactly those of sozbatch_audit_row() (0010): one entry per
-- written row, the same canonical text, the same chain, so `audit verify` is unchanged. What
-- changes is how they are made: three statement-level triggers per domain table (INSERT, UPDATE,
-- DELETE; PostgreSQL allows transition tables only with one event per trigger) read the
-- statement's transition tables once, turn all rows into JSON and hash them in one query, take the
-- chain lock once, chain the rows in one loop and insert all entries with one INSERT. The row
-- trigger did all of that per row: a PL/pgSQL call, the lock, a look-up of the last hash and a
-- single-row insert. db::install_protection() creates the triggers (lib/security/protection.cpp).
--
-- Order of the entries within a statement: the order of the rows in the transition table (the
-- order in which the statement wrote them); an UPDATE pairs old and new rows by the key columns
-- named as trigger arguments.

CREATE FUNCTION sozbatch_audit_statement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    v_prev   TEXT;
    v_at     TEXT;
    v_op     TEXT;
    v_role   TEXT := CAST(session_user AS TEXT);
    v_ko     TEXT := '';
    v_kn     TEXT := '';
    v_src    TEXT;
    v_fixed  TEXT;
    v_first  BIGINT;
    a_tenant TEXT[];
    a_k      TEXT[];
    a_o      TEXT[];
    a_n      TEXT[];
    a_oh     TEXT[];
    a_nh     TEXT[];
    a_prev   TEXT[];
    a_hash   TEXT[];
    n        INTEGER;
    i        INTEGER;
BEGIN
    -- the row key "col=value,col=value" as in sozbatch_audit_row(), for the old and the new row
    FOR i IN 0 .. TG_NARGS - 1 LOOP
        v_ko := v_ko || CASE WHEN i > 0 THEN ' || '','' || ' ELSE '' END || quote_literal(TG_ARGV[i] || '=') ||
                ' || coalesce(o ->> ' || quote_literal(TG_ARGV[i]) || ', '''')';
        v_kn := v_kn || CASE WHEN i > 0 THEN ' || '','' || ' ELSE '' END || quote_literal(TG_ARGV[i] || '=') ||
                ' || coalesce(n ->> ' || quote_literal(TG_ARGV[i]) || ', '''')';
    END LOOP;
    IF TG_NARGS = 0 THEN
        v_ko := '''''';
        v_kn := '''''';
    END IF;
    IF TG_OP = 'INSERT' THEN
        v_src := 'SELECT row_number() OVER () AS ord, ' || v_kn || ' AS k, n ->> ''tenant_id'' AS tenant, '''' AS o, '
              || 'n::text AS n FROM (SELECT to_jsonb(x) AS n FROM sozbatch_new_rows x) s';
    ELSIF TG_OP = 'DELETE' THEN
        v_src := 'SELECT row_number() OVER () AS ord, ' || v_ko || ' AS k, o ->> ''tenant_id'' AS tenant, o::text AS o, '
              || ''''' AS n FROM (SELECT to_jsonb(x) AS o FROM sozbatch_old_rows x) s';
    ELSE
        v_src := 'SELECT coalesce(b.ord, a.ord + 1000000000) AS ord, k, coalesce(b.n ->> ''tenant_id'', a.o ->> ''tenant_id'') AS tenant, '
              || 'coalesce(a.o::text, '''') AS o, coalesce(b.n::text, '''') AS n FROM '
              || '(SELECT row_number() OVER () AS ord, ' || v_ko || ' AS k, o FROM (SELECT to_jsonb(x) AS o FROM sozbatch_old_rows x) s) a '
              || 'FULL JOIN (SELECT row_number() OVER () AS ord, ' || v_kn || ' AS k, n FROM '
              || '(SELECT to_jsonb(x) AS n FROM sozbatch_new_rows x) s) b USING (k)';
    END IF;
    EXECUTE 'SELECT array_agg(tenant), array_agg(k), array_agg(o), array_agg(n), '
         || 'array_agg(encode(sha256(convert_to(o, ''UTF8'')), ''hex'')), '
         || 'array_agg(encode(sha256(convert_to(n, ''UTF8'')), ''hex'')) FROM (' || v_src || ' ORDER BY ord) e'
       INTO a_tenant, a_k, a_o, a_n, a_oh, a_nh;
    n := coalesce(array_length(a_k, 1), 0);
    IF n = 0 THEN
        RETURN NULL;
    END IF;
    -- one chain for all writers: the lock is held to the end of the transaction
    PERFORM pg_advisory_xact_lock(7351001);
    v_at := coalesce(nullif(current_setting('sozbatch.now', true), ''),
                     to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
    v_op := coalesce(nullif(current_setting('sozbatch.operator', true), ''), v_role);
    -- the ids continue the last committed entry (not a sequence: a sequence is not rolled back,
    -- and a rolled-back write would leave a gap that `audit verify` reports as missing entries)
    SELECT id + 1, hash INTO v_first, v_prev FROM audit_log ORDER BY id DESC LIMIT 1;
    v_first := coalesce(v_first, 1);
    v_prev := coalesce(v_prev, repeat('0', 64));
    v_fixed := sozbatch_lp(v_at) || sozbatch_lp(v_op) || sozbatch_lp(v_role) || sozbatch_lp(TG_TABLE_NAME) ||
               sozbatch_lp(TG_OP);
    FOR i IN 1 .. n LOOP
        a_prev[i] := v_prev;
        v_prev := encode(sha256(convert_to(sozbatch_lp(CAST(v_first + i - 1 AS TEXT)) || sozbatch_lp(coalesce(a_tenant[i], '')) ||
                                           v_fixed || sozbatch_lp(a_k[i]) || sozbatch_lp(a_oh[i]) || sozbatch_lp(a_nh[i]) ||
                                           sozbatch_lp(v_prev), 'UTF8')), 'hex');
        a_hash[i] := v_prev;
    END LOOP;
    INSERT INTO audit_log (id, tenant_id, at, operator, db_role, table_name, operation, row_key, old_values,
                           new_values, old_sha256, new_sha256, prev_hash, hash)
    SELECT v_first + u.ord - 1, CAST(nullif(u.tenant, '') AS BIGINT), v_at, v_op, v_role, TG_TABLE_NAME, TG_OP, u.k,
           u.o, u.n, u.oh, u.nh, u.prev, u.hash
      FROM unnest(a_tenant, a_k, a_o, a_n, a_oh, a_nh, a_prev, a_hash) WITH ORDINALITY
           AS u(tenant, k, o, n, oh, nh, prev, hash, ord);
    RETURN NULL;
END
$$;
