// SPDX-License-Identifier: GPL-3.0-or-later
// Bescheide: templates, PDF rendering (checked with poppler-utils and qpdf on the real files),
// print batches and their index.
#include "formats/notice/notice.hpp"
#include "formats/notice/pdf_renderer.hpp"
#include "formats/notice/print_batch.hpp"
#include "formats/notice/template.hpp"
#include "lib/core/clock.hpp"
#include "lib/core/sha256.hpp"

#include "tests/unit/scratch_dir_test.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
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

/// pdftotext output with NBSP turned into spaces and line breaks joined.
std::string pdf_text(std::string const &path)
{
    std::string t = run("pdftotext -layout '" + path + "' -");
    std::string out;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t.compare(i, 2, "\xC2\xA0") == 0) {
            out.push_back(' ');
            ++i;
        } else {
            out.push_back(t[i]);
        }
    }
    return out;
}

std::string read_file(std::string const &path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

class notice_test : public test::scratch_dir_test
{
protected:
    notice_test() : scratch_dir_test{"sozbatch_notice"} {}

    timestamp_t const m_now = parse_timestamp("2026-12-01T06:00:00Z");
};

render_options_t options_without_pdfa()
{
    render_options_t o;
    o.pdfa = false;
    return o;
}

} // namespace

TEST(notice_template, expands_fields_conditions_loops_and_includes)
{
    template_set_t t;
    t.add_file("t.txt", "@@ a\nHallo {{name}}!{{#if email}} Mail: {{email}}{{/if}}{{#unless email}} ohne{{/unless}}\n"
                        "{{#each gruende}}- {{text}}\n{{/each}}{{> b}}\n@@ b\nEnde {{name}}");
    fields_t f;
    f.set("name", "Łukasz");
    f.set("email", "");
    f.lists["gruende"] = {fields_t{}, fields_t{}};
    f.lists["gruende"][0].set("text", "eins");
    f.lists["gruende"][1].set("text", "zwei");
    EXPECT_EQ(t.render("a", f), "Hallo Łukasz! ohne\n- eins\n- zwei\nEnde Łukasz");
    f.set("email", "x@y");
    EXPECT_EQ(t.render("a", f), "Hallo Łukasz! Mail: x@y\n- eins\n- zwei\nEnde Łukasz");
}

TEST(notice_template, unknown_field_names_template_and_field)
{
    template_set_t t;
    t.add_file("stadt/bewilligung.txt", "@@ bewilligung.text\nBetrag {{betrag_monat}} ab {{ab_datum}}");
    fields_t f;
    f.set("betrag_monat", "1,00 €");
    try {
        (void)t.render("bewilligung.text", f);
        FAIL() << "unknown field not reported";
    } catch (template_error const &e) {
        EXPECT_EQ(e.field(), "ab_datum");
        EXPECT_NE(std::string{e.what()}.find("stadt/bewilligung.txt"), std::string::npos) << e.what();
    }
    // An unknown field in a branch that is not taken is found as well.
    template_set_t u;
    u.add_file("u.txt", "@@ x\n{{#if leer}}{{tippfehler}}{{/if}}");
    fields_t g;
    g.set("leer", "");
    EXPECT_THROW((void)u.render("x", g), template_error);
    EXPECT_EQ(u.check(g).size(), 1u);
}

