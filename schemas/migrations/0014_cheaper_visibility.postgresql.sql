-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0014, PostgreSQL only: row-level security that costs an index probe per row.
--
-- Before, every policy called SECURITY DEFINER functions per row, nested (person -> memberships ->
-- case -> newest version -> the operator's work groups); PostgreSQL cannot inline them, and reading
-- 1,000 persons cost about 0.3 s of server CPU. Now:
--   * case_access holds each case's current work group (the group of its newest version). It is
--     derived data, like an index: triggers on case_versions keep it current, it is not in the
--     write log (case_versions is), and an operator sees only the rows of its own groups.
--   * sozbatch_my_work_group_ids() returns the operator's groups as an array; the policies call it
--     in an uncorrelated sub-select, which PostgreSQL evaluates once per query.
--   * the other policies are index probes (scalar sub-selects) on the tables above them, which carry their
--     own policies (db::install_protection, lib/security/protection.cpp, writes them).
--   * what must look past row-level security ("is this person a member of any case at all?") is
--     asked by small SECURITY DEFINER functions that run only for rows the probe did not admit.
-- The rules are the same as before (docs/security.md): a case is visible when its newest version
-- belongs to one of the operator's work groups, or while it has no version yet.

CREATE TABLE case_access (
    case_id       BIGINT PRIMARY KEY REFERENCES cases(id),
    tenant_id     BIGINT NOT NULL REFERENCES tenants(id),
    work_group_id BIGINT NOT NULL REFERENCES work_groups(id)
);
CREATE INDEX case_access_wg ON case_access (work_group_id);

INSERT INTO case_access (case_id, tenant_id, work_group_id)
SELECT DISTINCT ON (case_id) case_id, tenant_id, work_group_id FROM case_versions ORDER BY case_id, version DESC;

-- Recomputes case_access for the cases a statement on case_versions touched.
CREATE FUNCTION sozbatch_case_access_refresh() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO case_access (case_id, tenant_id, work_group_id)
        SELECT DISTINCT ON (n.case_id) n.case_id, n.tenant_id, n.work_group_id
          FROM sozbatch_new_rows n ORDER BY n.case_id, n.version DESC
        ON CONFLICT (case_id) DO UPDATE SET work_group_id = (
            SELECT cv.work_group_id FROM case_versions cv WHERE cv.case_id = EXCLUDED.case_id
             ORDER BY cv.version DESC LIMIT 1);
    ELSE
        DELETE FROM case_access a
         WHERE a.case_id IN (SELECT o.case_id FROM sozbatch_old_rows o)
           AND NOT EXISTS (SELECT 1 FROM case_versions cv WHERE cv.case_id = a.case_id);
        UPDATE case_access a SET work_group_id = (
            SELECT cv.work_group_id FROM case_versions cv WHERE cv.case_id = a.case_id ORDER BY cv.version DESC LIMIT 1)
         WHERE a.case_id IN (SELECT o.case_id FROM sozbatch_old_rows o)
           AND EXISTS (SELECT 1 FROM case_versions cv WHERE cv.case_id = a.case_id);
        IF TG_OP = 'UPDATE' THEN
            INSERT INTO case_access (case_id, tenant_id, work_group_id)
            SELECT DISTINCT ON (cv.case_id) cv.case_id, cv.tenant_id, cv.work_group_id
              FROM case_versions cv WHERE cv.case_id IN (SELECT n.case_id FROM sozbatch_new_rows n)
             ORDER BY cv.case_id, cv.version DESC
            ON CONFLICT (case_id) DO UPDATE SET work_group_id = EXCLUDED.work_group_id;
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER case_access_ins AFTER INSERT ON case_versions REFERENCING NEW TABLE AS sozbatch_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sozbatch_case_access_refresh();
CREATE TRIGGER case_access_upd AFTER UPDATE ON case_versions
    REFERENCING OLD TABLE AS sozbatch_old_rows NEW TABLE AS sozbatch_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sozbatch_case_access_refresh();
CREATE TRIGGER case_access_del AFTER DELETE ON case_versions REFERENCING OLD TABLE AS sozbatch_old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sozbatch_case_access_refresh();

-- The operator's work groups (session_user, never a setting a client could change).
CREATE FUNCTION sozbatch_my_work_group_ids() RETURNS BIGINT[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT coalesce(array_agg(owg.work_group_id), '{}') FROM operator_work_groups owg
      JOIN operators o ON o.id = owg.operator_id
     WHERE o.db_role = CAST(session_user AS TEXT) AND o.active = 1
$$;

-- Past row-level security: does the case have no version yet, is the person in no case, the payee
-- in no payment assignment?
CREATE FUNCTION sozbatch_case_unassigned(p_case BIGINT) RETURNS BOOLEAN
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT NOT EXISTS (SELECT 1 FROM case_access a WHERE a.case_id = p_case) $$;

CREATE FUNCTION sozbatch_person_unassigned(p_person BIGINT) RETURNS BOOLEAN
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT NOT EXISTS (SELECT 1 FROM case_members m WHERE m.person_id = p_person) $$;

CREATE FUNCTION sozbatch_payee_unassigned(p_payee BIGINT) RETURNS BOOLEAN
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT NOT EXISTS (SELECT 1 FROM payment_assignments a WHERE a.payee_id = p_payee) $$;
