// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/db/bulk.hpp"

#include "lib/core/error.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/row.hpp"

#include <soci/postgresql/soci-postgresql.h>

#include <libpq-fe.h>

namespace sozbatch::db {

bulk_rows_t::bulk_rows_t(std::string table, std::vector<std::string> columns)
: m_table(std::move(table)), m_columns(std::move(columns)), m_values(m_columns.size()), m_nulls(m_columns.size())
{
    if (m_columns.empty()) {
        throw internal_error{"bulk rows for " + m_table + " without columns"};
    }
}

bulk_rows_t &bulk_rows_t::push(std::string v, bool null)
{
    m_values[m_next].push_back(std::move(v));
    m_nulls[m_next].push_back(null ? soci::i_null : soci::i_ok);
    m_next = (m_next + 1) % m_columns.size();
    return *this;
}

bulk_rows_t &bulk_rows_t::add(std::string_view v) { return push(std::string{v}, false); }
bulk_rows_t &bulk_rows_t::add(long long v) { return push(std::to_string(v), false); }
bulk_rows_t &bulk_rows_t::add_null() { return push(std::string{}, true); }
bulk_rows_t &bulk_rows_t::add(std::optional<std::string> const &v) { return v ? add(*v) : add_null(); }
bulk_rows_t &bulk_rows_t::add(std::optional<long long> const &v) { return v ? add(*v) : add_null(); }

std::optional<std::string_view> bulk_rows_t::value(std::size_t row, std::size_t col) const
{
    if (m_nulls[col][row] == soci::i_null) {
        return std::nullopt;
    }
    return std::string_view{m_values[col][row]};
}

void bulk_rows_t::clear()
{
    for (auto &v : m_values) {
        v.clear();
    }
    for (auto &n : m_nulls) {
        n.clear();
    }
    m_next = 0;
}

write_transaction_t::write_transaction_t(database_t &db) : m_db(db)
{
    guard(m_db, [&] {
        if (m_db.dialect() == dialect_t::sqlite) {
            m_db.sql() << "BEGIN IMMEDIATE";
        } else {
            m_db.sql().begin();
        }
    });
}

write_transaction_t::~write_transaction_t()
{
    if (m_open) {
        try {
            if (m_db.dialect() == dialect_t::sqlite) {
                m_db.sql() << "ROLLBACK";
            } else {
                m_db.sql().rollback();
            }
        } catch (...) { // a failed rollback leaves nothing to undo; the error that got us here counts
        }
    }
}

void write_transaction_t::commit()
{
    guard(m_db, [&] {
        if (m_db.dialect() == dialect_t::sqlite) {
            m_db.sql() << "COMMIT";
        } else {
            m_db.sql().commit();
        }
    });
    m_open = false;
}

std::string in_ids(database_t const &db, std::vector<long long> const &ids)
{
    bool const pg = db.dialect() == dialect_t::postgresql;
    std::string s = pg ? " = ANY(CAST('{" : " IN (";
    s.reserve(ids.size() * 8 + 32);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i) {
            s += ',';
        }
        s += std::to_string(ids[i]);
    }
    s += pg ? "}' AS BIGINT[]))" : ")";
    return s;
}

std::string in_texts(database_t const &db, std::vector<std::string> const &texts)
{
    bool const pg = db.dialect() == dialect_t::postgresql;
    std::string s = " IN (";
    for (std::size_t i = 0; i < texts.size(); ++i) {
        s += i ? "," : "";
        s += pg ? "E'" : "'";
        for (char const c : texts[i]) {
            if (c == '\0') {
                throw input_error{{}, "a text with a NUL character cannot be looked up: '" + texts[i].substr(0, 40) + "'"};
            }
            if (c == '\'') {
                s += "''";
            } else if (c == '\\' && pg) {
                s += "\\\\";
            } else {
                s += c;
            }
        }
        s += '\'';
    }
    s += ")";
    return s;
}