TEST(notice_template, shipped_templates_reference_only_known_fields)
{
    auto const templates = template_set_t::embedded_defaults();
    letter_t const l = sample_letter();
    fields_t f = make_fields(l, templates);
    // Fields that only exist inside a table or a reason paragraph.
    f.set("person", "X");
    f.set("miete_neu", "1,00 €");
    f.set("rente", "1,00 €");
    f.set("angerechnet", "1,00 €");
    // Fields of the job's own sections (posten.txt, grund.aenderung.posten): jobs/notices_letter.cpp.
    f.set("geburtsdatum", "01.01.1950");
    f.set("konto", "IBAN DE89 …");
    f.set("posten", "Regelbedarf");
    f.set("bisher", "1,00 €");
    f.set("neu", "2,00 €");
    f.set("norm", "§ 27a SGB XII");
    auto const problems = templates.check(f);
    for (auto const &p : problems) {
        ADD_FAILURE() << p;
    }
    for (auto k : all_notice_kinds) {
        EXPECT_TRUE(templates.has(std::string{notice_kind_code(k)} + ".betreff"));
        EXPECT_TRUE(templates.has(std::string{notice_kind_code(k)} + ".text"));
    }
}

TEST(notice_typography, nbsp_after_paragraph_sign_and_before_euro)
{
    EXPECT_EQ(german_nbsp("nach § 35 Abs. 2 SGB X: 610,22 €"),
              "nach §\u00A035 Abs.\u00A02 SGB\u00A0X: 610,22\u00A0€");
    EXPECT_EQ(german_nbsp("(§§ 45, 48)"), "(§§\u00A045, 48)");
    EXPECT_EQ(german_nbsp("SGB XII"), "SGB\u00A0XII");
}

TEST_F(notice_test, aenderung_pdf_contains_amounts_norms_and_belehrung)
{
    pdf_renderer_t renderer(template_set_t::embedded_defaults());
    auto const r = render_document_pdf(renderer, sample_letter(), m_now, path("a.pdf"));
    std::string const text = pdf_text(path("a.pdf"));
    EXPECT_EQ(r.pages, pdf_page_count(path("a.pdf")));
    for (char const *expected :
         {"Ayşe Yılmaz", "Große Straße 12a", "24105 Musterstadt", "50.2-SGB XII-100123", "873,12 €", "841,50 €",
          "563,00 €", "\u2212310,59 €", "SGB XII", "§ 30 Abs. 1 SGB XII", "Rechtsbehelfsbelehrung", "innerhalb eines Monats",
          "Widerspruch", "elektronischer Form", "sozialamt@musterstadt.example", "ohne Unterschrift gültig",
          "§ 33 Abs. 5 SGB X", "§ 35 SGB X", "01.12.2026"}) {
        EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected;
    }
    std::string const pages = std::to_string(r.pages);
    for (int p = 1; p <= r.pages; ++p) {
        std::string const want = "Seite " + std::to_string(p) + " von " + pages;
        EXPECT_NE(text.find(want), std::string::npos) << want;
    }
    EXPECT_TRUE(fs::exists(path("a.pdf.manifest")));
}

TEST_F(notice_test, no_electronic_form_without_email_in_letterhead)
{
    pdf_renderer_t renderer(template_set_t::embedded_defaults(), options_without_pdfa());
    letter_t l = sample_letter();
    l.letterhead.email.clear();
    l.letterhead.de_mail.clear();
    l.contact.email.clear();
    render_document_pdf(renderer, l, m_now, path("b.pdf"));
    std::string const text = pdf_text(path("b.pdf"));
    EXPECT_NE(text.find("Rechtsbehelfsbelehrung"), std::string::npos);
    EXPECT_EQ(text.find("elektronischer Form"), std::string::npos);
}

TEST_F(notice_test, asylblg_letter_cites_land_procedure_law)
{
    pdf_renderer_t renderer(template_set_t::embedded_defaults(), options_without_pdfa());
    letter_t l = sample_letter();
    l.kind = notice_kind_t::bewilligung;
    l.law = domain::law_t::asylblg_3;
    l.procedure_law = default_procedure_law(l.law, "lvwg-sh");
    render_document_pdf(renderer, l, m_now, path("c.pdf"));
    std::string const text = pdf_text(path("c.pdf"));
    EXPECT_NE(text.find("§ 109 LVwG"), std::string::npos);
    EXPECT_NE(text.find("§ 108 LVwG"), std::string::npos);
    EXPECT_FALSE(std::regex_search(text, std::regex("§ 35 SGB X(?!I)"))); // SGB XII norms remain
    EXPECT_NE(text.find("Asylbewerberleistungsgesetzes"), std::string::npos);
}

