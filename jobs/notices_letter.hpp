// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Builds a letter_t for a planned notice: addressee, decision, Berechnungsbogen per person
/// from the stored line items, reasons from the rules that applied, letterhead from configuration.

#include "formats/notice/notice.hpp"
#include "formats/notice/pdf_renderer.hpp"
#include "jobs/notices_plan.hpp"

#include <map>
#include <string>
#include <vector>

namespace sozbatch::jobs {

/// Configuration of the notice job (docs/notices.md, "Configuration"): `[letterhead]` and
/// `[notices]` keys of the configuration file.
struct notice_settings_t
{
    notice::letterhead_t letterhead;
    notice::contact_t contact;
    std::string land_procedure_law = "lvwg-sh"; ///< notices.land-procedure-law
    int reply_days = 14;                        ///< notices.reply-days: Anhörung answer period
    int batch_size = 500;                       ///< notices.batch-size: documents per print batch
    int presort_kib = 4096;                     ///< notices.presort-memory: KiB of presort keys held before spilling
    int render_threads = 0;                     ///< notices.render-threads: threads that draw the batches (0: one per core, at most 8)
    std::string template_dir;                   ///< notices.templates: the city's edited templates
    std::string envelope = "DL-window";         ///< notices.envelope
    std::vector<std::string> inserts;           ///< notices.inserts (comma-separated)
    notice::render_options_t render;            ///< notices.font-regular/-bold, notices.duplex, notices.marks
    event_map_t events;                         ///< notices.event.<event>

    /// \throws config_error on a malformed value
    static notice_settings_t from_settings(std::map<std::string, std::string> const &settings);
};

/// The letter for \p p, dated \p today.
/// \throws case_error when the letter cannot be addressed (no applicant, no deliverable address)
notice::letter_t build_letter(planned_notice_t const &p, db::database_t &db, notice_settings_t const &settings,
                              notice::template_set_t const &templates, month_t month, date_t today);

/// The addressee of the letter for \p p: the first part of build_letter(), without the database
/// (the notice job's presort needs only the address).
/// \throws case_error as build_letter() when the letter cannot be addressed
notice::addressee_t letter_addressee(planned_notice_t const &p, notice_settings_t const &settings,
                                     notice::template_set_t const &templates, month_t month, date_t today);

/// The deterministic document id: "<Aktenzeichen>/<month>/<kind>/<event ref>".
std::string notice_document_id(planned_notice_t const &p, month_t month);

} // namespace sozbatch::jobs
