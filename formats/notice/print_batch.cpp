// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/notice/print_batch.hpp"

#include "lib/core/atomic_file.hpp"
#include "lib/core/embedded.hpp"
#include "lib/core/error.hpp"
#include "lib/core/sha256.hpp"

#include <cairo-pdf.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include <cstdio>
#include <filesystem>
#include <map>

namespace sozbatch::notice {

namespace {

using real_t = decltype(cairo_matrix_t{}.xx);
// A4 in PDF points (210 × 297 mm).
real_t a4_width() { return static_cast<real_t>(21000) * 72 / 2540; }
real_t a4_height() { return static_cast<real_t>(29700) * 72 / 2540; }

std::string xml_attr(std::string_view s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\n': out += "&#10;"; break;
        default: out.push_back(c);
        }
    }
    return out;
}

std::string leitregion(batch_piece_t const &p)
{
    return p.country == "DE" && p.postcode.size() >= 2 ? p.postcode.substr(0, 2) : std::string{};
}

void collect_error(void *ctx, xmlError *err)
{
    auto *errors = static_cast<std::vector<std::string> *>(ctx);
    std::string msg = err && err->message ? err->message : "unknown error";
    while (!msg.empty() && msg.back() == '\n') {
        msg.pop_back();
    }
    errors->push_back("line " + std::to_string(err ? err->line : 0) + ": " + msg);
}

} // namespace

struct print_batch_writer_t::batch_t
{
    std::string batch_id;
    std::string pdf_path;
    std::unique_ptr<atomic_file_t> pdf;
    std::unique_ptr<pdf_sink_t> sink;   ///< counts and hashes cairo's bytes for the PDF/A update
    cairo_surface_t *surface = nullptr;
    cairo_t *cr = nullptr;
    std::vector<batch_piece_t> pieces;
    int pdf_pages = 0;
    int pages = 0;
    int sheets = 0;

    ~batch_t()
    {
        if (cr) cairo_destroy(cr);
        if (surface) cairo_surface_destroy(surface);
    }
};

print_batch_writer_t::print_batch_writer_t(pdf_renderer_t const &renderer, batch_options_t options)
: m_renderer(renderer), m_options(std::move(options)), m_batch_no(m_options.first_batch_no - 1)
{
    if (m_options.max_documents <= 0) {
        throw config_error{"print batch: max_documents must be positive"};
    }
    if (m_options.first_batch_no <= 0) {
        throw config_error{"print batch: first_batch_no must be positive"};
    }
    make_directories(m_options.directory);
}

print_batch_writer_t::~print_batch_writer_t() = default;

std::string print_batch_writer_t::batch_id_of(int batch_no) const
{
    char no[16];
    std::snprintf(no, sizeof no, "%03d", batch_no);
    return m_options.batch_prefix + "-" + no;
}

void print_batch_writer_t::open_batch()
{
    auto b = std::make_unique<batch_t>();
    b->batch_id = batch_id_of(++m_batch_no);
    b->pdf_path = (std::filesystem::path(m_options.directory) / (b->batch_id + ".pdf")).string();
    b->pdf = std::make_unique<atomic_file_t>(b->pdf_path, atomic_file_t::hashing_t::on_write, m_options.tmp_suffix);
    b->sink = std::make_unique<pdf_sink_t>(*b->pdf);
    b->surface = cairo_pdf_surface_create_for_stream(write_to_sink, b->sink.get(), a4_width(), a4_height());
    set_pdf_metadata(b->surface, pdf_info_t{b->batch_id, "sozbatch", m_options.created});
    b->cr = cairo_create(b->surface);
    m_batch = std::move(b);
}

