// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/core/sha256.hpp"

#include "lib/core/error.hpp"

#include <fstream>
#include <vector>

namespace sozbatch {

namespace {
void ensure_sodium()
{
    static int const rc = sodium_init();
    if (rc < 0) {
        throw internal_error{"libsodium could not be initialised"};
    }
}
} // namespace

sha256_t::sha256_t()
{
    ensure_sodium();
    crypto_hash_sha256_init(&m_state);
}

void sha256_t::update(std::string_view data)
{
    crypto_hash_sha256_update(&m_state, reinterpret_cast<unsigned char const *>(data.data()), data.size());
}

std::string sha256_t::hex_digest()
{
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&m_state, out);
    static char const *const hex = "0123456789abcdef";
    std::string s;
    s.reserve(64);
    for (unsigned char const b : out) {
        s += hex[b >> 4];
        s += hex[b & 0xF];
    }
    return s;
}

std::string sha256_hex(std::string_view data)
{
    sha256_t h;
    h.update(data);
    return h.hex_digest();
}

std::string sha256_file(std::string const &path)
{
    std::ifstream in{path, std::ios::binary};
    if (!in) {
        throw error_t{"cannot read " + path};
    }
    sha256_t h;
    std::vector<char> buf(1 << 16);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        h.update(std::string_view{buf.data(), static_cast<std::size_t>(in.gcount())});
    }
    return h.hex_digest();
}

} // namespace sozbatch
