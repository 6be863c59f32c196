// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Print-shop batches: documents streamed one by one into one PDF per batch (at most N
/// documents), plus an XML index per batch (schemas/print-index.xsd, docs/formats/print-index.md)
/// and a manifest, all published atomically.
///
/// Memory stays flat in the batch size: each document is composed, drawn into the batch's cairo
/// PDF surface and dropped; only its index record (a few hundred bytes) is kept.

#include "formats/notice/pdf_renderer.hpp"
#include "lib/core/clock.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sozbatch::notice {

struct batch_piece_t;
struct batch_summary_t;

/// \brief Batch configuration.
struct batch_options_t
{
    std::string directory;       ///< output directory (created when missing)
    std::string batch_prefix;    ///< e.g. "2026-12-SGB12"; files are "<prefix>-NNN.pdf" / ".index.xml"
    int max_documents = 500;     ///< N: at most this many documents per batch. REQUIRES: > 0
    timestamp_t created;         ///< the run's business timestamp (PDF dates, index), never "now"
    std::string product = "Standardbrief"; ///< postal product written into the index
    /// Called after each batch is published (files renamed, manifest written), with its pieces in
    /// order: the caller records the batch's documents while the next batch is written, so that it
    /// need not keep the pieces of the whole run (docs/scaling.md).
    std::function<void(batch_summary_t const &, std::vector<batch_piece_t> const &)> on_published;
    /// The number of the first batch this writer opens (files "<prefix>-NNN"): a caller that
    /// renders batches in several threads gives each writer its own (jobs/notices_render.cpp).
    int first_batch_no = 1;
    /// The suffix of a batch PDF while it is written ("<prefix>-NNN.pdf.tmp"): writers that may
    /// draw a batch of the same number at once (jobs/notices_render.cpp) give each its own.
    std::string tmp_suffix = ".tmp";
    /// Called when a batch is complete and checked, just before its files are renamed into
    /// place: a caller with several writers waits here until the batches before this one are
    /// published, so that they appear in order. An exception thrown here abandons the batch
    /// (nothing of it is published) and leaves finish() or add().
    std::function<void(batch_summary_t const &)> before_publish;
};

/// The index record of one mail piece.
struct batch_piece_t
{
    int seq = 0;                ///< consecutive within the batch, in the caller's (presort) order
    std::string document_id;
    std::string aktenzeichen;
    std::string postcode;
    std::string country;
    int first_page = 0;         ///< 1-based page number of the piece's first page in the batch PDF
    int pages = 0;              ///< pages of the document (without a blank back page)
    int sheets = 0;             ///< duplex: ceil(pages / 2), simplex: pages
    std::string envelope;
    std::vector<std::string> inserts;
    std::string content_sha256; ///< composed_letter_t::content_sha256()
};

/// What one published batch contains.
struct batch_summary_t
{
    std::string batch_id;
    std::string pdf_path;
    std::string index_path;
    int documents = 0;
    int pages = 0;     ///< pages of all documents
    int pdf_pages = 0; ///< pages of the PDF, including blank back pages in duplex
    int sheets = 0;
    std::string pdf_sha256;
    std::string index_sha256;
};

/// Writes batches. Not thread-safe; use one writer (and one renderer) per thread.
class print_batch_writer_t
{
public:
    print_batch_writer_t(pdf_renderer_t const &renderer, batch_options_t options);
    /// Abandons an unfinished batch (nothing half-written stays visible).
    ~print_batch_writer_t();
    print_batch_writer_t(print_batch_writer_t const &) = delete;
    print_batch_writer_t &operator=(print_batch_writer_t const &) = delete;

    /// Composes \p letter and appends it to the open batch; opens a new batch first when the
    /// open one is full. The letter is composed before anything is written, so a held document
    /// leaves the batch untouched.
    /// \throws template_error, render_error (hold this document, go on with the next)
    batch_piece_t add(letter_t const &letter);

    /// Publishes the open batch (if any). \returns all batches published by this writer.
    /// \throws internal_error when a check fails (page count, index schema); nothing is published then
    std::vector<batch_summary_t> finish();

private:
    struct batch_t;
    std::string batch_id_of(int batch_no) const;
    void open_batch();
    void close_batch();

    pdf_renderer_t const &m_renderer;
    batch_options_t m_options;
    std::unique_ptr<batch_t> m_batch;
    std::vector<batch_summary_t> m_done;
    int m_batch_no = 0;
};

/// The index XML of one batch (exposed for tests and docs).
std::string make_print_index(batch_summary_t const &summary, std::vector<batch_piece_t> const &pieces,
                             batch_options_t const &options, bool duplex, bool pdfa);

/// Validates \p xml against the embedded schemas/print-index.xsd. \returns the errors (empty: valid).
std::vector<std::string> validate_print_index(std::string const &xml);

} // namespace sozbatch::notice
