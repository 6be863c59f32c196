// SPDX-License-Identifier: GPL-3.0-or-later
// sha256_t against known vectors and against libsodium's crypto_hash_sha256 (called directly), for whichever
// implementation this machine uses (SHA-NI or libsodium; SOZBATCH_SHA256_PORTABLE=1 forces libsodium).
#include "lib/core/error.hpp"
#include "lib/core/sha256.hpp"

#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

using namespace sozbatch;

namespace {

/// Deterministic pseudo-random bytes (xorshift64*).
std::string pseudo_random_bytes(std::size_t n, std::uint64_t seed)
{
    std::string s(n, '\0');
    std::uint64_t x = seed | 1;
    for (char &c : s) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        c = static_cast<char>((x * 0x2545F4914F6CDD1DULL) >> 56);
    }
    return s;
}

std::string libsodium_hex(std::string_view data)
{
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(out, reinterpret_cast<unsigned char const *>(data.data()), data.size());
    static char const *const hex = "0123456789abcdef";
    std::string s;
    for (unsigned char const b : out) {
        s += hex[b >> 4];
        s += hex[b & 0xF];
    }
    return s;
}

} // namespace

TEST(Sha256, ReportsImplementation)
{
    std::string const impl = sha256_implementation();
    EXPECT_TRUE(impl == "sha-ni" || impl == "libsodium") << impl;
    std::printf("[   NOTE   ] sha256_t uses %s\n", impl.c_str());
    RecordProperty("sha256_implementation", impl);
}

TEST(Sha256, KnownVectors)
{
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
                         "lmnopqrsmnopqrstnopqrstu"),
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

    sha256_t h; // one million 'a' in pieces of 1000
    std::string const chunk(1000, 'a');
    for (int i = 0; i < 1000; ++i) {
        h.update(chunk);
    }
    EXPECT_EQ(h.hex_digest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, MatchesLibsodiumForEveryLengthUpTo1000)
{
    ASSERT_GE(sodium_init(), 0);
    std::string const data = pseudo_random_bytes(1000, 0x5eed);
    for (std::size_t n = 0; n <= data.size(); ++n) {
        std::string_view const part{data.data(), n};
        ASSERT_EQ(sha256_hex(part), libsodium_hex(part)) << "length " << n;
    }
}

TEST(Sha256, MatchesLibsodiumForLargeInputs)
{
    for (std::size_t const n : {4095u, 4096u, 65536u, 262143u, 262144u, 262145u, 3000001u}) {
        std::string const data = pseudo_random_bytes(n, n);
        EXPECT_EQ(sha256_hex(data), libsodium_hex(data)) << "length " << n;
    }
}

TEST(Sha256, RandomSplitPointsGiveTheOneShotDigest)
{
    std::string const data = pseudo_random_bytes(300000, 42);
    std::string const expected = libsodium_hex(data);
    std::size_t const special[] = {0, 1, 63, 64, 65, 0, 127, 128, 129, 55, 56, 57};
    std::uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (int round = 0; round < 50; ++round) {
        sha256_t h;
        std::size_t pos = 0;
        int step = 0;
        while (pos < data.size()) {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            std::uint64_t const r = x * 0x2545F4914F6CDD1DULL;
            std::size_t len = 0;
            switch (r % 4) {
            case 0: len = special[(r >> 8) % std::size(special)]; break;
            case 1: len = (r >> 8) % 200; break;
            case 2: len = (r >> 8) % 5000; break;
            default: len = (r >> 8) % 70000; break;
            }
            len = std::min(len, data.size() - pos);
            h.update(std::string_view{data.data() + pos, len});
            pos += len;
            ++step;
        }
        h.update({});
        ASSERT_EQ(h.hex_digest(), expected) << "round " << round << " (" << step << " updates)";
    }

    sha256_t bytewise; // the extreme: one byte at a time
    for (char const c : std::string_view{data.data(), 5000}) {
        bytewise.update(std::string_view{&c, 1});
    }
    EXPECT_EQ(bytewise.hex_digest(), libsodium_hex(std::string_view{data.data(), 5000}));
}

TEST(Sha256, File)
{
    auto const dir = std::filesystem::temp_directory_path() / ("sozbatch-sha256-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string const data = pseudo_random_bytes(200000 + 17, 7); // more than one read buffer of sha256_file
    std::string const path = (dir / "data.bin").string();
    {
        std::ofstream out{path, std::ios::binary};
        out.write(data.data(), static_cast<std::streamsize>(data.size()));
    }
    EXPECT_EQ(sha256_file(path), libsodium_hex(data));
    std::string const empty = (dir / "empty.bin").string();
    std::ofstream{empty, std::ios::binary}.close();
    EXPECT_EQ(sha256_file(empty), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_THROW(sha256_file((dir / "missing.bin").string()), sozbatch::error_t);
    std::filesystem::remove_all(dir);
}
