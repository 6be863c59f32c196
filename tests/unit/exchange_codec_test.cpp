// SPDX-License-Identifier: GPL-3.0-or-later
// Layout loader and generic codec: layout errors, encoding rules, decoding validation.
#include "formats/exchange/codec.hpp"
#include "formats/exchange/layout.hpp"
#include "lib/core/error.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace sozbatch;
using namespace sozbatch::exchange;

namespace {

std::string read_golden(std::string const &name)
{
    std::ifstream in{std::string{SOZBATCH_SOURCE_DIR} + "/tests/golden/exchange/" + name, std::ios::binary};
    EXPECT_TRUE(in.good()) << name;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> lines_of(std::string const &content)
{
    std::vector<std::string> out;
    std::istringstream in{content};
    std::string l;
    while (std::getline(in, l)) {
        out.push_back(l);
    }
    return out;
}

std::string const TINY = R"(# test layout
layout   test/tiny
title    Tiny
version  01
length   20
key      KE
field 1 KE    1-2   2 AN M const(TT)          "Kennung"
field 2 NAME  3-10  8 AN M -                  "Name"
field 3 NUM   11-14 4 N  k default(7)         "Nummer"
field 4 CODE  15-15 1 AN K enum(m=male,w=female) "Code"
field 5 PLZ   16-20 5 AN k -                  "PLZ"
)";

input_error decode_error(record_layout_t const &l, std::string const &bytes)
{
    try {
        (void)decode_record(l, bytes, {"f.txt", 3});
    } catch (input_error const &e) {
        return e;
    }
    ADD_FAILURE() << "no input_error for '" << bytes << "'";
    return input_error{{}, "none"};
}

} // namespace

TEST(ExchangeLayout, EmbeddedFamiliesLoad)
{
    auto const names = embedded_families();
    EXPECT_NE(std::find(names.begin(), names.end(), "sozhidav-2004"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "pension151-provisional"), names.end());
    auto const &f = family("sozhidav-2004");
    EXPECT_EQ(f.header.fixed_length, 105u);
    EXPECT_EQ(f.trailer.fixed_length, 63u);
    EXPECT_EQ(f.request.fixed_length, 386u);
    EXPECT_EQ(f.answer.fixed_length, 388u);
    EXPECT_TRUE(f.answer.variable);
    EXPECT_EQ(f.answer.blocks.size(), 14u);
    EXPECT_EQ(f.answer.block("10")->length, 147u);
    EXPECT_EQ(f.answer.block("14")->length, 408u);
    EXPECT_EQ(f.request.field("LZR")->from, 319u);
    EXPECT_EQ(f.request.field("GE")->code_of("female"), "w");
    EXPECT_FALSE(f.request.field("GE")->code_of("diverse").has_value());
    EXPECT_EQ(family("pension151-provisional").status, "provisional");
    EXPECT_THROW(family("no-such-family"), config_error);
}

TEST(ExchangeLayout, FamilyLoadsFromDirectory)
{
    auto const f = load_family_from_directory(std::string{SOZBATCH_SOURCE_DIR} +
                                              "/formats/exchange/layouts/sozhidav-2004");
    EXPECT_EQ(f.name, "sozhidav-2004");
    EXPECT_EQ(f.request_vfmm, "SZTDS");
    EXPECT_THROW(load_family_from_directory("/nonexistent/dir"), config_error);
}

TEST(ExchangeLayout, MalformedLayoutsAreRejectedWithLine)
{
    EXPECT_NO_THROW(parse_layout(TINY, "tiny"));
    auto const error_of = [](std::string const &text) -> std::string {
        try {
            (void)parse_layout(text, "bad.layout");
        } catch (config_error const &e) {
            return e.what();
        }
        return "no error";
    };
    auto replace = [](std::string s, std::string const &from, std::string const &to) {
        s.replace(s.find(from), from.size(), to);
        return s;
    };
    // overlap: NAME starts at 2
    EXPECT_NE(error_of(replace(TINY, "NAME  3-10  8", "NAME  2-9   8")).find("overlap"), std::string::npos);
    // gap
    EXPECT_NE(error_of(replace(TINY, "NUM   11-14 4", "NUM   12-15 4")).find("gap"), std::string::npos);
    // from-to does not match len
    EXPECT_NE(error_of(replace(TINY, "NAME  3-10  8", "NAME  3-10  7")).find("does not match length"),
              std::string::npos);
    // total length
    EXPECT_NE(error_of(replace(TINY, "length   20", "length   21")).find("add up to 20"), std::string::npos);
    EXPECT_NE(error_of(replace(TINY, " N  k default(7)", " X  k default(7)")).find("unknown field type"),
              std::string::npos);
    EXPECT_NE(error_of(replace(TINY, "default(7)", "frobnicate")).find("unknown rule"), std::string::npos);
    EXPECT_NE(error_of(replace(TINY, "default(7)", "default(12345)")).find("longer than the field"),
              std::string::npos);
    EXPECT_NE(error_of(replace(TINY, "\"PLZ\"", "PLZ")).find("line 11"), std::string::npos);
    EXPECT_NE(error_of(replace(TINY, "NUM ", "NAME")).find("twice"), std::string::npos);
}

