// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/security/protection.hpp"

#include "lib/core/error.hpp"
#include "lib/db/row.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace sozbatch::security {

using db::guard;
using db::text;

namespace {

std::set<std::string> const &excluded()
{
    static std::set<std::string> const names{"audit_log", "protocol", "schema_migrations", "case_access"};
    return names;
}

std::string quote_ident(std::string const &name)
{
    std::string out = "\"";
    for (char const c : name) {
        out += c == '"' ? std::string{"\"\""} : std::string(1, c);
    }
    return out + "\"";
}

std::string quote_literal(std::string const &v)
{
    std::string out = "'";
    for (char const c : v) {
        out += c == '\'' ? std::string{"''"} : std::string(1, c);
    }
    return out + "'";
}

void exec(db::database_t &db, std::string const &sql) { db.exec_script(sql); }

std::string sqlite_json(std::string const &side, table_info_t const &t)
{
    std::string s = "json_object(";
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        s += (i ? ", " : "") + quote_literal(t.columns[i]) + ", " + side + "." + quote_ident(t.columns[i]);
    }
    return s + ")";
}

std::string sqlite_key(std::string const &side, table_info_t const &t)
{
    std::string s;
    for (std::size_t i = 0; i < t.key.size(); ++i) {
        s += (i ? " || ',' || " : "") + quote_literal(t.key[i] + "=") + " || COALESCE(CAST(" + side + "." +
             quote_ident(t.key[i]) + " AS TEXT), '')";
    }
    return s;
}

/// One SQLite trigger: the entry's fields in a sub-select, its hash computed from them.
std::string sqlite_trigger(table_info_t const &t, std::string const &op)
{
    std::string const suffix = op == "INSERT" ? "ins" : op == "UPDATE" ? "upd" : "del";
    std::string const name = "audit_" + t.name + "_" + suffix;
    std::string const row = op == "DELETE" ? "OLD" : "NEW";
    std::string const old_json = op == "INSERT" ? "''" : sqlite_json("OLD", t);
    std::string const new_json = op == "DELETE" ? "''" : sqlite_json("NEW", t);
    std::string const tenant = "COALESCE(CAST(" + row + ".tenant_id AS TEXT), '')";
    return "DROP TRIGGER IF EXISTS " + quote_ident(name) + ";\n" + "CREATE TRIGGER " + quote_ident(name) + " AFTER " +
           op + " ON " + quote_ident(t.name) +
           " BEGIN\n"
           "  INSERT INTO audit_log (id, tenant_id, at, operator, db_role, table_name, operation, row_key, old_values,"
           " new_values, old_sha256, new_sha256, prev_hash, hash)\n"
           "  SELECT e.id, NULLIF(e.tenant, ''), e.at, e.op, '', e.tbl, e.operation, e.k, e.o, e.n, sozbatch_sha256(e.o),"
           " sozbatch_sha256(e.n), e.prev, sozbatch_audit_hash(e.id, e.tenant, e.at, e.op, '', e.tbl, e.operation, e.k,"
           " sozbatch_sha256(e.o), sozbatch_sha256(e.n), e.prev)\n"
           "  FROM (SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM audit_log) AS id, " + tenant + " AS tenant,"
           " COALESCE(sozbatch_audit_now(), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) AS at, sozbatch_audit_operator() AS op, " +
           quote_literal(t.name) + " AS tbl, " + quote_literal(op) + " AS operation, " + sqlite_key(row, t) + " AS k, " +
           old_json + " AS o, " + new_json + " AS n, COALESCE((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), " +
           quote_literal(std::string(64, '0')) + ") AS prev) e;\nEND;\n";
}

std::string sqlite_guards()
{
    std::string s;
    for (std::string const t : {"protocol", "audit_log"}) {
        for (std::string const op : {"UPDATE", "DELETE"}) {
            std::string const name = t + "_no_" + (op == "UPDATE" ? "update" : "delete");
            std::string when;
            if (t == "audit_log" && op == "UPDATE") {
                // the redaction by an archive purge: only the value texts change, to the marker
                when = " WHEN NOT (sozbatch_audit_redacting() = 1 AND NEW.id = OLD.id AND NEW.hash = OLD.hash"
                       " AND NEW.prev_hash = OLD.prev_hash AND NEW.old_sha256 = OLD.old_sha256"
                       " AND NEW.new_sha256 = OLD.new_sha256 AND NEW.at = OLD.at AND NEW.operator = OLD.operator"
                       " AND NEW.table_name = OLD.table_name AND NEW.operation = OLD.operation"
                       " AND NEW.row_key = OLD.row_key AND NEW.tenant_id IS OLD.tenant_id"
                       " AND NEW.old_values IN (OLD.old_values, '{\"redacted\":\"archive-purge\"}')"
                       " AND NEW.new_values IN (OLD.new_values, '{\"redacted\":\"archive-purge\"}'))";
            }
            s += "DROP TRIGGER IF EXISTS " + name + ";\nCREATE TRIGGER " + name + " BEFORE " + op + " ON " + t + when +
                 " BEGIN SELECT RAISE(ABORT, 'sozbatch: " + t + " is append-only (" + op + " refused)'); END;\n";
        }
    }
    return s;
}

