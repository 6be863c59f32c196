// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/core/external_sort.hpp"

#include "lib/core/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace sozbatch {

namespace {

std::string sys_message(char const *what)
{
    return std::string{"external sort: cannot "} + what + " a temporary run file in TMPDIR: " + std::strerror(errno);
}

} // namespace

/// One sorted run in an anonymous temporary file: records as 4-byte little-endian length + bytes.
struct external_sorter_t::run_t
{
    std::FILE *file = nullptr;
    std::string current;
    bool has_current = false;

    ~run_t()
    {
        if (file) {
            std::fclose(file);
        }
    }

    void advance()
    {
        unsigned char len[4];
        std::size_t const got = std::fread(len, 1, 4, file);
        if (got == 0 && std::feof(file)) {
            has_current = false;
            return;
        }
        if (got != 4) {
            throw error_t{sys_message("read")};
        }
        std::uint32_t const n = std::uint32_t{len[0]} | std::uint32_t{len[1]} << 8 | std::uint32_t{len[2]} << 16 |
                                std::uint32_t{len[3]} << 24;
        current.resize(n);
        if (n > 0 && std::fread(current.data(), 1, n, file) != n) {
            throw error_t{sys_message("read")};
        }
        has_current = true;
    }
};

external_sorter_t::external_sorter_t(std::size_t budget_bytes) : m_budget(std::max<std::size_t>(budget_bytes, 1)) {}

external_sorter_t::~external_sorter_t() = default;

void external_sorter_t::add(std::string record)
{
    if (m_finished) {
        throw internal_error{"external_sorter_t::add after finish"};
    }
    if (record.size() > UINT32_MAX) {
        throw internal_error{"external sort: record too long"};
    }
    m_bytes += record.size() + sizeof(std::string);
    m_buffer.push_back(std::move(record));
    ++m_count;
    if (m_bytes >= m_budget) {
        spill();
    }
}

void external_sorter_t::spill()
{
    std::stable_sort(m_buffer.begin(), m_buffer.end());
    auto run = std::make_unique<run_t>();
    run->file = std::tmpfile();
    if (!run->file) {
        throw error_t{sys_message("create")};
    }
    for (auto const &r : m_buffer) {
        auto const n = static_cast<std::uint32_t>(r.size());
        unsigned char const len[4] = {static_cast<unsigned char>(n), static_cast<unsigned char>(n >> 8),
                                      static_cast<unsigned char>(n >> 16), static_cast<unsigned char>(n >> 24)};
        if (std::fwrite(len, 1, 4, run->file) != 4 || std::fwrite(r.data(), 1, r.size(), run->file) != r.size()) {
            throw error_t{sys_message("write")};
        }
    }
    if (std::fflush(run->file) != 0) {
        throw error_t{sys_message("write")};
    }
    m_runs.push_back(std::move(run));
    m_buffer.clear();
    m_buffer.shrink_to_fit();
    m_bytes = 0;
}

void external_sorter_t::finish()
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    if (m_runs.empty()) {
        std::stable_sort(m_buffer.begin(), m_buffer.end());
        return;
    }
    if (!m_buffer.empty()) {
        spill();
    }
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
        auto &run = *m_runs[i];
        if (std::fseek(run.file, 0, SEEK_SET) != 0) {
            throw error_t{sys_message("rewind")};
        }
        run.advance();
        if (run.has_current) {
            m_heap.push_back(i);
        }
    }
    std::make_heap(m_heap.begin(), m_heap.end(), [this](std::size_t a, std::size_t b) { return later(a, b); });
}

bool external_sorter_t::later(std::size_t a, std::size_t b) const
{
    // std heaps are max-heaps: "less" means comes out later; ties: the earlier run first (stable)
    auto const &x = m_runs[a]->current;
    auto const &y = m_runs[b]->current;
    return y < x || (x == y && b < a);
}

bool external_sorter_t::next(std::string &record)
{
    if (!m_finished) {
        throw internal_error{"external_sorter_t::next before finish"};
    }
    if (m_runs.empty()) {
        if (m_buffer_pos >= m_buffer.size()) {
            return false;
        }
        record = std::move(m_buffer[m_buffer_pos++]);
        return true;
    }
    if (m_heap.empty()) {
        return false;
    }
    auto const cmp = [this](std::size_t a, std::size_t b) { return later(a, b); };
    std::pop_heap(m_heap.begin(), m_heap.end(), cmp);
    std::size_t const i = m_heap.back();
    auto &run = *m_runs[i];
    record = std::move(run.current);
    run.advance();
    if (run.has_current) {
        std::push_heap(m_heap.begin(), m_heap.end(), cmp);
    } else {
        m_heap.pop_back();
    }
    return true;
}

void key_field(std::string &key, std::string_view value)
{
    if (value.find('\0') != std::string_view::npos) {
        throw internal_error{"sort key field contains a NUL byte"};
    }
    key.append(value);
    key.push_back('\0');
}

void key_number(std::string &key, unsigned long long n)
{
    char buf[21];
    std::snprintf(buf, sizeof buf, "%020llu", n);
    key_field(key, buf);
}

std::vector<std::string> key_fields(std::string_view key)
{
    std::vector<std::string> out;
    while (!key.empty()) {
        auto const end = key.find('\0');
        out.emplace_back(key.substr(0, end));
        if (end == std::string_view::npos) {
            break;
        }
        key.remove_prefix(end + 1);
    }
    return out;
}

} // namespace sozbatch
