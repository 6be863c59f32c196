// SPDX-License-Identifier: GPL-3.0-or-later
// Inserter marks: the DataMatrix content string, the ECC200 symbol, and a real round trip
// (batch PDF -> pdftoppm -> dmtxread) plus the check that the code stays in its reserved zone.
#include "formats/notice/datamatrix.hpp"
#include "formats/notice/notice.hpp"
#include "formats/notice/pdf_renderer.hpp"
#include "formats/notice/print_batch.hpp"
#include "lib/core/clock.hpp"

#include "tests/unit/scratch_dir_test.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace sozbatch;
using namespace sozbatch::notice;
namespace fs = std::filesystem;

namespace {

std::string run(std::string const &cmd)
{
    std::string out;
    FILE *p = popen(cmd.c_str(), "r");
    if (p == nullptr) {
        return out;
    }
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) {
        out.append(buf.data(), n);
    }
    pclose(p);
    return out;
}

std::string read_file(std::string const &path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A binary PGM (P5, 8 bit) as written by `pdftoppm -gray`.
struct pgm_t
{
    int width = 0;
    int height = 0;
    std::string pixels;
    unsigned char at(int x, int y) const { return static_cast<unsigned char>(pixels[static_cast<std::size_t>(y * width + x)]); }
};

pgm_t read_pgm(std::string const &path)
{
    std::string const data = read_file(path);
    std::istringstream in(data);
    std::string magic;
    int maxval = 0;
    pgm_t p;
    in >> magic >> p.width >> p.height >> maxval;
    in.get();
    p.pixels = data.substr(static_cast<std::size_t>(in.tellg()));
    if (magic != "P5" || maxval != 255 || p.pixels.size() != static_cast<std::size_t>(p.width * p.height)) {
        return pgm_t{};
    }
    return p;
}

/// Four pages (two sheets in duplex): the Berechnungsbogen of three children.
letter_t long_letter()
{
    letter_t l = sample_letter();
    l.kind = notice_kind_t::bewilligung;
    for (int p = 0; p < 3; ++p) {
        person_sheet_t s;
        s.person = "Kind " + std::to_string(p + 1);
        for (int i = 0; i < 25; ++i) {
            s.rows.push_back({"Position " + std::to_string(p) + "." + std::to_string(i), "§ 27a SGB XII",
                              money_t::cents(1000 + i), std::nullopt, false});
        }
        s.rows.push_back({"Summe Kind " + std::to_string(p + 1), "", money_t::cents(424'242), std::nullopt, true});
        l.sheets.push_back(s);
    }
    return l;
}

class notice_marks_test : public test::scratch_dir_test
{
protected:
    notice_marks_test() : scratch_dir_test{"sozbatch_marks"} {}

    /// One batch: the four-page letter (with an insert), then the two-page sample letter.
    std::vector<batch_summary_t> write_batch(inserter_marks_t marks, std::string const &dir,
                                             std::vector<batch_piece_t> &pieces) const
    {
        render_options_t o;
        o.pdfa = false;
        o.marks = marks;
        o.insert_stations = {"Merkblatt", "DSGVO-Info"};
        pdf_renderer_t renderer(template_set_t::embedded_defaults(), o);
        batch_options_t b;
        b.directory = path(dir);
        b.batch_prefix = "2026-12-SGB12";
        b.created = m_now;
        print_batch_writer_t w(renderer, b);
        letter_t first = long_letter();
        first.inserts = {"DSGVO-Info"};
        pieces.push_back(w.add(first));
        letter_t second = sample_letter();
        second.document_id += "-2";
        second.inserts = {};
        pieces.push_back(w.add(second));
        return w.finish();
    }

    timestamp_t const m_now = parse_timestamp("2026-12-01T06:00:00Z");
};

/// Decodes the DataMatrix in the reserved zone (0..15 mm × 165..180 mm) of \p page (1-based).
std::string decode_zone(std::string const &pdf, int page, std::string const &png_base)
{
    // 300 dpi: the zone is 177 × 177 pixels, starting at y = 165 mm = 1949 px.
    std::string const crop = "-x 0 -y 1949 -W 177 -H 177";
    run("pdftoppm -r 300 -gray -png -singlefile " + crop + " -f " + std::to_string(page) + " -l " +
        std::to_string(page) + " '" + pdf + "' '" + png_base + "'");
    if (!fs::exists(png_base + ".png")) {
        return "<pdftoppm wrote no image>";
    }
    return run("dmtxread -N 1 -m 5000 '" + png_base + ".png' 2>/dev/null");
}

} // namespace

TEST(notice_datamatrix, content_string_has_the_documented_fields)
{
    datamatrix_fields_t f;
    f.batch_id = "2026-12-SGB12-001";
    f.seq = 17;
    f.piece_id = "3fa9c1d0aabbccdd";
    f.sheet = 1;
    f.sheets = 2;
    f.insert_bits = 0;
    f.stations = 0;
    f.end_of_set = false;
    EXPECT_EQ(datamatrix_content(f), "S1|2026-12-SGB12-001|00017|3fa9c1d0|01/02|0|C");
    f.sheet = 2;
    f.end_of_set = true;
    f.stations = 6;
    f.insert_bits = 0x21; // stations 1 and 6
    EXPECT_EQ(datamatrix_content(f), "S1|2026-12-SGB12-001|00017|3fa9c1d0|02/02|21|E");
    f.stations = 3;
    f.insert_bits = 0x4;
    EXPECT_EQ(datamatrix_content(f), "S1|2026-12-SGB12-001|00017|3fa9c1d0|02/02|4|E");
    f.batch_id = "a|b";
    EXPECT_THROW(datamatrix_content(f), internal_error);
    f.batch_id = "b";
    f.seq = 0;
    EXPECT_THROW(datamatrix_content(f), internal_error);
    f.seq = 1;
    f.sheet = 3;
    EXPECT_THROW(datamatrix_content(f), internal_error);
}

TEST(notice_datamatrix, insert_selection_bits_by_station)
{
    unsigned bits = 99;
    std::vector<std::string> const stations{"Merkblatt", "DSGVO-Info", "Ruecksendeumschlag"};
    EXPECT_TRUE(insert_selection(stations, {}, bits));
    EXPECT_EQ(bits, 0u);
    EXPECT_TRUE(insert_selection(stations, {"DSGVO-Info", "Ruecksendeumschlag"}, bits));
    EXPECT_EQ(bits, 6u);
    EXPECT_FALSE(insert_selection(stations, {"Unbekannt"}, bits));
}

TEST(notice_datamatrix, symbol_has_the_ecc200_finder_pattern)
{
    datamatrix_symbol_t const s = encode_datamatrix("S1|2026-12-SGB12-001|00017|3fa9c1d0|01/02|0|C");
    ASSERT_EQ(s.rows, s.cols);
    ASSERT_GE(s.rows, 10);
    ASSERT_LE(s.rows, 26); // fits the default 15 mm zone at 0.4 mm modules
    for (int i = 0; i < s.rows; ++i) {
        EXPECT_TRUE(s.at(i, 0)) << "left solid edge, row " << i;
        EXPECT_TRUE(s.at(s.rows - 1, i)) << "bottom solid edge, column " << i;
        EXPECT_EQ(s.at(0, i), i % 2 == 0) << "top clock track, column " << i;
        EXPECT_EQ(s.at(i, s.cols - 1), i % 2 == 1) << "right clock track, row " << i;
    }
    EXPECT_EQ(encode_datamatrix("S1|x").dark, encode_datamatrix("S1|x").dark);
    EXPECT_NE(encode_datamatrix("S1|x").dark, encode_datamatrix("S1|y").dark);
}

TEST_F(notice_marks_test, datamatrix_round_trip_per_sheet_front)
{
    ASSERT_EQ(std::system("command -v dmtxread >/dev/null 2>&1"), 0)
        << "dmtxread is missing: scripts/install-deps installs dmtx-utils";
    std::vector<batch_piece_t> pieces;
    auto const batches = write_batch(inserter_marks_t::datamatrix, "dm", pieces);
    ASSERT_EQ(batches.size(), 1u);
    ASSERT_EQ(pieces.size(), 2u);
    ASSERT_GE(pieces[0].pages, 3); // at least two sheets in duplex
    std::string const pdf = batches[0].pdf_path;
    std::string const id1 = pieces[0].content_sha256.substr(0, 8);
    std::string const m1 = (pieces[0].sheets < 10 ? "0" : "") + std::to_string(pieces[0].sheets);
    // Sheet 1 of the first piece (page 1), insert station 2 (DSGVO-Info) = bit value 2.
    EXPECT_EQ(decode_zone(pdf, 1, path("p1")), "S1|2026-12-SGB12-001|00001|" + id1 + "|01/" + m1 + "|2|" +
                                                   (pieces[0].sheets == 1 ? "E" : "C"));
    // Page 2 is the back of sheet 1: no code.
    EXPECT_EQ(decode_zone(pdf, 2, path("p2")), "");
    // Sheet 2 of the first piece (page 3).
    EXPECT_EQ(decode_zone(pdf, 3, path("p3")), "S1|2026-12-SGB12-001|00001|" + id1 + "|02/" + m1 + "|2|" +
                                                   (pieces[0].sheets == 2 ? "E" : "C"));
    // The second piece's only sheet: end of set, no inserts.
    EXPECT_EQ(decode_zone(pdf, pieces[1].first_page, path("p4")),
              "S1|2026-12-SGB12-001|00002|" + pieces[1].content_sha256.substr(0, 8) + "|01/01|0|E");
    // Same input, same bytes.
    std::vector<batch_piece_t> again;
    auto const b2 = write_batch(inserter_marks_t::datamatrix, "dm2", again);
    EXPECT_EQ(read_file(b2[0].pdf_path), read_file(pdf));
}

TEST_F(notice_marks_test, datamatrix_stays_in_its_zone_outside_window_and_fold_marks)
{
    std::vector<batch_piece_t> p1;
    std::vector<batch_piece_t> p2;
    auto const with = write_batch(inserter_marks_t::datamatrix, "with", p1);
    auto const without = write_batch(inserter_marks_t::none, "without", p2);
    // Page 1 at 100 dpi (1 px = 0.254 mm), with and without the marks: every differing pixel
    // lies in the reserved zone 0..15 mm × 165..180 mm.
    run("pdftoppm -r 100 -gray -singlefile -f 1 -l 1 '" + with[0].pdf_path + "' '" + path("with") + "'");
    run("pdftoppm -r 100 -gray -singlefile -f 1 -l 1 '" + without[0].pdf_path + "' '" + path("without") + "'");
    pgm_t const a = read_pgm(path("with.pgm"));
    pgm_t const b = read_pgm(path("without.pgm"));
    ASSERT_EQ(a.width, 827);
    ASSERT_EQ(b.width, a.width);
    ASSERT_EQ(b.height, a.height);
    int differing = 0;
    int outside = 0;
    for (int y = 0; y < a.height; ++y) {
        for (int x = 0; x < a.width; ++x) {
            if (a.at(x, y) == b.at(x, y)) continue;
            ++differing;
            int const x_mm100 = x * 254 / 10; // 1 px = 0.254 mm
            int const y_mm100 = y * 254 / 10;
            bool const in_zone = x_mm100 <= 1500 && y_mm100 >= 16500 - 26 && y_mm100 <= 18000;
            if (!in_zone) {
                ++outside;
                ADD_FAILURE() << "changed pixel outside the zone at " << x_mm100 << "," << y_mm100 << " (1/100 mm)";
            }
            // The DIN 5008 window (20..110 mm × 45..95 mm, generous) and the fold/punch marks
            // (105, 148.5, 210 mm) are far from every drawn module.
            EXPECT_FALSE(x_mm100 >= 2000 && x_mm100 <= 11000 && y_mm100 >= 4500 && y_mm100 <= 9500);
            EXPECT_FALSE(y_mm100 >= 10300 && y_mm100 <= 10700);
            EXPECT_FALSE(y_mm100 >= 14650 && y_mm100 <= 15050);
            EXPECT_FALSE(y_mm100 >= 20800 && y_mm100 <= 21200);
        }
    }
    EXPECT_GT(differing, 1000); // the code is there
    EXPECT_EQ(outside, 0);
    // The back page carries nothing.
    run("pdftoppm -r 100 -gray -singlefile -f 2 -l 2 '" + with[0].pdf_path + "' '" + path("with2") + "'");
    run("pdftoppm -r 100 -gray -singlefile -f 2 -l 2 '" + without[0].pdf_path + "' '" + path("without2") + "'");
    EXPECT_EQ(read_pgm(path("with2.pgm")).pixels, read_pgm(path("without2.pgm")).pixels);
}

TEST_F(notice_marks_test, datamatrix_that_does_not_fit_or_unknown_insert_holds_the_document)
{
    render_options_t o;
    o.pdfa = false;
    o.marks = inserter_marks_t::datamatrix;
    o.datamatrix_module = 100; // 1 mm modules: no symbol fits 15 mm with its quiet zone
    pdf_renderer_t renderer(template_set_t::embedded_defaults(), o);
    batch_options_t b;
    b.directory = path("out");
    b.batch_prefix = "b";
    b.created = m_now;
    print_batch_writer_t w(renderer, b);
    letter_t l = sample_letter();
    l.inserts = {};
    EXPECT_THROW(w.add(l), render_error);
    render_options_t o2 = o;
    o2.datamatrix_module = 40;
    pdf_renderer_t r2(template_set_t::embedded_defaults(), o2);
    batch_options_t b2 = b;
    b2.directory = path("out2");
    print_batch_writer_t w2(r2, b2);
    l.inserts = {"DSGVO-Info"}; // no station feeds it
    EXPECT_THROW(w2.add(l), render_error);
    l.inserts = {};
    w2.add(l);
    auto const done = w2.finish();
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0].documents, 1);
    EXPECT_TRUE(w.finish().empty()); // the held document opened no batch
}