std::string pg_ensure_role(std::string const &role)
{
    return "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = " + quote_literal(role) +
           ") THEN CREATE ROLE " + role + " NOLOGIN NOBYPASSRLS; END IF; END $$;\n";
}

std::string pg_table_owner(db::database_t &db, std::string const &table)
{
    std::string owner;
    db.sql() << "SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = :t", soci::use(table),
        soci::into(owner);
    return owner;
}

/// Who may read a row: one of a tenant of which the operator holds every work group (migration
/// 0022; evaluated once per query, it spares the batch's operator the probes), or what \p rule,
/// the probes of visibility_rule(), admits. Writing is always checked by the probes alone.
std::string read_rule(std::string const &rule)
{
    return "tenant_id = ANY (CAST((SELECT sozbatch_my_whole_tenant_ids()) AS BIGINT[])) OR (" + rule + ")";
}

void install_postgresql(db::database_t &db, std::vector<table_info_t> const &tables)
{
    std::string schema;
    db.sql() << "SELECT current_schema()", soci::into(schema);
    std::string s;
    s += pg_ensure_role(APP_ROLE) + pg_ensure_role(ADMIN_ROLE) + pg_ensure_role(AUDITOR_ROLE);
    s += "GRANT USAGE ON SCHEMA " + quote_ident(schema) + " TO " + APP_ROLE + ";\n";
    s += "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA " + quote_ident(schema) + " TO " + APP_ROLE + ";\n";
    s += "GRANT SELECT ON schema_migrations, tenants TO " + std::string{APP_ROLE} + ";\n";
    for (std::string const t : {"audit_log", "protocol"}) {
        s += "REVOKE ALL ON " + t + " FROM PUBLIC;\nREVOKE ALL ON " + t + " FROM " + APP_ROLE + ";\n";
        s += "DROP TRIGGER IF EXISTS " + t + "_append_only ON " + t + ";\n";
        s += "CREATE TRIGGER " + t + "_append_only BEFORE UPDATE OR DELETE ON " + t +
             " FOR EACH ROW EXECUTE FUNCTION sozbatch_append_only();\n";
        s += "DROP TRIGGER IF EXISTS " + t + "_no_truncate ON " + t + ";\n";
        s += "CREATE TRIGGER " + t + "_no_truncate BEFORE TRUNCATE ON " + t +
             " FOR EACH STATEMENT EXECUTE FUNCTION sozbatch_append_only();\n";
    }
    s += "GRANT SELECT ON audit_log TO " + std::string{AUDITOR_ROLE} + ", " + ADMIN_ROLE + ";\n";
    s += "GRANT SELECT ON protocol TO " + std::string{ADMIN_ROLE} + ";\n";
    for (auto const &t : tables) {
        std::string const q = quote_ident(t.name);
        std::string args;
        for (std::size_t i = 0; i < t.key.size(); ++i) {
            args += (i ? ", " : "") + quote_literal(t.key[i]);
        }
        // the write log: one trigger per event and statement (migration 0013), transition tables
        s += "DROP TRIGGER IF EXISTS sozbatch_audit ON " + q + ";\n";
        for (auto const &[name, event, referencing] :
             {std::tuple{"sozbatch_audit_ins", "INSERT", "NEW TABLE AS sozbatch_new_rows"},
              std::tuple{"sozbatch_audit_upd", "UPDATE", "OLD TABLE AS sozbatch_old_rows NEW TABLE AS sozbatch_new_rows"},
              std::tuple{"sozbatch_audit_del", "DELETE", "OLD TABLE AS sozbatch_old_rows"}}) {
            s += std::string{"DROP TRIGGER IF EXISTS "} + name + " ON " + q + ";\n";
            s += std::string{"CREATE TRIGGER "} + name + " AFTER " + event + " ON " + q + " REFERENCING " + referencing +
                 " FOR EACH STATEMENT EXECUTE FUNCTION sozbatch_audit_statement(" + args + ");\n";
        }
        bool const operator_table = t.name.starts_with("operator");
        s += "REVOKE ALL ON " + q + " FROM PUBLIC;\n";
        if (operator_table) {
            s += "GRANT SELECT ON " + q + " TO " + APP_ROLE + ";\n";
            s += "GRANT SELECT, INSERT, UPDATE, DELETE ON " + q + " TO " + ADMIN_ROLE + ";\n";
        } else {
            s += "GRANT SELECT, INSERT, UPDATE, DELETE ON " + q + " TO " + APP_ROLE + ";\n";
        }
        std::string const rule = visibility_rule(t);
        s += "DROP POLICY IF EXISTS sozbatch_visible ON " + q + ";\nDROP POLICY IF EXISTS sozbatch_owner ON " + q + ";\n";
        if (rule.empty()) {
            s += "ALTER TABLE " + q + " NO FORCE ROW LEVEL SECURITY;\nALTER TABLE " + q + " DISABLE ROW LEVEL SECURITY;\n";
            continue;
        }
        std::string check = rule;
        if (t.name == "case_versions") {
            check = "work_group_id = ANY (CAST((SELECT sozbatch_my_work_group_ids()) AS BIGINT[]))";
        }
        s += "ALTER TABLE " + q + " ENABLE ROW LEVEL SECURITY;\nALTER TABLE " + q + " FORCE ROW LEVEL SECURITY;\n";
        s += "CREATE POLICY sozbatch_visible ON " + q + " TO " + APP_ROLE + " USING (" + read_rule(rule) + ") WITH CHECK (" +
             check + ");\n";
        s += "CREATE POLICY sozbatch_owner ON " + q + " TO " + quote_ident(pg_table_owner(db, t.name)) +
             " USING (true) WITH CHECK (true);\n";
    }
    // case_access (migration 0014): derived from case_versions by triggers, like an index; not in
    // the write log; operators read the rows of their own groups, nobody but the triggers writes.
    s += "REVOKE ALL ON case_access FROM PUBLIC;\nGRANT SELECT ON case_access TO " + std::string{APP_ROLE} + ";\n";
    s += "ALTER TABLE case_access ENABLE ROW LEVEL SECURITY;\n";
    s += "DROP POLICY IF EXISTS sozbatch_visible ON case_access;\n";
    s += "CREATE POLICY sozbatch_visible ON case_access TO " + std::string{APP_ROLE} + " USING (" +
         read_rule(visibility_rule(table_info_t{"case_access", {"case_id", "tenant_id", "work_group_id"}, {"case_id"}})) +
         ");\n";
    // calc_result_lines (migration 0018): a view with the reader's rights (security_invoker), so
    // the policies of calc_results and calc_lines decide which lines an operator sees.
    s += "REVOKE ALL ON calc_result_lines FROM PUBLIC;\nGRANT SELECT ON calc_result_lines TO " + std::string{APP_ROLE} +
         ";\n";
    // calc_result_payouts, calc_result_flags (migration 0020): the same for payouts and flags.
    for (std::string const v : {"calc_result_payouts", "calc_result_flags"}) {
        s += "REVOKE ALL ON " + v + " FROM PUBLIC;\nGRANT SELECT ON " + v + " TO " + std::string{APP_ROLE} + ";\n";
    }
    // payment_order_states (migration 0019): the same, for the orders' states as of their runs.
    s += "REVOKE ALL ON payment_order_states FROM PUBLIC;\nGRANT SELECT ON payment_order_states TO " +
         std::string{APP_ROLE} + ";\n";
    // The operators' group memberships follow their sozbatch roles (see operators grant).
    exec(db, s);
}

} // namespace

