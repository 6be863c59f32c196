// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/sepa/sepa_text.hpp"
#include "lib/core/error.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

using namespace sozbatch;
using namespace sozbatch::sepa;

TEST(SepaText, KeepsDkCharactersUnchanged)
{
    auto const r = to_dk_text("Müller & Söhne GbR, Straße 1/2 (Kiel)", MAX_NAME_CHARS);
    EXPECT_EQ(r.text, "Müller & Söhne GbR, Straße 1/2 (Kiel)");
    EXPECT_FALSE(r.changed());
    EXPECT_TRUE(r.representable());
    EXPECT_EQ(check_dk_text(r.text, MAX_NAME_CHARS), "");
}

TEST(SepaText, TransliterationTable)
{
    struct case_t
    {
        char const *in;
        char const *out;
    };
    case_t const cases[] = {
        {"José", "Jose"},          {"Łukasz Wałęsa", "Lukasz Walesa"}, {"Ayşe Yılmaz", "Ayse Yilmaz"},
        {"Nguyễn Văn Thắng", "Nguyen Van Thang"}, {"Øystein Ærø", "Oystein Aero"}, {"Çağrı", "Cagri"},
        {"François Œuvre", "Francois Oeuvre"},   {"Đorđe Škorić", "Dorde Skoric"}, {"Dvořák", "Dvorak"},
        {"Жуков Юрій", "Zhukov Iurii"},          {"ЖУКОВ", "ZHUKOV"},               {"Σωκράτης", "Sokratis"},
        {"Anna_Maria", "Anna-Maria"},            {"a@b", "a(at)b"},                 {"10 €", "10 EUR"},
        {"\xE2\x80\x9EZitat\xE2\x80\x9C", "'Zitat'"}, {"Miete – Januar", "Miete - Januar"},
    };
    for (auto const &c : cases) {
        auto const r = to_dk_text(c.in, MAX_NAME_CHARS);
        EXPECT_EQ(r.text, c.out) << c.in;
        EXPECT_TRUE(r.changed()) << c.in;
        EXPECT_TRUE(r.representable()) << c.in;
        EXPECT_EQ(check_dk_text(r.text, MAX_NAME_CHARS), "") << c.in;
    }
}

TEST(SepaText, ReportsEachChange)
{
    auto const r = to_dk_text("Zoë Łódź", MAX_NAME_CHARS);
    EXPECT_EQ(r.text, "Zoe Lodz");
    ASSERT_EQ(r.changes.size(), 4u);
    EXPECT_EQ(r.changes[0], (text_change_t{"ë", "e"}));
    EXPECT_EQ(r.changes[1], (text_change_t{"Ł", "L"}));
    EXPECT_EQ(r.changes[2], (text_change_t{"ó", "o"}));
    EXPECT_EQ(r.changes[3], (text_change_t{"ź", "z"}));
    EXPECT_EQ(r.describe(), "ë->e, Ł->L, ó->o, ź->z");
}

TEST(SepaText, UnmappableCharactersMakeTheTextUnrepresentable)
{
    auto const r = to_dk_text("王小明", MAX_NAME_CHARS);
    EXPECT_EQ(r.text, "");
    EXPECT_EQ(r.unmappable.size(), 3u);
    EXPECT_FALSE(r.representable());
    auto const mixed = to_dk_text("Li 王", MAX_NAME_CHARS);
    EXPECT_EQ(mixed.text, "Li");
    EXPECT_FALSE(mixed.representable());
}

TEST(SepaText, NormalisesBlanksAndControlCharacters)
{
    auto const r = to_dk_text("  Anna\t\n  Schmidt  ", MAX_NAME_CHARS);
    EXPECT_EQ(r.text, "Anna Schmidt");
    EXPECT_FALSE(r.changed());
}

