// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/notice/pdf_renderer.hpp"

#include "formats/notice/pango_fonts.hpp"

#include "lib/core/error.hpp"
#include "lib/core/sha256.hpp"

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#ifndef POINTERHOLDER_TRANSITION
#define POINTERHOLDER_TRANSITION 4 // qpdf 11: std::shared_ptr only
#endif
#include <qpdf/Pipeline.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <vector>

namespace sozbatch::notice {

namespace {

// ---------------------------------------------------------------------------------------------
// Units. Everything is in hundredths of a millimetre (mm100); cairo wants PDF points and Pango
// wants Pango units (1/1024 pt at 72 dpi). The two helpers below are the only place where a
// fractional value exists.
using real_t = decltype(cairo_matrix_t{}.xx);

real_t pt(int mm100) { return static_cast<real_t>(mm100) * 72 / 2540; }
int to_pango(int mm100) { return static_cast<int>(std::int64_t{mm100} * 72 * PANGO_SCALE / 2540); }
int from_pango(int pu) { return static_cast<int>(std::int64_t{pu} * 2540 / (72 * PANGO_SCALE)); }
constexpr int mm(int v) { return v * 100; }

// DIN 5008 Form B geometry (print-requirements.md §4), mm100.
constexpr int PAGE_W = 21000;
constexpr int PAGE_H = 29700;
constexpr int MARGIN_LEFT = mm(25);
constexpr int TEXT_W = mm(165);          // 25 … 190 mm
constexpr int ADDR_X = mm(20);           // Anschriftfeld 20 mm from the left, 85 × 45 mm
constexpr int ADDR_Y = mm(45);
constexpr int ADDR_W = mm(85);
constexpr int ADDR_INSET = mm(5);        // text starts at 25 mm
constexpr int ADDR_ZONE_Y = 6270;        // 45 + 17.7 mm: Anschriftzone 27.3 mm, 6 lines
constexpr int ADDR_ZONE_H = 2730;
constexpr int INFO_X = mm(125);          // Informationsblock 125 mm / 50 mm
constexpr int INFO_Y = mm(50);
constexpr int INFO_LABEL_W = mm(25);
constexpr int INFO_VALUE_W = mm(47);   // up to 197 mm: 13 mm from the right edge
constexpr int FOLD_1 = mm(105);
constexpr int FOLD_2 = mm(210);
constexpr int PUNCH = 14850;
constexpr int SUBJECT_Y = 9850;          // refvpos 98.5 mm
constexpr int BODY_BOTTOM = mm(268);
constexpr int NEXT_PAGE_TOP = mm(27);
constexpr int FOOTER_Y = mm(279);
// OMR marks: right edge, below the window and the first fold.
constexpr int OMR_X = mm(196);
constexpr int OMR_W = mm(8);
constexpr int OMR_Y = mm(120);
constexpr int OMR_STEP = 423;            // 1/6 inch
// DataMatrix: the symbol's top-left module sits this far inside the reserved zone; the quiet zone
// (free of any drawing) is at least 2 modules on every side.
constexpr int DM_INSET = mm(2);
constexpr int DM_QUIET_MODULES = 2;

struct gobject_unref_t
{
    void operator()(void *p) const { g_object_unref(p); }
};
using layout_ptr = std::shared_ptr<PangoLayout>;

struct text_item_t
{
    layout_ptr layout;
    int x = 0;
    int y = 0;
};
struct rule_item_t
{
    int x1, y1, x2, y2, width;
};
struct page_t
{
    std::vector<text_item_t> texts;
    std::vector<rule_item_t> rules;
};

enum class font_t { regular, bold };

} // namespace

struct composed_letter_t::impl_t
{
    std::vector<page_t> pages;
    std::string digest;
};

int composed_letter_t::pages() const { return static_cast<int>(m_impl->pages.size()); }
std::string const &composed_letter_t::content_sha256() const { return m_impl->digest; }

// ---------------------------------------------------------------------------------------------
struct pdf_renderer_t::fonts_t
{
    explicit fonts_t(render_options_t const &o) : fonts(o.font_regular, o.font_bold, o.font_family) {}

    pango_fonts_t fonts;
    /// Layouts are immutable once made and letters of one run share most of their text
    /// (letterhead, labels, legal paragraphs), so identical layouts are reused. Bounded: the
    /// cache is emptied when it reaches MAX_CACHED entries, keeping memory flat.
    static constexpr std::size_t MAX_CACHED = 4096;
    mutable std::unordered_map<std::string, layout_ptr> cache;

    /// A layout of \p text in \p size_10pt tenths of a point; \p width in mm100 (0: no wrap).
    layout_ptr make(std::string const &text, font_t font, int size_10pt, int width,
                    PangoAlignment align = PANGO_ALIGN_LEFT) const
    {
        std::string key = text;
        key += '\x1f';
        key += std::to_string(static_cast<int>(font) * 1000 + size_10pt) + ':' + std::to_string(width) + ':' +
               std::to_string(static_cast<int>(align));
        if (auto const it = cache.find(key); it != cache.end()) {
            return it->second;
        }
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        layout_ptr l = make_uncached(text, font, size_10pt, width, align);
        cache.emplace(std::move(key), l);
        return l;
    }

