// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/core/sha256.hpp"

#include "lib/core/error.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#define SOZBATCH_SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#else
#define SOZBATCH_SHA256_X86 0
#endif

namespace sozbatch {

namespace {
void ensure_sodium()
{
    static int const rc = sodium_init();
    if (rc < 0) {
        throw internal_error{"libsodium could not be initialised"};
    }
}

/// Whether the SHA-NI path is to be used: decided once per process (see the header).
bool detect_sha_ni()
{
    char const *const portable = std::getenv("SOZBATCH_SHA256_PORTABLE");
    if (portable != nullptr && std::string_view{portable} == "1") {
        return false;
    }
#if SOZBATCH_SHA256_X86
    // CPUID directly (older Clang does not know "sha" for __builtin_cpu_supports): leaf 1 ECX bit 9
    // SSSE3, bit 19 SSE4.1; leaf 7 sub-leaf 0 EBX bit 29 SHA
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid(1, &a, &b, &c, &d) == 0) {
        return false;
    }
    bool const ssse3_sse41 = (c & (1U << 9)) != 0 && (c & (1U << 19)) != 0;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d) == 0) {
        return false;
    }
    return ssse3_sse41 && (b & (1U << 29)) != 0;
#else
    return false;
#endif
}

bool use_sha_ni()
{
    static bool const native = detect_sha_ni();
    return native;
}

#if SOZBATCH_SHA256_X86

/// FIPS 180-4 initial hash value.
constexpr std::uint32_t initial_h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

/// FIPS 180-4 round constants K0..K63.
alignas(16) constexpr std::uint32_t round_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

/// Rounds 4J .. 4J+3 of one block, and the message schedule interleaved with them (as in the public-domain
/// sha256-x86.c by Sean Gulley and Jeffrey Walton). \p w holds four groups of four schedule words in rotation:
/// on entry w[J % 4] = W[4J .. 4J+3]. With G_k = W[4k .. 4k+3], for k >= 4
///   G_k = msg2(msg1(G_{k-4}, G_{k-3}) + (W[4k-7 .. 4k-4] = alignr(G_{k-1}, G_{k-2})), G_{k-1}),
/// the msg1 part is computed in the group J = k-3 (into the slot of G_{k-4}), the rest in the group J = k-1.
/// \p abef and \p cdgh are the working variables in the order sha256rnds2 wants them.
template <int J>
__attribute__((target("sha,sse4.1"), always_inline)) inline void quad_round(__m128i &abef, __m128i &cdgh,
                                                                             __m128i (&w)[4])
{
    __m128i wk = _mm_add_epi32(w[J % 4], _mm_load_si128(reinterpret_cast<__m128i const *>(round_k + 4 * J)));
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk); // two rounds with the low two words
    if constexpr (J >= 3 && J <= 14) {
        __m128i const w7 = _mm_alignr_epi8(w[J % 4], w[(J + 3) % 4], 4);
        w[(J + 1) % 4] = _mm_sha256msg2_epu32(_mm_add_epi32(w[(J + 1) % 4], w7), w[J % 4]);
    }
    wk = _mm_shuffle_epi32(wk, 0x0E);
    abef = _mm_sha256rnds2_epu32(abef, cdgh, wk); // two rounds with the high two words
    if constexpr (J >= 1 && J <= 12) {
        w[(J + 3) % 4] = _mm_sha256msg1_epu32(w[(J + 3) % 4], w[J % 4]);
    }
}