namespace {

std::string column_list(bulk_rows_t const &rows)
{
    std::string s;
    for (std::size_t i = 0; i < rows.columns().size(); ++i) {
        s += (i ? ", " : "") + rows.columns()[i];
    }
    return s;
}

void check_complete(bulk_rows_t const &rows, std::size_t values_in_last)
{
    if (values_in_last != 0) {
        throw internal_error{"bulk rows for " + rows.table() + ": incomplete last row"};
    }
}

// --- PostgreSQL ---------------------------------------------------------------------------------

PGconn *pg_conn(database_t &db)
{
    return static_cast<soci::postgresql_session_backend *>(db.sql().get_backend())->conn_;
}

[[noreturn]] void pg_fail(database_t &db, std::string const &what, PGconn *conn)
{
    std::string msg = PQerrorMessage(conn);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) {
        msg.pop_back();
    }
    throw db_error{db.context(), what + ": " + msg};
}

void pg_exec(database_t &db, std::string const &sql)
{
    PGconn *conn = pg_conn(db);
    PGresult *res = PQexec(conn, sql.c_str());
    auto const st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        std::string msg = PQresultErrorMessage(res);
        PQclear(res);
        while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) {
            msg.pop_back();
        }
        throw db_error{db.context(), msg};
    }
    PQclear(res);
}

/// Appends \p v in COPY's text format; runs of characters that need no escape at once.
void copy_escaped(std::string &buf, std::string_view v)
{
    std::size_t plain = 0; // start of the run of characters not yet appended
    for (std::size_t i = 0; i < v.size(); ++i) {
        char const c = v[i];
        if (c != '\\' && c != '\t' && c != '\n' && c != '\r') {
            continue;
        }
        buf.append(v, plain, i - plain);
        plain = i + 1;
        switch (c) {
        case '\\': buf += "\\\\"; break;
        case '\t': buf += "\\t"; break;
        case '\n': buf += "\\n"; break;
        case '\r': buf += "\\r"; break;
        default: break; // not reached: only these four stop a run
        }
    }
    buf.append(v, plain, v.size() - plain);
}

/// COPY target (columns) FROM STDIN in text format; \p with_ord prefixes each row with its index.
void pg_copy(database_t &db, std::string const &target, bulk_rows_t const &rows, bool with_ord)
{
    PGconn *conn = pg_conn(db);
    std::string const cmd = "COPY " + target + " (" + (with_ord ? std::string{"sozbatch_ord, "} : std::string{}) +
                            column_list(rows) + ") FROM STDIN";
    PGresult *res = PQexec(conn, cmd.c_str());
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        std::string const msg = PQresultErrorMessage(res);
        PQclear(res);
        throw db_error{db.context(), "COPY into " + target + ": " + msg};
    }
    PQclear(res);
    std::string buf;
    buf.reserve(1 << 20);
    auto flush = [&] {
        if (!buf.empty() && PQputCopyData(conn, buf.data(), static_cast<int>(buf.size())) != 1) {
            pg_fail(db, "COPY into " + target, conn);
        }
        buf.clear();
    };
    std::size_t const n = rows.size();
    std::size_t const ncol = rows.columns().size();
    for (std::size_t r = 0; r < n; ++r) {
        if (with_ord) {
            buf += std::to_string(r);
            buf += '\t';
        }
        for (std::size_t c = 0; c < ncol; ++c) {
            if (c) {
                buf += '\t';
            }
            if (auto const v = rows.value(r, c)) {
                copy_escaped(buf, *v);
            } else {
                buf += "\\N";
            }
        }
        buf += '\n';
        if (buf.size() >= (1u << 20)) {
            flush();
        }
    }
    flush();
    if (PQputCopyEnd(conn, nullptr) != 1) {
        pg_fail(db, "COPY into " + target, conn);
    }
    std::string error;
    while (PGresult *r = PQgetResult(conn)) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && error.empty()) {
            error = PQresultErrorMessage(r);
        }
        PQclear(r);
    }
    if (!error.empty()) {
        while (!error.empty() && (error.back() == '\n' || error.back() == ' ')) {
            error.pop_back();
        }
        throw db_error{db.context(), "COPY into " + target + ": " + error};
    }
}

/// True when row-level security restricts the session's role on the table (COPY FROM refused).
bool pg_rls_active(database_t &db, std::string const &table)
{
    int active = 0;
    db.sql() << "SELECT CASE WHEN row_security_active(CAST(:t AS regclass)) THEN 1 ELSE 0 END", soci::use(table),
        soci::into(active);
    return active != 0;
}

