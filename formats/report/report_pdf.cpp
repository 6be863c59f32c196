// SPDX-License-Identifier: GPL-3.0-or-later
/// \file
/// \brief The run report as PDF (A4 portrait) and the chart as PNG, with cairo + Pango. Fonts are
/// set up as for the Bescheide (formats/notice/pango_fonts.hpp): a private fontconfig with only
/// the configured font files, 72 dpi, no hinting, no glyph-position rounding; PDF metadata and
/// the PDF/A-2b step are the Bescheid functions. Geometry in hundredths of a millimetre (int).
#include "formats/report/document.hpp"
#include "formats/report/run_report.hpp"

#include "formats/notice/pango_fonts.hpp"
#include "formats/notice/pdf_renderer.hpp"
#include "lib/core/atomic_file.hpp"
#include "lib/core/error.hpp"

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>

#include <cstdint>
#include <memory>

namespace sozbatch::report {

namespace {

using real_t = decltype(cairo_matrix_t{}.xx);
using detail::block_t;
using detail::row_t;

real_t pt(int mm100) { return static_cast<real_t>(mm100) * 72 / 2540; }
int to_pango(int mm100) { return static_cast<int>(std::int64_t{mm100} * 72 * PANGO_SCALE / 2540); }
int from_pango(int pu) { return static_cast<int>(std::int64_t{pu} * 2540 / (72 * PANGO_SCALE)); }

constexpr int PAGE_W = 21000;
constexpr int PAGE_H = 29700;
constexpr int LEFT = 2000;
constexpr int TEXT_W = 17000;
constexpr int TOP = 2000;
constexpr int BOTTOM = 27500;
constexpr int FOOTER_Y = 28100;
constexpr int CELL_PAD = 80;

struct rgb_t
{
    int r = 0, g = 0, b = 0;
};

rgb_t parse_color(std::string const &hex) // "#RRGGBB"
{
    auto h = [&](std::size_t i) { return std::stoi(hex.substr(i, 2), nullptr, 16); };
    return rgb_t{h(1), h(3), h(5)};
}

void set_color(cairo_t *cr, rgb_t c)
{
    cairo_set_source_rgb(cr, static_cast<real_t>(c.r) / 255, static_cast<real_t>(c.g) / 255,
                         static_cast<real_t>(c.b) / 255);
}

constexpr rgb_t BLACK{34, 34, 34};
constexpr rgb_t GREY{85, 85, 85};
constexpr rgb_t RULE{153, 153, 153};
constexpr rgb_t LIGHT{224, 224, 224};
constexpr rgb_t HEADER_BG{240, 240, 240};

using layout_ptr = std::shared_ptr<PangoLayout>;

/// The font set-up of the Bescheide (formats/notice/pango_fonts.hpp), for one document.
struct fonts_t
{
    explicit fonts_t(pdf_options_t const &o) : fonts(o.font_regular, o.font_bold, o.font_family) {}

    notice::pango_fonts_t fonts;

