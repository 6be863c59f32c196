// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Sozialhilfedatenabgleich (§ 118 SGB XII, SozhiDAV): writes the request file for a list
/// of persons and reads the answer file into hits. Record positions come from the layout family
/// (default `sozhidav-2004`); this file only knows field ids and block kinds.

#include "formats/exchange/codec.hpp"
#include "lib/core/date.hpp"
#include "lib/core/money.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::exchange {

/// The default layout family of the § 118 exchange.
inline constexpr char const *MATCH118_DEFAULT_FAMILY = "sozhidav-2004";

enum class sex_t { male, female, diverse, unknown };

struct postal_address_t
{
    std::string postcode;
    std::string city;
    std::string street;
    std::string house_number;
};

/// One person to be checked (§ 118 Abs. 1 Satz 2 SGB XII data plus Geburtsname and benefit period).
struct match118_person_t
{
    /// Erkennungszeichen (ZE): opaque, non-personal, unique in the file; the caller keeps the
    /// table reference -> (person, case, run). E.g. "SH-2025-000001/P01".
    std::string reference;
    std::string family_name;
    std::string first_name;  ///< Rufname
    std::string name_prefix; ///< Vorsatzwort ("von")
    std::string birth_name;  ///< sent only when it differs from the family name
    date_t birth_date{1970, 1, 1};
    std::string birth_place;
    sex_t sex = sex_t::unknown;
    std::string nationality; ///< Destatis key, "000" = deutsch; empty = unknown
    std::optional<postal_address_t> address; ///< nullopt = unknown (PLZ is zeroed)
    std::optional<std::string> vsnr; ///< only where the layout lets the Sozialamt send one
    period_t benefit_period;         ///< Leistungszeitraum (open end allowed)
};

/// The request file: our office, the DSRV, the file number and the persons.
struct match118_request_t
{
    std::string family = MATCH118_DEFAULT_FAMILY;
    std::string office_id;   ///< our Gemeinde-/Kreisschlüssel, e.g. "01002000" (ADNR, GEMSC)
    std::string office_name; ///< Absender-Kurzbezeichnung in the Vorlaufsatz
    std::string receiver_id; ///< Betriebsnummer of the Vermittlungsstelle (EPNR)
    date_t created{1970, 1, 1};
    long file_number = 1; ///< rises without gaps per sender/receiver pair (caller persists it)
    std::vector<match118_person_t> persons;
};

/// A person that could not be written, with the reason (no personal data beyond the reference).
struct rejected_person_t
{
    std::string reference;
    std::string field;
    std::string reason;
};

struct request_file_t
{
    std::string content; ///< ISO-8859-1 bytes with line terminators
    std::size_t records = 0;
    std::vector<rejected_person_t> rejected;
};

struct written_file_t
{
    std::string path;
    std::string sha256;
    std::size_t records = 0;
    std::size_t bytes = 0;
    std::vector<rejected_person_t> rejected;
};

/// Publishes a built request file (§ 118 or § 151) atomically, with a manifest beside it that
/// holds \p describing (procedure, layout, sender, …; no personal data) followed by the counts,
/// size and SHA-256. \throws error_t when the file cannot be written
written_file_t publish_request_file(std::string const &path, request_file_t built,
                                    std::vector<std::pair<std::string, std::string>> const &describing);

/// The Interims-Versicherungsnummer of the 2004 layout: "71" + TTMMJJ + the initial of the
/// Geburtsname (else Familienname; umlauts resolved, Ü -> U) + a 3-digit serial, 000-499 for men,
/// 500-999 for women and others. \param serial_in_group 0, 1, ... for persons with equal date,
/// letter and sex group. \throws validation_error when the name has no Latin initial.
std::string interim_vsnr(date_t birth, std::string_view birth_or_family_name, sex_t sex, int serial_in_group);

/// Builds the request file (VOSZ, one record per valid person, NCSZ with the count).
/// Each person is validated by the codec (mandatory fields, Wohnort/Straße when a PLZ is given,
/// dates, character set, VSNR check digit, unique reference). \param skip_invalid false: the
/// first invalid person throws input_error; true: invalid persons are left out and listed in
/// `rejected`. \throws input_error, config_error
request_file_t build_match118_request(match118_request_t const &request, bool skip_invalid = false);

/// Builds and writes the request file with atomic_file_t and a manifest beside it (family,
/// direction, sender, receiver, date, file number, record count, bytes, SHA-256; no personal
/// data). \throws input_error, config_error, error_t (I/O)
written_file_t write_match118_request(std::string const &path, match118_request_t const &request,
                                      bool skip_invalid = false);

