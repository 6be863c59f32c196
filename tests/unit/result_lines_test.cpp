// SPDX-License-Identifier: GPL-3.0-or-later
// The document of a result's calculation lines (calc_results.lines, lib/db/result_lines.hpp).
#include "lib/core/error.hpp"
#include "lib/db/result_lines.hpp"

#include <gtest/gtest.h>

using namespace sozbatch;
using db::line_row_t;

namespace {

line_row_t line(long long seq, std::string note = "")
{
    return line_row_t{seq,         "P1A",       "2026-12-01", "2026-12-31",         "regelbedarf", "need",
                      "§ 27a Abs. 3 SGB XII, Anlage zu § 28 SGB XII", 56300, 1, 2, 28150, 31, 1, 28150,
                      "sgb12.rbs.1=56300", std::move(note)};
}

std::string document(std::vector<line_row_t> const &lines)
{
    std::string s;
    db::append_lines_document(s, lines);
    return s;
}

} // namespace

TEST(ResultLines, DocumentHasOneArrayPerLineInTheColumnOrder)
{
    EXPECT_EQ(document({}), "[]");
    EXPECT_EQ(document({line(1)}),
              "[[1,\"P1A\",\"2026-12-01\",\"2026-12-31\",\"regelbedarf\",\"need\","
              "\"§ 27a Abs. 3 SGB XII, Anlage zu § 28 SGB XII\",56300,1,2,28150,31,1,28150,\"sgb12.rbs.1=56300\",\"\"]]");
}

TEST(ResultLines, RoundTripsEveryCharacterAndNegativeAmounts)
{
    std::string all;
    for (int c = 1; c < 256; ++c) {
        all += static_cast<char>(c);
    }
    auto a = line(1, "Zeile \"zitiert\" mit \\ und\nZeilenumbruch\t\x01 äöüß €");
    a.amount_cents = -12345;
    a.basis_cents = -9223372036854775807LL - 1;
    auto b = line(2, all);
    std::vector<line_row_t> const lines{a, b, line(3)};
    auto const doc = document(lines);
    EXPECT_EQ(db::parse_lines_document(doc, "test"), lines);
    // control characters are escaped: the document is one line of valid JSON text
    EXPECT_EQ(doc.find('\n'), std::string::npos);
    EXPECT_NE(doc.find("\\u0001"), std::string::npos);
}

TEST(ResultLines, ReadsJsonWhitespaceAndEscapesOtherWritersUse)
{
    // as PostgreSQL's jsonb would print it: spaces after separators, \u escapes, a surrogate pair
    std::string const doc = " [ [1, \"P\\u00e4\", \"2026-12-01\", \"2026-12-31\", \"k\", \"c\", \"\\/b\", 1, 0, 0, 2, 3, 0, "
                            "4, \"\\ud83d\\ude00\", \"\\b\\f\\r\"] ] ";
    auto const lines = db::parse_lines_document(doc, "test");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].person_ext_id, "P\xc3\xa4");
    EXPECT_EQ(lines[0].legal_basis, "/b");
    EXPECT_EQ(lines[0].params, "\xf0\x9f\x98\x80");
    EXPECT_EQ(lines[0].note, "\b\f\r");
    EXPECT_EQ(lines[0].amount_cents, 4);
}

