// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/core/atomic_file.hpp"
#include "lib/core/date.hpp"
#include "lib/core/error.hpp"
#include "lib/core/identifiers.hpp"
#include "lib/core/increasing_list.hpp"
#include "lib/core/money.hpp"
#include "lib/core/sha256.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

using namespace sozbatch;

TEST(Money, ParseAndFormat)
{
    EXPECT_EQ(money_t::parse("1234.56").as_cents(), 123456);
    EXPECT_EQ(money_t::parse("0.5").as_cents(), 50);
    EXPECT_EQ(money_t::parse("-3.07").as_cents(), -307);
    EXPECT_EQ(money_t::parse("12").as_cents(), 1200);
    EXPECT_THROW(money_t::parse("1.234"), validation_error);
    EXPECT_THROW(money_t::parse("1,23"), validation_error);
    EXPECT_THROW(money_t::parse(""), validation_error);
    EXPECT_THROW(money_t::parse("."), validation_error);
    EXPECT_THROW(money_t::parse("99999999999999999999"), validation_error);
    EXPECT_EQ(money_t::cents(123456789).to_german(), "1.234.567,89 \xE2\x82\xAC");
    EXPECT_EQ(money_t::cents(-5).to_german(false), "-0,05");
    EXPECT_EQ(money_t::cents(100000).to_sepa(), "1000.00");
    EXPECT_EQ(money_t::cents(7).to_sepa(), "0.07");
}

TEST(Money, ScaleRoundsHalfAwayFromZero)
{
    // 563 EUR * 17 / 30 days = 319.0333 -> 319.03
    EXPECT_EQ(money_t::euros(563).scale(17, 30).as_cents(), 31903);
    // 0.05 / 2 = 0.025 -> 0.03 ; -0.05 / 2 -> -0.03
    EXPECT_EQ(money_t::cents(5).scale(1, 2).as_cents(), 3);
    EXPECT_EQ(money_t::cents(-5).scale(1, 2).as_cents(), -3);
    EXPECT_EQ(money_t::cents(1).scale(1, 3).as_cents(), 0);
    EXPECT_THROW(money_t::cents(INT64_MAX) + money_t::cents(1), internal_error);
}

TEST(Date, StrictParsing)
{
    EXPECT_EQ(to_iso(parse_date("2024-02-29")), "2024-02-29");
    EXPECT_THROW(parse_date("2023-02-29"), validation_error);
    EXPECT_THROW(parse_date("2026-02-31"), validation_error);
    EXPECT_THROW(parse_date("2026-1-01"), validation_error);
    EXPECT_EQ(age_on(parse_date("1960-03-15"), parse_date("2026-03-14")), 65);
    EXPECT_EQ(age_on(parse_date("1960-03-15"), parse_date("2026-03-15")), 66);
}

TEST(Month, Arithmetic)
{
    auto const m = month_t::parse("2026-02");
    EXPECT_EQ(m.days(), 28);
    EXPECT_EQ(month_t::parse("2024-02").days(), 29);
    EXPECT_EQ(m.prev().to_string(), "2026-01");
    EXPECT_EQ(month_t::parse("2026-12").next().to_string(), "2027-01");
    EXPECT_EQ(month_t::parse("2026-01").prev().to_string(), "2025-12");
    EXPECT_THROW(month_t::parse("2026-13"), validation_error);
}

TEST(Period, OverlapAndIntersection)
{
    period_t const a{parse_date("2026-01-10"), parse_date("2026-03-31")};
    period_t const b{parse_date("2026-03-31"), std::nullopt};
    period_t const c{parse_date("2026-04-01"), std::nullopt};
    EXPECT_TRUE(a.overlaps(b));
    EXPECT_FALSE(a.overlaps(c));
    EXPECT_EQ(a.intersect(period_t::of(month_t::parse("2026-01")))->days(), 22);
    EXPECT_THROW((period_t{parse_date("2026-02-01"), parse_date("2026-01-01")}), validation_error);
}