/// Where a hit comes from.
enum class hit_source_t {
    pension,              ///< Deutsche Post / Knappschaft: statutory pension
    accident_insurance,   ///< Unfallversicherung
    employment_agency,    ///< Bundesagentur für Arbeit
    employment,           ///< employment with an employer (minor or insured)
    other_welfare_office, ///< § 118 Abs. 2: benefits of another Sozialhilfeträger
    interest,             ///< BZSt: Freistellungsaufträge / interest
    error                 ///< DSRV error report (Fehleranzeige)
};

/// "pension", "accident_insurance", ...
std::string to_string(hit_source_t s);

enum class amount_basis_t { none, monthly, weekly, once, yearly };
std::string to_string(amount_basis_t b);

/// One finding of an answer record (one block).
struct match118_hit_t
{
    hit_source_t source = hit_source_t::error;
    std::string kind;   ///< block kind of the layout, e.g. "pension_running", "employment_minor"
    std::string agency; ///< "DPAG", "KBS", "BA", "DSRV", "BZSt"
    std::string block;  ///< block number as in the file, e.g. "01"
    std::optional<period_t> period; ///< period the finding covers
    std::optional<date_t> date;     ///< processing day of a one-off payment
    std::optional<money_t> amount;  ///< pension / benefit / interest amount
    amount_basis_t basis = amount_basis_t::none;
    std::optional<money_t> offset_amount; ///< BA Anrechnungsbetrag
    std::string currency;                 ///< "EUR" (or "DEM" in old BZSt blocks)
    std::string code;                     ///< Rentenart / Leistungsart code
    std::string code_label;               ///< its label from the layout
    std::string area_number;              ///< Bereichsnummer of the pension insurer
    std::string vsnr;                     ///< Versicherungsnummer (12)
    std::string payment_ref;              ///< VSNR + Bescheid-Nr + Zahlungsauftrags-Nr (14)
    std::string reference;                ///< Aktenzeichen, Ordnungsbegriff, other office's Zeichen
    std::string party_id;                 ///< Betriebsnummer, AGS of the other office, BLZ
    std::string party_name;               ///< employer, agency, other office, bank
    std::string party_street;
    std::string party_postcode;
    std::string party_city;
    int year = 0;          ///< Meldejahr (interest)
    int error_field = 0;   ///< Fehleranzeige: field number
    int error_number = 0;  ///< Fehleranzeige: error number within the field
    std::vector<std::pair<std::string, std::string>> fields; ///< all block fields (id, value)
};

/// One answer record.
struct match118_answer_t
{
    long record = 0;       ///< record number in the file
    std::string reference; ///< Erkennungszeichen echoed back
    int error_flag = 0;    ///< FEKZ: 0 ok, 1 error, 2 identification changed, 3 no data
    std::string error_flag_label;
    std::optional<std::string> vsnr; ///< the Versicherungsnummer the DSRV found
    std::optional<period_t> comparison_period; ///< Abgleichszeitraum
    std::vector<match118_hit_t> hits;
    /// True when the answer carries findings other than error reports.
    bool has_findings() const;
};

struct match118_answer_file_t
{
    std::string file;
    std::string family;
    std::string sender;   ///< ADNR of the Vorlaufsatz
    std::string receiver; ///< EPNR of the Vorlaufsatz (our office)
    date_t created{1970, 1, 1};
    long file_number = 0;
    std::vector<match118_answer_t> answers;
    std::vector<rejected_record_t> rejected; ///< only with accept_valid_records
};

struct match118_read_options_t
{
    std::string family = MATCH118_DEFAULT_FAMILY;
    /// Our Gemeinde-/Kreisschlüssel: the Vorlaufsatz receiver and every record's EPNR and GEMSC
    /// must be it, else the file (or record) is for another office and rejected. Required.
    std::string office_id;
    /// When set, every Erkennungszeichen must be known (belong to the run).
    std::function<bool(std::string const &)> is_known_reference;
    /// When set, the Abgleichszeitraum of every record must equal it (the run's quarter).
    std::optional<period_t> expected_period;
    /// false (default): all or nothing. true: valid records are returned, bad ones in `rejected`.
    bool accept_valid_records = false;
};

/// Reads and validates an answer file. \throws input_error (file, record, field, reason),
/// config_error, error_t when the file cannot be read.
match118_answer_file_t read_match118_answer(std::string const &path, match118_read_options_t const &options);

/// The same on content already in memory (ISO-8859-1 bytes); \p file_name for messages.
match118_answer_file_t parse_match118_answer(std::string_view content, std::string const &file_name,
                                             match118_read_options_t const &options);

/// Reads a whole file into memory. \throws error_t
std::string read_exchange_bytes(std::string const &path);

} // namespace sozbatch::exchange