batch_piece_t print_batch_writer_t::add(letter_t const &letter)
{
    composed_letter_t const doc = m_renderer.compose(letter); // may throw: nothing written yet
    bool const duplex = m_renderer.options().duplex;
    unsigned insert_bits = 0;
    bool const datamatrix = m_renderer.options().marks == inserter_marks_t::datamatrix;
    if (datamatrix && !insert_selection(m_renderer.options().insert_stations, letter.inserts, insert_bits)) {
        throw render_error{render_error::reason_t::layout,
                           "an insert of this letter is fed by no inserter station (setting notices.insert-stations)"};
    }
    bool const next_batch = !m_batch || static_cast<int>(m_batch->pieces.size()) >= m_options.max_documents;
    batch_piece_t piece;
    piece.seq = next_batch ? 1 : static_cast<int>(m_batch->pieces.size()) + 1;
    piece.pages = doc.pages();
    piece.sheets = duplex ? (doc.pages() + 1) / 2 : doc.pages();
    piece.content_sha256 = doc.content_sha256();
    std::string const batch_id = next_batch ? batch_id_of(m_batch_no + 1) : m_batch->batch_id;
    int const sheets_before = next_batch ? 0 : m_batch->sheets;
    // Marks of every page first: a DataMatrix that does not fit holds the document before anything is drawn.
    std::vector<sheet_marks_t> marks(static_cast<std::size_t>(doc.pages()));
    for (int p = 0; p < doc.pages(); ++p) {
        sheet_marks_t &m = marks[static_cast<std::size_t>(p)];
        m.front = !duplex || p % 2 == 0;
        int const sheet = duplex ? p / 2 : p;
        m.last_sheet = sheet == piece.sheets - 1;
        m.sheet_seq = sheets_before + sheet;
        if (datamatrix && m.front) {
            datamatrix_fields_t f;
            f.batch_id = batch_id;
            f.seq = piece.seq;
            f.piece_id = piece.content_sha256.substr(0, 8);
            f.sheet = sheet + 1;
            f.sheets = piece.sheets;
            f.insert_bits = insert_bits;
            f.stations = static_cast<int>(m_renderer.options().insert_stations.size());
            f.end_of_set = m.last_sheet;
            m.datamatrix = encode_datamatrix(datamatrix_content(f));
            m_renderer.check_datamatrix(m.datamatrix);
        }
    }
    if (m_batch && next_batch) {
        close_batch();
    }
    if (!m_batch) {
        open_batch();
    }
    batch_t &b = *m_batch;
    piece.document_id = letter.document_id;
    piece.aktenzeichen = letter.aktenzeichen;
    piece.postcode = letter.addressee.postcode;
    piece.country = letter.addressee.country;
    piece.first_page = b.pdf_pages + 1;
    piece.envelope = letter.envelope;
    piece.inserts = letter.inserts;
    for (int p = 0; p < doc.pages(); ++p) {
        m_renderer.draw_page(b.cr, doc, p, &marks[static_cast<std::size_t>(p)]);
        cairo_show_page(b.cr);
    }
    b.pdf_pages += doc.pages();
    if (duplex && doc.pages() % 2 == 1) {
        cairo_show_page(b.cr); // blank back page: the next piece starts on a new sheet
        ++b.pdf_pages;
    }
    b.pages += doc.pages();
    b.sheets += piece.sheets;
    b.pieces.push_back(piece);
    return piece;
}

void print_batch_writer_t::close_batch()
{
    std::unique_ptr<batch_t> b = std::move(m_batch);
    cairo_destroy(b->cr);
    b->cr = nullptr;
    cairo_surface_finish(b->surface);
    cairo_status_t const status = cairo_surface_status(b->surface);
    cairo_surface_destroy(b->surface);
    b->surface = nullptr;
    if (status != CAIRO_STATUS_SUCCESS) {
        throw internal_error{std::string{"print batch " + b->batch_id + ": cairo: "} + cairo_status_to_string(status)};
    }
    if (m_renderer.options().pdfa) {
        append_pdfa_update(*b->sink, pdf_info_t{b->batch_id, "sozbatch", m_options.created},
                           m_renderer.options().icc_profile);
    }
    b->pdf->flush();
    // Checks before anything is published: page count, index against its schema.
    int const counted = pdf_page_count(b->pdf->tmp_path());
    if (counted != b->pdf_pages) {
        throw internal_error{"print batch " + b->batch_id + ": PDF has " + std::to_string(counted) +
                             " pages, index says " + std::to_string(b->pdf_pages)};
    }
    batch_summary_t s;
    s.batch_id = b->batch_id;
    s.pdf_path = b->pdf_path;
    s.index_path = (std::filesystem::path(m_options.directory) / (b->batch_id + ".index.xml")).string();
    s.documents = static_cast<int>(b->pieces.size());
    s.pages = b->pages;
    s.pdf_pages = b->pdf_pages;
    s.sheets = b->sheets;
    s.pdf_sha256 = sha256_file(b->pdf->tmp_path());
    std::string const index =
        make_print_index(s, b->pieces, m_options, m_renderer.options().duplex, m_renderer.options().pdfa);
    if (auto const errors = validate_print_index(index); !errors.empty()) {
        throw internal_error{"print batch " + b->batch_id + ": index fails print-index.xsd: " + errors.front()};
    }
    if (m_options.before_publish) {
        m_options.before_publish(s);
    }
    std::string const committed = b->pdf->commit();
    if (committed != s.pdf_sha256) {
        throw internal_error{"print batch " + b->batch_id + ": PDF changed during publication"};
    }
    s.index_sha256 = write_file_atomically(s.index_path, index);
    manifest_t m;
    m.add("format", "print-batch");
    m.add("batch_id", s.batch_id);
    m.add("file", std::filesystem::path(s.pdf_path).filename().string());
    m.add("documents", std::to_string(s.documents));
    m.add("pages", std::to_string(s.pages));
    m.add("pdf_pages", std::to_string(s.pdf_pages));
    m.add("sheets", std::to_string(s.sheets));
    m.add("sha256", s.pdf_sha256);
    m.add("index_file", std::filesystem::path(s.index_path).filename().string());
    m.add("index_sha256", s.index_sha256);
    m.add("created", to_iso(m_options.created));
    m.write_beside(s.pdf_path);
    m_done.push_back(s);
    if (m_options.on_published) {
        m_options.on_published(m_done.back(), b->pieces);
    }
}

