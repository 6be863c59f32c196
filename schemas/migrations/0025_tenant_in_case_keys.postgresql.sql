-- SPDX-License-Identifier: GPL-3.0-or-later
-- sozbatch migration 0025, PostgreSQL only: a result's and a payment order's case is referenced
-- together with the tenant, (case_id, tenant_id) -> cases (id, tenant_id).
--
-- Until now calc_results and payment_orders had one foreign key to tenants and one to cases:
-- nothing said that the row's tenant is its case's tenant, and every inserted row paid for two
-- checks. One key over both columns says it, and checks it once (the case's own key to tenants
-- stands for the tenant). On a copy of a 100,000-case month, inserting the 116,370 orders again
-- (write log disabled) took 4.05 / 4.25 s before and 3.24 / 3.86 s after; pay prepare's time is
-- mostly that insert (docs/benchmarks.md, "Fifteenth measurement").
--
-- SQLite keeps its keys: changing a key there means rebuilding the table, and the embedded
-- database serves one office.

ALTER TABLE cases ADD CONSTRAINT cases_id_tenant_key UNIQUE (id, tenant_id);

ALTER TABLE calc_results
    DROP CONSTRAINT calc_results_tenant_id_fkey,
    DROP CONSTRAINT calc_results_case_id_fkey,
    ADD CONSTRAINT calc_results_case_tenant_fkey FOREIGN KEY (case_id, tenant_id) REFERENCES cases (id, tenant_id);

ALTER TABLE payment_orders
    DROP CONSTRAINT payment_orders_tenant_id_fkey,
    DROP CONSTRAINT payment_orders_case_id_fkey,
    ADD CONSTRAINT payment_orders_case_tenant_fkey FOREIGN KEY (case_id, tenant_id) REFERENCES cases (id, tenant_id);
