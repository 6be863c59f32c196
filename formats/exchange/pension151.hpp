// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief § 151 SGB VI pension query ("Rentenauskunft" of the Deutsche Post AG Renten Service):
/// writes query files and reads answers into pension payments, payees and death data.
///
/// PROVISIONAL: the interface description is not public. The layouts in
/// `formats/exchange/layouts/pension151-provisional/` are a placeholder in the record family of
/// the § 118 exchange (docs/formats/pension-151.md); the real layout replaces them as a new
/// family directory without a change here, as long as it keeps the field ids and block kinds.

#include "formats/exchange/codec.hpp"
#include "formats/exchange/match118.hpp"
#include "lib/core/date.hpp"
#include "lib/core/money.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::exchange {

inline constexpr char const *PENSION151_DEFAULT_FAMILY = "pension151-provisional";

/// A person to ask about (§ 151 Abs. 1 Nr. 1-3 SGB VI data only).
struct pension151_person_t
{
    std::string reference; ///< Erkennungszeichen, e.g. "SH-2025-R-000001/P01"
    std::string vsnr;      ///< Versicherungsnummer (checked: structure, Bereichsnummer, check digit)
    std::string family_name;
    std::string first_name;
    std::string name_prefix;
    std::string birth_name; ///< sent only when it differs from the family name
    date_t birth_date{1970, 1, 1};
};

struct pension151_request_t
{
    std::string family = PENSION151_DEFAULT_FAMILY;
    std::string office_id;   ///< our Gemeinde-/Kreisschlüssel
    std::string office_name;
    std::string receiver_id; ///< Kopfstelle / Renten Service (unknown; configured)
    date_t created{1970, 1, 1};
    date_t key_date{1970, 1, 1}; ///< Stichtag of the query, e.g. 01.07. (annual adjustment)
    long file_number = 1;
    std::vector<pension151_person_t> persons;
};

/// Builds the query file. \param skip_invalid as for build_match118_request. \throws input_error
request_file_t build_pension151_query(pension151_request_t const &request, bool skip_invalid = false);

/// Builds and writes the query file atomically with a manifest. \throws input_error, error_t
written_file_t write_pension151_query(std::string const &path, pension151_request_t const &request,
                                      bool skip_invalid = false);

/// A running pension payment (type, amount, start, change, end).
struct pension151_payment_t
{
    std::string pension_type;       ///< code, e.g. "01"
    std::string pension_type_label; ///< e.g. "Versichertenrente"
    std::string area_number;        ///< Bereichsnummer of the insurer, e.g. "26"
    std::string vsnr;
    std::string payment_ref; ///< VSNR + Bescheid-Nr + Zahlungsauftrags-Nr
    date_t valid_from{1970, 1, 1};
    std::optional<date_t> valid_to; ///< nullopt = open
    money_t monthly_amount;         ///< Zahlbetrag per month
    std::string change_reason;       ///< code
    std::string change_reason_label; ///< e.g. "Rentenanpassung"
};

/// A payee, authorised representative or other creditor (§ 151 Abs. 1 Nr. 10 SGB VI).
struct pension151_payee_t
{
    std::string role;       ///< code
    std::string role_label; ///< e.g. "Bevollmaechtigter"
    std::string name;
    std::string first_name;
    std::string postcode;
    std::string city;
    std::optional<date_t> since;
};

struct pension151_answer_t
{
    long record = 0;
    std::string reference;
    int status = 0; ///< FEKZ: 0 found, 1 error, 2 identification changed, 3 no payment known
    std::string status_label;
    std::string vsnr;
    std::optional<date_t> key_date;
    std::vector<pension151_payment_t> payments;
    std::vector<pension151_payee_t> payees;
    std::optional<date_t> death_date;
    std::vector<std::pair<int, int>> errors; ///< (field number, error number)
};

struct pension151_answer_file_t
{
    std::string file;
    std::string family;
    std::string sender;
    std::string receiver;
    date_t created{1970, 1, 1};
    long file_number = 0;
    std::vector<pension151_answer_t> answers;
    std::vector<rejected_record_t> rejected;
};

struct pension151_read_options_t
{
    std::string family = PENSION151_DEFAULT_FAMILY;
    std::string office_id; ///< required; a file or record for another office is rejected
    std::function<bool(std::string const &)> is_known_reference;
    bool accept_valid_records = false;
};

/// \throws input_error, config_error, error_t
pension151_answer_file_t read_pension151_answer(std::string const &path, pension151_read_options_t const &options);
pension151_answer_file_t parse_pension151_answer(std::string_view content, std::string const &file_name,
                                                 pension151_read_options_t const &options);

} // namespace sozbatch::exchange
