// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/core/atomic_file.hpp"

#include "lib/core/error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace sozbatch {

namespace {

std::string sys_error(std::string const &what, std::string const &path)
{
    return what + " " + path + ": " + std::strerror(errno);
}

void fsync_directory_of(std::string const &path)
{
    std::string dir = std::filesystem::path{path}.parent_path().string();
    if (dir.empty()) {
        dir = ".";
    }
    int const fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

constexpr std::size_t BUFFER_SIZE = 1 << 16;

/// Written data is handed to the disk (asynchronous writeback) in steps of this size, so that the
/// fsync of commit() finds little left to write.
constexpr std::uint64_t WRITEBACK_STEP = std::uint64_t{1} << 20;

void write_all(int fd, std::string_view data, std::string const &path)
{
    std::size_t off = 0;
    while (off < data.size()) {
        ssize_t const n = ::write(fd, data.data() + off, data.size() - off);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw error_t{sys_error("cannot write", path)};
        }
        off += static_cast<std::size_t>(n);
    }
}

} // namespace

atomic_file_t::atomic_file_t(std::string final_path, hashing_t hashing, std::string_view tmp_suffix)
: m_final(std::move(final_path)), m_tmp(m_final + std::string{tmp_suffix}), m_hashing(hashing == hashing_t::on_write)
{
    m_fd = ::open(m_tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (m_fd < 0) {
        throw error_t{sys_error("cannot create", m_tmp)};
    }
    ::fchmod(m_fd, 0640); // independent of the umask
    m_buffer.reserve(BUFFER_SIZE);
}

atomic_file_t::~atomic_file_t() { abandon(); }

void atomic_file_t::write(std::string_view data)
{
    if (m_hashing) {
        m_hash.update(data);
    }
    m_bytes += data.size();
    if (m_buffer.size() + data.size() > BUFFER_SIZE) {
        flush();
    }
    if (data.size() >= BUFFER_SIZE) {
        write_all(m_fd, data, m_tmp); // large blocks go to the kernel without a copy into the buffer
        m_in_file += data.size();
        start_writeback();
        return;
    }
    m_buffer.append(data);
}

void atomic_file_t::flush()
{
    write_all(m_fd, m_buffer, m_tmp);
    m_in_file += m_buffer.size();
    m_buffer.clear();
    start_writeback();
}

void atomic_file_t::start_writeback() noexcept
{
#ifdef SYNC_FILE_RANGE_WRITE
    // Linux: start writing the pages out without waiting (errors are left to the fsync of commit())
    if (m_in_file - m_writeback_from >= WRITEBACK_STEP) {
        ::sync_file_range(m_fd, static_cast<off_t>(m_writeback_from), static_cast<off_t>(m_in_file - m_writeback_from),
                          SYNC_FILE_RANGE_WRITE);
        m_writeback_from = m_in_file;
    }
#endif
}

std::string atomic_file_t::commit()
{
    if (!m_hashing) {
        throw internal_error{"atomic_file_t::commit of " + m_tmp + ": the contents were not hashed (commit_unhashed)"};
    }
    commit_unhashed();
    return m_hash.hex_digest();
}

void atomic_file_t::commit_unhashed()
{
    flush();
    if (::fsync(m_fd) != 0) {
        throw error_t{sys_error("cannot fsync", m_tmp)};
    }
    ::close(m_fd);
    m_fd = -1;
    if (::rename(m_tmp.c_str(), m_final.c_str()) != 0) {
        throw error_t{sys_error("cannot rename", m_tmp)};
    }
    fsync_directory_of(m_final);
    m_done = true;
}

void atomic_file_t::abandon() noexcept
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    if (!m_done) {
        ::unlink(m_tmp.c_str());
        m_done = true;
    }
}

std::string manifest_t::to_text() const
{
    std::string s;
    for (auto const &[k, v] : fields) {
        s += k;
        s += '=';
        s += v;
        s += '\n';
    }
    return s;
}

void manifest_t::write_beside(std::string const &file) const { write_file_atomically(file + ".manifest", to_text()); }

std::string write_file_atomically(std::string const &path, std::string_view contents)
{
    atomic_file_t f{path};
    f.write(contents);
    return f.commit();
}

void make_directories(std::string const &path)
{
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) {
        throw error_t{"cannot create directory " + path + ": " + ec.message()};
    }
}

} // namespace sozbatch