bool table_info_t::has(std::string const &column) const
{
    return std::find(columns.begin(), columns.end(), column) != columns.end();
}

std::vector<table_info_t> domain_tables(db::database_t &db)
{
    return guard(db, [&] {
        std::vector<table_info_t> out;
        if (db.dialect() == db::dialect_t::sqlite) {
            std::vector<std::string> names;
            soci::rowset<soci::row> rs = (db.sql().prepare << "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                                              "name NOT LIKE 'sqlite_%' ORDER BY name");
            for (auto const &r : rs) {
                names.push_back(text(r, 0));
            }
            for (auto const &n : names) {
                table_info_t t{n, {}, {}};
                std::vector<std::pair<long long, std::string>> pk;
                soci::rowset<soci::row> cols = (db.sql().prepare << "SELECT name, pk FROM pragma_table_info(:t) ORDER BY cid",
                                                soci::use(n));
                for (auto const &c : cols) {
                    t.columns.push_back(text(c, 0));
                    if (db::int64(c, 1) > 0) {
                        pk.emplace_back(db::int64(c, 1), text(c, 0));
                    }
                }
                std::sort(pk.begin(), pk.end());
                for (auto const &[i, c] : pk) {
                    t.key.push_back(c);
                }
                out.push_back(std::move(t));
            }
        } else {
            soci::rowset<soci::row> rs =
                (db.sql().prepare << "SELECT c.table_name, c.column_name FROM information_schema.columns c "
                                     "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND "
                                     "t.table_name = c.table_name AND t.table_type = 'BASE TABLE' "
                                     "WHERE c.table_schema = current_schema() ORDER BY c.table_name, c.ordinal_position");
            for (auto const &r : rs) {
                std::string const n = text(r, 0);
                if (out.empty() || out.back().name != n) {
                    out.push_back(table_info_t{n, {}, {}});
                }
                out.back().columns.push_back(text(r, 1));
            }
            for (auto &t : out) {
                soci::rowset<soci::row> pk =
                    (db.sql().prepare << "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                                         "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = CAST(:t AS regclass) AND "
                                         "i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
                     soci::use(t.name));
                for (auto const &r : pk) {
                    t.key.push_back(text(r, 0));
                }
            }
        }
        std::erase_if(out, [](table_info_t const &t) { return excluded().contains(t.name) || !t.has("tenant_id"); });
        for (auto &t : out) {
            if (t.key.empty()) {
                t.key = t.columns;
            }
        }
        return out;
    });
}

std::string visibility_rule(table_info_t const &t)
{
    // Index probes on the tables above, each under its own policy (migration 0014); the
    // SECURITY DEFINER *_unassigned() functions run only for rows the probe did not admit. The
    // probes are scalar sub-selects, not EXISTS: PostgreSQL may plan an EXISTS as a hash of the
    // whole parent table, built again for every query (a page of 1,000 cases hashed all 100,000).
    std::string const self = quote_ident(t.name) + ".";
    std::string const my_groups = "CAST((SELECT sozbatch_my_work_group_ids()) AS BIGINT[])";
    auto const case_rule = [&](std::string const &column) {
        return "(SELECT a.case_id FROM case_access a WHERE a.case_id = " + self + column +
               ") IS NOT NULL OR sozbatch_case_unassigned(" + self + column + ")";
    };
    auto const via = [&](std::string const &parent, std::string const &column) {
        return "(SELECT p.id FROM " + parent + " p WHERE p.id = " + self + column + ") IS NOT NULL";
    };
    if (t.name == "case_access") {
        return "work_group_id = ANY (" + my_groups + ")";
    }
    if (t.name == "case_versions") {
        return case_rule("case_id");
    }
    if (t.name == "cases") {
        return case_rule("id");
    }
    if (t.name == "persons") {
        return "(SELECT m.person_id FROM case_members m WHERE m.person_id = " + self +
               "id LIMIT 1) IS NOT NULL OR sozbatch_person_unassigned(" + self + "id)";
    }
    if (t.name == "payees") {
        return "(SELECT a.payee_id FROM payment_assignments a WHERE a.payee_id = " + self +
               "id LIMIT 1) IS NOT NULL OR sozbatch_payee_unassigned(" + self + "id)";
    }
    if (t.has("case_version_id")) {
        return via("case_versions", "case_version_id");
    }
    if (t.has("case_id")) {
        return case_rule("case_id");
    }
    if (t.has("person_id")) {
        return via("persons", "person_id");
    }
    if (t.has("payee_id")) {
        return via("payees", "payee_id");
    }
    if (t.has("calc_result_id")) {
        return via("calc_results", "calc_result_id");
    }
    return {};
}

std::size_t install_protection(db::database_t &db)
{
    auto const tables = domain_tables(db);
    guard(db, [&] {
        soci::transaction tr{db.sql()};
        if (db.dialect() == db::dialect_t::sqlite) {
            std::string s;
            for (auto const &t : tables) {
                for (std::string const op : {"INSERT", "UPDATE", "DELETE"}) {
                    s += sqlite_trigger(t, op);
                }
            }
            s += sqlite_guards();
            exec(db, s);
        } else {
            install_postgresql(db, tables);
        }
        tr.commit();
    });
    return tables.size();
}

std::vector<std::string> unprotected_tables(db::database_t &db)
{
    std::vector<std::string> out;
    auto const tables = domain_tables(db);
    guard(db, [&] {
        std::set<std::string> triggered;
        std::string const q =
            db.dialect() == db::dialect_t::sqlite
                ? "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_' || tbl_name || '_ins'"
                : "SELECT CAST(c.relname AS TEXT) FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid "
                  "WHERE g.tgname IN ('sozbatch_audit_ins', 'sozbatch_audit_upd', 'sozbatch_audit_del') "
                  "AND NOT g.tgisinternal AND g.tgenabled <> 'D' GROUP BY c.relname HAVING COUNT(*) = 3";
        soci::rowset<soci::row> rs = (db.sql().prepare << q);
        for (auto const &r : rs) {
            triggered.insert(text(r, 0));
        }
        for (auto const &t : tables) {
            if (!triggered.contains(t.name)) {
                out.push_back(t.name);
            }
        }
    });
    return out;
}

} // namespace sozbatch::security
