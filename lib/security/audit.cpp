// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/security/audit.hpp"

#include "lib/core/error.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/row.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

#include <map>
#include <memory>
#include <mutex>
#include <tuple>

namespace sozbatch::security {

using namespace sqlite_api;

std::string const &genesis_hash()
{
    static std::string const zeros(64, '0');
    return zeros;
}

namespace {

std::size_t utf8_chars(std::string const &s)
{
    std::size_t n = 0;
    for (unsigned char const c : s) {
        n += (c & 0xC0) != 0x80;
    }
    return n;
}

void lp(std::string &out, std::string const &field)
{
    out += std::to_string(utf8_chars(field));
    out += ':';
    out += field;
    out += ';';
}

/// Per-connection state of the SQLite audit functions.
struct sqlite_context_t
{
    std::string operator_name;
    std::string now;
    bool redacting = false;
};

std::mutex g_mutex;
std::map<sqlite3 *, sqlite_context_t *> g_contexts;

sqlite3 *handle(db::database_t &db)
{
    return static_cast<soci::sqlite3_session_backend *>(db.sql().get_backend())->conn_;
}

std::string arg_text(sqlite3_value *v)
{
    if (sqlite3_value_type(v) == SQLITE_NULL) {
        return {};
    }
    auto const *p = reinterpret_cast<char const *>(sqlite3_value_text(v));
    return p ? std::string{p, static_cast<std::size_t>(sqlite3_value_bytes(v))} : std::string{};
}

void result_text(sqlite3_context *c, std::string const &s)
{
    sqlite3_result_text(c, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

void fn_operator(sqlite3_context *c, int, sqlite3_value **)
{
    auto *ctx = static_cast<sqlite_context_t *>(sqlite3_user_data(c));
    result_text(c, ctx->operator_name);
}

void fn_now(sqlite3_context *c, int, sqlite3_value **)
{
    auto *ctx = static_cast<sqlite_context_t *>(sqlite3_user_data(c));
    if (ctx->now.empty()) {
        sqlite3_result_null(c); // the trigger falls back to the database clock
        return;
    }
    result_text(c, ctx->now);
}

void fn_redacting(sqlite3_context *c, int, sqlite3_value **)
{
    auto *ctx = static_cast<sqlite_context_t *>(sqlite3_user_data(c));
    sqlite3_result_int(c, ctx->redacting ? 1 : 0);
}

void fn_sha256(sqlite3_context *c, int, sqlite3_value **argv) { result_text(c, sha256_hex(arg_text(argv[0]))); }

void fn_audit_hash(sqlite3_context *c, int, sqlite3_value **argv)
{
    audit_entry_t e;
    e.id = sqlite3_value_int64(argv[0]);
    e.tenant_id = arg_text(argv[1]);
    e.at = arg_text(argv[2]);
    e.operator_name = arg_text(argv[3]);
    e.db_role = arg_text(argv[4]);
    e.table_name = arg_text(argv[5]);
    e.operation = arg_text(argv[6]);
    e.row_key = arg_text(argv[7]);
    e.old_sha256 = arg_text(argv[8]);
    e.new_sha256 = arg_text(argv[9]);
    e.prev_hash = arg_text(argv[10]);
    result_text(c, audit_hash(e));
}

void destroy_context(void *p)
{
    auto *ctx = static_cast<sqlite_context_t *>(p);
    std::lock_guard const lock{g_mutex};
    for (auto it = g_contexts.begin(); it != g_contexts.end(); ++it) {
        if (it->second == ctx) {
            g_contexts.erase(it);
            break;
        }
    }
    delete ctx;
}

sqlite_context_t *context_of(db::database_t &db)
{
    std::lock_guard const lock{g_mutex};
    auto const it = g_contexts.find(handle(db));
    return it == g_contexts.end() ? nullptr : it->second;
}

} // namespace

std::string audit_canonical(audit_entry_t const &e)
{
    std::string s;
    lp(s, std::to_string(e.id));
    lp(s, e.tenant_id);
    lp(s, e.at);
    lp(s, e.operator_name);
    lp(s, e.db_role);
    lp(s, e.table_name);
    lp(s, e.operation);
    lp(s, e.row_key);
    lp(s, e.old_sha256);
    lp(s, e.new_sha256);
    lp(s, e.prev_hash);
    return s;
}

std::string audit_hash(audit_entry_t const &e) { return sha256_hex(audit_canonical(e)); }

void attach_connection(db::database_t &db, std::string const &operator_name)
{
    if (db.dialect() != db::dialect_t::sqlite) {
        return;
    }
    if (auto *existing = context_of(db)) {
        existing->operator_name = operator_name;
        return;
    }
    sqlite3 *h = handle(db);
    auto *ctx = new sqlite_context_t{operator_name, {}, false};
    int const flags = SQLITE_UTF8;
    int rc = sqlite3_create_function_v2(h, "sozbatch_audit_operator", 0, flags, ctx, &fn_operator, nullptr, nullptr,
                                        &destroy_context);
    if (rc != SQLITE_OK) {
        delete ctx;
        throw db_error{db.context(), "cannot register the audit functions"};
    }
    {
        std::lock_guard const lock{g_mutex};
        g_contexts[h] = ctx;
    }
    rc = sqlite3_create_function_v2(h, "sozbatch_audit_now", 0, flags, ctx, &fn_now, nullptr, nullptr, nullptr);
    rc |= sqlite3_create_function_v2(h, "sozbatch_audit_redacting", 0, flags, ctx, &fn_redacting, nullptr, nullptr,
                                     nullptr);
    rc |= sqlite3_create_function_v2(h, "sozbatch_sha256", 1, flags | SQLITE_DETERMINISTIC, nullptr, &fn_sha256,
                                     nullptr, nullptr, nullptr);
    rc |= sqlite3_create_function_v2(h, "sozbatch_audit_hash", 11, flags | SQLITE_DETERMINISTIC, nullptr,
                                     &fn_audit_hash, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        throw db_error{db.context(), "cannot register the audit functions"};
    }
}

void set_audit_context(db::database_t &db, std::string const &operator_name, std::string const &now)
{
    if (db.dialect() == db::dialect_t::postgresql) {
        db::guard(db, [&] {
            std::string ignored1, ignored2;
            db.sql() << "SELECT set_config('sozbatch.operator', :o, false), set_config('sozbatch.now', :n, false)",
                soci::use(operator_name), soci::use(now), soci::into(ignored1), soci::into(ignored2);
        });
        return;
    }
    attach_connection(db, operator_name);
    context_of(db)->now = now;
}

void set_redacting(db::database_t &db, bool on)
{
    if (db.dialect() == db::dialect_t::sqlite) {
        if (auto *ctx = context_of(db)) {
            ctx->redacting = on;
        }
    }
}

verify_result_t verify_chain(db::database_t &db)
{
    // Pages of VERIFY_PAGE entries by id (keyset), so memory does not grow with the log: a
    // PostgreSQL result set is held whole by the client library.
    constexpr long long VERIFY_PAGE = 10000;
    verify_result_t res;
    std::string prev = genesis_hash();
    long long expected_id = 0;
    long long last_id = -1;
    db::guard(db, [&] {
        for (;;) {
            long long rows = 0;
            soci::rowset<soci::row> rs =
                (db.sql().prepare << "SELECT id, CAST(tenant_id AS TEXT), at, operator, db_role, table_name, operation, "
                                     "row_key, old_values, new_values, old_sha256, new_sha256, prev_hash, hash "
                                     "FROM audit_log WHERE id > :last ORDER BY id LIMIT :page",
                 soci::use(last_id), soci::use(VERIFY_PAGE));
            for (auto const &r : rs) {
                ++rows;
                audit_entry_t e;
                e.id = db::int64(r, 0);
                last_id = e.id;
                e.tenant_id = db::opt_text(r, 1).value_or("");
                e.at = db::text(r, 2);
                e.operator_name = db::text(r, 3);
                e.db_role = db::text(r, 4);
                e.table_name = db::text(r, 5);
                e.operation = db::text(r, 6);
                e.row_key = db::text(r, 7);
                e.old_values = db::text(r, 8);
                e.new_values = db::text(r, 9);
                e.old_sha256 = db::text(r, 10);
                e.new_sha256 = db::text(r, 11);
                e.prev_hash = db::text(r, 12);
                e.hash = db::text(r, 13);
                ++res.entries;
                auto fail = [&](std::string why) {
                    res.broken = e.id;
                    res.reason = std::move(why);
                };
                bool redacted = false;
                if (expected_id != 0 && e.id != expected_id + 1) {
                    fail("entries " + std::to_string(expected_id + 1) + ".." + std::to_string(e.id - 1) +
                         " are missing");
                } else if (e.prev_hash != prev) {
                    fail("prev_hash does not match the hash of the entry before");
                } else if (audit_hash(e) != e.hash) {
                    fail("hash does not match the entry's contents");
                } else {
                    for (auto const &[value, sum, side] : {std::tuple{&e.old_values, &e.old_sha256, "old"},
                                                            std::tuple{&e.new_values, &e.new_sha256, "new"}}) {
                        if (*value == REDACTED_MARKER) {
                            redacted = true;
                        } else if (sha256_hex(*value) != *sum) {
                            fail(std::string{side} + " values do not match their recorded SHA-256");
                            break;
                        }
                    }
                }
                if (res.broken) {
                    return;
                }
                res.redacted += redacted ? 1 : 0;
                prev = e.hash;
                expected_id = e.id;
                res.head_id = e.id;
                res.head_hash = e.hash;
            }
            if (rows < VERIFY_PAGE) {
                return;
            }
        }
    });
    return res;
}

} // namespace sozbatch::security
