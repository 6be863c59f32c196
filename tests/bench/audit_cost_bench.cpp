// SPDX-License-Identifier: GPL-3.0-or-later
// What the write log costs per inserted row (docs/benchmarks.md, "One million cases"): copies up to
// ROWS existing rows of TABLE into the same table with one INSERT ... SELECT, once with the
// write-log trigger and once with it switched off, each inside a transaction that is rolled back,
// so the database is unchanged afterwards (on PostgreSQL switching the trigger off needs the
// table's owner; DDL is transactional on both databases). Run it on a benchmark database after
// run-scale-bench.sh, by hand:
//   build/tests/bench/audit_cost_bench DB_URL [TABLE] [ROWS]      (default calc_results 20000;
// calc_results rows carry their calculation lines since migration 0018)
#include "lib/db/database.hpp"
#include "lib/db/row.hpp"
#include "lib/security/audit.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

using namespace sozbatch;

namespace {

/// Milliseconds of one INSERT ... SELECT of up to \p rows rows of \p table into itself.
long long copy_rows(db::database_t &db, std::string const &table, std::vector<std::string> const &cols, long long rows,
                    bool with_log)
{
    std::string list, select;
    for (std::size_t i = 0; i < cols.size(); ++i) {
        list += (i ? ", " : "") + cols[i];
        // calc_results is unique by case, month and version: the copies are later versions
        select += (i ? ", " : "") + (cols[i] == "version" ? cols[i] + " + 1000" : cols[i]);
    }
    db.sql().begin();
    if (!with_log) {
        if (db.dialect() == db::dialect_t::postgresql) {
            db.sql() << "ALTER TABLE " + table + " DISABLE TRIGGER sozbatch_audit_ins";
        } else {
            db.sql() << "DROP TRIGGER audit_" + table + "_ins";
        }
    }
    auto const t0 = std::chrono::steady_clock::now();
    db.sql() << "INSERT INTO " + table + " (" + list + ") SELECT " + select + " FROM " + table + " ORDER BY id LIMIT " +
                    std::to_string(rows);
    auto const t1 = std::chrono::steady_clock::now();
    db.sql().rollback();
    return std::chrono::duration_cast<std::chrono::milliseconds>(t1 - t0).count();
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::cerr << "usage: audit_cost_bench DB_URL [TABLE] [ROWS]\n";
        return 2;
    }
    std::string const table = argc > 2 ? argv[2] : "calc_results";
    long long const rows = argc > 3 ? std::atoll(argv[3]) : 20000;
    try {
        db::database_t db{argv[1], "audit_cost_bench", true};
        security::attach_connection(db, "audit-cost-bench");
        security::set_audit_context(db, "audit-cost-bench", "2025-12-20T08:00:00Z");
        std::vector<std::string> cols;
        long long available = 0;
        db::guard(db, [&] {
            std::string const q = db.dialect() == db::dialect_t::sqlite
                                      ? "SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid"
                                      : "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                        "current_schema() AND table_name = '" + table + "' ORDER BY ordinal_position";
            soci::rowset<soci::row> rs = (db.sql().prepare << q);
            for (auto const &r : rs) {
                if (db::text(r, 0) != "id") {
                    cols.push_back(db::text(r, 0));
                }
            }
            db.sql() << "SELECT COUNT(*) FROM " + table, soci::into(available);
        });
        long long const n = std::min(rows, available);
        if (n == 0 || cols.empty()) {
            std::cerr << "audit_cost_bench: " << table << " has no rows to copy\n";
            return 2;
        }
        long long with = 0, without = 0;
        db::guard(db, [&] {
            copy_rows(db, table, cols, n, true); // warm-up: caches, plans
            with = copy_rows(db, table, cols, n, true);
            without = copy_rows(db, table, cols, n, false);
        });
        std::printf("audit cost: %s, %lld rows in one INSERT ... SELECT (rolled back)\n", table.c_str(), n);
        std::printf("  with the write log:    %lld ms (%lld us per row)\n", with, with * 1000 / n);
        std::printf("  without the write log: %lld ms (%lld us per row)\n", without, without * 1000 / n);
        std::printf("  the write log's share: %lld us per row\n", (with - without) * 1000 / n);
        return 0;
    } catch (std::exception const &e) {
        std::cerr << "audit_cost_bench: " << e.what() << "\n";
        return 2;
    }
}
