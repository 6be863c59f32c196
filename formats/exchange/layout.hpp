// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Declarative fixed-length record layouts (VOSZ, request, answer with numbered blocks,
/// NCSZ) read from `formats/exchange/layouts/<family>/*.layout`. No field position lives in C++:
/// the codec (codec.hpp) reads every offset, length, type and rule from these structures.
///
/// The syntax is documented in docs/formats/exchange-118.md. A layout that fails to load throws
/// config_error naming the layout file and line; nothing of it is used.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sozbatch::exchange {

/// Field types. Numeric types are right-aligned with leading zeros, AN left-aligned with blanks.
enum class field_type_t {
    alphanumeric, ///< AN: text in the layout's character set
    numeric,      ///< N: digits only
    date,         ///< DATE: TTMMJJJJ; 00000000 = empty
    period,       ///< PERIOD: TTMMJJJJTTMMJJJJ; end 99999999 = open; all zeros = empty
    amount,       ///< AMOUNT: euro amount with two implied decimals (5,2 -> 7 digits)
    amount_whole  ///< AMOUNT0: amount in whole currency units
};

/// The `req` column: M, m, K, k, -.
enum class presence_t {
    mandatory,    ///< M: must be filled
    conditional,  ///< m: mandatory under the condition of a required_if rule
    if_known,     ///< K: to be filled when known
    optional,     ///< k: may be filled
    not_by_sender ///< -: never filled by us (the receiver fills it)
};

/// One rule of a field (the `rules` column).
struct rule_t
{
    enum class kind_t {
        constant,      ///< const(X): value must be X; the encoder writes X
        default_value, ///< default(X): the encoder writes X when no value is given
        one_of,        ///< enum(a,b=label,...): code list
        range,         ///< range(lo,hi): numeric range
        vsnr,          ///< Versicherungsnummer: structure, Bereichsnummer, check digit (§ 2 VKVV)
        itvsnr,        ///< Interims-Versicherungsnummer: 71 + TTMMJJ + letter + 3 digits
        ags,           ///< Gemeinde-/Kreisschlüssel: 8 digits, not all zero
        required_if,   ///< required_if(F!=zero) / required_if(F=v): conditional mandatory
        absent_if,     ///< absent_if(F=v): the record ends before this field when true
        header_equal,  ///< header(F): equals field F of the Vorlaufsatz (file level)
        count,         ///< number of data records between Vorlauf- and Nachlaufsatz (file level)
        unique,        ///< unique within the file (file level)
        closed,        ///< a PERIOD without open end
        truncate,      ///< the encoder may cut a too long value instead of rejecting it
        abbreviate     ///< abbreviate(street): a too long value is shortened with the usual
                       ///< address abbreviations (Straße -> Str., ...) before it is rejected
    };
    kind_t kind = kind_t::constant;
    std::string field; ///< the other field of required_if/absent_if/header
    bool negated = false; ///< `!=` in a condition
    std::string value; ///< const/default value, condition value ("zero" = zeros or blank)
    std::vector<std::pair<std::string, std::string>> codes; ///< enum: code -> label (label may be empty)
    std::int64_t low = 0;
    std::int64_t high = 0;
};

/// One field of a record or block. Positions are 1-based and relative to the record or block.
struct field_spec_t
{
    std::string no;   ///< number in the official layout ("23", "28a")
    std::string id;   ///< stable identifier the domain code uses ("GBDT")
    std::string name; ///< human-readable name
    std::size_t from = 0;
    std::size_t length = 0;
    field_type_t type = field_type_t::alphanumeric;
    presence_t presence = presence_t::optional;
    std::vector<rule_t> rules;
    int line = 0; ///< line in the layout file

    rule_t const *find(rule_t::kind_t k) const;
    bool has(rule_t::kind_t k) const { return find(k) != nullptr; }
    /// The label of a code of an enum rule ("w" -> "female"); empty when none.
    std::string label_of(std::string_view code) const;
    /// The code for a label of an enum rule ("female" -> "w"), if the code list has it.
    std::optional<std::string> code_of(std::string_view label) const;
    bool numeric_type() const { return type != field_type_t::alphanumeric; }
};

/// A numbered answer block ("block 01 len=44 kind=... agency=...").
struct block_spec_t
{
    std::string key; ///< value of the block key field, e.g. "01"
    std::size_t length = 0;
    std::string title;
    std::map<std::string, std::string> attributes; ///< kind, agency, basis, ...
    std::vector<field_spec_t> fields;

    /// An attribute or "" when absent.
    std::string attribute(std::string const &name) const;
    field_spec_t const *field(std::string_view id) const;
};

/// One record type of a family.
struct record_layout_t
{
    std::string name;    ///< e.g. "sozhidav-2004/request"
    std::string origin;  ///< file it was read from
    std::string title;
    std::string version; ///< Versions-Nummer as carried in VOSZ/NCSZ
    std::string charset = "ISO-8859-1";
    bool upper_case = false; ///< `case upper`: the encoder upper-cases AN fields
    std::string key_field;   ///< field that identifies the record type (usually KE)
    std::string status;
    std::string source;
    std::size_t fixed_length = 0; ///< length of the fixed part (all fields)
    bool variable = false;        ///< `length N+`: blocks may follow
    std::vector<field_spec_t> fields;
    // blocks (only when variable)
    std::string count_field;
    std::string block_key_field;
    std::size_t block_key_length = 0;
    std::size_t max_blocks = 99;
    std::vector<block_spec_t> blocks;

    field_spec_t const *field(std::string_view id) const;
    block_spec_t const *block(std::string_view key) const;
};

/// Parses one layout file. \param origin names the file in error messages.
/// \throws config_error with origin and line for any malformed line, overlap, gap or length error.
record_layout_t parse_layout(std::string_view text, std::string const &origin);

/// A versioned family: Vorlaufsatz, request, answer, Nachlaufsatz and the file conventions.
struct layout_family_t
{
    std::string name;      ///< directory name, e.g. "sozhidav-2004"
    std::string procedure; ///< "match118" or "pension151"
    std::string status;    ///< "official-legacy", "official", "provisional"
    std::string source;
    std::string newline = "\n";
    std::string request_vfmm; ///< Verfahrensmerkmal in VOSZ/NCSZ of a request file
    std::string answer_vfmm;  ///< ... of an answer file
    std::string vernr;        ///< Versions-Nummer in VOSZ/NCSZ
    record_layout_t header;
    record_layout_t trailer;
    record_layout_t request;
    record_layout_t answer;
};

/// Parses a family from its `family.layout` text; \p read_file returns the text of a sibling
/// layout file by its name. \throws config_error
layout_family_t parse_family(std::string_view family_text, std::string const &origin,
                             std::function<std::string(std::string const &)> const &read_file);

/// The family compiled into the binary (formats/exchange/layouts/<name>/), loaded once and
/// cached; the reference stays valid for the life of the program. \throws config_error
layout_family_t const &family(std::string const &name);

/// Loads a family from a directory on disk (a drop-in layout before it is compiled in).
/// \throws config_error
layout_family_t load_family_from_directory(std::string const &directory);

/// Names of the families compiled into the binary.
std::vector<std::string> embedded_families();

} // namespace sozbatch::exchange
