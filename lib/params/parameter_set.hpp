// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Legal parameters as dated data: the federal file plus one city overlay
/// (schemas/params.xsd, docs/calculation.md "Parameters").

#include "lib/core/date.hpp"
#include "lib/core/money.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::params {

/// Unit of a parameter value.
enum class unit_t : std::uint8_t { eur, ratio, count, months, days };
std::string_view unit_code(unit_t u) noexcept;

/// Research status of a value: verified, derived from verified values, unverified.
enum class status_t : std::uint8_t { verified, derived, unverified };
/// "V", "D", "U"
std::string_view status_code(status_t s) noexcept;

/// An exact fraction, e.g. 17/100 (percentages are never floating point).
struct ratio_t
{
    std::int64_t num = 0;
    std::int64_t den = 1;
    bool operator==(ratio_t const &) const = default;
    /// "17/100"
    std::string to_string() const;
};

/// One dated value of one parameter.
struct entry_t
{
    std::string key;
    unit_t unit = unit_t::eur;
    std::string norm;       ///< e.g. "§ 30 Abs. 1 SGB XII"
    std::string title;
    std::string scope;      ///< "federal" or "city"
    std::string set_name;   ///< name of the file's parameter set, e.g. "Kiel"
    date_t from;
    std::optional<date_t> to;
    std::int64_t number = 0; ///< cents (eur), numerator (ratio), or the integer (count, months, days)
    std::int64_t den = 1;    ///< denominator (ratio only)
    status_t status = status_t::verified;
    std::string enacted_by; ///< the act or notice that set the value
    std::string evidence;   ///< where it was read
    std::string note;
    bool day_granular = false;

    bool in_force(date_t d) const noexcept { return d >= from && (!to || d <= *to); }
    money_t money() const { return money_t::cents(number); }
    ratio_t ratio() const { return ratio_t{number, den}; }
    /// The value as in the file: "404.00", "17/100", "12".
    std::string value_text() const;
};

/// Where to read the parameter files from.
struct source_t
{
    std::string overlay = "kiel"; ///< city overlay name: file <overlay>.xml
    /// Empty: the files embedded in the binary. Otherwise a directory holding <overlay>.xml and,
    /// optionally, federal.xml (the embedded federal file is used when it is absent).
    std::filesystem::path directory;
};

/// The loaded, validated parameter set. Immutable after load; safe to share between threads.
class parameter_set_t
{
public:
    /// Loads federal + overlay as configured. \throws config_error naming the file and the problem
    static parameter_set_t load(source_t const &source = {});

    /// Loads from XML text (used by tests). \throws config_error
    static parameter_set_t from_xml(std::string_view federal_xml, std::string_view overlay_xml,
                                    std::string_view federal_name = "federal.xml",
                                    std::string_view overlay_name = "overlay.xml");

    /// The entry in force for \p key on \p d, or nullptr.
    entry_t const *find(std::string_view key, date_t d) const noexcept;
    /// The entry in force. \throws config_error "no value for 'key' in force on D (values: ...)"
    entry_t const &get(std::string_view key, date_t d) const;
    money_t money(std::string_view key, date_t d) const;
    ratio_t ratio(std::string_view key, date_t d) const;
    std::int64_t integer(std::string_view key, date_t d) const;

    /// All values of one key, oldest first (empty when the key is unknown).
    std::vector<entry_t const *> history(std::string_view key) const;
    bool has_key(std::string_view key) const noexcept;

    /// Keys of \p required without a value in force on every day of \p month (sorted).
    std::vector<std::string> missing_for(month_t month, std::vector<std::string_view> const &required) const;

    /// Every entry in force on \p d, sorted by key (for `sozbatch params show --date D`).
    std::vector<entry_t const *> list_in_force(date_t d) const;
    /// Every entry marked unverified, sorted by key and date (for `sozbatch params check`).
    std::vector<entry_t const *> list_unverified() const;
    /// All entries, sorted by key and date.
    std::vector<entry_t> const &entries() const noexcept { return m_entries; }

    std::string const &overlay_name() const noexcept { return m_overlay_name; }

private:
    std::vector<entry_t> m_entries; ///< sorted by (key, from)
    std::string m_overlay_name;
};

} // namespace sozbatch::params
