-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0010, PostgreSQL only: the functions behind the protocol, the write log and
-- row-level security. Triggers, policies and grants per table are (re)created by
-- db::install_protection() after every migration (lib/security/protection.cpp).
-- All SECURITY DEFINER functions run as the schema owner with a fixed search_path; identities
-- are taken from session_user (the login role), never from a setting a client could change.

-- This file runs before 0010_security.sql creates the tables the SQL functions name.
SET check_function_bodies = false;

-- Length-prefixed field for the canonical text of a write-log entry ("<chars>:<text>;").
CREATE FUNCTION sozbatch_lp(t TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE
AS $$ SELECT length(coalesce(t, '')) || ':' || coalesce(t, '') || ';' $$;

CREATE FUNCTION sozbatch_sha256_text(t TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE
AS $$ SELECT encode(sha256(convert_to(coalesce(t, ''), 'UTF8')), 'hex') $$;

-- The protocol is written only through this function: application roles have no INSERT right
-- on the table, and the database role is recorded from session_user.
CREATE FUNCTION sozbatch_protocol_append(p_tenant BIGINT, p_at TEXT, p_event TEXT, p_operator TEXT, p_job TEXT,
                                         p_parameters TEXT, p_exit INTEGER, p_detail TEXT) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    INSERT INTO protocol (tenant_id, at, event, operator, db_role, job, parameters, exit_code, detail)
    VALUES (p_tenant, p_at, p_event, p_operator, CAST(session_user AS TEXT), p_job, p_parameters, p_exit, p_detail)
$$;

-- Row trigger for every domain table: appends one chained entry to audit_log. The trigger
-- arguments name the key columns. An advisory lock serialises writers so the chain cannot fork.
CREATE FUNCTION sozbatch_audit_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    v_id     BIGINT;
    v_prev   TEXT;
    v_at     TEXT;
    v_op     TEXT;
    v_role   TEXT := CAST(session_user AS TEXT);
    v_old    TEXT := '';
    v_new    TEXT := '';
    v_row    JSONB;
    v_key    TEXT := '';
    v_tenant TEXT;
    v_oh     TEXT;
    v_nh     TEXT;
    i        INTEGER;
BEGIN
    PERFORM pg_advisory_xact_lock(7351001);
    IF TG_OP <> 'INSERT' THEN
        v_row := to_jsonb(OLD);
        v_old := v_row::text;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        v_row := to_jsonb(NEW);
        v_new := v_row::text;
    END IF;
    FOR i IN 0 .. TG_NARGS - 1 LOOP
        v_key := v_key || CASE WHEN i > 0 THEN ',' ELSE '' END || TG_ARGV[i] || '=' || coalesce(v_row ->> TG_ARGV[i], '');
    END LOOP;
    v_tenant := coalesce(v_row ->> 'tenant_id', '');
    v_at := coalesce(nullif(current_setting('sozbatch.now', true), ''),
                     to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
    v_op := coalesce(nullif(current_setting('sozbatch.operator', true), ''), v_role);
    SELECT hash INTO v_prev FROM audit_log ORDER BY id DESC LIMIT 1;
    v_prev := coalesce(v_prev, repeat('0', 64));
    v_id := nextval(pg_get_serial_sequence('audit_log', 'id'));
    v_oh := sozbatch_sha256_text(v_old);
    v_nh := sozbatch_sha256_text(v_new);
    INSERT INTO audit_log (id, tenant_id, at, operator, db_role, table_name, operation, row_key, old_values,
                           new_values, old_sha256, new_sha256, prev_hash, hash)
    VALUES (v_id, CAST(nullif(v_tenant, '') AS BIGINT), v_at, v_op, v_role, TG_TABLE_NAME, TG_OP, v_key, v_old, v_new,
            v_oh, v_nh, v_prev,
            sozbatch_sha256_text(sozbatch_lp(CAST(v_id AS TEXT)) || sozbatch_lp(v_tenant) || sozbatch_lp(v_at) ||
                                 sozbatch_lp(v_op) || sozbatch_lp(v_role) || sozbatch_lp(TG_TABLE_NAME) ||
                                 sozbatch_lp(TG_OP) || sozbatch_lp(v_key) || sozbatch_lp(v_oh) || sozbatch_lp(v_nh) ||
                                 sozbatch_lp(v_prev)));
    RETURN NULL;
END
$$;

-- Guard of the append-only tables (protocol, audit_log): UPDATE, DELETE and TRUNCATE refused.
-- The one exception is the redaction of write-log values by an archive purge
-- (sozbatch_audit_redact below): only the value texts change, to the marker; hashes stay.
CREATE FUNCTION sozbatch_append_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'audit_log' THEN
        IF current_setting('sozbatch.redacting', true) = 'on'
           AND NEW.id = OLD.id AND NEW.hash = OLD.hash AND NEW.prev_hash = OLD.prev_hash
           AND NEW.old_sha256 = OLD.old_sha256 AND NEW.new_sha256 = OLD.new_sha256
           AND NEW.at = OLD.at AND NEW.operator = OLD.operator AND NEW.db_role = OLD.db_role
           AND NEW.table_name = OLD.table_name AND NEW.operation = OLD.operation AND NEW.row_key = OLD.row_key
           AND NEW.tenant_id IS NOT DISTINCT FROM OLD.tenant_id
           AND NEW.old_values IN (OLD.old_values, '{"redacted":"archive-purge"}')
           AND NEW.new_values IN (OLD.new_values, '{"redacted":"archive-purge"}') THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'sozbatch: % is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Redacts the values of write-log entries of the given rows (archive purge). Only for operators
-- with the admin role (checked here, as the function bypasses the missing UPDATE right).
CREATE FUNCTION sozbatch_audit_redact(p_table TEXT, p_key TEXT) RETURNS BIGINT
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    n BIGINT;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM operators o JOIN operator_roles r ON r.operator_id = o.id
                   WHERE o.db_role = CAST(session_user AS TEXT) AND o.active = 1 AND r.role = 'admin')
       AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
        RAISE EXCEPTION 'sozbatch: only an administrator may redact the write log' USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM set_config('sozbatch.redacting', 'on', true);
    UPDATE audit_log SET old_values = CASE WHEN old_values = '' THEN '' ELSE '{"redacted":"archive-purge"}' END,
                         new_values = CASE WHEN new_values = '' THEN '' ELSE '{"redacted":"archive-purge"}' END
     WHERE table_name = p_table AND row_key = p_key;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('sozbatch.redacting', 'off', true);
    RETURN n;
END
$$;

-- Work groups of the session's operator (row-level security).
CREATE FUNCTION sozbatch_my_work_groups() RETURNS SETOF BIGINT
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT owg.work_group_id FROM operator_work_groups owg JOIN operators o ON o.id = owg.operator_id
     WHERE o.db_role = CAST(session_user AS TEXT) AND o.active = 1
$$;

-- A case is visible when its newest version belongs to one of the operator's work groups, or
-- while it has no version yet (inside the importing transaction).
CREATE FUNCTION sozbatch_case_visible(p_case BIGINT) RETURNS BOOLEAN
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT COALESCE((SELECT cv.work_group_id IN (SELECT sozbatch_my_work_groups())
                       FROM case_versions cv WHERE cv.case_id = p_case ORDER BY cv.version DESC LIMIT 1), TRUE)
$$;

CREATE FUNCTION sozbatch_case_version_visible(p_cv BIGINT) RETURNS BOOLEAN
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT COALESCE((SELECT sozbatch_case_visible(cv.case_id) FROM case_versions cv WHERE cv.id = p_cv), FALSE)
$$;

-- Persons through membership: visible when a member of a visible case, or not a member of any.
CREATE FUNCTION sozbatch_person_visible(p_person BIGINT) RETURNS BOOLEAN
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT NOT EXISTS (SELECT 1 FROM case_members m WHERE m.person_id = p_person)
        OR EXISTS (SELECT 1 FROM case_members m JOIN case_versions cv ON cv.id = m.case_version_id
                    WHERE m.person_id = p_person AND sozbatch_case_visible(cv.case_id))
$$;

-- Payees through payment assignments: visible when assigned in a visible case, or in none.
CREATE FUNCTION sozbatch_payee_visible(p_payee BIGINT) RETURNS BOOLEAN
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT NOT EXISTS (SELECT 1 FROM payment_assignments a WHERE a.payee_id = p_payee)
        OR EXISTS (SELECT 1 FROM payment_assignments a JOIN case_versions cv ON cv.id = a.case_version_id
                    WHERE a.payee_id = p_payee AND sozbatch_case_visible(cv.case_id))
$$;

RESET check_function_bodies;