TEST(SepaText, TruncatesByCharactersNotBytes)
{
    std::string name;
    for (int i = 0; i < 80; ++i) {
        name += "ä"; // 2 bytes each
    }
    auto const r = to_dk_text(name, MAX_NAME_CHARS);
    EXPECT_TRUE(r.truncated);
    EXPECT_EQ(utf8_length(r.text), 70u);
    EXPECT_EQ(r.text.size(), 140u);
    EXPECT_EQ(r.describe(), "truncated 80->70");

    std::string ustrd(150, 'x');
    EXPECT_EQ(utf8_length(to_dk_text(ustrd, MAX_USTRD_CHARS).text), 140u);
    EXPECT_EQ(truncate_utf8("Jürgen", 2), "Jü");
    EXPECT_THROW(utf8_length("\xC3"), validation_error);
    EXPECT_THROW(to_dk_text("a\xFF", 70), validation_error);
}

TEST(SepaText, CheckRejectsOutsideTheSetAndOverLength)
{
    EXPECT_NE(check_dk_text("José", 70), "");
    EXPECT_NE(check_dk_text("", 70), "");
    EXPECT_NE(check_dk_text(std::string(71, 'a'), 70), "");
    EXPECT_EQ(check_dk_text(std::string(70, 'a'), 70), "");
    EXPECT_NE(check_dk_text("a;b", 70), "");
}

TEST(SepaText, CheckAgreesWithCharacterByCharacterOnLongTexts)
{
    // long runs of allowed ASCII are read eight bytes at a time: the verdict and the first
    // character outside the set must be those of a character-by-character reading
    std::vector<std::string> const alphabet{"a", "Z", "0", " ", "&", "/", "\u00e4", "\u00df", ";", "!", "\u00e9", "_", "\t"};
    std::vector<bool> const allowed{true, true, true, true, true, true, true, true, false, false, false, false, false};
    std::uint64_t seed = 7;
    auto next = [&seed](std::size_t n) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::size_t>((seed >> 33) % n);
    };
    int rejected = 0;
    for (int i = 0; i < 5000; ++i) {
        std::string text;
        std::size_t chars = 0;
        std::string first_outside;
        std::size_t const len = 1 + next(160);
        for (std::size_t k = 0; k < len; ++k) {
            // mostly allowed letters, so that long runs occur
            std::size_t const a = next(100) < 98 ? next(8) : next(alphabet.size());
            text += alphabet[a];
            ++chars;
            if (!allowed[a] && first_outside.empty()) {
                first_outside = alphabet[a];
            }
        }
        std::string expected;
        if (chars > 140) {
            expected = std::to_string(chars) + " characters, at most 140 allowed";
        } else if (!first_outside.empty()) {
            expected = "character '" + first_outside + "' is not in the DK character set";
        }
        EXPECT_EQ(check_dk_text(text, 140), expected) << text;
        rejected += expected.empty() ? 0 : 1;
    }
    EXPECT_GT(rejected, 500);
    EXPECT_LT(rejected, 4500);
}

TEST(SepaText, IdentifierRules)
{
    EXPECT_EQ(check_dk_id("SOZ-2026-01-000001"), "");
    EXPECT_EQ(check_dk_id("A+B?C:D(E).F,G'H I/J"), "");
    EXPECT_NE(check_dk_id(""), "");
    EXPECT_NE(check_dk_id(std::string(36, 'A')), "");
    EXPECT_EQ(check_dk_id(std::string(35, 'A')), "");
    EXPECT_NE(check_dk_id("Ä-1"), "");
    EXPECT_NE(check_dk_id("A&B"), "");
    EXPECT_NE(check_dk_id("/ABC"), "");
    EXPECT_NE(check_dk_id("ABC/"), "");
    EXPECT_NE(check_dk_id("AB//C"), "");
    EXPECT_NE(check_dk_id("A_B"), "");
    // every position of a 35-character identifier (the check reads eight bytes at a time): the
    // first character outside the basic set is the one named
    for (std::size_t at = 0; at < 35; ++at) {
        for (char const bad : {'_', '&', '!', '\x80', '\xC3', '\0'}) {
            std::string s = "SOZ-2026-01-000001-ABCDEFGHIJK.LMNO";
            s[at] = bad;
            EXPECT_EQ(check_dk_id(s),
                      "character '" + std::string(1, bad) + "' is not allowed in identifiers (SEPA basic set only)")
                << at << " " << static_cast<int>(bad);
            if (at + 3 >= s.size()) {
                continue;
            }
            s[at + 3] = '_'; // a second one further on
            EXPECT_EQ(check_dk_id(s),
                      "character '" + std::string(1, bad) + "' is not allowed in identifiers (SEPA basic set only)")
                << at << " " << static_cast<int>(bad);
        }
    }

    auto const id = to_dk_id("//Müller&Söhne//2026_01/");
    EXPECT_EQ(id.text, "Mueller+Soehne/2026-01");
    EXPECT_EQ(check_dk_id(id.text), "");
    auto const umlaut = to_dk_id("Ä-1");
    EXPECT_EQ(umlaut.text, "AE-1");
    EXPECT_EQ(to_dk_id(std::string(40, 'Z')).text.size(), 35u);
}