TEST(Iban, Mod97AndLength)
{
    EXPECT_EQ(iban_t::check("DE89370400440532013000"), "");
    EXPECT_EQ(iban_t::parse("de89 3704 0044 0532 0130 00").str(), "DE89370400440532013000");
    EXPECT_NE(iban_t::check("DE88370400440532013000"), "");
    EXPECT_NE(iban_t::check("DE8937040044053201300"), "");
    EXPECT_NE(iban_t::check("XX89370400440532013000"), "");
    EXPECT_EQ(iban_t::check("GB29NWBK60161331926819"), "");
    EXPECT_THROW(iban_t::parse("DE00370400440532013000"), validation_error);
}

TEST(Iban, Mod97AgreesWithDigitByDigitOnGeneratedAccounts)
{
    // the reference: the remainder taken after every digit, as ISO 13616 describes it
    auto const mod97 = [](std::string const &s) {
        unsigned rem = 0;
        for (char const c : s) {
            rem = c >= 'A' ? (rem * 100 + static_cast<unsigned>(c - 'A' + 10)) % 97
                           : (rem * 10 + static_cast<unsigned>(c - '0')) % 97;
        }
        return rem;
    };
    std::uint64_t seed = 42;
    auto next = [&seed](unsigned n) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<unsigned>((seed >> 33) % n);
    };
    int valid = 0;
    for (auto const &[cc, length] : std::vector<std::pair<std::string, std::size_t>>{
             {"DE", 22}, {"GB", 22}, {"MT", 31}, {"NO", 15}, {"FR", 27}, {"JO", 30}}) {
        for (int i = 0; i < 500; ++i) {
            std::string bban;
            for (std::size_t k = 4; k < length; ++k) {
                unsigned const r = next(36);
                bban += r < 10 ? static_cast<char>('0' + r) : static_cast<char>('A' + r - 10);
            }
            unsigned const check = 98 - mod97(bban + cc + "00");
            std::string const iban = cc + static_cast<char>('0' + check / 10) + static_cast<char>('0' + check % 10) + bban;
            EXPECT_EQ(iban_t::check(iban), "") << iban;
            valid += iban_t::check(iban).empty() ? 1 : 0;
            std::string wrong = iban;
            char &c = wrong[4 + next(static_cast<unsigned>(length - 4))]; // one character changed
            c = c == '9' ? '0' : c == 'Z' ? 'A' : static_cast<char>(c + 1);
            EXPECT_EQ(iban_t::check(wrong).empty(), mod97(wrong.substr(4) + wrong.substr(0, 4)) == 1) << wrong;
        }
    }
    EXPECT_EQ(valid, 3000);
    EXPECT_EQ(iban_t::check("DE8937040044053201300#"), "contains a character other than A-Z and 0-9");
    EXPECT_EQ(iban_t::check("QQ89370400440532013000"), "unknown country code QQ");
    EXPECT_EQ(iban_t::check("DE893704004405320130001"), "length 23, DE needs 22");
}

TEST(Bic, Structure)
{
    EXPECT_EQ(bic_t::check("NOLADE21KIE"), "");
    EXPECT_EQ(bic_t::check("COBADEFF"), "");
    EXPECT_NE(bic_t::check("COBADEF"), "");
    EXPECT_NE(bic_t::check("C0BADEFF"), "");
}

TEST(Vsnr, CheckDigitVectorsFromSharedExamples)
{
    for (auto const *v : {"15070649C103", "26120356B506", "12010784B021", "65290260U012", "13051190P553",
                          "42311299Z495"}) {
        EXPECT_EQ(vsnr_t::check(v), "") << v;
    }
    EXPECT_EQ(vsnr_t::parse("15 070649 C 103").str(), "15070649C103");
    EXPECT_NE(vsnr_t::check("15070649C104"), "");
    EXPECT_NE(vsnr_t::check("71120356B500"), "");
    EXPECT_NE(vsnr_t::check("1507064C9103"), "");
}

TEST(SteuerId, CheckDigit)
{
    // check digits computed by hand with ISO 7064 MOD 11,10
    EXPECT_EQ(steuer_id_t::check_digit("8609574271"), 9);
    EXPECT_EQ(steuer_id_t::check("86095742719"), "");
    EXPECT_NE(steuer_id_t::check("86095742718"), "");
    EXPECT_NE(steuer_id_t::check("06095742719"), "");
    EXPECT_NE(steuer_id_t::check("12345678903"), ""); // no repeated digit
}

