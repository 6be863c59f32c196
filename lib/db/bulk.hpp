// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Bulk writes: many rows of one table in one round trip instead of one INSERT per row.
///
/// PostgreSQL: `COPY ... FROM STDIN` through libpq. Where row-level security applies to the
/// session's role (an operator's login role; PostgreSQL refuses COPY FROM into such a table),
/// the rows are copied into a temporary staging table and moved with one `INSERT ... SELECT`,
/// so that the policies' WITH CHECK clauses apply. SQLite: one prepared statement executed with
/// bound vectors. On both, the row triggers (the write log, lib/security/audit.hpp) fire for every
/// row exactly as for single INSERTs; nothing is bypassed. Call inside a transaction for
/// all-or-nothing.

#include "lib/db/database.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sozbatch::db {

/// Rows for one table, collected value by value as text (NULL allowed), row after row.
/// Integers are written as decimal text; both databases convert them to the column's type.
class bulk_rows_t
{
public:
    bulk_rows_t(std::string table, std::vector<std::string> columns);

    std::string const &table() const noexcept { return m_table; }
    std::vector<std::string> const &columns() const noexcept { return m_columns; }
    /// Complete rows so far.
    std::size_t size() const noexcept { return m_values.empty() ? 0 : m_values.back().size(); }
    bool empty() const noexcept { return size() == 0; }

    /// Appends the next value of the current row (a row is complete after columns().size() values).
    bulk_rows_t &add(std::string_view v);
    bulk_rows_t &add(std::string const &v) { return add(std::string_view{v}); }
    bulk_rows_t &add(char const *v) { return add(std::string_view{v}); }
    bulk_rows_t &add(long long v);
    bulk_rows_t &add(long v) { return add(static_cast<long long>(v)); }
    bulk_rows_t &add(int v) { return add(static_cast<long long>(v)); }
    bulk_rows_t &add(std::optional<std::string> const &v);
    bulk_rows_t &add(std::optional<long long> const &v);
    bulk_rows_t &add_null();

    /// Value \p col of row \p row; nothing for NULL.
    std::optional<std::string_view> value(std::size_t row, std::size_t col) const;
    void clear();

private:
    friend void insert_rows(database_t &, bulk_rows_t const &);
    friend std::vector<std::pair<long long, std::string>> insert_rows_returning(database_t &, bulk_rows_t const &,
                                                                                std::string const &);
    bulk_rows_t &push(std::string v, bool null);

    std::string m_table;
    std::vector<std::string> m_columns;
    std::vector<std::vector<std::string>> m_values; ///< per column
    std::vector<std::vector<soci::indicator>> m_nulls;
    std::size_t m_next = 0; ///< column of the next value
};

/// Inserts every row of \p rows (see the file comment for how). Nothing happens for no rows.
/// \throws db_error
void insert_rows(database_t &db, bulk_rows_t const &rows);

/// Inserts every row and returns, for each, its generated `id` with its value in \p key_column
/// (as text), so that child rows can name it. The pairs come in no guaranteed order; the key must
/// be unique within \p rows. Ids are assigned in row order.
/// \throws db_error
std::vector<std::pair<long long, std::string>> insert_rows_returning(database_t &db, bulk_rows_t const &rows,
                                                                     std::string const &key_column);

/// A write transaction that several processes may run side by side (sharded runs): on SQLite it
/// takes the write lock when it begins (BEGIN IMMEDIATE), so a concurrent writer waits for the
/// busy timeout instead of failing when it upgrades from reading; on PostgreSQL a plain BEGIN.
/// Rolls back unless committed.
class write_transaction_t
{
public:
    explicit write_transaction_t(database_t &db);
    ~write_transaction_t();
    write_transaction_t(write_transaction_t const &) = delete;
    write_transaction_t &operator=(write_transaction_t const &) = delete;
    void commit();

private:
    database_t &m_db;
    bool m_open = true;
};

/// The condition that a column is one of these ids (our own ids, never input text), to follow the
/// column: `" IN (1,2,3)"` on SQLite, `" = ANY(CAST('{1,2,3}' AS BIGINT[]))"` on PostgreSQL. Both
/// mean the same and PostgreSQL plans both as one array; but it parses and plans a list of 1,000
/// constants in about 6 ms, the one array constant in under 3 ms, and a month at 100,000 cases
/// reads its chunks with a few thousand such queries (docs/scaling.md, "Chunk queries").
std::string in_ids(database_t const &db, std::vector<long long> const &ids);

/// The condition that a column is one of these texts (input text, so each is written as a quoted
/// literal: quotes doubled, and on PostgreSQL an escape string `E'...'` with backslashes doubled,
/// whatever `standard_conforming_strings` says), to follow the column: `" IN ('a','b')"`.
/// \throws input_error for a text holding a NUL character (no SQL literal can)
std::string in_texts(database_t const &db, std::vector<std::string> const &texts);

/// `"<column> + 0"`: a condition of a query for a chunk of case ids (the tenant; "no difference")
/// written so that no index can serve it. SQLite has no statistics and would otherwise drive such
/// a query through an index that starts with that column (e.g. calc_results (tenant_id, month)),
/// reading every row of the month for each chunk of 1,000 cases: quadratic in the number of cases
/// (docs/scaling.md, "Chunk queries"). So the case ids drive the query through the (case_id, ...)
/// index on both backends; the condition still filters every row.
inline std::string unindexed(std::string const &column) { return column + " + 0"; }

} // namespace sozbatch::db