TEST(SepaText, DeterministicTableLookup)
{
    EXPECT_STREQ(transliteration_of(U'é'), "e");
    EXPECT_STREQ(transliteration_of(U'Ł'), "L");
    EXPECT_STREQ(transliteration_of(U'ş'), "s");
    EXPECT_STREQ(transliteration_of(U'ễ'), "e");
    EXPECT_STREQ(transliteration_of(U'ı'), "i");
    EXPECT_EQ(transliteration_of(U'ä'), nullptr); // kept, so not in the table
    EXPECT_EQ(transliteration_of(U'王'), nullptr);
    EXPECT_TRUE(is_dk_text_char(U'&'));
    EXPECT_FALSE(is_dk_id_char(U'&'));
}

// The pain.001 schema allows single blanks between words only: runs of blanks, control characters
// and blanks at either end are normalised deterministically and reported for the log.
TEST(SepaText, BlanksAreNormalisedAndReported)
{
    auto const r = to_dk_text("Anna  Maria\tMusterfrau ", MAX_NAME_CHARS);
    EXPECT_EQ(r.text, "Anna Maria Musterfrau");
    EXPECT_TRUE(r.blanks_normalised);
    EXPECT_FALSE(r.changed());
    EXPECT_TRUE(r.representable());
    EXPECT_EQ(r.describe(), "blanks normalised");
    auto const clean = to_dk_text("Anna Maria Musterfrau", MAX_NAME_CHARS);
    EXPECT_FALSE(clean.blanks_normalised);
    auto const both = to_dk_text("José  Müller", MAX_NAME_CHARS);
    EXPECT_EQ(both.text, "Jose Müller");
    EXPECT_EQ(both.describe(), "é->e; blanks normalised");
}

// Every ASCII character inside a long run (the checks read sixteen bytes at a time there) gets the
// verdict it gets between two letters, at each of the sixteen positions of a block and in the
// bytes after the last full block; an identifier may not begin or end with '/'.
TEST(SepaText, EveryAsciiCharacterInsideALongRunAsBetweenLetters)
{
    int allowed = 0;
    for (unsigned c = 0; c < 128; ++c) {
        std::string const short_text = "a" + std::string(1, static_cast<char>(c)) + "a";
        std::string const short_id = "A" + std::string(1, static_cast<char>(c)) + "A";
        bool const text_ok = check_dk_text(short_text, 140).empty();
        bool const id_ok = check_dk_id(short_id).empty();
        allowed += text_ok ? 1 : 0;
        for (std::size_t at = 0; at < 34; ++at) {
            std::string text(34, 'a');
            text[at] = static_cast<char>(c);
            EXPECT_EQ(check_dk_text(text, 140).empty(), text_ok) << c << " at " << at;
            std::string id(34, 'A');
            id[at] = static_cast<char>(c);
            bool const end_slash = c == '/' && (at == 0 || at == 33);
            EXPECT_EQ(check_dk_id(id).empty(), id_ok && !end_slash) << c << " at " << at;
        }
    }
    EXPECT_EQ(allowed, 26 + 26 + 10 + 12); // a-z, A-Z, 0-9 and ' : ? , - ( + . ) / & and the blank
}