    layout_ptr make_uncached(std::string const &text, font_t font, int size_10pt, int width,
                             PangoAlignment align) const
    {
        layout_ptr l{pango_layout_new(fonts.context()), [](PangoLayout *p) { g_object_unref(p); }};
        PangoFontDescription *desc = pango_font_description_new();
        pango_font_description_set_family(desc, fonts.family().c_str());
        pango_font_description_set_weight(desc, font == font_t::bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
        pango_font_description_set_size(desc, size_10pt * PANGO_SCALE / 10);
        pango_layout_set_font_description(l.get(), desc);
        pango_font_description_free(desc);
        if (width > 0) {
            pango_layout_set_width(l.get(), to_pango(width));
            pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
        }
        pango_layout_set_alignment(l.get(), align);
        std::string const typo = german_nbsp(text);
        pango_layout_set_text(l.get(), typo.c_str(), static_cast<int>(typo.size()));
        if (int const unknown = pango_layout_get_unknown_glyphs_count(l.get()); unknown > 0) {
            throw render_error{render_error::reason_t::unshowable_text,
                               "the font '" + fonts.family() + "' cannot show " + std::to_string(unknown) +
                                   " character(s) of \"" + text.substr(0, 80) + "\""};
        }
        return l;
    }
};

namespace {

int height_of(PangoLayout *l)
{
    int w = 0;
    int h = 0;
    pango_layout_get_size(l, &w, &h);
    return from_pango(h);
}

int width_of(PangoLayout *l)
{
    PangoRectangle ink{};
    PangoRectangle logical{};
    pango_layout_get_extents(l, &ink, &logical);
    return from_pango(logical.x + logical.width);
}

/// "−310,59 €" with a real minus sign (U+2212) instead of the hyphen.
std::string amount_text(money_t m)
{
    std::string t = m.to_german();
    if (!t.empty() && t.front() == '-') {
        t.replace(0, 1, "\u2212");
    }
    return t;
}

std::string trim_copy(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
    return std::string{s};
}

/// A piece of the body flow.
struct unit_t
{
    enum class kind_t { paragraph, block } kind = kind_t::block;
    // paragraph
    std::string text;
    font_t font = font_t::regular;
    int size = 100;
    int x = MARGIN_LEFT;
    int width = TEXT_W;
    // block: items relative to the unit's top
    std::vector<text_item_t> texts;
    std::vector<rule_item_t> rules;
    int height = 0;
    int space_before = 0;
    bool keep_with_next = false;
    int repeat_header = -1; ///< index of a header unit to repeat after a page break (tables)
};

} // namespace

pdf_renderer_t::pdf_renderer_t(template_set_t templates, render_options_t options)
: m_templates(std::move(templates)), m_options(std::move(options)), m_fonts(std::make_unique<fonts_t>(m_options))
{
}

pdf_renderer_t::~pdf_renderer_t() = default;

composed_letter_t pdf_renderer_t::compose(letter_t const &letter) const
{
    fonts_t const &F = *m_fonts;
    fields_t fields = make_fields(letter, m_templates);
    auto T = [&](std::string const &section) { return trim_copy(m_templates.render(section, fields)); };
    std::string const kind{notice_kind_code(letter.kind)};

    auto impl = std::make_shared<composed_letter_t::impl_t>();
    page_t first;

    // Letterhead (above the address field).
    first.texts.push_back({F.make(T("kopf.behoerde"), font_t::bold, 160, mm(95)), MARGIN_LEFT, mm(12)});
    first.texts.push_back({F.make(T("kopf.dienststelle"), font_t::regular, 100, mm(95)), MARGIN_LEFT, mm(19)});
    first.texts.push_back({F.make(T("kopf.anschrift"), font_t::regular, 80, mm(65)), INFO_X, mm(12)});

    // Address field: return line in the Zusatz- und Vermerkzone, the address in the Anschriftzone.
    auto ret = F.make_uncached(T("ruecksendeangabe"), font_t::regular, 70, 0, PANGO_ALIGN_LEFT);
    if (width_of(ret.get()) > ADDR_W - 2 * ADDR_INSET + mm(5)) {
        pango_layout_set_width(ret.get(), to_pango(ADDR_W - ADDR_INSET));
        pango_layout_set_ellipsize(ret.get(), PANGO_ELLIPSIZE_END);
    }
    first.texts.push_back({ret, ADDR_X + ADDR_INSET, ADDR_ZONE_Y - height_of(ret.get()) - 80});
    first.rules.push_back({ADDR_X + ADDR_INSET, ADDR_ZONE_Y - 60, ADDR_X + ADDR_W - ADDR_INSET, ADDR_ZONE_Y - 60, 10});

    auto const &lines = letter.addressee.lines;
    if (lines.size() < 2 || lines.size() > 6) {
        throw render_error{render_error::reason_t::address_overflow,
                           "address has " + std::to_string(lines.size()) + " lines (2 to 6 fit the window)"};
    }
    std::string addr;
    for (auto const &line : lines) {
        if (line.empty()) {
            throw render_error{render_error::reason_t::address_overflow, "address has an empty line"};
        }
        addr += (addr.empty() ? "" : "\n") + line;
    }
    auto addr_layout = F.make(addr, font_t::regular, 100, 0);
    if (width_of(addr_layout.get()) > ADDR_W - ADDR_INSET - mm(3) || height_of(addr_layout.get()) > ADDR_ZONE_H - 100) {
        throw render_error{render_error::reason_t::address_overflow,
                           "address does not fit the window (85 × 27.3 mm at 10 pt): " + lines.front()};
    }
    first.texts.push_back({addr_layout, ADDR_X + ADDR_INSET, ADDR_ZONE_Y + 100});

    // Informationsblock.
    int info_y = INFO_Y;
    auto info_row = [&](std::string const &label, std::string const &value, font_t font = font_t::regular) {
        if (value.empty()) {
            return;
        }
        auto l = F.make(T(label), font_t::regular, 75, INFO_LABEL_W - mm(2));
        auto v = F.make(value, font, 85, INFO_VALUE_W);
        first.texts.push_back({l, INFO_X, info_y + 40});
        first.texts.push_back({v, INFO_X + INFO_LABEL_W, info_y});
        info_y += std::max(height_of(l.get()) + 40, height_of(v.get())) + 60;
    };
    info_row("info.aktenzeichen", letter.aktenzeichen, font_t::bold);
    info_row("info.dokument", letter.document_id);
    info_row("info.ansprechpartner", letter.contact.name);
    info_row("info.zimmer", letter.contact.room);
    info_row("info.telefon", letter.contact.phone);
    info_row("info.email", letter.contact.email);
    info_row("info.datum", T("info.datum_wert"));

    // Subject.
    auto subject = F.make(T(kind + ".betreff"), font_t::bold, 110, TEXT_W);
    first.texts.push_back({subject, MARGIN_LEFT, SUBJECT_Y});
    int const body_top_first = SUBJECT_Y + height_of(subject.get()) + mm(8);

    // ---- Body flow ------------------------------------------------------------------------
    std::vector<unit_t> units;
    auto paragraph = [&](std::string text, font_t font, int space, int x = MARGIN_LEFT, int width = TEXT_W) {
        unit_t u;
        u.kind = unit_t::kind_t::paragraph;
        u.text = std::move(text);
        u.font = font;
        u.x = x;
        u.width = width;
        u.space_before = space;
        auto l = F.make(u.text, font, u.size, width); // checks glyph coverage early
        u.height = height_of(l.get());
        units.push_back(std::move(u));
    };
    auto heading = [&](std::string const &text, int size = 105) {
        unit_t u;
        auto l = F.make(text, font_t::bold, size, TEXT_W);
        u.texts.push_back({l, MARGIN_LEFT, 0});
        u.height = height_of(l.get());
        u.space_before = mm(5);
        u.keep_with_next = true;
        units.push_back(std::move(u));
    };

    auto table = [&](std::vector<amount_row_t> const &rows) {
        bool const two = letter.kind == notice_kind_t::aenderung &&
                         std::any_of(rows.begin(), rows.end(), [](auto const &r) { return r.old_amount.has_value(); });
        int const label_w = two ? mm(60) : mm(72);
        int const norm_x = MARGIN_LEFT + label_w + mm(2);
        int const norm_w = two ? mm(52) : mm(60);
        int const amount_w = mm(26);
        int const new_x = MARGIN_LEFT + TEXT_W - amount_w;
        int const old_x = new_x - amount_w - mm(1);
        // Header row.
        unit_t head;
        auto add_cell = [](unit_t &u, layout_ptr l, int x) {
            u.height = std::max(u.height, height_of(l.get()));
            u.texts.push_back({std::move(l), x, 0});
        };
        add_cell(head, F.make(T("tabelle.position"), font_t::bold, 85, label_w), MARGIN_LEFT);
        add_cell(head, F.make(T("tabelle.norm"), font_t::bold, 85, norm_w), norm_x);
        if (two) {
            add_cell(head, F.make(T("tabelle.bisher"), font_t::bold, 85, amount_w, PANGO_ALIGN_RIGHT), old_x);
            add_cell(head, F.make(T("tabelle.neu"), font_t::bold, 85, amount_w, PANGO_ALIGN_RIGHT), new_x);
        } else {
            add_cell(head, F.make(T("tabelle.betrag"), font_t::bold, 85, amount_w, PANGO_ALIGN_RIGHT), new_x);
        }
        head.height += 100;
        head.rules.push_back({MARGIN_LEFT, head.height - 50, MARGIN_LEFT + TEXT_W, head.height - 50, 15});
        head.space_before = mm(2);
        head.keep_with_next = true;
        int const header_index = static_cast<int>(units.size());
        units.push_back(std::move(head));
        for (auto const &r : rows) {
            unit_t u;
            font_t const f = r.emphasis ? font_t::bold : font_t::regular;
            int const top = r.emphasis ? 120 : 40;
            auto cell = [&](layout_ptr l, int x) {
                u.height = std::max(u.height, height_of(l.get()) + top);
                u.texts.push_back({std::move(l), x, top});
            };
            cell(F.make(r.label, f, 95, label_w), MARGIN_LEFT);
            if (!r.norm.empty()) {
                cell(F.make(r.norm, font_t::regular, 80, norm_w), norm_x);
            }
            if (two) {
                if (r.old_amount) {
                    cell(F.make(amount_text(*r.old_amount), f, 95, amount_w, PANGO_ALIGN_RIGHT), old_x);
                }
            }
            cell(F.make(amount_text(r.amount), f, 95, amount_w, PANGO_ALIGN_RIGHT), new_x);
            if (r.emphasis) {
                u.rules.push_back({MARGIN_LEFT, 50, MARGIN_LEFT + TEXT_W, 50, 15});
            }
            u.height += 40;
            u.repeat_header = header_index;
            units.push_back(std::move(u));
        }
    };

    // Expanded body text -> units.
    std::string const body = m_templates.render(kind + ".text", fields);
    std::string para;
    int pending_space = 0;
    auto flush_para = [&] {
        std::string const t = trim_copy(para);
        para.clear();
        if (!t.empty()) {
            paragraph(t, font_t::regular, pending_space == 0 ? mm(3) : pending_space);
            pending_space = 0;
        }
    };
    std::istringstream in(body);
    std::string line;
    while (std::getline(in, line)) {
        std::string const t = trim_copy(line);
        if (t.empty()) {
            flush_para();
        } else if (t.starts_with("## ")) {
            flush_para();
            heading(t.substr(3));
        } else if (t.starts_with("- ")) {
            flush_para();
            paragraph("•\u2002" + t.substr(2), font_t::regular, mm(1), MARGIN_LEFT + mm(3), TEXT_W - mm(3));
        } else if (t == "[[entscheidung]]") {
            flush_para();
            if (!letter.summary.empty()) {
                heading(T("tabelle.entscheidung_titel"));
                paragraph(T("tabelle.zeitraum"), font_t::regular, mm(1));
                table(letter.summary);
            }
        } else if (t == "[[berechnungsbogen]]") {
            flush_para();
            if (!letter.sheets.empty()) {
                heading(T("tabelle.berechnung_titel"));
                for (auto const &s : letter.sheets) {
                    fields_t scoped = fields;
                    scoped.set("person", s.person);
                    unit_t u;
                    auto l = F.make(trim_copy(m_templates.render("tabelle.person", scoped)), font_t::bold, 95, TEXT_W);
                    u.texts.push_back({l, MARGIN_LEFT, 0});
                    u.height = height_of(l.get());
                    u.space_before = mm(4);
                    u.keep_with_next = true;
                    units.push_back(std::move(u));
                    table(s.rows);
                }
            }
        } else if (t.starts_with("[[")) {
            throw template_error{kind + ".text", t, "unknown block"};
        } else {
            para += (para.empty() ? "" : "\n") + t;
        }
    }
    flush_para();

    // ---- Pagination -----------------------------------------------------------------------
    std::vector<page_t> pages;
    pages.push_back(std::move(first));
    int y = body_top_first;
    int top = body_top_first;
    auto new_page = [&] {
        pages.emplace_back();
        y = NEXT_PAGE_TOP;
        top = NEXT_PAGE_TOP;
    };
    auto place_block = [&](unit_t const &u) {
        for (auto const &t : u.texts) {
            pages.back().texts.push_back({t.layout, t.x, y + t.y});
        }
        for (auto const &r : u.rules) {
            pages.back().rules.push_back({r.x1, y + r.y1, r.x2, y + r.y2, r.width});
        }
        y += u.height;
    };
    for (std::size_t i = 0; i < units.size(); ++i) {
        unit_t const &u = units[i];
        int const space = (y == top) ? 0 : u.space_before;
        int need = space + u.height;
        if (u.keep_with_next && i + 1 < units.size()) {
            need += units[i + 1].space_before + std::min(units[i + 1].height, mm(10));
        }
        if (u.kind == unit_t::kind_t::block) {
            if (u.height > BODY_BOTTOM - NEXT_PAGE_TOP) {
                throw render_error{render_error::reason_t::layout, "a table row is taller than a page"};
            }
            if (y + need > BODY_BOTTOM && y > top) {
                new_page();
                if (u.repeat_header >= 0) {
                    place_block(units[static_cast<std::size_t>(u.repeat_header)]);
                }
            } else {
                y += space;
            }
            place_block(u);
            continue;
        }
        // Paragraph: split at line boundaries when it does not fit (at least 2 lines each side).
        std::string rest = u.text;
        y += space;
        while (true) {
            auto l = F.make(rest, u.font, u.size, u.width);
            int const h = height_of(l.get());
            if (y + h <= BODY_BOTTOM) {
                pages.back().texts.push_back({l, u.x, y});
                y += h;
                break;
            }
            int const count = pango_layout_get_line_count(l.get());
            int fit = 0;
            PangoLayoutIter *it = pango_layout_get_iter(l.get());
            do {
                int y0 = 0;
                int y1 = 0;
                pango_layout_iter_get_line_yrange(it, &y0, &y1);
                if (y + from_pango(y1) > BODY_BOTTOM) break;
                ++fit;
            } while (pango_layout_iter_next_line(it));
            pango_layout_iter_free(it);
            if (fit < 2 || count - fit < 2) {
                fit = (count >= 4 && fit >= 2) ? std::min(fit, count - 2) : 0;
            }
            if (fit == 0) {
                if (y == top) {
                    throw render_error{render_error::reason_t::layout, "paragraph cannot be placed"};
                }
                new_page();
                continue;
            }
            PangoLayoutLine *split = pango_layout_get_line_readonly(l.get(), fit);
            std::string_view const all = pango_layout_get_text(l.get());
            std::string const head = trim_copy(all.substr(0, static_cast<std::size_t>(split->start_index)));
            auto hl = F.make(head, u.font, u.size, u.width);
            pages.back().texts.push_back({hl, u.x, y});
            rest = trim_copy(all.substr(static_cast<std::size_t>(split->start_index)));
            new_page();
        }
    }

    // ---- Per-page furniture: fold marks, headers, footers ----------------------------------
    int const total = static_cast<int>(pages.size());
    sha256_t digest;
    for (int p = 0; p < total; ++p) {
        page_t &page = pages[static_cast<std::size_t>(p)];
        fields.set("seite", std::to_string(p + 1));
        fields.set("seiten", std::to_string(total));
        page.texts.push_back(
            {F.make(T("seite"), font_t::regular, 80, TEXT_W, PANGO_ALIGN_RIGHT), MARGIN_LEFT, FOOTER_Y});
        if (p == 0) {
            page.rules.push_back({mm(4), FOLD_1, mm(9), FOLD_1, 15});
            page.rules.push_back({mm(4), FOLD_2, mm(9), FOLD_2, 15});
            page.rules.push_back({mm(4), PUNCH, mm(11), PUNCH, 15});
            page.texts.push_back({F.make(T("fusszeile"), font_t::regular, 70, TEXT_W), MARGIN_LEFT, FOOTER_Y + mm(5)});
        } else {
            page.texts.push_back({F.make(T("folgeseite"), font_t::regular, 80, TEXT_W), MARGIN_LEFT, mm(12)});
            page.rules.push_back({MARGIN_LEFT, mm(18), MARGIN_LEFT + TEXT_W, mm(18), 10});
        }
        digest.update("page\n");
        for (auto const &t : page.texts) {
            PangoFontDescription const *d = pango_layout_get_font_description(t.layout.get());
            char *ds = pango_font_description_to_string(d);
            std::ostringstream rec;
            rec << "t " << t.x << ' ' << t.y << ' ' << ds << ' ' << pango_layout_get_width(t.layout.get()) << ' '
                << static_cast<int>(pango_layout_get_alignment(t.layout.get())) << ' '
                << pango_layout_get_text(t.layout.get()) << '\n';
            g_free(ds);
            digest.update(rec.str());
        }
        for (auto const &r : page.rules) {
            digest.update("r " + std::to_string(r.x1) + ' ' + std::to_string(r.y1) + ' ' + std::to_string(r.x2) + ' ' +
                          std::to_string(r.y2) + ' ' + std::to_string(r.width) + '\n');
        }
    }
    impl->pages = std::move(pages);
    impl->digest = digest.hex_digest();
    return composed_letter_t{impl};
}

void pdf_renderer_t::draw_page(cairo_t *cr, composed_letter_t const &doc, int page, sheet_marks_t const *marks) const
{
    page_t const &p = doc.impl().pages.at(static_cast<std::size_t>(page));
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (auto const &r : p.rules) {
        cairo_set_line_width(cr, pt(r.width));
        cairo_move_to(cr, pt(r.x1), pt(r.y1));
        cairo_line_to(cr, pt(r.x2), pt(r.y2));
        cairo_stroke(cr);
    }
    for (auto const &t : p.texts) {
        cairo_move_to(cr, pt(t.x), pt(t.y));
        pango_cairo_show_layout(cr, t.layout.get());
    }
    if (marks != nullptr && marks->front && m_options.marks == inserter_marks_t::omr) {
        // Track: start, insert (last sheet), 3-bit sheet sequence, parity (even count), stop.
        std::vector<bool> bits{true, marks->last_sheet, (marks->sheet_seq & 1) != 0, (marks->sheet_seq & 2) != 0,
                               (marks->sheet_seq & 4) != 0};
        int const ones = static_cast<int>(std::count(bits.begin(), bits.end(), true)) + 1; // + stop mark
        bits.push_back(ones % 2 != 0);
        bits.push_back(true);
        cairo_set_line_width(cr, pt(30));
        for (std::size_t i = 0; i < bits.size(); ++i) {
            if (bits[i]) {
                int const y = OMR_Y + static_cast<int>(i) * OMR_STEP;
                cairo_move_to(cr, pt(OMR_X), pt(y));
                cairo_line_to(cr, pt(OMR_X + OMR_W), pt(y));
                cairo_stroke(cr);
            }
        }
    }
    if (marks != nullptr && marks->front && m_options.marks == inserter_marks_t::datamatrix &&
        !marks->datamatrix.empty()) {
        // Dark modules as filled rectangles, one per horizontal run.
        datamatrix_symbol_t const &s = marks->datamatrix;
        int const m = m_options.datamatrix_module;
        int const x0 = m_options.datamatrix_x + DM_INSET;
        int const y0 = m_options.datamatrix_y + DM_INSET;
        for (int r = 0; r < s.rows; ++r) {
            for (int c = 0; c < s.cols;) {
                if (!s.at(r, c)) {
                    ++c;
                    continue;
                }
                int run = 1;
                while (c + run < s.cols && s.at(r, c + run)) ++run;
                cairo_rectangle(cr, pt(x0 + c * m), pt(y0 + r * m), pt(run * m), pt(m));
                c += run;
            }
        }
        cairo_fill(cr);
    }
    cairo_restore(cr);
}

void pdf_renderer_t::check_datamatrix(datamatrix_symbol_t const &symbol) const
{
    int const m = m_options.datamatrix_module;
    int const quiet = DM_QUIET_MODULES * m;
    int const w = symbol.cols * m + DM_INSET + quiet;
    int const h = symbol.rows * m + DM_INSET + quiet;
    if (m <= 0 || DM_INSET < quiet || w > m_options.datamatrix_zone || h > m_options.datamatrix_zone) {
        throw render_error{render_error::reason_t::layout,
                           "DataMatrix " + std::to_string(symbol.rows) + "x" + std::to_string(symbol.cols) +
                               " modules of " + std::to_string(m) + "/100 mm does not fit the reserved zone of " +
                               std::to_string(m_options.datamatrix_zone) + "/100 mm"};
    }
}

// ---------------------------------------------------------------------------------------------
// PDF level

namespace {

std::string pdf_date(timestamp_t t)
{
    std::string const iso = to_iso(t); // YYYY-MM-DDTHH:MM:SSZ
    return "D:" + iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + iso.substr(11, 2) + iso.substr(14, 2) +
           iso.substr(17, 2) + "+00'00'";
}

std::string xml_escape(std::string_view s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out.push_back(c);
        }
    }
    return out;
}

/// XMP packet of a PDF/A-2b file, consistent with the /Info entries.
std::string xmp_packet(pdf_info_t const &info, std::string const &producer)
{
    std::string const iso = to_iso(info.created);
    return
        "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
        "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\""
        " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\""
        " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
        "<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n"
        "<dc:format>application/pdf</dc:format>\n"
        "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xml_escape(info.title) +
        "</rdf:li></rdf:Alt></dc:title>\n"
        "<dc:creator><rdf:Seq><rdf:li>" + xml_escape(info.author) + "</rdf:li></rdf:Seq></dc:creator>\n"
        "<xmp:CreateDate>" + iso + "</xmp:CreateDate>\n<xmp:ModifyDate>" + iso + "</xmp:ModifyDate>\n"
        "<xmp:CreatorTool>sozbatch</xmp:CreatorTool>\n<pdf:Producer>" + xml_escape(producer) +
        "</pdf:Producer>\n</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>";
}

/// Feeds qpdf's output into an atomic_file_t.
class atomic_pipeline_t final : public Pipeline
{
public:
    explicit atomic_pipeline_t(atomic_file_t &out) : Pipeline("atomic_file", nullptr), m_out(out) {}
    void write(unsigned char const *data, size_t len) override
    {
        m_out.write(std::string_view{reinterpret_cast<char const *>(data), len});
    }
    void finish() override { m_out.flush(); }

private:
    atomic_file_t &m_out;
};

std::string read_binary(std::string const &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw config_error{"cannot read " + path};
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

} // namespace

void set_pdf_metadata(cairo_surface_t *surface, pdf_info_t const &info)
{
    std::string const iso = to_iso(info.created);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, iso.c_str());
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, iso.c_str());
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, info.title.c_str());
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, info.author.c_str());
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "sozbatch");
}

