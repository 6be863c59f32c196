// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/security/archive.hpp"

#include "lib/core/error.hpp"
#include "lib/db/row.hpp"
#include "lib/security/audit.hpp"

#include <set>

namespace sozbatch::security {

using db::guard;
using db::int64;
using db::text;

namespace {

/// The newest version of each case, with its work group; filtered by work-group codes.
std::string newest_cases_sql(std::vector<std::string> const &work_groups)
{
    std::string s = "SELECT c.id, c.file_ref, cv.law, wg.code, CAST(cv.closed_on AS TEXT), "
                    "COALESCE(CAST(h.handed_over_on AS TEXT), '') FROM cases c "
                    "JOIN case_versions cv ON cv.case_id = c.id JOIN work_groups wg ON wg.id = cv.work_group_id "
                    "LEFT JOIN archive_handovers h ON h.case_id = c.id "
                    "WHERE c.tenant_id = :t AND cv.version = (SELECT MAX(v2.version) FROM case_versions v2 WHERE "
                    "v2.case_id = c.id) AND cv.state = 'closed' AND cv.closed_on IS NOT NULL AND wg.code IN ('\x1f'";
    for (std::size_t i = 0; i < work_groups.size(); ++i) {
        s += ", :wg" + std::to_string(i);
    }
    return s + ")";
}

std::vector<archive_case_t> query_cases(db::database_t &db, std::string const &sql, long long tenant,
                                        std::vector<std::string> const &work_groups)
{
    std::vector<archive_case_t> out;
    soci::row r;
    soci::statement st{db.sql()};
    st.exchange(soci::into(r));
    st.exchange(soci::use(tenant));
    for (auto const &w : work_groups) {
        st.exchange(soci::use(w));
    }
    st.alloc();
    st.prepare(sql);
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) {
        archive_case_t c;
        c.case_id = int64(r, 0);
        c.file_ref = text(r, 1);
        c.law = text(r, 2);
        c.work_group = text(r, 3);
        c.closed_on = text(r, 4).substr(0, 10);
        c.handed_over_on = text(r, 5).substr(0, 10);
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<long long> ids(db::database_t &db, std::string const &sql, long long key)
{
    std::vector<long long> out;
    soci::rowset<soci::row> rs = (db.sql().prepare << sql, soci::use(key));
    for (auto const &r : rs) {
        out.push_back(int64(r, 0));
    }
    return out;
}

long long redact(db::database_t &db, std::string const &table, long long id)
{
    std::string const key = "id=" + std::to_string(id);
    long long n = 0;
    if (db.dialect() == db::dialect_t::postgresql) {
        db.sql() << "SELECT sozbatch_audit_redact(:t, :k)", soci::use(table), soci::use(key), soci::into(n);
        return n;
    }
    db.sql() << "SELECT COUNT(*) FROM audit_log WHERE table_name = :t AND row_key = :k", soci::use(table), soci::use(key),
        soci::into(n);
    std::string const marker = REDACTED_MARKER;
    db.sql() << "UPDATE audit_log SET old_values = CASE WHEN old_values = '' THEN '' ELSE :m END, new_values = CASE "
                "WHEN new_values = '' THEN '' ELSE :m2 END WHERE table_name = :t AND row_key = :k",
        soci::use(marker), soci::use(marker), soci::use(table), soci::use(key);
    return n;
}

char const *const CASE_CONTENT_TABLES[] = {"case_members", "approvals", "needs",  "incomes", "housing",
                                           "assets",       "payment_assignments", "claims", "offsets"};

} // namespace

std::vector<archive_case_t> hand_over_candidates(db::database_t &db, long long tenant_id, std::string const &closed_before,
                                                 std::vector<std::string> const &work_groups)
{
    return guard(db, [&] {
        auto all = query_cases(db, newest_cases_sql(work_groups) + " AND h.case_id IS NULL ORDER BY c.file_ref",
                               tenant_id, work_groups);
        std::erase_if(all, [&](archive_case_t const &c) { return c.closed_on > closed_before; });
        return all;
    });
}

void record_hand_over(db::database_t &db, long long tenant_id, archive_case_t const &c, std::string const &date,
                      std::string const &now, std::string const &operator_name)
{
    guard(db, [&] {
        db.sql() << db.translate("INSERT INTO archive_handovers (tenant_id, case_id, handed_over_on, closed_on, law, "
                                 "recorded_at, operator) VALUES (:t, :c, CAST(:h AS {{date}}), CAST(:d AS {{date}}), :l, :r, :o)"),
            soci::use(tenant_id), soci::use(c.case_id), soci::use(date), soci::use(c.closed_on), soci::use(c.law),
            soci::use(now), soci::use(operator_name);
    });
}

std::vector<archive_case_t> purge_candidates(db::database_t &db, long long tenant_id, std::string const &today,
                                             std::vector<std::string> const &work_groups,
                                             int (*retention_years_of)(std::string const &law))
{
    return guard(db, [&] {
        auto all = query_cases(db,
                               newest_cases_sql(work_groups) +
                                   " AND h.case_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM archive_purges p WHERE "
                                   "p.case_id = c.id) ORDER BY c.file_ref",
                               tenant_id, work_groups);
        std::vector<archive_case_t> out;
        for (auto &c : all) {
            c.retention_years = retention_years_of(c.law);
            int const year = std::stoi(c.closed_on.substr(0, 4)) + c.retention_years;
            c.retention_end = std::to_string(year) + "-12-31";
            if (c.retention_end < today) {
                out.push_back(std::move(c));
            }
        }
        return out;
    });
}

long long ensure_archive_order(db::database_t &db, long long tenant_id, std::string const &order_ref,
                               std::string const &now, std::string const &operator_name)
{
    return guard(db, [&] {
        auto find = [&] {
            long long id = 0;
            db.sql() << "SELECT id FROM archive_orders WHERE tenant_id = :t AND order_ref = :r", soci::use(tenant_id),
                soci::use(order_ref), soci::into(id);
            return db.sql().got_data() ? id : 0;
        };
        if (long long const id = find()) {
            return id;
        }
        db.sql() << "INSERT INTO archive_orders (tenant_id, order_ref, recorded_at, operator) VALUES (:t, :r, :n, :o)",
            soci::use(tenant_id), soci::use(order_ref), soci::use(now), soci::use(operator_name);
        return find();
    });
}

purge_result_t purge_case(db::database_t &db, long long case_id, std::string const &pseudonym)
{
    purge_result_t res;
    guard(db, [&] {
        set_redacting(db, true);
        std::string const in_case = " WHERE case_version_id IN (SELECT id FROM case_versions WHERE case_id = :c)";
        auto const persons = ids(db, "SELECT DISTINCT person_id FROM case_members" + in_case, case_id);
        auto const payees = ids(db, "SELECT DISTINCT payee_id FROM payment_assignments" + in_case, case_id);
        std::vector<std::pair<std::string, long long>> touched;
        for (char const *t : CASE_CONTENT_TABLES) {
            for (long long const id : ids(db, std::string{"SELECT id FROM "} + t + in_case, case_id)) {
                touched.emplace_back(t, id);
            }
            long long n = 0;
            db.sql() << std::string{"SELECT COUNT(*) FROM "} + t + in_case, soci::use(case_id), soci::into(n);
            db.sql() << std::string{"DELETE FROM "} + t + in_case, soci::use(case_id);
            res.rows_deleted += n;
        }
        int k = 0;
        for (long long const p : persons) {
            long long other = 0;
            db.sql() << "SELECT COUNT(*) FROM case_members WHERE person_id = :p", soci::use(p), soci::into(other);
            if (other > 0) {
                continue; // still a member of another case: that case keeps the person
            }
            for (long long const v : ids(db, "SELECT id FROM person_versions WHERE person_id = :p", p)) {
                touched.emplace_back("person_versions", v);
                ++res.rows_deleted;
            }
            db.sql() << "DELETE FROM person_versions WHERE person_id = :p", soci::use(p);
            std::string const ps = pseudonym + "-p" + std::to_string(++k);
            db.sql() << "UPDATE persons SET ext_id = :e WHERE id = :p", soci::use(ps), soci::use(p);
            touched.emplace_back("persons", p);
            ++res.rows_pseudonymised;
        }
        for (long long const y : payees) {
            long long other = 0, personal = 0;
            db.sql() << "SELECT COUNT(*) FROM payment_assignments WHERE payee_id = :y", soci::use(y), soci::into(other);
            db.sql() << "SELECT COUNT(*) FROM payee_versions WHERE payee_id = :y AND kind = 'person'", soci::use(y),
                soci::into(personal);
            if (other > 0 || personal == 0) {
                continue; // landlords, providers and payees of other cases stay
            }
            std::string const ps = pseudonym + "-z" + std::to_string(++k);
            for (long long const v : ids(db, "SELECT id FROM payee_versions WHERE payee_id = :y", y)) {
                touched.emplace_back("payee_versions", v);
                ++res.rows_pseudonymised;
            }
            db.sql() << "UPDATE payee_versions SET name = :n, iban = '', bic = '', card_ref = '', street = '', "
                        "house_no = '', postcode = '', city = '', person_ext_id = '' WHERE payee_id = :y",
                soci::use(ps), soci::use(y);
            db.sql() << "UPDATE payees SET ext_id = :e WHERE id = :y", soci::use(ps), soci::use(y);
            touched.emplace_back("payees", y);
            ++res.rows_pseudonymised;
        }
        // Payment orders stay for the budget law (amount, dates, law, budget line, state), without
        // the name, account and remittance text that identify the person.
        for (long long const o : ids(db, "SELECT id FROM payment_orders WHERE case_id = :c", case_id)) {
            db.sql() << "UPDATE payment_orders SET creditor_name = :n, iban = '', bic = '', card_ref = '', "
                        "remittance = :n2, ultimate_creditor = '' WHERE id = :o",
                soci::use(pseudonym), soci::use(pseudonym), soci::use(o);
            touched.emplace_back("payment_orders", o);
            ++res.rows_pseudonymised;
        }
        for (auto const &[table, id] : touched) {
            res.audit_redacted += redact(db, table, id);
        }
        set_redacting(db, false);
    });
    return res;
}

void record_purge(db::database_t &db, long long tenant_id, long long order_id, archive_case_t const &c,
                  std::string const &pseudonym, purge_result_t const &r, std::string const &export_file,
                  std::string const &export_sha256, std::string const &now, std::string const &operator_name)
{
    guard(db, [&] {
        long long const rows = r.rows_deleted;
        db.sql() << "INSERT INTO archive_purges (tenant_id, order_id, case_id, pseudonym, law, retention_years, "
                    "rows_deleted, export_file, export_sha256, purged_at, operator) VALUES (:t, :o, :c, :p, :l, :y, :r, "
                    ":f, :s, :n, :op)",
            soci::use(tenant_id), soci::use(order_id), soci::use(c.case_id), soci::use(pseudonym), soci::use(c.law),
            soci::use(c.retention_years), soci::use(rows), soci::use(export_file), soci::use(export_sha256),
            soci::use(now), soci::use(operator_name);
    });
}

} // namespace sozbatch::security