TEST_F(notice_test, every_font_is_embedded)
{
    pdf_renderer_t renderer(template_set_t::embedded_defaults());
    render_document_pdf(renderer, sample_letter(), m_now, path("f.pdf"));
    std::istringstream fonts(run("pdffonts '" + path("f.pdf") + "'"));
    std::string line;
    int checked = 0;
    std::getline(fonts, line); // header
    std::getline(fonts, line); // ----
    while (std::getline(fonts, line)) {
        // name type encoding emb sub uni object ID: the "emb" column must be "yes".
        std::istringstream cols(line);
        std::vector<std::string> c;
        for (std::string w; cols >> w;) c.push_back(w);
        ASSERT_GE(c.size(), 7u) << line;
        EXPECT_EQ(c[c.size() - 5], "yes") << line;
        EXPECT_NE(line.find("LiberationSans"), std::string::npos) << line;
        ++checked;
    }
    EXPECT_GE(checked, 2);
}

TEST_F(notice_test, only_the_address_shows_through_the_window)
{
    pdf_renderer_t renderer(template_set_t::embedded_defaults(), options_without_pdfa());
    letter_t const l = sample_letter();
    render_document_pdf(renderer, l, m_now, path("w.pdf"));
    std::string const bbox = run("pdftotext -f 1 -l 1 -bbox '" + path("w.pdf") + "' -");
    std::regex const word(R"re(<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>)re");
    auto const mm_of = [](std::string const &pts) { return std::stoi(pts) * 254 / 720; }; // whole mm, rounded down
    std::string address_words;
    for (auto const &line : l.addressee.lines) address_words += " " + line + " ";
    int in_zone = 0;
    for (auto it = std::sregex_iterator(bbox.begin(), bbox.end(), word); it != std::sregex_iterator(); ++it) {
        int const x0 = mm_of((*it)[1]), y0 = mm_of((*it)[2]), x1 = mm_of((*it)[3]), y1 = mm_of((*it)[4]);
        std::string const w = (*it)[5];
        // Window area with 5 mm tolerance: 15…110 mm × 40…95 mm.
        bool const in_window = x1 >= 15 && x0 <= 110 && y1 >= 40 && y0 <= 95;
        if (!in_window) continue;
        bool const is_address = address_words.find(w) != std::string::npos;
        if (is_address && y0 >= 62 && y1 <= 90) {
            // Anschriftzone: 25 mm inset, inside 20…105 mm.
            EXPECT_GE(x0, 24) << w;
            EXPECT_LE(x1, 105) << w;
            ++in_zone;
        } else {
            // Only the return line (Rücksendeangabe, 7 pt) may sit in the Vermerkzone above.
            EXPECT_TRUE(y0 >= 45 && y1 <= 63 && x0 >= 20 && x1 <= 105) << "in the window: " << w << " at " << x0 << "," << y0;
        }
    }
    EXPECT_GE(in_zone, 7); // Frau Ayşe Yılmaz / Große Straße 12a / 24105 Musterstadt
}

TEST_F(notice_test, same_input_gives_same_bytes)
{
    pdf_renderer_t renderer(template_set_t::embedded_defaults());
    auto const a = render_document_pdf(renderer, sample_letter(), m_now, path("1.pdf"));
    pdf_renderer_t other(template_set_t::embedded_defaults());
    auto const b = render_document_pdf(other, sample_letter(), m_now, path("2.pdf"));
    EXPECT_EQ(a.sha256, b.sha256);
    EXPECT_EQ(read_file(path("1.pdf")), read_file(path("2.pdf")));
    EXPECT_EQ(a.sha256, sha256_file(path("1.pdf")));
    // A different business timestamp changes the file (dates), not the content hash.
    auto const c = render_document_pdf(renderer, sample_letter(), parse_timestamp("2026-12-02T06:00:00Z"), path("3.pdf"));
    EXPECT_NE(a.sha256, c.sha256);
    EXPECT_EQ(a.content_sha256, c.content_sha256);
}