    /// \p size in Pango units of a point; \p width in Pango units (0: no wrapping).
    layout_ptr make_pu(std::string const &text, bool bold, int size, int width, PangoAlignment align) const
    {
        layout_ptr l{pango_layout_new(fonts.context()), [](PangoLayout *p) { g_object_unref(p); }};
        PangoFontDescription *desc = pango_font_description_new();
        pango_font_description_set_family(desc, fonts.family().c_str());
        pango_font_description_set_weight(desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
        pango_font_description_set_size(desc, size);
        pango_layout_set_font_description(l.get(), desc);
        pango_font_description_free(desc);
        if (width > 0) {
            pango_layout_set_width(l.get(), width);
            pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
        }
        pango_layout_set_alignment(l.get(), align);
        pango_layout_set_text(l.get(), text.c_str(), static_cast<int>(text.size()));
        return l;
    }

    /// \p size_10pt in tenths of a point, \p width in mm100.
    layout_ptr make(std::string const &text, bool bold, int size_10pt, int width,
                    PangoAlignment align = PANGO_ALIGN_LEFT) const
    {
        return make_pu(text, bold, size_10pt * PANGO_SCALE / 10, to_pango(width), align);
    }
};

int height_of(PangoLayout *l)
{
    int w = 0;
    int h = 0;
    pango_layout_get_size(l, &w, &h);
    return from_pango(h);
}

// --------------------------------------------------------------------------------------------
// The chart, drawn from its layout in chart pixels onto any cairo context.

void draw_chart(cairo_t *cr, fonts_t const &F, chart_layout_t const &c)
{
    cairo_save(cr);
    set_color(cr, rgb_t{255, 255, 255});
    cairo_rectangle(cr, 0, 0, c.width, c.height);
    cairo_fill(cr);
    cairo_set_line_width(cr, 1);
    for (auto const &l : c.lines) {
        set_color(cr, l.axis ? rgb_t{51, 51, 51} : rgb_t{217, 217, 217});
        // half-pixel offset: a 1-pixel line exactly on the pixel row
        cairo_move_to(cr, l.x1, static_cast<real_t>(l.y1 * 2 + 1) / 2);
        cairo_line_to(cr, l.x2, static_cast<real_t>(l.y2 * 2 + 1) / 2);
        cairo_stroke(cr);
    }
    for (auto const &b : c.bars) {
        set_color(cr, parse_color(law_color(b.law)));
        cairo_rectangle(cr, b.x, b.y, b.w, b.h);
        cairo_fill(cr);
    }
    for (auto const &w : c.swatches) {
        set_color(cr, parse_color(law_color(w.law)));
        cairo_rectangle(cr, w.x, w.y, w.w, w.h);
        cairo_fill(cr);
    }
    set_color(cr, BLACK);
    for (auto const &t : c.texts) {
        // one chart pixel is one point before the surface's scaling
        layout_ptr const l = F.make_pu(t.text, false, t.size * PANGO_SCALE, 0, PANGO_ALIGN_LEFT);
        PangoRectangle ink{};
        PangoRectangle logical{};
        pango_layout_get_extents(l.get(), &ink, &logical);
        real_t const w = static_cast<real_t>(logical.width) / PANGO_SCALE;
        real_t const baseline = static_cast<real_t>(pango_layout_get_baseline(l.get())) / PANGO_SCALE;
        real_t x = t.x;
        if (t.anchor == chart_layout_t::anchor_t::middle) {
            x -= w / 2;
        } else if (t.anchor == chart_layout_t::anchor_t::end) {
            x -= w;
        }
        cairo_move_to(cr, x, t.y - baseline);
        pango_cairo_show_layout(cr, l.get());
    }
    cairo_restore(cr);
}

// --------------------------------------------------------------------------------------------
// Page layout: blocks flow onto pages as text, rectangles, rules and the chart.

struct item_t
{
    enum class kind_t { text, fill, rule, chart } kind = kind_t::text;
    layout_ptr layout;
    int x = 0, y = 0, w = 0, h = 0;
    rgb_t color;
};

struct page_t
{
    std::vector<item_t> items;
};

class flow_t
{
public:
    explicit flow_t(fonts_t const &fonts) : F(fonts) { pages.emplace_back(); }

    std::vector<page_t> pages;

    void need(int h)
    {
        if (y + h > BOTTOM && y > TOP) {
            pages.emplace_back();
            y = TOP;
        }
    }
    void space(int h) { y += h; }

    /// A paragraph across the text width.
    void text(std::string const &t, bool bold, int size, rgb_t color, int space_after)
    {
        layout_ptr const l = F.make(t, bold, size, TEXT_W);
        int const h = height_of(l.get());
        need(h);
        put_text(l, LEFT, y, color);
        y += h + space_after;
    }

    void heading(std::string const &t)
    {
        layout_ptr const l = F.make(t, true, 120, TEXT_W);
        int const h = height_of(l.get());
        need(h + 2500); // keep with what follows
        y += 300;
        put_text(l, LEFT, y, BLACK);
        y += h + 100;
        put(item_t{item_t::kind_t::rule, nullptr, LEFT, y, TEXT_W, 20, RULE});
        y += 200;
    }

    void subheading(std::string const &t)
    {
        layout_ptr const l = F.make(t, true, 95, TEXT_W);
        int const h = height_of(l.get());
        need(h + 1500); // keep with the table's first rows
        y += 100;
        put_text(l, LEFT, y, BLACK);
        y += h + 150;
    }

    void keyvalue(std::vector<std::pair<std::string, std::string>> const &pairs)
    {
        int const label_w = 5200;
        for (auto const &[k, v] : pairs) {
            layout_ptr const a = F.make(k, true, 90, label_w - CELL_PAD * 2);
            layout_ptr const b = F.make(v.empty() ? "–" : v, false, 90, TEXT_W - label_w - CELL_PAD * 2);
            int const h = std::max(height_of(a.get()), height_of(b.get())) + CELL_PAD * 2;
            need(h);
            put_text(a, LEFT + CELL_PAD, y + CELL_PAD, BLACK);
            put_text(b, LEFT + label_w + CELL_PAD, y + CELL_PAD, BLACK);
            y += h;
            put(item_t{item_t::kind_t::rule, nullptr, LEFT, y, TEXT_W, 10, LIGHT});
        }
        y += 300;
    }

