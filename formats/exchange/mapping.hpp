// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Internal helpers shared by the § 118 and § 151 mappers (not part of the public API).

#include "formats/exchange/codec.hpp"
#include "formats/exchange/match118.hpp"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::exchange {

/// Initial letter for an Interims-/Versicherungsnummer: first letter of the name, umlauts and
/// accented letters resolved (Ü -> U, É -> E), upper case. \throws validation_error
char initial_letter(std::string_view name);

/// "TTMMJJ"
std::string date_digits_ddmmyy(date_t d);

std::string trim_blanks(std::string_view s);

/// Checks the Erkennungszeichen of request record \p number: non-personal and able to survive
/// upper-casing and transliteration (1-52 characters of A-Z 0-9 - / . _), and given by no earlier
/// record of the file (\p seen, which it joins). \throws input_error naming the file, the
/// record and the field ZE
void check_record_reference(std::string const &ref, std::set<std::string> &seen, std::string const &file_name,
                            long number);

/// Puts the Vorlaufsatz fields a request record repeats (rule header(F) for ADNR, EPNR, ED) into
/// \p v, so that the record can be validated on its own.
void repeat_header_fields(record_layout_t const &layout, field_values_t &v, std::string const &office_id,
                          std::string const &receiver_id, date_t created);

/// Block kind -> field ids the mapper reads.
using kind_table_t = std::map<std::string, std::vector<std::string>>;

/// Checks once per family that every answer block has a kind the mapper knows and the field ids
/// the mapper reads, and that the answer record has the ids the mapper reads.
/// \throws config_error
void check_answer_mapping(layout_family_t const &family);

/// Rejects a file whose Vorlaufsatz is addressed to another office (before anything else is
/// looked at). \throws input_error
void check_addressee(layout_family_t const &family, std::string_view content, std::string const &file_name,
                     std::string const &office_id);

struct answer_common_t
{
    std::string reference;
    int error_flag = 0;
    std::string error_flag_label;
};

/// Checks EPNR/GEMSC = our office, the reference is known, and FEKZ/ANZFE agree with the error
/// blocks. \throws input_error
answer_common_t map_answer_common(decoded_record_t const &rec, std::string const &office_id,
                                  std::function<bool(std::string const &)> const &is_known_reference,
                                  std::string const &file_name);

/// One block as a § 118 hit (nullopt for a BA block "keine Zeiten").
std::optional<match118_hit_t> map_block(decoded_block_t const &block);

} // namespace sozbatch::exchange
