// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief SHA-256 (libsodium) for manifests, import fingerprints and the write-log chain.

#include <sodium.h>

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
    crypto_hash_sha256_state m_state{};
};

/// Lower-case hex SHA-256 of \p data.
std::string sha256_hex(std::string_view data);

/// Lower-case hex SHA-256 of a file's contents. \throws error_t when unreadable
std::string sha256_file(std::string const &path);

} // namespace sozbatch