TEST_F(notice_test, pdfa_metadata_output_intent_and_id)
{
    pdf_renderer_t renderer(template_set_t::embedded_defaults());
    render_document_pdf(renderer, sample_letter(), m_now, path("p.pdf"));
    std::string const meta = run("pdfinfo -meta '" + path("p.pdf") + "'");
    EXPECT_NE(meta.find("<pdfaid:part>2</pdfaid:part>"), std::string::npos);
    EXPECT_NE(meta.find("<xmp:CreateDate>2026-12-01T06:00:00Z</xmp:CreateDate>"), std::string::npos);
    std::string const trailer = run("qpdf --show-object=trailer '" + path("p.pdf") + "'");
    EXPECT_NE(trailer.find("/ID"), std::string::npos) << trailer;
    std::string const root = run("qpdf --json=2 '" + path("p.pdf") + "'");
    EXPECT_NE(root.find("/GTS_PDFA1"), std::string::npos);
    EXPECT_NE(root.find("/DestOutputProfile"), std::string::npos);
    EXPECT_NE(root.find("\"/Subtype\": \"/XML\""), std::string::npos);
    EXPECT_EQ(run("qpdf --check '" + path("p.pdf") + "' >/dev/null 2>&1; echo $?"), "0\n");
    std::string const info = run("pdfinfo '" + path("p.pdf") + "'");
    EXPECT_NE(info.find("595.276 x 841.89 pts (A4)"), std::string::npos) << info;
}

TEST_F(notice_test, unshowable_name_is_reported)
{
    pdf_renderer_t renderer(template_set_t::embedded_defaults(), options_without_pdfa());
    letter_t l = sample_letter();
    l.addressee.lines.front() = "Herrn 王小明";
    try {
        render_document_pdf(renderer, l, m_now, path("u.pdf"));
        FAIL() << "not reported";
    } catch (render_error const &e) {
        EXPECT_EQ(e.reason(), render_error::reason_t::unshowable_text);
        EXPECT_NE(std::string{e.what()}.find("王小明"), std::string::npos);
    }
    EXPECT_FALSE(fs::exists(path("u.pdf")));
    EXPECT_FALSE(fs::exists(path("u.pdf.tmp")));
    // Vietnamese, Polish and Turkish names are covered.
    l = sample_letter();
    l.addressee.lines.front() = "Herrn Nguyễn Văn Ành";
    l.addressee_full_name = "Łukasz Wójcik";
    render_document_pdf(renderer, l, m_now, path("v.pdf"));
    std::string const text = pdf_text(path("v.pdf"));
    EXPECT_NE(text.find("Nguyễn Văn Ành"), std::string::npos);
}

TEST_F(notice_test, address_that_does_not_fit_the_window_is_reported)
{
    pdf_renderer_t renderer(template_set_t::embedded_defaults(), options_without_pdfa());
    letter_t l = sample_letter();
    l.addressee.lines = {"a", "b", "c", "d", "e", "f", "g"};
    try {
        (void)renderer.compose(l);
        FAIL();
    } catch (render_error const &e) {
        EXPECT_EQ(e.reason(), render_error::reason_t::address_overflow);
    }
    l.addressee.lines = {"Frau Maximiliane Alexandra Wolkenstein-Hohenberg-Lüdenscheidt", "Weg 1", "24105 Kiel"};
    EXPECT_THROW((void)renderer.compose(l), render_error);
}