void write_pdfa(std::string const &raw_path, atomic_file_t &out, pdf_info_t const &info, std::string const &icc_profile)
{
    std::string const icc = read_binary(icc_profile);
    try {
        QPDF pdf;
        pdf.processFile(raw_path.c_str());
        std::string const producer = std::string{"sozbatch "} + SOZBATCH_VERSION;
        auto infodict = QPDFObjectHandle::newDictionary();
        infodict.replaceKey("/Title", QPDFObjectHandle::newUnicodeString(info.title));
        infodict.replaceKey("/Author", QPDFObjectHandle::newUnicodeString(info.author));
        infodict.replaceKey("/Creator", QPDFObjectHandle::newUnicodeString("sozbatch"));
        infodict.replaceKey("/Producer", QPDFObjectHandle::newUnicodeString(producer));
        infodict.replaceKey("/CreationDate", QPDFObjectHandle::newString(pdf_date(info.created)));
        infodict.replaceKey("/ModDate", QPDFObjectHandle::newString(pdf_date(info.created)));
        pdf.getTrailer().replaceKey("/Info", pdf.makeIndirectObject(infodict));

        std::string const xmp = xmp_packet(info, producer);
        auto meta = QPDFObjectHandle::newStream(&pdf, xmp);
        meta.getDict().replaceKey("/Type", QPDFObjectHandle::newName("/Metadata"));
        meta.getDict().replaceKey("/Subtype", QPDFObjectHandle::newName("/XML"));
        auto root = pdf.getRoot();
        root.replaceKey("/Metadata", meta);

        auto profile = QPDFObjectHandle::newStream(&pdf, icc);
        profile.getDict().replaceKey("/N", QPDFObjectHandle::newInteger(3));
        auto intent = QPDFObjectHandle::newDictionary();
        intent.replaceKey("/Type", QPDFObjectHandle::newName("/OutputIntent"));
        intent.replaceKey("/S", QPDFObjectHandle::newName("/GTS_PDFA1"));
        intent.replaceKey("/OutputConditionIdentifier", QPDFObjectHandle::newString("sRGB IEC61966-2.1"));
        intent.replaceKey("/Info", QPDFObjectHandle::newString("sRGB IEC61966-2.1"));
        intent.replaceKey("/DestOutputProfile", profile);
        auto intents = QPDFObjectHandle::newArray();
        intents.appendItem(pdf.makeIndirectObject(intent));
        root.replaceKey("/OutputIntents", intents);

        atomic_pipeline_t pipe(out);
        QPDFWriter w(pdf);
        w.setOutputPipeline(&pipe);
        w.setDeterministicID(true);
        w.setMinimumPDFVersion("1.7");
        w.write();
    } catch (std::exception const &e) {
        if (dynamic_cast<error_t const *>(&e) != nullptr) {
            throw;
        }
        throw internal_error{std::string{"PDF/A post-processing failed: "} + e.what()};
    }
}