TEST(ExchangeLayout, BlockDefinitionsAreChecked)
{
    std::string const base = R"(layout t/b
title B
version 01
length 6+
key KE
field 1 KE 1-4 4 AN M const(ABCD) "k"
field 2 AZBL 5-6 2 N M - "count"
blocks count=AZBL key=BLNR max=3
block 01 len=5 kind=x "one"
field 3 BLNR 1-2 2 N M const(01) "nr"
field 4 V 3-5 3 N M - "v"
)";
    auto const l = parse_layout(base, "b");
    EXPECT_EQ(l.block_key_length, 2u);
    auto const bad = [&](std::string const &from, std::string const &to) {
        std::string s = base;
        s.replace(s.find(from), from.size(), to);
        EXPECT_THROW((void)parse_layout(s, "b"), config_error) << to;
    };
    bad("len=5", "len=6");                 // block does not add up
    bad("const(01) \"nr\"", "const(02) \"nr\""); // key const differs from block key
    bad("length 6+", "length 6");          // blocks need N+
    bad("count=AZBL", "count=NOPE");       // count field unknown
}

TEST(ExchangeCodec, EncodePadsConvertsAndAppliesDefaults)
{
    auto const l = parse_layout(TINY, "tiny");
    record_values_t v;
    v.fields["NAME"] = std::string{"Jürgen"};
    v.fields["CODE"] = std::string{"w"};
    std::string const rec = encode_record(l, v, {"out", 2});
    EXPECT_EQ(rec, std::string{"TTJ\xFCrgen  0007w     "});
    // numbers right-aligned with zeros; int64 accepted
    v.fields["NUM"] = std::int64_t{42};
    EXPECT_EQ(encode_record(l, v, {"out", 2}).substr(10, 4), "0042");
    // transliteration outside Latin-1, € is rejected
    v.fields["NAME"] = std::string{"Łukasz"};
    EXPECT_EQ(encode_record(l, v, {"out", 2}).substr(2, 8), "Lukasz  ");
    v.fields["NAME"] = std::string{"Euro€"};
    try {
        (void)encode_record(l, v, {"out", 2});
        FAIL();
    } catch (input_error const &e) {
        EXPECT_EQ(e.where().field, "NAME");
        EXPECT_NE(e.reason().find("ISO-8859-1"), std::string::npos);
    }
    // too long, mandatory empty, unknown field, code outside the list
    v.fields["NAME"] = std::string{"Neunzeichen"};
    EXPECT_THROW((void)encode_record(l, v, {"out", 2}), input_error);
    v.fields["NAME"] = std::string{""};
    EXPECT_THROW((void)encode_record(l, v, {"out", 2}), input_error);
    v.fields["NAME"] = std::string{"A"};
    v.fields["CODE"] = std::string{"x"};
    EXPECT_THROW((void)encode_record(l, v, {"out", 2}), input_error);
    v.fields.erase("CODE");
    v.fields["BOGUS"] = std::string{"1"};
    EXPECT_THROW((void)encode_record(l, v, {"out", 2}), input_error);
}