TEST_F(notice_test, long_berechnungsbogen_breaks_pages_and_repeats_the_header)
{
    pdf_renderer_t renderer(template_set_t::embedded_defaults(), options_without_pdfa());
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
    auto const r = render_document_pdf(renderer, l, m_now, path("long.pdf"));
    EXPECT_GE(r.pages, 4);
    std::string const text = pdf_text(path("long.pdf"));
    EXPECT_NE(text.find("Position 2.24"), std::string::npos);
    EXPECT_NE(text.find("4.242,42 €"), std::string::npos);
    EXPECT_NE(text.find("Seite " + std::to_string(r.pages) + " von " + std::to_string(r.pages)), std::string::npos);
    // Every page after the first carries the short header with the Aktenzeichen.
    std::size_t headers = 0;
    for (std::size_t pos = 0; (pos = text.find("Aktenzeichen 50.2-SGB XII-100123", pos)) != std::string::npos; ++pos) {
        ++headers;
    }
    EXPECT_EQ(headers, static_cast<std::size_t>(r.pages - 1));
    // No text below the footer line on any page and none cut off: the row count is complete.
    std::size_t rows = 0;
    for (std::size_t pos = 0; (pos = text.find("Position ", pos)) != std::string::npos; ++pos) ++rows;
    EXPECT_GE(rows, 75u + 3u); // 75 rows + at least one repeated header per table
}

TEST_F(notice_test, batches_split_at_n_and_index_matches_pdf)
{
    pdf_renderer_t renderer(template_set_t::embedded_defaults());
    batch_options_t o;
    o.directory = path("out");
    o.batch_prefix = "2026-12-SGB12";
    o.max_documents = 2;
    o.created = m_now;
    std::vector<std::string> postcodes{"23552", "24103", "24105", "24937", "25813"};
    {
        print_batch_writer_t w(renderer, o);
        for (std::size_t i = 0; i < postcodes.size(); ++i) {
            letter_t l = sample_letter();
            l.document_id += "-" + std::to_string(i);
            l.addressee.postcode = postcodes[i];
            l.addressee.lines.back() = postcodes[i] + " Musterstadt";
            if (i == 1) l.kind = notice_kind_t::zahlungsmitteilung; // one page: blank back page in duplex
            w.add(l);
        }
        auto const batches = w.finish();
        ASSERT_EQ(batches.size(), 3u);
        int documents = 0;
        for (auto const &b : batches) {
            documents += b.documents;
            std::string const npages = run("qpdf --show-npages '" + b.pdf_path + "'");
            EXPECT_EQ(std::stoi(npages), b.pdf_pages) << b.pdf_path;
            std::string const index = read_file(b.index_path);
            EXPECT_TRUE(validate_print_index(index).empty());
            EXPECT_NE(index.find("pdf-pages=\"" + std::to_string(b.pdf_pages) + "\""), std::string::npos);
            EXPECT_NE(index.find("file-sha256=\"" + sha256_file(b.pdf_path) + "\""), std::string::npos);
            std::string const manifest = read_file(b.pdf_path + ".manifest");
            EXPECT_NE(manifest.find("sha256=" + sha256_file(b.pdf_path)), std::string::npos) << manifest;
            EXPECT_NE(manifest.find("index_sha256=" + sha256_file(b.index_path)), std::string::npos);
        }
        EXPECT_EQ(documents, 5);
        // Batch 1: a two-page letter, then the one-page notice at page 3 (1 sheet, blank back).
        std::string const first = read_file(batches[0].index_path);
        EXPECT_NE(first.find("seq=\"2\""), std::string::npos);
        std::regex const piece2(R"(seq="2"[^>]*first-page="3" pages="1" sheets="1")");
        EXPECT_TRUE(std::regex_search(first, piece2)) << first;
        EXPECT_EQ(batches[0].pdf_pages, 4);
        // Text of piece 2 is on page 3 of the batch PDF.
        std::string const p3 = run("pdftotext -f 3 -l 3 '" + batches[0].pdf_path + "' -");
        EXPECT_NE(p3.find("Zahlungsmitteilung"), std::string::npos);
    }
    // Same input, same bytes.
    batch_options_t o2 = o;
    o2.directory = path("out2");
    print_batch_writer_t w2(renderer, o2);
    for (std::size_t i = 0; i < 2; ++i) {
        letter_t l = sample_letter();
        l.document_id += "-" + std::to_string(i);
        l.addressee.postcode = postcodes[i];
        l.addressee.lines.back() = postcodes[i] + " Musterstadt";
        if (i == 1) l.kind = notice_kind_t::zahlungsmitteilung;
        w2.add(l);
    }
    auto const again = w2.finish();
    EXPECT_EQ(read_file(again[0].pdf_path), read_file(path("out/2026-12-SGB12-001.pdf")));
    EXPECT_EQ(read_file(again[0].index_path), read_file(path("out/2026-12-SGB12-001.index.xml")));
}

