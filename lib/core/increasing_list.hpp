// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief A strictly increasing list of non-negative integers kept as the differences between
/// neighbours in a variable-length encoding (7 bits a byte, LEB128): one byte per element while
/// the gaps stay below 128. The payment files keep the order numbers of their orders in one
/// (docs/scaling.md): 8 bytes per order in a `std::vector<long long>`, about 1 here.

#include "lib/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

namespace sozbatch {

class increasing_list_t
{
public:
    class const_iterator
    {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = long long;
        using difference_type = std::ptrdiff_t;
        using pointer = long long const *;
        using reference = long long const &;

        const_iterator() = default;
        reference operator*() const noexcept { return m_value; }
        const_iterator &operator++() noexcept
        {
            decode();
            return *this;
        }
        const_iterator operator++(int) noexcept
        {
            auto const old = *this;
            decode();
            return old;
        }
        bool operator==(const_iterator const &o) const noexcept { return m_pos == o.m_pos; }

    private:
        friend class increasing_list_t;
        const_iterator(std::string const &bytes, std::size_t pos) noexcept
            : m_bytes{&bytes}, m_pos{pos}, m_next{pos}
        {
            decode();
        }
        /// Reads the element at m_next; at the end of the bytes the iterator becomes end().
        void decode() noexcept
        {
            m_pos = m_next;
            if (m_pos >= m_bytes->size()) {
                m_pos = m_bytes->size(); // end()
                return;
            }
            std::uint64_t gap = 0;
            int shift = 0;
            std::size_t i = m_pos;
            for (;;) {
                auto const b = static_cast<unsigned char>((*m_bytes)[i++]);
                gap |= static_cast<std::uint64_t>(b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
                shift += 7;
            }
            m_value += static_cast<long long>(gap);
            m_next = i;
        }
        std::string const *m_bytes = nullptr;
        std::size_t m_pos = 0, m_next = 0;
        long long m_value = -1; ///< the first gap is counted from −1, so 0 can be stored
    };

    /// Appends `v`. \throws internal_error unless v ≥ 0 and v > back()
    void push_back(long long v)
    {
        if (v <= m_last) {
            throw internal_error{"increasing_list_t: " + std::to_string(v) + " after " + std::to_string(m_last) +
                                 (v < 0 ? " (negative)" : " (not increasing)")};
        }
        auto gap = static_cast<std::uint64_t>(v - m_last);
        while (gap >= 0x80) {
            m_bytes.push_back(static_cast<char>((gap & 0x7f) | 0x80));
            gap >>= 7;
        }
        m_bytes.push_back(static_cast<char>(gap));
        m_last = v;
        ++m_size;
    }

    std::size_t size() const noexcept { return m_size; }
    bool empty() const noexcept { return m_size == 0; }
    /// The last element. REQUIRES: !empty()
    long long back() const noexcept { return m_last; }
    /// Bytes the elements take.
    std::size_t encoded_bytes() const noexcept { return m_bytes.size(); }

    const_iterator begin() const noexcept { return const_iterator{m_bytes, 0}; }
    const_iterator end() const noexcept { return const_iterator{m_bytes, m_bytes.size()}; }

    std::vector<long long> to_vector() const { return {begin(), end()}; }

    friend bool operator==(increasing_list_t const &a, increasing_list_t const &b) noexcept
    {
        return a.m_bytes == b.m_bytes;
    }

private:
    std::string m_bytes;
    long long m_last = -1;
    std::size_t m_size = 0;
};

} // namespace sozbatch
