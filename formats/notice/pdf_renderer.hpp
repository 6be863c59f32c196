// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Renders a Bescheid (letter_t) with cairo + Pango: A4, DIN 5008 Form B, fonts embedded,
/// deterministic; PDF/A-2b post-processing with libqpdf. Layout positions: docs/notices.md.
///
/// Two phases: compose() expands the templates, lays out every paragraph and table row and
/// paginates (so "Seite x von y" is known), draw_page() then paints one page onto any cairo
/// context (PDF surface for batches and documents, image surface for the PNG preview).
/// All geometry is held in hundredths of a millimetre (int); only the calls into cairo convert.

#include "formats/notice/datamatrix.hpp"
#include "formats/notice/notice.hpp"
#include "formats/notice/template.hpp"
#include "lib/core/atomic_file.hpp"
#include "lib/core/clock.hpp"
#include "lib/core/sha256.hpp"

#include <cairo.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sozbatch::notice {

/// Marks for the print shop's inserter, printed on each sheet's front.
enum class inserter_marks_t {
    none, ///< no marks
    omr,       ///< 1-track OMR dash code at the right edge (docs/formats/print-index.md)
    datamatrix ///< one ECC200 DataMatrix code per sheet in the reserved zone at the left edge
};

/// \brief Renderer configuration. Defaults are Debian 12 paths of the packages in scripts/packages.txt.
struct render_options_t
{
    /// The two font files, loaded through a private fontconfig configuration so that no other
    /// system font is ever substituted (a name the font cannot show is an error instead).
    std::string font_regular = "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf";
    std::string font_bold = "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf";
    std::string font_family = "Liberation Sans";
    /// sRGB ICC profile for the PDF/A output intent (package colord-data or icc-profiles-free).
    std::string icc_profile = "/usr/share/color/icc/colord/sRGB.icc";
    bool pdfa = true;                          ///< run the libqpdf PDF/A-2b step
    inserter_marks_t marks = inserter_marks_t::none;
    bool duplex = true;                        ///< sheets = ceil(pages / 2); marks on odd pages only
    /// DataMatrix: top-left corner of the print shop's reserved zone (hundredths of a mm from the
    /// sheet's top-left corner) and its size. The symbol sits 2 mm inside the zone's top-left
    /// corner, the same place on every sheet; with its quiet zone it must fit into the zone.
    int datamatrix_x = 0;
    int datamatrix_y = 16500;
    int datamatrix_zone = 1500;
    int datamatrix_module = 40;                ///< module size, hundredths of a mm (0.4 mm)
    /// Insert stations of the inserter in feeding order: station k + 1 feeds insert code
    /// insert_stations[k] (DataMatrix insert selection bits).
    std::vector<std::string> insert_stations;
};

/// A document that cannot be rendered correctly: the caller holds it with this reason.
class render_error : public case_error
{
public:
    enum class reason_t {
        unshowable_text,  ///< the font has no glyph for a character (e.g. a name in another script)
        address_overflow, ///< more than 6 address lines, or a line wider than the window
        layout            ///< anything else (e.g. a table row taller than a page)
    };
    render_error(reason_t r, std::string const &message) : case_error(message), m_reason(r) {}
    reason_t reason() const noexcept { return m_reason; }

private:
    reason_t m_reason;
};

/// A letter laid out and paginated; cheap to move. Holds Pango layouts of its renderer, so it
/// must not outlive the renderer and is used on the renderer's thread only.
class composed_letter_t
{
public:
    struct impl_t;
    explicit composed_letter_t(std::shared_ptr<impl_t> impl) : m_impl(std::move(impl)) {}
    int pages() const;
    /// SHA-256 over every drawn text run (text, font, position, page) and rule: identifies the
    /// document's printed content; the same letter gives the same value in a batch or alone.
    std::string const &content_sha256() const;
    impl_t const &impl() const { return *m_impl; }

private:
    std::shared_ptr<impl_t> m_impl;
};

/// What the inserter marks of one page encode.
struct sheet_marks_t
{
    bool front = true;       ///< the sheet's front side (marks are printed only there)
    bool last_sheet = false; ///< "insert now": the set is complete with this sheet
    int sheet_seq = 0;       ///< running sheet number within the batch (3-bit wrap-around check)
    datamatrix_symbol_t datamatrix; ///< the sheet's DataMatrix symbol (marks = datamatrix)
};