TEST(ResultLines, RefusesWhatIsNotSuchADocumentNamingResultAndByte)
{
    auto const good = document({line(1)});
    auto refused = [](std::string const &doc) -> std::string {
        try {
            db::parse_lines_document(doc, "calc_results.lines of result 17");
        } catch (db_error const &e) {
            return e.what();
        }
        return "accepted";
    };
    EXPECT_NE(refused("").find("calc_results.lines of result 17: '[' expected at byte 0"), std::string::npos)
        << refused("");
    EXPECT_NE(refused(good + "x").find("text after the document"), std::string::npos);
    EXPECT_NE(refused(good.substr(0, good.size() - 1)).find("']' expected"), std::string::npos);
    // a line with one element too many, a fraction, a number as text, a missing element
    std::string extra = good;
    extra.insert(extra.size() - 2, ",\"x\"");
    EXPECT_NE(refused(extra).find("16 elements"), std::string::npos) << refused(extra);
    std::string fraction = good;
    fraction.replace(fraction.find("56300"), 5, "563.5");
    EXPECT_NE(refused(fraction).find("not a fraction"), std::string::npos);
    std::string quoted = good;
    quoted.replace(quoted.find("56300"), 5, "\"56300\"");
    EXPECT_NE(refused(quoted).find("integer expected"), std::string::npos);
    EXPECT_NE(refused("[[1,\"a\"]]").find("',' expected"), std::string::npos);
    EXPECT_NE(refused("[[1,\"a\\q\"]]").find("unknown escape"), std::string::npos);
    EXPECT_NE(refused("[[1,\"\\ud83d\"]]").find("surrogate"), std::string::npos);
    EXPECT_NE(refused("[[99999999999999999999]]").find("integer expected"), std::string::npos);
    EXPECT_EQ(refused(good), "accepted");
}

// The payouts and flags of a result (calc_results.payouts, calc_results.flags, migration 0020).
TEST(ResultLines, PayoutsAndFlagsAreDocumentsOfTheSameKind)
{
    std::vector<db::payout_row_t> const payouts{{"Z-0001", "rent", 41250}, {"Z-\"2\"", "benefit", -1}};
    std::string p;
    db::append_payouts_document(p, payouts);
    EXPECT_EQ(p, "[[\"Z-0001\",\"rent\",41250],[\"Z-\\\"2\\\"\",\"benefit\",-1]]");
    EXPECT_EQ(db::parse_payouts_document(p, "p"), payouts);
    EXPECT_EQ(db::parse_payouts_document(" [ ] ", "p"), std::vector<db::payout_row_t>{});

    std::vector<db::flag_row_t> const flags{{"P1", "kdu-ueber-angemessen", "Kosten der Unterkunft über der Grenze\n"},
                                            {"", "x", ""}};
    std::string f;
    db::append_flags_document(f, flags);
    EXPECT_EQ(f, "[[\"P1\",\"kdu-ueber-angemessen\",\"Kosten der Unterkunft über der Grenze\\n\"],[\"\",\"x\",\"\"]]");
    EXPECT_EQ(db::parse_flags_document(f, "f"), flags);

    auto refused = [](auto parse, std::string const &doc) -> std::string {
        try {
            parse(doc, "calc_results.payouts of result 17");
        } catch (db_error const &e) {
            return e.what();
        }
        return "accepted";
    };
    auto const payouts_of = [](std::string const &d, std::string const &w) { return db::parse_payouts_document(d, w); };
    auto const flags_of = [](std::string const &d, std::string const &w) { return db::parse_flags_document(d, w); };
    EXPECT_NE(refused(payouts_of, "[[\"Z\",\"rent\",1,2]]").find("a payout has 3 elements"), std::string::npos);
    EXPECT_NE(refused(payouts_of, "[[\"Z\",\"rent\",\"1\"]]").find("integer expected"), std::string::npos);
    EXPECT_NE(refused(payouts_of, "[[\"Z\",\"rent\"]]").find("calc_results.payouts of result 17: ',' expected"),
              std::string::npos);
    EXPECT_NE(refused(flags_of, "[[\"P\",\"c\",\"t\",\"u\"]]").find("a flag has 3 elements"), std::string::npos);
    EXPECT_NE(refused(flags_of, "[[\"P\",\"c\",3]]").find("'\"' expected"), std::string::npos);
    EXPECT_EQ(refused(payouts_of, p), "accepted");
    EXPECT_EQ(refused(flags_of, f), "accepted");
}
