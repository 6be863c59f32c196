// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief SHA-256 for manifests, import fingerprints and the write-log chain.
///
/// On x86 CPUs with the SHA extensions (SHA-NI) and SSE4.1 the blocks are compressed with those instructions
/// (detected at run time, so the binary still runs on CPUs without them); everywhere else libsodium's
/// crypto_hash_sha256 is used. Both give bit-identical digests. The choice is made once, at the first use of
/// sha256_t or sha256_implementation(): if the environment variable SOZBATCH_SHA256_PORTABLE is "1",
/// libsodium is always used (for tests and comparisons; later changes of the variable have no effect).

#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sozbatch {

/// Incremental SHA-256.
class sha256_t
{
public:
    sha256_t();
    void update(std::string_view data);
    /// Lower-case hex digest; the object must not be updated afterwards.
    std::string hex_digest();

private:
    void update_native(unsigned char const *p, std::size_t n);
    void final_native(unsigned char (&out)[32]);

    bool m_native;                      ///< SHA-NI path (m_h, m_len, m_buf) instead of m_state
    crypto_hash_sha256_state m_state{}; ///< libsodium path
    std::uint32_t m_h[8]{};             ///< SHA-NI path: chaining value H0..H7
    std::uint64_t m_len{0};             ///< SHA-NI path: bytes hashed so far (m_len % 64 of them wait in m_buf)
    unsigned char m_buf[64]{};          ///< SHA-NI path: incomplete block
};

/// "sha-ni" or "libsodium": the implementation sha256_t uses in this process.
char const *sha256_implementation();

/// Lower-case hex SHA-256 of \p data.
std::string sha256_hex(std::string_view data);

/// Lower-case hex SHA-256 of a file's contents. \throws error_t when unreadable
std::string sha256_file(std::string const &path);

} // namespace sozbatch