TEST(ExchangeCodec, StreetsAreAbbreviatedOnlyWhenTooLong)
{
    EXPECT_EQ(abbreviate_street("Hauptstraße"), "Hauptstr.");
    EXPECT_EQ(abbreviate_street("Karl-Marx-Straße"), "Karl-Marx-Str.");
    EXPECT_EQ(abbreviate_street("Doktor-Sankt  Platz-Strasse"), "Dr.-St. Pl.-Str.");
    EXPECT_EQ(abbreviate_street("Sankt Jürgen Ring"), "St. Jürgen Ring");
    EXPECT_EQ(abbreviate_street("Am Wall"), "Am Wall");
    std::string layout = TINY;
    layout.replace(layout.find("field 2 NAME  3-10  8 AN M -                  \"Name\""),
                   std::string{"field 2 NAME  3-10  8 AN M -                  \"Name\""}.size(),
                   "field 2 NAME  3-10  8 AN M abbreviate(street) \"Name\"");
    auto const l = parse_layout(layout, "tiny");
    record_values_t v;
    v.fields["CODE"] = std::string{"w"};
    v.fields["NAME"] = std::string{"Ostweg"}; // fits: unchanged
    EXPECT_EQ(encode_record(l, v, {"out", 2}).substr(2, 8), "Ostweg  ");
    v.fields["NAME"] = std::string{"Amtstraße"}; // 9 characters: abbreviated
    EXPECT_EQ(encode_record(l, v, {"out", 2}).substr(2, 8), "Amtstr. ");
    v.fields["NAME"] = std::string{"Langer Weg"}; // nothing to abbreviate: rejected, naming the field
    try {
        (void)encode_record(l, v, {"out", 2});
        FAIL();
    } catch (input_error const &e) {
        EXPECT_EQ(e.where().field, "NAME");
        EXPECT_NE(e.reason().find("even abbreviated"), std::string::npos);
    }
    EXPECT_THROW((void)parse_layout(std::string{layout}.replace(layout.find("abbreviate(street)"), 18, "abbreviate(town)  "),
                                    "tiny"),
                 config_error);
    // the § 118 request layout abbreviates its street field
    auto const &f = family("sozhidav-2004");
    auto const *se = f.request.field("SE");
    ASSERT_NE(se, nullptr);
    EXPECT_TRUE(se->has(rule_t::kind_t::abbreviate));
}

TEST(ExchangeCodec, UpperCaseTransliteration)
{
    std::string bad;
    EXPECT_EQ(to_wire_text("Straße Ölweg ç", true, bad), std::string{"STRASSE \xD6LWEG \xC7"});
    EXPECT_EQ(to_wire_text("Straße", false, bad), std::string{"Stra\xDF" "e"});
    EXPECT_FALSE(to_wire_text("a\x01", false, bad).has_value());
    EXPECT_FALSE(to_wire_text("\xC3", false, bad).has_value()); // truncated UTF-8
    EXPECT_EQ(from_wire_text("J\xFCrgen"), "Jürgen");
}

TEST(ExchangeCodec, DecodeNamesFileRecordFieldAndReason)
{
    auto const l = parse_layout(TINY, "tiny");
    auto e = decode_error(l, "TTAnna    0007w     x");
    EXPECT_EQ(e.where().file, "f.txt");
    EXPECT_EQ(e.where().line, 3);
    EXPECT_EQ(e.where().record, "record 3");
    EXPECT_EQ(e.where().field, "");
    EXPECT_NE(e.reason().find("21 characters"), std::string::npos);
    e = decode_error(l, "XXAnna    0007w     ");
    EXPECT_EQ(e.where().field, "KE");
    EXPECT_NE(e.reason().find("unknown record type"), std::string::npos);
    e = decode_error(l, "TT        0007w     ");
    EXPECT_EQ(e.where().field, "NAME");
    EXPECT_NE(e.reason().find("mandatory"), std::string::npos);
    e = decode_error(l, "TTAnna    00x7w     ");
    EXPECT_EQ(e.where().field, "NUM");
    e = decode_error(l, "TTAnna    0007q     ");
    EXPECT_EQ(e.where().field, "CODE");
    e = decode_error(l, std::string{"TTAn\x01" "a    0007w     "});
    EXPECT_NE(e.reason().find("0x01"), std::string::npos);
    auto const ok = decode_record(l, "TTAnna    0007w     ", {"f.txt", 3});
    EXPECT_EQ(ok.fields.text("NAME"), "Anna");
    EXPECT_EQ(ok.fields.number("NUM"), 7);
    EXPECT_EQ(ok.fields.label("CODE"), "female");
}

