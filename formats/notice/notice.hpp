// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The letter model: everything one Bescheid needs, independent of the database.
///
/// The caller (jobs/notices) fills a letter_t from the case, the calculation and the
/// configuration; the renderer (pdf_renderer.hpp) turns it into pages. All wording comes from the
/// text templates (formats/notice/templates/*.txt, docs/notices.md); the model carries only data:
/// names, amounts, norms, dates and the ids of the rules whose reasons apply.

#include "formats/notice/template.hpp"
#include "lib/core/date.hpp"
#include "lib/core/money.hpp"
#include "lib/domain/case_model.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::notice {

/// The kinds of Bescheid. Codes (files, configuration, template names): see notice_kind_code().
enum class notice_kind_t {
    bewilligung,       ///< first approval ("bewilligung")
    aenderung,         ///< change of the amount, old and new side by side ("aenderung")
    einstellung,       ///< end of benefits ("einstellung")
    nachzahlung,       ///< back-payment ("nachzahlung")
    anhoerung,         ///< hearing before an overpayment claim, § 24 SGB X ("anhoerung")
    zahlungsmitteilung ///< optional monthly payment notice ("zahlungsmitteilung")
};
inline constexpr notice_kind_t all_notice_kinds[] = {notice_kind_t::bewilligung, notice_kind_t::aenderung,
                                                     notice_kind_t::einstellung, notice_kind_t::nachzahlung,
                                                     notice_kind_t::anhoerung,   notice_kind_t::zahlungsmitteilung};
/// \brief The code of a kind, also the name of its template section prefix.
std::string_view notice_kind_code(notice_kind_t k) noexcept;
/// \throws validation_error for an unknown code
notice_kind_t parse_notice_kind(std::string_view code);

/// The issuing office as configured (letterhead, information block, footer).
struct letterhead_t
{
    std::string authority;      ///< "Stadt Musterstadt"
    std::string head;           ///< "Die Bürgermeisterin" (may be empty)
    std::string department;     ///< "Sozialamt"
    std::string street;         ///< "Marktplatz 1"
    std::string postcode_city;  ///< "24103 Musterstadt"
    std::string phone;          ///< switchboard
    std::string email;          ///< when set, the Rechtsbehelfsbelehrung names the electronic form (BSG B 7 AS 10/22 R)
    std::string de_mail;        ///< De-Mail address, optional
    std::string web;            ///< optional
    std::vector<std::string> opening_hours; ///< one line each, e.g. "Mo, Di, Do 8–12 Uhr"
    std::string bank_name;
    std::string iban;
    std::string bic;
    std::string place;          ///< place for "Ort, Datum", e.g. "Musterstadt"
};

/// The addressee as it goes into the Anschriftzone: at most 6 lines, no blank lines.
struct addressee_t
{
    std::vector<std::string> lines;
    std::string postcode;
    std::string country = "DE";

    /// Builds the lines from a name and an address (DIN 5008: name, extra line, street and
    /// number, postcode and place; abroad the country name in capitals as the last line).
    /// \param country_name used when address.country is not "DE"
    static addressee_t from(std::string const &name, domain::address_t const &address,
                            std::string const &country_name = {});
};

/// One line of a Berechnungsbogen or of the summary: from the calculation's line items.
struct amount_row_t
{
    std::string label;                 ///< "Regelbedarf Regelbedarfsstufe 1"
    std::string norm;                  ///< "§ 27a SGB XII i. V. m. Anlage zu § 28 SGB XII"
    money_t amount;                    ///< the new/current monthly amount (negative: deduction)
    std::optional<money_t> old_amount; ///< for aenderung: the amount so far
    bool emphasis = false;             ///< a total line (bold, rule above)
};

/// The Berechnungsbogen of one person of the Einsatzgemeinschaft.
struct person_sheet_t
{
    std::string person; ///< "Ayşe Yılmaz (geb. 03.04.1961)"
    std::vector<amount_row_t> rows;
};

/// The decision itself (Bestimmtheit: what, for which period, how much).
struct decision_t
{
    period_t period;                     ///< Bewilligungszeitraum (always printed)
    money_t monthly;                     ///< monthly payment (new)
    std::optional<money_t> monthly_old;  ///< aenderung: the monthly payment so far
    std::optional<date_t> effective_from;///< aenderung/einstellung: from when
    std::optional<money_t> back_payment; ///< nachzahlung
    std::optional<period_t> back_payment_period;
    std::optional<money_t> claim;        ///< anhoerung: the intended repayment claim
    std::optional<period_t> claim_period;
    std::optional<date_t> reply_by;      ///< anhoerung: deadline for the reply
    std::string payment_way;             ///< "auf das Konto IBAN DE.. …1234" (data, not wording)
    std::optional<date_t> payment_date;
};

/// A reason paragraph (§ 35 SGB X): the template section `grund.<rule>` expanded with \p values
/// plus all letter fields.
struct reason_t
{
    std::string rule;                                    ///< e.g. "einkommen.rente"
    std::vector<std::pair<std::string, std::string>> values; ///< extra fields for that section
};

/// The clerk or team the citizen can contact.
struct contact_t
{
    std::string name;
    std::string phone;
    std::string email;
    std::string room;
};

/// One Bescheid.
struct letter_t
{
    std::string document_id;           ///< unique and deterministic, printed on the letter
    notice_kind_t kind = notice_kind_t::bewilligung;
    domain::law_t law = domain::law_t::sgb12_kap3;
    /// Key of the procedure law whose citations the letter uses: section
    /// `verfahrensrecht.<key>` of the templates. "sgbx" for SGB XII and BVG; AsylbLG letters use
    /// the Land's law where it differs, e.g. "lvwg-sh" (Schleswig-Holstein LVwG).
    std::string procedure_law = "sgbx";
    letterhead_t letterhead;
    std::string aktenzeichen;
    date_t date{1970, 1, 1};
    addressee_t addressee;
    domain::sex_t addressee_sex = domain::sex_t::unknown; ///< chooses the salutation template
    std::string addressee_family_name;
    std::string addressee_full_name;
    decision_t decision;
    std::vector<person_sheet_t> sheets;
    std::vector<amount_row_t> summary; ///< Gesamtbedarf, Einkommen, Zahlbetrag …
    std::vector<reason_t> reasons;
    contact_t contact;
    /// § 33 Abs. 5 SGB X: produced by machine. A letter edited by hand needs a name or signature;
    /// then this is false and the "maschinell erstellt" note is left out.
    bool automated = true;
    std::string signatory; ///< printed when not automated
    // Print hand-over data
    std::string envelope = "DL-window";
    std::vector<std::string> inserts; ///< insert codes, e.g. "DSGVO-Info"
};

/// The default procedure-law key for a benefit law ("sgbx"; AsylbLG: \p land_key).
std::string default_procedure_law(domain::law_t law, std::string const &land_key);

/// All fields a template can reference for \p letter (the list in docs/notices.md). Expands the
/// sections `leistung.<law>` and `verfahrensrecht.<key>` of \p templates on the way.
/// \throws template_error when such a section or a field in it is missing
fields_t make_fields(letter_t const &letter, template_set_t const &templates);

/// A letter with every field and list filled, for template_set_t::check() and tests.
letter_t sample_letter();

/// German typography for text that goes on the page: NBSP after "§", "§§", "Abs.", "Nr.", "S.",
/// "Art.", "SGB" and before "€", so "§ 35", "SGB XII" or "610,22 €" are never broken across lines.
std::string german_nbsp(std::string_view text);

} // namespace sozbatch::notice
