// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The one generic fixed-length codec: encodes records from field-id -> value maps and
/// decodes records and whole files (Vorlaufsatz, data records, Nachlaufsatz) with validation,
/// driven only by the layouts of layout.hpp.
///
/// Values inside the program are UTF-8; on the wire every character is one ISO-8859-1 byte.
/// Every problem in a record is an input_error naming file, record number (= line), field id
/// (block fields as "<block>.<id>", e.g. "01.RTBT") and reason.

#include "formats/exchange/layout.hpp"
#include "lib/core/date.hpp"
#include "lib/core/error.hpp"
#include "lib/core/money.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sozbatch::exchange {

/// A value to encode. The codec formats it according to the field type: a string is taken as
/// text (AN) or digits (N, or already formatted TTMMJJJJ), a date/period/amount is formatted.
using value_t = std::variant<std::string, date_t, period_t, money_t, std::int64_t>;
using field_values_t = std::map<std::string, value_t>;

struct block_values_t
{
    std::string key; ///< block number, e.g. "01"
    field_values_t fields;
};

struct record_values_t
{
    field_values_t fields;
    std::vector<block_values_t> blocks; ///< the count field is set by the encoder
};

/// Where a record is, for error messages.
struct record_context_t
{
    std::string file;
    long number = 0; ///< record number in the file, 1 = Vorlaufsatz (= line number)
};

/// Decoded values of one record or block: field id -> value (AN: UTF-8, trailing blanks removed;
/// numeric types: the digits as on the wire).
class decoded_fields_t
{
public:
    decoded_fields_t() = default;
    explicit decoded_fields_t(std::vector<field_spec_t> const *specs) : m_specs(specs) {}

    void set(std::string id, std::string value) { m_values[std::move(id)] = std::move(value); }
    /// True when the layout has the field and the record carried it.
    bool has(std::string_view id) const { return m_values.find(std::string{id}) != m_values.end(); }
    /// The value; "" when the record does not carry the field.
    std::string text(std::string_view id) const;
    /// DATE: nullopt for 00000000. PERIOD fields are read with period().
    std::optional<date_t> date(std::string_view id) const;
    /// PERIOD: nullopt when all zeros; an end of 99999999 is an open end.
    std::optional<period_t> period(std::string_view id) const;
    /// AMOUNT / AMOUNT0 in cents.
    std::optional<money_t> amount(std::string_view id) const;
    /// N as a number (0 when absent).
    std::int64_t number(std::string_view id) const;
    /// The label of the code in an enum rule ("" if none).
    std::string label(std::string_view id) const;
    /// All fields in layout order as (id, value).
    std::vector<std::pair<std::string, std::string>> items() const;
    /// True when the value is empty, blank or only zeros.
    bool is_zero(std::string_view id) const;

private:
    field_spec_t const *spec(std::string_view id) const;
    std::vector<field_spec_t> const *m_specs = nullptr;
    std::map<std::string, std::string> m_values;
};

struct decoded_block_t
{
    std::string key;
    block_spec_t const *spec = nullptr;
    decoded_fields_t fields;
};

/// A decoded record. It points into its layout: keep the family alive while using it (the
/// families from exchange::family() live as long as the program).
struct decoded_record_t
{
    record_layout_t const *layout = nullptr;
    long number = 0;
    decoded_fields_t fields;
    std::vector<decoded_block_t> blocks;
};

/// Converts UTF-8 text to ISO-8859-1 bytes: transliterates common characters outside Latin-1
/// ("Ł" -> "L", "–" -> "-"), upper-cases when \p upper (ß -> SS). \returns nullopt and sets
/// \p bad to the offending character when a character cannot be represented (e.g. "€").
std::optional<std::string> to_wire_text(std::string_view utf8, bool upper, std::string &bad);
/// ISO-8859-1 bytes -> UTF-8.
std::string from_wire_text(std::string_view latin1);
/// The usual German address abbreviations for a street that does not fit its field (rule
/// `abbreviate(street)`): "Straße"/"Strasse" -> "Str.", "straße" -> "str." (also inside a word,
/// "Hauptstraße" -> "Hauptstr."), "Platz" -> "Pl.", "Doktor" -> "Dr.", "Sankt " -> "St. ",
/// "Professor" -> "Prof."; runs of blanks become one. Deterministic; UTF-8 in and out.
std::string abbreviate_street(std::string_view utf8);

/// Encodes one record (no line terminator). Applies const/default rules, pads, transliterates,
/// checks lengths, mandatory fields and record-level rules; sets the block count field.
/// \throws input_error (location: \p where, field id, reason)
std::string encode_record(record_layout_t const &layout, record_values_t const &values,
                          record_context_t const &where);

/// Decodes one record (ISO-8859-1 bytes, no line terminator) with all record-level checks:
/// length, record type, character set, types, dates, mandatory and conditional fields, code
/// lists, check digits, block types and block count. \throws input_error
decoded_record_t decode_record(record_layout_t const &layout, std::string_view bytes,
                               record_context_t const &where);

/// Which record of the family the data records of a file are.
enum class direction_t { request, answer };

struct read_options_t
{
    /// false (default): all or nothing, the first bad record throws. true: bad data records are
    /// returned in `rejected`, the valid ones in `records`. File-level errors (Vorlaufsatz,
    /// Nachlaufsatz, counts, another office) always throw.
    bool accept_valid_records = false;
};

/// A data record that failed validation.
struct rejected_record_t
{
    input_location_t where;
    std::string reason;
    std::string message() const { return where.to_string() + ": " + reason; }
};

struct exchange_file_t
{
    std::string file;
    decoded_record_t header;
    decoded_record_t trailer;
    std::vector<decoded_record_t> records;
    std::vector<rejected_record_t> rejected;
};

/// Splits \p content into records (LF or CRLF framing), decodes Vorlaufsatz, data records and
/// Nachlaufsatz and checks the file-level rules (Verfahrensmerkmal, header(...) equalities,
/// count, unique). \throws input_error
exchange_file_t read_exchange_file(layout_family_t const &family, direction_t direction,
                                   std::string_view content, std::string const &file_name,
                                   read_options_t const &options = {});

/// The identification of a file (the Vorlaufsatz fields other than the constants).
struct file_header_t
{
    std::string sender;      ///< ADNR
    std::string receiver;    ///< EPNR
    date_t created{1970, 1, 1}; ///< ED
    long file_number = 1;    ///< DTNR
    std::string sender_name; ///< ADR (truncated to the field)
};

/// Encodes a complete file: Vorlaufsatz, \p records, Nachlaufsatz (count filled in), each record
/// followed by the family's line terminator. Data records get ADNR/EPNR/ED from the header when
/// the layout has header(...) rules and the caller did not set them. \throws input_error
std::string encode_exchange_file(layout_family_t const &family, direction_t direction,
                                 file_header_t const &header, std::vector<record_values_t> const &records,
                                 std::string const &file_name);

} // namespace sozbatch::exchange