/// Compresses \p blocks 64-byte blocks at \p p (any alignment) into \p h with the SHA extensions. Only to be
/// called when use_sha_ni() is true.
__attribute__((target("sha,sse4.1"))) void compress_sha_ni(std::uint32_t (&h)[8], unsigned char const *p,
                                                           std::size_t blocks)
{
    // big-endian words -> lanes
    __m128i const bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);

    // H0..H7 (lane 0 first: A B C D, E F G H) -> ABEF = (F E B A), CDGH = (H G D C)
    __m128i const badc = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<__m128i const *>(&h[0])), 0xB1);
    __m128i const hgfe = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<__m128i const *>(&h[4])), 0x1B);
    __m128i abef = _mm_alignr_epi8(badc, hgfe, 8);
    __m128i cdgh = _mm_blend_epi16(hgfe, badc, 0xF0);

    for (; blocks != 0; --blocks, p += 64) {
        __m128i const abef_in = abef;
        __m128i const cdgh_in = cdgh;
        __m128i w[4];
        w[0] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<__m128i const *>(p + 0)), bswap);
        w[1] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<__m128i const *>(p + 16)), bswap);
        w[2] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<__m128i const *>(p + 32)), bswap);
        w[3] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<__m128i const *>(p + 48)), bswap);
        quad_round<0>(abef, cdgh, w);
        quad_round<1>(abef, cdgh, w);
        quad_round<2>(abef, cdgh, w);
        quad_round<3>(abef, cdgh, w);
        quad_round<4>(abef, cdgh, w);
        quad_round<5>(abef, cdgh, w);
        quad_round<6>(abef, cdgh, w);
        quad_round<7>(abef, cdgh, w);
        quad_round<8>(abef, cdgh, w);
        quad_round<9>(abef, cdgh, w);
        quad_round<10>(abef, cdgh, w);
        quad_round<11>(abef, cdgh, w);
        quad_round<12>(abef, cdgh, w);
        quad_round<13>(abef, cdgh, w);
        quad_round<14>(abef, cdgh, w);
        quad_round<15>(abef, cdgh, w);
        abef = _mm_add_epi32(abef, abef_in);
        cdgh = _mm_add_epi32(cdgh, cdgh_in);
    }

    // back: (A B E F), (G H C D) -> A B C D, E F G H
    __m128i const abef_r = _mm_shuffle_epi32(abef, 0x1B);
    __m128i const ghcd = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128(reinterpret_cast<__m128i *>(&h[0]), _mm_blend_epi16(abef_r, ghcd, 0xF0));
    _mm_storeu_si128(reinterpret_cast<__m128i *>(&h[4]), _mm_alignr_epi8(ghcd, abef_r, 8));
}

#endif
} // namespace

sha256_t::sha256_t()
    : m_native{use_sha_ni()}
{
    ensure_sodium();
#if SOZBATCH_SHA256_X86
    if (m_native) {
        std::copy(std::begin(initial_h), std::end(initial_h), std::begin(m_h));
        return;
    }
#endif
    crypto_hash_sha256_init(&m_state);
}

void sha256_t::update(std::string_view data)
{
#if SOZBATCH_SHA256_X86
    if (m_native) {
        update_native(reinterpret_cast<unsigned char const *>(data.data()), data.size());
        return;
    }
#endif
    crypto_hash_sha256_update(&m_state, reinterpret_cast<unsigned char const *>(data.data()), data.size());
}

#if SOZBATCH_SHA256_X86
void sha256_t::update_native(unsigned char const *p, std::size_t n)
{
    if (n == 0) {
        return;
    }
    std::size_t const used = static_cast<std::size_t>(m_len % 64);
    m_len += n;
    if (used != 0) {
        std::size_t const take = std::min(n, 64 - used);
        std::memcpy(m_buf + used, p, take);
        if (used + take < 64) {
            return;
        }
        compress_sha_ni(m_h, m_buf, 1);
        p += take;
        n -= take;
    }
    if (std::size_t const blocks = n / 64; blocks != 0) {
        compress_sha_ni(m_h, p, blocks); // straight from the caller's buffer
        p += blocks * 64;
        n -= blocks * 64;
    }
    if (n != 0) {
        std::memcpy(m_buf, p, n);
    }
}

void sha256_t::final_native(unsigned char (&out)[32])
{
    std::uint64_t const bits = m_len * 8; // the length modulo 2^64 bits, as FIPS 180-4 (and libsodium) have it
    std::size_t used = static_cast<std::size_t>(m_len % 64);
    m_buf[used++] = 0x80;
    if (used > 56) {
        std::memset(m_buf + used, 0, 64 - used);
        compress_sha_ni(m_h, m_buf, 1);
        used = 0;
    }
    std::memset(m_buf + used, 0, 56 - used);
    for (int i = 0; i < 8; ++i) {
        m_buf[56 + i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
    }
    compress_sha_ni(m_h, m_buf, 1);
    for (int i = 0; i < 8; ++i) {
        out[4 * i + 0] = static_cast<unsigned char>(m_h[i] >> 24);
        out[4 * i + 1] = static_cast<unsigned char>(m_h[i] >> 16);
        out[4 * i + 2] = static_cast<unsigned char>(m_h[i] >> 8);
        out[4 * i + 3] = static_cast<unsigned char>(m_h[i]);
    }
}
#endif

std::string sha256_t::hex_digest()
{
    unsigned char out[crypto_hash_sha256_BYTES];
    static_assert(crypto_hash_sha256_BYTES == 32);
#if SOZBATCH_SHA256_X86
    if (m_native) {
        final_native(out);
    } else {
        crypto_hash_sha256_final(&m_state, out);
    }
#else
    crypto_hash_sha256_final(&m_state, out);
#endif
    static char const *const hex = "0123456789abcdef";
    std::string s;
    s.reserve(64);
    for (unsigned char const b : out) {
        s += hex[b >> 4];
        s += hex[b & 0xF];
    }
    return s;
}

char const *sha256_implementation() { return use_sha_ni() ? "sha-ni" : "libsodium"; }

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