/// The session's temporary staging table for these columns of the table (created on first use).
std::string pg_stage(database_t &db, bulk_rows_t const &rows)
{
    std::string const name = "sozbatch_stage_" + rows.table() + "_" + sha256_hex(column_list(rows)).substr(0, 8);
    pg_exec(db, "CREATE TEMPORARY TABLE IF NOT EXISTS " + name + " AS SELECT CAST(0 AS BIGINT) AS sozbatch_ord, " +
                    column_list(rows) + " FROM " + rows.table() + " WITH NO DATA");
    return name;
}

// --- SQLite -------------------------------------------------------------------------------------

std::string sqlite_insert(bulk_rows_t const &rows)
{
    std::string q = "INSERT INTO " + rows.table() + " (" + column_list(rows) + ") VALUES (";
    for (std::size_t i = 0; i < rows.columns().size(); ++i) {
        q += (i ? ", :v" : ":v") + std::to_string(i);
    }
    return q + ")";
}

} // namespace

void insert_rows(database_t &db, bulk_rows_t const &rows)
{
    check_complete(rows, rows.m_next);
    if (rows.empty()) {
        return;
    }
    guard(db, [&] {
        if (db.dialect() == dialect_t::postgresql) {
            if (!pg_rls_active(db, rows.table())) {
                pg_copy(db, rows.table(), rows, false);
                return;
            }
            std::string const stage = pg_stage(db, rows);
            pg_copy(db, stage, rows, true);
            pg_exec(db, "INSERT INTO " + rows.table() + " (" + column_list(rows) + ") SELECT " + column_list(rows) +
                            " FROM " + stage + " ORDER BY sozbatch_ord");
            pg_exec(db, "TRUNCATE " + stage);
            return;
        }
        // SOCI binds vectors by non-const reference; the statement only reads them
        auto &values = const_cast<std::vector<std::vector<std::string>> &>(rows.m_values);
        auto &nulls = const_cast<std::vector<std::vector<soci::indicator>> &>(rows.m_nulls);
        soci::statement st{db.sql()};
        for (std::size_t c = 0; c < values.size(); ++c) {
            st.exchange(soci::use(values[c], nulls[c]));
        }
        st.alloc();
        st.prepare(sqlite_insert(rows));
        st.define_and_bind();
        st.execute(true);
    });
}

std::vector<std::pair<long long, std::string>> insert_rows_returning(database_t &db, bulk_rows_t const &rows,
                                                                     std::string const &key_column)
{
    check_complete(rows, rows.m_next);
    std::vector<std::pair<long long, std::string>> out;
    if (rows.empty()) {
        return out;
    }
    out.reserve(rows.size());
    guard(db, [&] {
        if (db.dialect() == dialect_t::postgresql) {
            std::string const stage = pg_stage(db, rows);
            pg_copy(db, stage, rows, true);
            soci::rowset<soci::row> rs = (db.sql().prepare << "INSERT INTO " + rows.table() + " (" + column_list(rows) +
                                                                  ") SELECT " + column_list(rows) + " FROM " + stage +
                                                                  " ORDER BY sozbatch_ord RETURNING id, CAST(" +
                                                                  key_column + " AS TEXT)");
            for (auto const &r : rs) {
                out.emplace_back(int64(r, 0), text(r, 1));
            }
            pg_exec(db, "TRUNCATE " + stage);
            return;
        }
        std::size_t const ncol = rows.columns().size();
        std::vector<std::string> cur(ncol);
        std::vector<soci::indicator> ind(ncol, soci::i_ok);
        long long id = 0;
        std::string key;
        soci::statement st{db.sql()};
        for (std::size_t c = 0; c < ncol; ++c) {
            st.exchange(soci::use(cur[c], ind[c]));
        }
        st.exchange(soci::into(id));
        st.exchange(soci::into(key));
        st.alloc();
        st.prepare(sqlite_insert(rows) + " RETURNING id, CAST(" + key_column + " AS TEXT)");
        st.define_and_bind();
        for (std::size_t r = 0; r < rows.size(); ++r) {
            for (std::size_t c = 0; c < ncol; ++c) {
                cur[c] = rows.m_values[c][r];
                ind[c] = rows.m_nulls[c][r];
            }
            st.execute(true);
            out.emplace_back(id, key);
        }
    });
    return out;
}

} // namespace sozbatch::db