/// One renderer per thread: it owns the font map and the Pango context.
class pdf_renderer_t
{
public:
    /// \throws config_error when a font file cannot be loaded
    explicit pdf_renderer_t(template_set_t templates, render_options_t options = {});
    ~pdf_renderer_t();
    pdf_renderer_t(pdf_renderer_t const &) = delete;
    pdf_renderer_t &operator=(pdf_renderer_t const &) = delete;

    /// Expands the templates, lays out and paginates \p letter.
    /// \throws template_error (unknown field), render_error (unshowable name, address too long)
    composed_letter_t compose(letter_t const &letter) const;

    /// Paints page \p page (0-based) onto \p cr, whose user space must be PDF points (A4 =
    /// 595.28 × 841.89). \p marks: inserter marks for this page (nullptr: none).
    void draw_page(cairo_t *cr, composed_letter_t const &doc, int page, sheet_marks_t const *marks = nullptr) const;

    /// \throws render_error (layout) when \p symbol with its quiet zone does not fit into the
    /// reserved zone of render_options_t (content too long for the module size)
    void check_datamatrix(datamatrix_symbol_t const &symbol) const;

    render_options_t const &options() const noexcept { return m_options; }
    template_set_t const &templates() const noexcept { return m_templates; }

private:
    struct fonts_t;
    template_set_t m_templates;
    render_options_t m_options;
    std::unique_ptr<fonts_t> m_fonts;
};

/// Document metadata for /Info and XMP.
struct pdf_info_t
{
    std::string title;
    std::string author;
    timestamp_t created; ///< CreationDate = ModDate (the run's business timestamp, never "now")
};

/// Sets cairo's /Info dates and title on a PDF surface (deterministic output).
void set_pdf_metadata(cairo_surface_t *surface, pdf_info_t const &info);

/// Reads the cairo PDF at \p raw_path and writes a PDF/A-2b candidate into \p out: XMP metadata
/// (pdfaid part 2, conformance B) consistent with /Info, an sRGB output intent from
/// \p icc_profile, a deterministic /ID. \throws config_error when the ICC profile is missing,
/// internal_error on a qpdf failure
void write_pdfa(std::string const &raw_path, atomic_file_t &out, pdf_info_t const &info,
                std::string const &icc_profile);

/// A cairo PDF stream sink that also counts and hashes the bytes (for append_pdfa_update()).
struct pdf_sink_t
{
    explicit pdf_sink_t(atomic_file_t &file) : out(&file) {}
    atomic_file_t *out;
    sha256_t hash;           ///< of everything written so far
    std::uint64_t size = 0;  ///< bytes written so far
};

/// cairo_write_func_t for cairo_pdf_surface_create_for_stream() with a pdf_sink_t closure.
cairo_status_t write_to_sink(void *closure, unsigned char const *data, unsigned int length);

/// Makes the finished cairo PDF in \p sink a PDF/A-2b candidate by an incremental update appended
/// to the same file: a new /Info, XMP metadata (pdfaid part 2, conformance B) consistent with it,
/// an sRGB output intent from \p icc_profile, the catalog rewritten to point at them, and a
/// deterministic /ID (from the SHA-256 of cairo's bytes). Only the trailer, the xref entry and
/// the catalog object are read back, so memory does not grow with the document (unlike
/// write_pdfa(), which loads every object with libqpdf).
/// \throws config_error when the ICC profile is missing, internal_error when cairo's file
/// structure is not the expected one (classic xref table, single section)
void append_pdfa_update(pdf_sink_t &sink, pdf_info_t const &info, std::string const &icc_profile);

/// Number of pages of a PDF file, read with libqpdf from the page tree root's /Count (without
/// loading every page object, so memory does not grow with the page count). \throws internal_error when unreadable
int pdf_page_count(std::string const &path);

/// Result of rendering one document to its own file.
struct document_result_t
{
    int pages = 0;
    std::string sha256;         ///< of the published PDF file
    std::string content_sha256; ///< composed_letter_t::content_sha256()
};

/// Renders one letter to \p pdf_path (atomically, checked page count, manifest beside).
/// \throws template_error, render_error, internal_error
document_result_t render_document_pdf(pdf_renderer_t const &renderer, letter_t const &letter,
                                      timestamp_t created, std::string const &pdf_path);

/// For `sozbatch notices preview`: the PDF as render_document_pdf() plus page 1 as PNG at \p dpi.
document_result_t render_preview(pdf_renderer_t const &renderer, letter_t const &letter, timestamp_t created,
                                 std::string const &pdf_path, std::string const &png_path, int dpi = 100);

} // namespace sozbatch::notice