namespace {

/// A PDF text string: literal when plain printable ASCII, otherwise UTF-16BE with BOM as hex.
std::string pdf_text_string(std::string const &utf8)
{
    bool ascii = true;
    for (char c : utf8) {
        auto const u = static_cast<unsigned char>(c);
        ascii = ascii && u >= 0x20 && u < 0x7F;
    }
    if (ascii) {
        std::string out = "(";
        for (char c : utf8) {
            if (c == '(' || c == ')' || c == '\\') out.push_back('\\');
            out.push_back(c);
        }
        return out + ")";
    }
    static char const hex[] = "0123456789ABCDEF";
    std::string out = "<FEFF";
    auto unit = [&](unsigned v) {
        for (int shift = 12; shift >= 0; shift -= 4) out.push_back(hex[(v >> shift) & 0xF]);
    };
    for (std::size_t i = 0; i < utf8.size();) {
        auto const b = static_cast<unsigned char>(utf8[i]);
        unsigned cp = 0xFFFD;
        int len = 1;
        if (b < 0x80) {
            cp = b;
        } else if ((b & 0xE0) == 0xC0) {
            cp = b & 0x1F;
            len = 2;
        } else if ((b & 0xF0) == 0xE0) {
            cp = b & 0x0F;
            len = 3;
        } else if ((b & 0xF8) == 0xF0) {
            cp = b & 0x07;
            len = 4;
        }
        if (len > 1) {
            if (i + static_cast<std::size_t>(len) > utf8.size()) {
                cp = 0xFFFD;
                len = 1;
            } else {
                for (int k = 1; k < len; ++k) {
                    cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + static_cast<std::size_t>(k)]) & 0x3F);
                }
            }
        }
        i += static_cast<std::size_t>(len);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            unit(0xD800 + (cp >> 10));
            unit(0xDC00 + (cp & 0x3FF));
        } else {
            unit(cp);
        }
    }
    return out + ">";
}

