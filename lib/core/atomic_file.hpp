// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Atomic publication of output files: write "<name>.tmp" (mode 0640), check, fsync,
/// rename, fsync the directory; then a manifest "<name>.manifest" beside it (same procedure).
/// A file that was not committed is removed, so nothing half-written is ever visible.

#include "lib/core/sha256.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sozbatch {

class atomic_file_t
{
public:
    /// Whether write() hashes the contents for commit(), or the caller takes the hash elsewhere
    /// (the pain.001 writer: its self-check hashes the bytes it reads back from the file).
    enum class hashing_t { on_write, by_caller };

    /// Creates "<final_path><tmp_suffix>" ("<final_path>.tmp"; writers of several files with the
    /// same final name at once give each its own suffix ending in ".tmp").
    /// \throws error_t when it cannot be created.
    explicit atomic_file_t(std::string final_path, hashing_t hashing = hashing_t::on_write,
                           std::string_view tmp_suffix = ".tmp");
    atomic_file_t(atomic_file_t const &) = delete;
    atomic_file_t &operator=(atomic_file_t const &) = delete;
    ~atomic_file_t();

    void write(std::string_view data);
    std::string const &tmp_path() const noexcept { return m_tmp; }
    std::string const &final_path() const noexcept { return m_final; }
    std::uint64_t bytes_written() const noexcept { return m_bytes; }

    /// Flushes the buffer so checks can read the temporary file. Every MiB written to the file is
    /// handed to the disk at once (Linux `sync_file_range`, asynchronous), so that the fsync of
    /// commit() has little left to wait for.
    void flush();

    /// Flushes, fsyncs, renames to the final name and fsyncs the directory.
    /// \returns the SHA-256 of the contents. \pre hashing_t::on_write (else internal_error)
    std::string commit();

    /// The same for a file whose SHA-256 the caller took (hashing_t::by_caller).
    void commit_unhashed();

    /// Removes the temporary file (also done by the destructor when not committed).
    void abandon() noexcept;

private:
    std::string m_final;
    std::string m_tmp;
    int m_fd = -1;
    std::string m_buffer;
    void start_writeback() noexcept;

    std::uint64_t m_bytes = 0;
    std::uint64_t m_in_file = 0;        ///< bytes handed to the kernel
    std::uint64_t m_writeback_from = 0; ///< writeback started for the bytes before this offset
    sha256_t m_hash;
    bool m_hashing = true;
    bool m_done = false;
};

/// Control data written beside an output file: ordered key/value pairs.
struct manifest_t
{
    std::vector<std::pair<std::string, std::string>> fields;

    void add(std::string key, std::string value) { fields.emplace_back(std::move(key), std::move(value)); }
    /// "key=value" lines, in insertion order.
    std::string to_text() const;
    /// Writes "<file>.manifest" atomically.
    void write_beside(std::string const &file) const;
};

/// Writes \p contents to \p path atomically (tmp, fsync, rename). \returns the SHA-256.
std::string write_file_atomically(std::string const &path, std::string_view contents);

/// mkdir -p with mode 0750. \throws error_t
void make_directories(std::string const &path);

} // namespace sozbatch
