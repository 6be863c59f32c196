-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0023, PostgreSQL only: the write log's statement trigger writes a row's values
-- with to_json() instead of to_jsonb() and takes the row key and the tenant from the row's columns.
--
-- to_jsonb() builds a binary document whose keys it sorts (qsort per row), and its text was then
-- printed again from that document; to_json() prints the row once, its keys in column order. In
-- a month's pay prepare at 100,000 cases to_jsonb() and its sorting were about a fifth of the
-- server's CPU time (perf, docs/benchmarks.md "Fourteenth measurement").
--
-- What changes for entries written from now on: the values' text (keys in column order, no blanks
-- after ':' and ','). The row key ("col=value,..."), the tenant, the canonical text and the chain
-- are made as before; the key columns are bigint or text, whose text is the same as jsonb's
-- ->> gave. Entries written before keep their text, and `audit verify` checks every entry's values
-- against its own old_sha256/new_sha256, so old and new entries verify alike.

CREATE OR REPLACE FUNCTION sozbatch_audit_statement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    v_prev   TEXT;
    v_at     TEXT;
    v_op     TEXT;
    v_role   TEXT := CAST(session_user AS TEXT);
    v_key    TEXT := '';
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
    v_id     TEXT;
    v_tn     TEXT;
    v_k      TEXT;
    v_oh     TEXT;
    v_nh     TEXT;
    v_tenant TEXT;
BEGIN
    -- the row key "col=value,col=value" as in sozbatch_audit_row(), from the key columns of row x
    FOR i IN 0 .. TG_NARGS - 1 LOOP
        v_key := v_key || CASE WHEN i > 0 THEN ' || '','' || ' ELSE '' END || quote_literal(TG_ARGV[i] || '=') ||
                ' || coalesce(CAST(x.' || quote_ident(TG_ARGV[i]) || ' AS TEXT), '''')';
    END LOOP;
    IF TG_NARGS = 0 THEN
        v_key := '''''';
    END IF;
    -- the tenant of row x, where the table has one
    v_tenant := CASE WHEN EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = TG_RELID AND attname = 'tenant_id'
                                     AND attnum > 0 AND NOT attisdropped)
                     THEN 'CAST(x.tenant_id AS TEXT)' ELSE 'CAST(NULL AS TEXT)' END;
    IF TG_OP = 'INSERT' THEN
        v_src := 'SELECT row_number() OVER () AS ord, ' || v_key || ' AS k, ' || v_tenant || ' AS tenant, '''' AS o, '
              || 'CAST(to_json(x) AS TEXT) AS n FROM sozbatch_new_rows x';
    ELSIF TG_OP = 'DELETE' THEN
        v_src := 'SELECT row_number() OVER () AS ord, ' || v_key || ' AS k, ' || v_tenant || ' AS tenant, '
              || 'CAST(to_json(x) AS TEXT) AS o, '''' AS n FROM sozbatch_old_rows x';
    ELSE
        v_src := 'SELECT coalesce(b.ord, a.ord + 1000000000) AS ord, k, coalesce(b.tenant, a.tenant) AS tenant, '
              || 'coalesce(a.o, '''') AS o, coalesce(b.n, '''') AS n FROM '
              || '(SELECT row_number() OVER () AS ord, ' || v_key || ' AS k, ' || v_tenant || ' AS tenant, '
              || 'CAST(to_json(x) AS TEXT) AS o FROM sozbatch_old_rows x) a '
              || 'FULL JOIN (SELECT row_number() OVER () AS ord, ' || v_key || ' AS k, ' || v_tenant || ' AS tenant, '
              || 'CAST(to_json(x) AS TEXT) AS n FROM sozbatch_new_rows x) b USING (k)';
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
    -- sozbatch_lp() spelled out: a SQL function with its argument used twice is not inlined in a
    -- PL/pgSQL expression, and each of its six calls per row started an executor (0021)
    FOR i IN 1 .. n LOOP
        a_prev[i] := v_prev;
        v_id := CAST(v_first + i - 1 AS TEXT);
        v_tn := coalesce(a_tenant[i], '');
        v_k := a_k[i];
        v_oh := a_oh[i];
        v_nh := a_nh[i];
        v_prev := encode(sha256(convert_to(length(v_id) || ':' || v_id || ';' || length(v_tn) || ':' || v_tn || ';' ||
                                           v_fixed || length(v_k) || ':' || v_k || ';' ||
                                           length(v_oh) || ':' || v_oh || ';' || length(v_nh) || ':' || v_nh || ';' ||
                                           length(v_prev) || ':' || v_prev || ';', 'UTF8')), 'hex');
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