std::string read_at(std::ifstream &in, std::uint64_t offset, std::size_t length)
{
    std::string buf(length, '\0');
    in.clear();
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(buf.data(), static_cast<std::streamsize>(length));
    buf.resize(static_cast<std::size_t>(in.gcount()));
    return buf;
}

/// The number after \p key (e.g. "/Size") in \p text, or -1.
long number_after(std::string const &text, std::string const &key)
{
    auto pos = text.find(key);
    if (pos == std::string::npos) return -1;
    pos += key.size();
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n' || text[pos] == '\r')) ++pos;
    long v = -1;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        v = (v < 0 ? 0 : v * 10) + (text[pos] - '0');
        ++pos;
    }
    return v;
}

std::string xref_entry(std::uint64_t offset)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%010llu 00000 n \n", static_cast<unsigned long long>(offset));
    return buf;
}

} // namespace

cairo_status_t write_to_sink(void *closure, unsigned char const *data, unsigned int length)
{
    try {
        auto *sink = static_cast<pdf_sink_t *>(closure);
        std::string_view const bytes{reinterpret_cast<char const *>(data), length};
        sink->out->write(bytes);
        sink->hash.update(bytes);
        sink->size += length;
        return CAIRO_STATUS_SUCCESS;
    } catch (...) {
        return CAIRO_STATUS_WRITE_ERROR;
    }
}

