// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Sorting more records than memory should hold (docs/scaling.md): records are collected
/// up to a byte budget, each full buffer is sorted and written to an anonymous temporary file
/// (`tmpfile(3)`, in TMPDIR, gone when closed, also after a crash), and the sorted runs are merged.
///
/// Records are byte strings compared as bytes (`std::string::operator<`); the caller encodes its
/// sort key so that byte order is the order it wants (see key_field()). Equal records come out in
/// the order they were added. Memory: the budget plus one read buffer per run.

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sozbatch {

class external_sorter_t
{
public:
    /// \param budget_bytes records held in memory before a run is written (at least 1)
    explicit external_sorter_t(std::size_t budget_bytes = 16u << 20);
    ~external_sorter_t();
    external_sorter_t(external_sorter_t const &) = delete;
    external_sorter_t &operator=(external_sorter_t const &) = delete;

    /// Adds a record. REQUIRES: finish() not called yet. \throws error_t when a run cannot be written
    void add(std::string record);
    /// Ends the input; after this, next() returns the records in order.
    void finish();
    /// The next record in order. \returns false at the end
    bool next(std::string &record);

    std::size_t size() const noexcept { return m_count; }
    /// Runs written to temporary files (0: everything fit the budget).
    std::size_t spilled_runs() const noexcept { return m_runs.size(); }

private:
    struct run_t;
    void spill();
    /// Heap order of two runs by their current record.
    bool later(std::size_t a, std::size_t b) const;

    std::size_t m_budget;
    std::size_t m_bytes = 0;
    std::size_t m_count = 0;
    bool m_finished = false;
    std::vector<std::string> m_buffer;
    std::size_t m_buffer_pos = 0;
    std::vector<std::unique_ptr<run_t>> m_runs;
    std::vector<std::size_t> m_heap; ///< indices of runs with a current record, min-heap
};

/// Appends \p value as one field of a sort key: byte order of the encoded key is the order of the
/// tuple of fields (a field is terminated by a NUL byte, so "a" sorts before "ab").
/// \throws internal_error when \p value contains a NUL byte
void key_field(std::string &key, std::string_view value);
/// Appends \p n (0 ≤ n < 10^20) as a fixed-width decimal field, so that numbers sort numerically.
void key_number(std::string &key, unsigned long long n);
/// Splits a key built with key_field()/key_number() into its fields.
std::vector<std::string> key_fields(std::string_view key);

} // namespace sozbatch
