-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0022, PostgreSQL only: an operator who holds every work group of a tenant
-- sees that tenant's rows without the per-row probes of row-level security.
--
-- Row-level security (migration 0014) decides for every row read whether its case is in one of the
-- operator's work groups: an index probe per row, and for persons, payees and the tables below
-- them a chain of probes. For the operator of the monthly batch, who holds every work group of the
-- office, every probe of a row of its own tenant says yes. sozbatch_my_whole_tenant_ids() names
-- the tenants of which the operator (session_user, as sozbatch_my_work_group_ids()) holds every
-- work group, at least one; the policies' USING clauses (written by `db migrate`,
-- lib/security/protection.cpp) admit a row of such a tenant before they probe. The function is
-- evaluated once per query (an uncorrelated sub-select). An operator who lacks one group of a
-- tenant - also when a new group appears - gets the probes as before. The WITH CHECK clauses are
-- unchanged: every row written is still checked by the probes.

CREATE FUNCTION sozbatch_my_whole_tenant_ids() RETURNS BIGINT[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT coalesce(array_agg(g.tenant_id ORDER BY g.tenant_id), '{}') FROM (
        SELECT wg.tenant_id FROM work_groups wg
          LEFT JOIN (operator_work_groups owg JOIN operators o ON o.id = owg.operator_id
                     AND o.db_role = CAST(session_user AS TEXT) AND o.active = 1) ON owg.work_group_id = wg.id
         GROUP BY wg.tenant_id
        HAVING bool_and(owg.work_group_id IS NOT NULL)) g
$$;