void append_pdfa_update(pdf_sink_t &sink, pdf_info_t const &info, std::string const &icc_profile)
{
    std::string const icc = read_binary(icc_profile);
    atomic_file_t &out = *sink.out;
    out.flush();
    std::ifstream in(out.tmp_path(), std::ios::binary);
    auto const fail = [&](std::string const &what) {
        return internal_error{"PDF/A update of " + out.final_path() + ": " + what};
    };
    // Trailer of cairo's file: startxref, /Size, /Root.
    std::uint64_t const tail_at = sink.size > 1024 ? sink.size - 1024 : 0;
    std::string const tail = read_at(in, tail_at, static_cast<std::size_t>(sink.size - tail_at));
    auto const sx = tail.rfind("startxref");
    auto const tr = tail.rfind("trailer");
    if (sx == std::string::npos || tr == std::string::npos || tr > sx) throw fail("no trailer");
    long const prev = number_after(tail.substr(sx), "startxref");
    std::string const trailer = tail.substr(tr, sx - tr);
    long const size = number_after(trailer, "/Size");
    long const root = number_after(trailer, "/Root");
    if (prev <= 0 || size <= 0 || root <= 0 || root >= size || trailer.find("/Prev") != std::string::npos) {
        throw fail("unexpected trailer");
    }
    // The catalog's offset from the classic xref table ("xref\n0 SIZE\n" then 20-byte entries).
    std::string const head = read_at(in, static_cast<std::uint64_t>(prev), 64);
    std::string const first_line = "xref\n0 " + std::to_string(size) + "\n";
    if (head.compare(0, first_line.size(), first_line) != 0) throw fail("no single classic xref section");
    std::string const entry =
        read_at(in, static_cast<std::uint64_t>(prev) + first_line.size() + static_cast<std::uint64_t>(root) * 20, 20);
    long const catalog_at = number_after(entry, "");
    if (entry.size() != 20 || entry[17] != 'n' || catalog_at <= 0) throw fail("bad xref entry of the catalog");
    std::string catalog = read_at(in, static_cast<std::uint64_t>(catalog_at), 4096);
    std::string const obj_head = std::to_string(root) + " 0 obj";
    auto const end = catalog.find("endobj");
    if (catalog.compare(0, obj_head.size(), obj_head) != 0 || end == std::string::npos) throw fail("catalog not found");
    catalog.resize(end);
    auto const close = catalog.rfind(">>");
    if (close == std::string::npos || catalog.find("/Type /Catalog") == std::string::npos ||
        catalog.find("/Metadata") != std::string::npos || catalog.find("/OutputIntents") != std::string::npos) {
        throw fail("unexpected catalog");
    }

    long const info_no = size, meta_no = size + 1, icc_no = size + 2, intent_no = size + 3;
    std::string const producer = std::string{"sozbatch "} + SOZBATCH_VERSION;
    std::string const xmp = xmp_packet(info, producer);
    std::string u;
    std::vector<std::uint64_t> at(4);
    auto const obj = [](long no) { return std::to_string(no) + " 0 obj\n"; };
    at[0] = sink.size + u.size();
    u += obj(info_no) + "<< /Title " + pdf_text_string(info.title) + " /Author " + pdf_text_string(info.author) +
         " /Creator (sozbatch) /Producer " + pdf_text_string(producer) + " /CreationDate (" + pdf_date(info.created) +
         ") /ModDate (" + pdf_date(info.created) + ") >>\nendobj\n";
    at[1] = sink.size + u.size();
    u += obj(meta_no) + "<< /Type /Metadata /Subtype /XML /Length " + std::to_string(xmp.size()) + " >>\nstream\n" + xmp +
         "\nendstream\nendobj\n";
    at[2] = sink.size + u.size();
    u += obj(icc_no) + "<< /N 3 /Length " + std::to_string(icc.size()) + " >>\nstream\n";
    u += icc;
    u += "\nendstream\nendobj\n";
    at[3] = sink.size + u.size();
    u += obj(intent_no) +
         "<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) /Info (sRGB "
         "IEC61966-2.1) /DestOutputProfile " + std::to_string(icc_no) + " 0 R >>\nendobj\n";
    std::uint64_t const catalog_new = sink.size + u.size();
    u += catalog.substr(0, close) + "   /Metadata " + std::to_string(meta_no) + " 0 R\n   /OutputIntents [" +
         std::to_string(intent_no) + " 0 R]\n>>\nendobj\n";
    std::uint64_t const xref_at = sink.size + u.size();
    u += "xref\n" + std::to_string(root) + " 1\n" + xref_entry(catalog_new) + std::to_string(info_no) + " 4\n";
    for (int k = 0; k < 4; ++k) u += xref_entry(at[static_cast<std::size_t>(k)]);
    std::string const id = sink.hash.hex_digest().substr(0, 32);
    u += "trailer\n<< /Size " + std::to_string(size + 4) + "\n   /Root " + std::to_string(root) + " 0 R\n   /Info " +
         std::to_string(info_no) + " 0 R\n   /Prev " + std::to_string(prev) + "\n   /ID [<" + id + "> <" + id +
         ">]\n>>\nstartxref\n" + std::to_string(xref_at) + "\n%%EOF\n";
    out.write(u);
    sink.size += u.size();
}