std::vector<batch_summary_t> print_batch_writer_t::finish()
{
    if (m_batch) {
        close_batch();
    }
    return m_done;
}

std::string make_print_index(batch_summary_t const &s, std::vector<batch_piece_t> const &pieces,
                             batch_options_t const &options, bool duplex, bool pdfa)
{
    std::string x;
    x.reserve(400 + pieces.size() * 400);
    x += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    x += "<print-index xmlns=\"urn:sozbatch:print-index:1\" version=\"1\">\n";
    x += "  <batch id=\"" + xml_attr(s.batch_id) + "\" created=\"" + to_iso(options.created) + "\" file=\"" +
         xml_attr(std::filesystem::path(s.pdf_path).filename().string()) + "\" file-sha256=\"" + s.pdf_sha256 +
         "\" plex=\"" + (duplex ? "duplex" : "simplex") + "\" pdf-profile=\"" + (pdfa ? "PDF/A-2b" : "PDF-1.5") +
         "\" product=\"" + xml_attr(options.product) + "\"/>\n";
    std::map<std::pair<std::string, std::string>, int> regions;
    for (auto const &p : pieces) {
        x += "  <piece seq=\"" + std::to_string(p.seq) + "\" document-id=\"" + xml_attr(p.document_id) +
             "\" case=\"" + xml_attr(p.aktenzeichen) + "\" postcode=\"" + xml_attr(p.postcode) + "\" country=\"" +
             xml_attr(p.country) + "\" leitregion=\"" + leitregion(p) + "\" first-page=\"" +
             std::to_string(p.first_page) + "\" pages=\"" + std::to_string(p.pages) + "\" sheets=\"" +
             std::to_string(p.sheets) + "\" envelope=\"" + xml_attr(p.envelope) + "\" content-sha256=\"" +
             p.content_sha256 + "\"";
        if (p.inserts.empty()) {
            x += "/>\n";
        } else {
            x += ">\n";
            for (auto const &i : p.inserts) {
                x += "    <insert code=\"" + xml_attr(i) + "\"/>\n";
            }
            x += "  </piece>\n";
        }
        ++regions[{p.country, leitregion(p)}];
    }
    for (auto const &[key, count] : regions) {
        x += "  <region leitregion=\"" + key.second + "\" country=\"" + xml_attr(key.first) + "\" pieces=\"" +
             std::to_string(count) + "\"/>\n";
    }
    x += "  <totals pieces=\"" + std::to_string(s.documents) + "\" pages=\"" + std::to_string(s.pages) +
         "\" pdf-pages=\"" + std::to_string(s.pdf_pages) + "\" sheets=\"" + std::to_string(s.sheets) + "\"/>\n";
    x += "</print-index>\n";
    return x;
}

std::vector<std::string> validate_print_index(std::string const &xml)
{
    std::vector<std::string> errors;
    std::string_view const xsd = embedded::get("schemas/print-index.xsd");
    std::unique_ptr<xmlSchemaParserCtxt, decltype(&xmlSchemaFreeParserCtxt)> pctx(
        xmlSchemaNewMemParserCtxt(xsd.data(), static_cast<int>(xsd.size())), xmlSchemaFreeParserCtxt);
    xmlSchemaSetParserStructuredErrors(pctx.get(), collect_error, &errors);
    std::unique_ptr<xmlSchema, decltype(&xmlSchemaFree)> schema(xmlSchemaParse(pctx.get()), xmlSchemaFree);
    if (!schema) {
        throw internal_error{"schemas/print-index.xsd does not parse"};
    }
    // Streaming validation (xmlTextReader): no tree of the whole index is built, so memory does
    // not grow with the number of pieces.
    std::unique_ptr<xmlSchemaValidCtxt, decltype(&xmlSchemaFreeValidCtxt)> vctx(xmlSchemaNewValidCtxt(schema.get()),
                                                                                 xmlSchemaFreeValidCtxt);
    xmlSchemaSetValidStructuredErrors(vctx.get(), collect_error, &errors);
    std::unique_ptr<xmlTextReader, decltype(&xmlFreeTextReader)> reader(
        xmlReaderForMemory(xml.data(), static_cast<int>(xml.size()), "print-index.xml", "UTF-8", XML_PARSE_NONET),
        xmlFreeTextReader);
    if (!reader) {
        throw internal_error{"libxml2 could not create a reader for the print index"};
    }
    xmlTextReaderSetStructuredErrorHandler(reader.get(), collect_error, &errors);
    if (xmlTextReaderSchemaValidateCtxt(reader.get(), vctx.get(), 0) != 0) {
        throw internal_error{"libxml2 could not attach schemas/print-index.xsd to the reader"};
    }
    int ret = 0;
    while ((ret = xmlTextReaderRead(reader.get())) == 1) {
    }
    if (ret != 0 && errors.empty()) {
        errors.emplace_back("index is not well-formed XML");
    }
    if (ret == 0 && xmlTextReaderIsValid(reader.get()) != 1 && errors.empty()) {
        errors.emplace_back("index does not validate");
    }
    return errors;
}

} // namespace sozbatch::notice