    void table(block_t const &b)
    {
        std::vector<int> xs, ws;
        int x = LEFT;
        for (std::size_t i = 0; i < b.columns.size(); ++i) {
            int const w = i + 1 == b.columns.size() ? LEFT + TEXT_W - x : TEXT_W * b.columns[i].permille / 1000;
            xs.push_back(x);
            ws.push_back(w);
            x += w;
        }
        auto row_layouts = [&](std::vector<std::string> const &cells, bool bold, int size, int indent) {
            std::vector<layout_ptr> ls;
            int h = 0;
            for (std::size_t i = 0; i < cells.size() && i < ws.size(); ++i) {
                int const in = i == 0 ? indent : 0;
                ls.push_back(F.make(cells[i], bold, size, ws[i] - CELL_PAD * 2 - in,
                                    b.columns[i].right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT));
                h = std::max(h, height_of(ls.back().get()));
            }
            return std::pair{ls, h + CELL_PAD * 2};
        };
        std::vector<std::string> headers;
        for (auto const &c : b.columns) {
            headers.push_back(c.header);
        }
        auto const header_row = row_layouts(headers, true, 80, 0);
        auto const &header = header_row.first;
        int const header_h = header_row.second;
        auto put_header = [&] {
            put(item_t{item_t::kind_t::fill, nullptr, LEFT, y, TEXT_W, header_h, HEADER_BG});
            for (std::size_t i = 0; i < header.size(); ++i) {
                put_text(header[i], xs[i] + CELL_PAD, y + CELL_PAD, BLACK);
            }
            y += header_h;
        };
        need(header_h * 3);
        put_header();
        for (auto const &row : b.rows) {
            bool const total = row.style == row_t::style_t::total;
            bool const detail = row.style == row_t::style_t::detail;
            int const indent = detail ? 400 : 0;
            auto const [ls, h] = row_layouts(row.cells, total, detail ? 75 : 90, indent);
            if (y + h > BOTTOM) {
                pages.emplace_back();
                y = TOP;
                put_header();
            }
            if (total) {
                put(item_t{item_t::kind_t::rule, nullptr, LEFT, y, TEXT_W, 20, BLACK});
            }
            for (std::size_t i = 0; i < ls.size(); ++i) {
                put_text(ls[i], xs[i] + CELL_PAD + (i == 0 ? indent : 0), y + CELL_PAD, detail ? GREY : BLACK);
            }
            y += h;
            if (!detail) {
                put(item_t{item_t::kind_t::rule, nullptr, LEFT, y, TEXT_W, 10, LIGHT});
            }
        }
        y += 300;
    }

    void chart(chart_layout_t const &c)
    {
        int const h = static_cast<int>(std::int64_t{c.height} * TEXT_W / c.width);
        need(h + 200);
        put(item_t{item_t::kind_t::chart, nullptr, LEFT, y, TEXT_W, h, BLACK});
        y += h + 200;
    }

private:
    void put(item_t it) { pages.back().items.push_back(std::move(it)); }
    void put_text(layout_ptr l, int x, int y0, rgb_t color)
    {
        put(item_t{item_t::kind_t::text, std::move(l), x, y0, 0, 0, color});
    }

