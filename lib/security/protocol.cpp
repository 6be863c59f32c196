// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/security/protocol.hpp"

#include "lib/core/error.hpp"
#include "lib/db/row.hpp"

namespace sozbatch::security {

bool protocol_available(db::database_t &db)
{
    return db::guard(db, [&] {
        long long n = 0;
        if (db.dialect() == db::dialect_t::sqlite) {
            db.sql() << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'protocol'", soci::into(n);
        } else {
            db.sql() << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND "
                        "table_name = 'protocol'",
                soci::into(n);
        }
        return n > 0;
    });
}

void append_protocol(db::database_t &db, protocol_entry_t const &e)
{
    db::nullable_int_t tenant{e.tenant_id};
    db::nullable_int_t rc{e.exit_code ? std::optional<long long>{*e.exit_code} : std::nullopt};
    db::guard(db, [&] {
        if (db.dialect() == db::dialect_t::postgresql) {
            db.sql() << "SELECT sozbatch_protocol_append(:t, :a, :e, :o, :j, :p, CAST(:x AS INTEGER), :d)",
                soci::use(tenant.value, tenant.ind), soci::use(e.at), soci::use(e.event), soci::use(e.operator_name),
                soci::use(e.job), soci::use(e.parameters), soci::use(rc.value, rc.ind), soci::use(e.detail);
        } else {
            db.sql() << "INSERT INTO protocol (tenant_id, at, event, operator, db_role, job, parameters, exit_code, "
                        "detail) VALUES (:t, :a, :e, :o, :r, :j, :p, :x, :d)",
                soci::use(tenant.value, tenant.ind), soci::use(e.at), soci::use(e.event), soci::use(e.operator_name),
                soci::use(e.db_role), soci::use(e.job), soci::use(e.parameters), soci::use(rc.value, rc.ind),
                soci::use(e.detail);
        }
    });
}

std::vector<protocol_entry_t> read_protocol(db::database_t &db, std::optional<long long> tenant_id,
                                            std::string const &since)
{
    return db::guard(db, [&] {
        std::vector<protocol_entry_t> out;
        long long const t = tenant_id.value_or(0);
        int const any_tenant = tenant_id ? 0 : 1;
        soci::rowset<soci::row> rs =
            (db.sql().prepare << "SELECT id, tenant_id, at, event, operator, db_role, job, parameters, exit_code, detail "
                                 "FROM protocol WHERE at >= :s AND (:any = 1 OR tenant_id = :t OR tenant_id IS NULL) "
                                 "ORDER BY id",
             soci::use(since), soci::use(any_tenant), soci::use(t));
        for (auto const &r : rs) {
            protocol_entry_t e;
            e.id = db::int64(r, 0);
            e.tenant_id = db::opt_int64(r, 1);
            e.at = db::text(r, 2);
            e.event = db::text(r, 3);
            e.operator_name = db::text(r, 4);
            e.db_role = db::text(r, 5);
            e.job = db::text(r, 6);
            e.parameters = db::text(r, 7);
            auto const x = db::opt_int64(r, 8);
            if (x) {
                e.exit_code = static_cast<int>(*x);
            }
            e.detail = db::text(r, 9);
            out.push_back(std::move(e));
        }
        return out;
    });
}

} // namespace sozbatch::security