TEST_F(notice_test, held_document_leaves_batch_untouched)
{
    pdf_renderer_t renderer(template_set_t::embedded_defaults(), options_without_pdfa());
    batch_options_t o;
    o.directory = path("out");
    o.batch_prefix = "b";
    o.created = m_now;
    print_batch_writer_t w(renderer, o);
    w.add(sample_letter());
    letter_t bad = sample_letter();
    bad.reasons.push_back({"gibt.es.nicht", {}});
    EXPECT_THROW(w.add(bad), template_error);
    w.add(sample_letter());
    auto const b = w.finish();
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].documents, 2);
    EXPECT_EQ(std::stoi(run("qpdf --show-npages '" + b[0].pdf_path + "'")), b[0].pdf_pages);
}

TEST(notice_index, schema_rejects_a_broken_index)
{
    batch_summary_t s;
    s.batch_id = "x";
    s.pdf_path = "/tmp/x.pdf";
    s.documents = 1;
    s.pages = 2;
    s.pdf_pages = 2;
    s.sheets = 1;
    s.pdf_sha256 = std::string(64, 'a');
    batch_piece_t p;
    p.seq = 1;
    p.document_id = "d";
    p.aktenzeichen = "a";
    p.postcode = "24105";
    p.country = "DE";
    p.first_page = 1;
    p.pages = 2;
    p.sheets = 1;
    p.envelope = "DL-window";
    p.content_sha256 = std::string(64, 'b');
    batch_options_t o;
    o.created = parse_timestamp("2026-12-01T06:00:00Z");
    std::string const good = make_print_index(s, {p}, o, true, true);
    EXPECT_TRUE(validate_print_index(good).empty()) << validate_print_index(good).front();
    p.pages = 0;
    EXPECT_FALSE(validate_print_index(make_print_index(s, {p}, o, true, true)).empty());
    // Streaming validation still reports a truncated (not well-formed) index.
    EXPECT_FALSE(validate_print_index(good.substr(0, good.size() / 2)).empty());
    EXPECT_FALSE(validate_print_index("").empty());
}

TEST_F(notice_test, preview_writes_pdf_and_png)
{
    pdf_renderer_t renderer(template_set_t::embedded_defaults());
    auto const r = render_preview(renderer, sample_letter(), m_now, path("v.pdf"), path("v.png"), 100);
    EXPECT_GE(r.pages, 1);
    std::string const png = read_file(path("v.png"));
    ASSERT_GT(png.size(), 24u);
    EXPECT_EQ(png.substr(1, 3), "PNG");
    // IHDR: width and height of A4 at 100 dpi.
    auto be32 = [&](std::size_t at) {
        return (static_cast<unsigned char>(png[at]) << 24) | (static_cast<unsigned char>(png[at + 1]) << 16) |
               (static_cast<unsigned char>(png[at + 2]) << 8) | static_cast<unsigned char>(png[at + 3]);
    };
    EXPECT_EQ(be32(16), 826);
    EXPECT_EQ(be32(20), 1169);
}