TEST(ExchangeCodec, RequestRecordNegativeCases)
{
    auto const &f = family("sozhidav-2004");
    auto const lines = lines_of(read_golden("sozhianf-2025q1.txt"));
    ASSERT_EQ(lines.size(), 6u);
    std::string const a1 = lines[1];
    auto const rec = decode_record(f.request, a1, {"a", 2});
    EXPECT_EQ(rec.fields.text("ZE"), "SH-2025-000001/P01");
    EXPECT_EQ(rec.fields.period("LZR")->from(), date_t(2025, 1, 1));
    EXPECT_TRUE(rec.fields.period("LZR")->open_ended());
    auto edit = [&](std::size_t from, std::string const &text) {
        std::string s = a1;
        s.replace(from - 1, text.size(), text);
        return s;
    };
    // sentinel 99999999 in the start of the Leistungszeitraum
    auto e = decode_error(f.request, edit(319, "9999999931032025"));
    EXPECT_EQ(e.where().field, "LZR");
    EXPECT_NE(e.reason().find("only allowed as the end"), std::string::npos);
    // 31.02. is not a date
    e = decode_error(f.request, edit(71, "31022025"));
    EXPECT_EQ(e.where().field, "GBDT");
    EXPECT_NE(e.reason().find("31.02.2025"), std::string::npos);
    // Geschlecht outside the code list
    e = decode_error(f.request, edit(79, "x"));
    EXPECT_EQ(e.where().field, "GE");
    // length off by one
    e = decode_error(f.request, a1.substr(0, 385));
    EXPECT_NE(e.reason().find("385 characters"), std::string::npos);
    // 29.02.1960 is a leap day and valid; 29.02.1961 is not
    EXPECT_NO_THROW((void)decode_record(f.request, edit(71, "29021960"), {"a", 2}));
    EXPECT_EQ(decode_error(f.request, edit(71, "29021961")).where().field, "GBDT");
    // a VSNR in field 10 is checked (check digit)
    e = decode_error(f.request, edit(56, "26120356B505"));
    EXPECT_EQ(e.where().field, "VSNRZH");
    EXPECT_NE(e.reason().find("check digit"), std::string::npos);
    // N1: PLZ given, Wohnort missing -> conditional mandatory field 20
    std::string n1 = a1;
    n1.replace(249, 40, std::string(40, ' '));
    e = decode_error(f.request, n1);
    EXPECT_EQ(e.where().field, "WHOT");
    EXPECT_NE(e.reason().find("PLZL"), std::string::npos);
}

TEST(ExchangeCodec, AnswerBlocksAndNegativeCases)
{
    auto const &f = family("sozhidav-2004");
    auto const lines = lines_of(read_golden("sozhiant-2025q1.txt"));
    ASSERT_EQ(lines.size(), 6u);
    std::string const r1 = lines[1];
    auto const rec = decode_record(f.answer, r1, {"r", 2});
    ASSERT_EQ(rec.blocks.size(), 2u);
    EXPECT_EQ(rec.blocks[0].key, "01");
    EXPECT_EQ(rec.blocks[0].fields.amount("RTBT"), money_t::cents(98765));
    EXPECT_EQ(rec.blocks[1].fields.text("NABE1"), "Bäckerei Attrappe GmbH");

    auto edit = [&](std::size_t from, std::string const &text) {
        std::string s = r1;
        s.replace(from - 1, text.size(), text);
        return s;
    };
    // AZBL 02 -> 03: record too short for the announced blocks
    auto e = decode_error(f.answer, edit(387, "03"));
    EXPECT_EQ(e.where().field, "AZBL");
    // first BLNR 01 -> 15: unknown block type
    e = decode_error(f.answer, edit(389, "15"));
    EXPECT_EQ(e.where().field, "BLNR");
    EXPECT_NE(e.reason().find("unknown block type '15'"), std::string::npos);
    // bad check digit in the block VSNR
    e = decode_error(f.answer, edit(396, "26120356B505"));
    EXPECT_EQ(e.where().field, "01.VSNR");
    // a block date of 31.02.
    e = decode_error(f.answer, edit(410, "31022025"));
    EXPECT_EQ(e.where().field, "01.VNBS");
    // FEKZ 3 with AZBL 00 appended: strict, the record must end after field 24
    std::string r3 = lines[3] + "00";
    e = decode_error(f.answer, r3);
    EXPECT_EQ(e.where().field, "AZBL");
    EXPECT_NO_THROW((void)decode_record(f.answer, lines[3], {"r", 4}));
    // superfluous characters after the blocks
    e = decode_error(f.answer, r1 + "X");
    EXPECT_NE(e.reason().find("account for 579"), std::string::npos);
}