int pdf_page_count(std::string const &path)
{
    try {
        // Only the trailer, the catalog and the page tree's root are resolved (qpdf reads objects
        // lazily); getAllPages() would load every page object, growing with the batch.
        QPDF pdf;
        pdf.processFile(path.c_str());
        QPDFObjectHandle pages = pdf.getRoot().getKey("/Pages");
        QPDFObjectHandle count = pages.getKey("/Count");
        if (!pages.isDictionary() || !count.isInteger() || count.getIntValue() < 0 ||
            count.getIntValue() > 1000000) {
            throw internal_error{"PDF " + path + " has no valid page tree /Count"};
        }
        return static_cast<int>(count.getIntValue());
    } catch (std::exception const &e) {
        throw internal_error{"cannot read PDF " + path + ": " + e.what()};
    }
}

namespace {

pdf_info_t info_for(letter_t const &letter, timestamp_t created)
{
    return pdf_info_t{letter.aktenzeichen + " – " + letter.document_id, letter.letterhead.authority, created};
}

} // namespace

document_result_t render_document_pdf(pdf_renderer_t const &renderer, letter_t const &letter, timestamp_t created,
                                      std::string const &pdf_path)
{
    composed_letter_t const doc = renderer.compose(letter);
    pdf_info_t const info = info_for(letter, created);
    atomic_file_t out(pdf_path);
    pdf_sink_t sink(out);
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(write_to_sink, &sink, pt(PAGE_W), pt(PAGE_H));
    set_pdf_metadata(surface, info);
    cairo_t *cr = cairo_create(surface);
    for (int p = 0; p < doc.pages(); ++p) {
        renderer.draw_page(cr, doc, p);
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t const status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        throw internal_error{std::string{"cairo: "} + cairo_status_to_string(status)};
    }
    if (renderer.options().pdfa) {
        append_pdfa_update(sink, info, renderer.options().icc_profile);
    }
    out.flush();
    int const pages = pdf_page_count(out.tmp_path());
    if (pages != doc.pages()) {
        throw internal_error{"rendered PDF has " + std::to_string(pages) + " pages, expected " +
                             std::to_string(doc.pages())};
    }
    document_result_t result;
    result.pages = pages;
    result.content_sha256 = doc.content_sha256();
    result.sha256 = out.commit();
    manifest_t m;
    m.add("format", renderer.options().pdfa ? "bescheid-pdf/a-2b" : "bescheid-pdf");
    m.add("document_id", letter.document_id);
    m.add("aktenzeichen", letter.aktenzeichen);
    m.add("pages", std::to_string(pages));
    m.add("content_sha256", result.content_sha256);
    m.add("sha256", result.sha256);
    m.add("created", to_iso(created));
    m.write_beside(pdf_path);
    return result;
}

document_result_t render_preview(pdf_renderer_t const &renderer, letter_t const &letter, timestamp_t created,
                                 std::string const &pdf_path, std::string const &png_path, int dpi)
{
    document_result_t const result = render_document_pdf(renderer, letter, created, pdf_path);
    composed_letter_t const doc = renderer.compose(letter);
    int const w = PAGE_W * dpi / 2540;
    int const h = PAGE_H * dpi / 2540;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(img);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, static_cast<real_t>(dpi) / 72, static_cast<real_t>(dpi) / 72);
    renderer.draw_page(cr, doc, 0);
    cairo_destroy(cr);
    std::string png;
    cairo_surface_write_to_png_stream(
        img,
        [](void *closure, unsigned char const *data, unsigned int length) {
            static_cast<std::string *>(closure)->append(reinterpret_cast<char const *>(data), length);
            return CAIRO_STATUS_SUCCESS;
        },
        &png);
    cairo_surface_destroy(img);
    write_file_atomically(png_path, png);
    return result;
}

} // namespace sozbatch::notice