TEST(Sha256, KnownVector)
{
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(IncreasingList, RoundTripsGapsOfEveryEncodedLength)
{
    // gaps of 1, 127 (one byte), 128 (two bytes), 2^21 (four bytes) and 2^62 (nine bytes)
    std::vector<long long> const values{0,           1,           128,        256,
                                        2'097'408,   2'097'409,   (1LL << 62) + 2'097'409};
    increasing_list_t l;
    EXPECT_TRUE(l.empty());
    EXPECT_EQ(l.begin(), l.end());
    for (auto const v : values) {
        l.push_back(v);
    }
    EXPECT_EQ(l.size(), values.size());
    EXPECT_EQ(l.back(), values.back());
    EXPECT_EQ(l.to_vector(), values);
    EXPECT_EQ(l.encoded_bytes(), 1u + 1 + 1 + 2 + 4 + 1 + 9);
    std::size_t n = 0;
    for (auto it = l.begin(); it != l.end(); ++it) {
        EXPECT_EQ(*it, values[n++]);
    }
    EXPECT_EQ(n, values.size());
}

TEST(IncreasingList, OneBytePerOrderForDenseNumbersAndRefusesDisorder)
{
    increasing_list_t a, b;
    for (long long no = 1; no <= 100'000; no += 3) {
        a.push_back(no);
        b.push_back(no);
    }
    EXPECT_EQ(a.encoded_bytes(), a.size());
    EXPECT_EQ(a, b);
    b.push_back(100'001);
    EXPECT_FALSE(a == b);
    EXPECT_THROW(a.push_back(a.back()), internal_error);
    EXPECT_THROW(a.push_back(5), internal_error);
    increasing_list_t c;
    EXPECT_THROW(c.push_back(-1), internal_error);
    EXPECT_EQ(a.size(), 33'334u); // a refused element is not added
}

namespace {

std::string read_all(std::string const &path)
{
    std::ifstream in{path, std::ios::binary};
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

/// A fresh directory under TMPDIR, removed at the end of the test.
struct temp_dir_t
{
    std::string path;
    temp_dir_t()
    {
        std::string tmpl = (std::filesystem::temp_directory_path() / "sozbatch-core-XXXXXX").string();
        char *const made = ::mkdtemp(tmpl.data());
        EXPECT_NE(made, nullptr);
        path = tmpl;
    }
    ~temp_dir_t() { std::filesystem::remove_all(path); }
};

} // namespace

TEST(AtomicFile, PublishesOnCommitWithTheHashOfWhatWasWritten)
{
    temp_dir_t const dir;
    std::string const path = dir.path + "/out.txt";
    std::string big(200000, 'x'); // larger than the buffer: written past it
    {
        atomic_file_t f{path};
        f.write("head\n");
        f.write(big);
        f.write("tail\n");
        EXPECT_FALSE(std::filesystem::exists(path));
        EXPECT_TRUE(std::filesystem::exists(path + ".tmp"));
        EXPECT_EQ(f.commit(), sha256_hex("head\n" + big + "tail\n"));
    }
    EXPECT_EQ(read_all(path), "head\n" + big + "tail\n");
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
    {
        atomic_file_t f{dir.path + "/gone.txt"};
        f.write("never published");
    }
    EXPECT_FALSE(std::filesystem::exists(dir.path + "/gone.txt"));
    EXPECT_FALSE(std::filesystem::exists(dir.path + "/gone.txt.tmp"));
}

TEST(AtomicFile, AFileHashedByTheCallerIsCommittedWithoutAHash)
{
    temp_dir_t const dir;
    std::string const path = dir.path + "/out.txt";
    atomic_file_t f{path, atomic_file_t::hashing_t::by_caller};
    f.write("contents\n");
    EXPECT_THROW((void)f.commit(), internal_error); // it has no hash to give
    EXPECT_FALSE(std::filesystem::exists(path));
    f.commit_unhashed();
    EXPECT_EQ(read_all(path), "contents\n");
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}