TEST(ExchangeCodec, LongBlock14)
{
    auto const &f = family("sozhidav-2004");
    auto const lines = lines_of(read_golden("sozhiant-block14.txt"));
    ASSERT_EQ(lines.size(), 3u);
    auto const rec = decode_record(f.answer, lines[1], {"r", 2});
    ASSERT_EQ(rec.blocks.size(), 1u);
    auto const &b = rec.blocks[0].fields;
    EXPECT_EQ(b.text("NA"), "Beispielmann");
    EXPECT_EQ(b.date("GBDT"), date_t(1984, 7, 1));
    EXPECT_FALSE(b.date("GBDTEH").has_value());
    EXPECT_EQ(b.amount("ZINS"), money_t::euros(612));
    EXPECT_EQ(b.label("WAE"), "EUR");
    EXPECT_EQ(b.number("JA"), 2024);
    EXPECT_EQ(b.text("KINAME"), "Testbank eG (FIKTIV)");
}

TEST(ExchangeCodec, FileReaderAllOrNothingAndPartial)
{
    auto const &f = family("sozhidav-2004");
    std::string const good = read_golden("sozhianf-2025q1.txt");
    auto const file = read_exchange_file(f, direction_t::request, good, "SOZHIANF");
    EXPECT_EQ(file.records.size(), 4u);
    EXPECT_EQ(file.header.fields.text("ADR"), "Landeshauptstadt Kiel (TEST) Sozialamt 24103 Kiel");
    // CRLF framing is accepted too
    std::string crlf;
    for (auto const &l : lines_of(good)) {
        crlf += l + "\r\n";
    }
    EXPECT_EQ(read_exchange_file(f, direction_t::request, crlf, "x").records.size(), 4u);

    auto lines = lines_of(good);
    auto join = [](std::vector<std::string> const &ls) {
        std::string s;
        for (auto const &l : ls) {
            s += l + "\n";
        }
        return s;
    };
    // one bad record (31.02.) in record 3
    auto bad = lines;
    bad[2].replace(70, 8, "31021984");
    try {
        (void)read_exchange_file(f, direction_t::request, join(bad), "SOZHIANF");
        FAIL();
    } catch (input_error const &e) {
        EXPECT_EQ(e.where().file, "SOZHIANF");
        EXPECT_EQ(e.where().line, 3);
        EXPECT_EQ(e.where().field, "GBDT");
    }
    auto const partial = read_exchange_file(f, direction_t::request, join(bad), "SOZHIANF", {true});
    EXPECT_EQ(partial.records.size(), 3u);
    ASSERT_EQ(partial.rejected.size(), 1u);
    EXPECT_EQ(partial.rejected[0].where.line, 3);

    // NCSZ count mismatch, Dateinummer mismatch, duplicate ZE: always the whole file
    auto count = lines;
    count[5].replace(53, 8, "00000005");
    EXPECT_THROW((void)read_exchange_file(f, direction_t::request, join(count), "x", {true}), input_error);
    auto dtnr = lines;
    dtnr[5].replace(47, 6, "000002");
    try {
        (void)read_exchange_file(f, direction_t::request, join(dtnr), "x");
        FAIL();
    } catch (input_error const &e) {
        EXPECT_EQ(e.where().field, "DTNR");
        EXPECT_EQ(e.where().line, 6);
    }
    auto dup = lines;
    dup[3].replace(334, 52, dup[2].substr(334, 52));
    try {
        (void)read_exchange_file(f, direction_t::request, join(dup), "x");
        FAIL();
    } catch (input_error const &e) {
        EXPECT_EQ(e.where().field, "ZE");
        EXPECT_NE(e.reason().find("twice"), std::string::npos);
    }
    // a record whose ED differs from the Vorlaufsatz
    auto ed = lines;
    ed[1].replace(25, 8, "08042025");
    EXPECT_THROW((void)read_exchange_file(f, direction_t::request, join(ed), "x"), input_error);
    // a request file is not an answer file
    EXPECT_THROW((void)read_exchange_file(f, direction_t::answer, good, "x"), input_error);
    // empty, header only, missing trailer
    EXPECT_THROW((void)read_exchange_file(f, direction_t::request, "", "x"), input_error);
    EXPECT_THROW((void)read_exchange_file(f, direction_t::request, lines[0] + "\n", "x"), input_error);
    auto no_trailer = lines;
    no_trailer.pop_back();
    EXPECT_THROW((void)read_exchange_file(f, direction_t::request, join(no_trailer), "x"), input_error);
}