    fonts_t const &F;
    int y = TOP;
};

cairo_status_t write_to_atomic(void *closure, unsigned char const *data, unsigned int length)
{
    try {
        static_cast<atomic_file_t *>(closure)->write(std::string_view{reinterpret_cast<char const *>(data), length});
        return CAIRO_STATUS_SUCCESS;
    } catch (...) {
        return CAIRO_STATUS_WRITE_ERROR;
    }
}

} // namespace

pdf_result_t write_report_pdf(run_report_t const &r, pdf_options_t const &options, std::string const &path)
{
    fonts_t const F{options};
    chart_layout_t const chart = layout_chart(r.chart);
    flow_t flow{F};
    for (auto const &b : detail::build_document(r)) {
        switch (b.kind) {
        case block_t::kind_t::office: flow.text(b.text, false, 90, GREY, 100); break;
        case block_t::kind_t::title: flow.text(b.text, true, 160, BLACK, 300); break;
        case block_t::kind_t::heading: flow.heading(b.text); break;
        case block_t::kind_t::subheading: flow.subheading(b.text); break;
        case block_t::kind_t::paragraph: flow.text(b.text, false, 90, BLACK, 200); break;
        case block_t::kind_t::note: flow.text(b.text, false, 80, GREY, 200); break;
        case block_t::kind_t::keyvalue: flow.keyvalue(b.pairs); break;
        case block_t::kind_t::table: flow.table(b); break;
        case block_t::kind_t::chart: flow.chart(chart); break;
        }
    }
    int const pages = static_cast<int>(flow.pages.size());

    notice::pdf_info_t const info{detail::document_title(r), r.office, r.generated_at};
    atomic_file_t out(path);
    std::unique_ptr<atomic_file_t> raw;
    atomic_file_t *target = &out;
    if (options.pdfa) {
        raw = std::make_unique<atomic_file_t>(path + ".raw");
        target = raw.get();
    }
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(write_to_atomic, target, pt(PAGE_W), pt(PAGE_H));
    notice::set_pdf_metadata(surface, info);
    cairo_t *cr = cairo_create(surface);
    for (int p = 0; p < pages; ++p) {
        for (auto const &it : flow.pages[static_cast<std::size_t>(p)].items) {
            switch (it.kind) {
            case item_t::kind_t::text:
                set_color(cr, it.color);
                cairo_move_to(cr, pt(it.x), pt(it.y));
                pango_cairo_show_layout(cr, it.layout.get());
                break;
            case item_t::kind_t::fill:
                set_color(cr, it.color);
                cairo_rectangle(cr, pt(it.x), pt(it.y), pt(it.w), pt(it.h));
                cairo_fill(cr);
                break;
            case item_t::kind_t::rule:
                set_color(cr, it.color);
                cairo_set_line_width(cr, pt(it.h));
                cairo_move_to(cr, pt(it.x), pt(it.y));
                cairo_line_to(cr, pt(it.x + it.w), pt(it.y));
                cairo_stroke(cr);
                break;
            case item_t::kind_t::chart:
                cairo_save(cr);
                cairo_translate(cr, pt(it.x), pt(it.y));
                cairo_scale(cr, pt(it.w) / chart.width, pt(it.w) / chart.width);
                draw_chart(cr, F, chart);
                cairo_restore(cr);
                break;
            }
        }
        layout_ptr const footer = F.make(detail::document_title(r) + " – Seite " + std::to_string(p + 1) + " von " +
                                             std::to_string(pages),
                                         false, 75, TEXT_W, PANGO_ALIGN_RIGHT);
        set_color(cr, GREY);
        cairo_move_to(cr, pt(LEFT), pt(FOOTER_Y));
        pango_cairo_show_layout(cr, footer.get());
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t const status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        throw internal_error{std::string{"cairo: "} + cairo_status_to_string(status)};
    }
    if (raw) {
        raw->flush();
        notice::write_pdfa(raw->tmp_path(), out, info, options.icc_profile);
        raw->abandon();
    }
    out.flush();
    int const counted = notice::pdf_page_count(out.tmp_path());
    if (counted != pages) {
        throw internal_error{"rendered report PDF has " + std::to_string(counted) + " pages, expected " +
                             std::to_string(pages)};
    }
    pdf_result_t result;
    result.pages = pages;
    result.sha256 = out.commit();
    return result;
}

std::string chart_png(chart_series_t const &series, pdf_options_t const &options)
{
    fonts_t const F{options};
    chart_layout_t const chart = layout_chart(series);
    constexpr int SCALE = 2;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, chart.width * SCALE, chart.height * SCALE);
    cairo_t *cr = cairo_create(img);
    cairo_scale(cr, SCALE, SCALE);
    draw_chart(cr, F, chart);
    cairo_destroy(cr);
    std::string png;
    cairo_status_t const status = cairo_surface_write_to_png_stream(
        img,
        [](void *closure, unsigned char const *data, unsigned int length) {
            static_cast<std::string *>(closure)->append(reinterpret_cast<char const *>(data), length);
            return CAIRO_STATUS_SUCCESS;
        },
        &png);
    cairo_surface_destroy(img);
    if (status != CAIRO_STATUS_SUCCESS) {
        throw internal_error{std::string{"cairo PNG: "} + cairo_status_to_string(status)};
    }
    return png;
}

} // namespace sozbatch::report
