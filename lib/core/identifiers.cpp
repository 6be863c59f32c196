// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/core/identifiers.hpp"

#include "lib/core/error.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <map>
#include <set>

namespace sozbatch {

namespace {

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// IBAN lengths by country (SWIFT IBAN registry), the SEPA area and a few others.
std::map<std::string, std::size_t, std::less<>> const &iban_lengths()
{
    static std::map<std::string, std::size_t, std::less<>> const m{
        {"AD", 24}, {"AT", 20}, {"BE", 16}, {"BG", 22}, {"CH", 21}, {"CY", 28}, {"CZ", 24}, {"DE", 22},
        {"DK", 18}, {"EE", 20}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GI", 23},
        {"GL", 18}, {"GR", 27}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IS", 26}, {"IT", 27}, {"LI", 21},
        {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MT", 31}, {"NL", 18}, {"NO", 15}, {"PL", 28},
        {"PT", 25}, {"RO", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"VA", 22}, {"AL", 28},
        {"BA", 20}, {"ME", 22}, {"MK", 19}, {"RS", 22}, {"TR", 26}, {"UA", 29}, {"MD", 24}, {"GE", 22},
        {"XK", 20}, {"SA", 24}, {"AE", 23}, {"IL", 23}, {"JO", 30}, {"LB", 28}, {"TN", 24}, {"EG", 29},
    };
    return m;
}

std::set<std::string> const &sepa_countries()
{
    static std::set<std::string> const s{"AD", "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI",
                                         "FR", "GB", "GI", "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU",
                                         "LV", "MC", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK", "SM",
                                         "VA", "AL", "MD", "ME", "MK", "RS"};
    return s;
}

/// Normalises \p text once, checks the normalised value (\p check normalises too, which leaves a
/// normalised value as it is) and makes the type of it.
template <typename T>
T parse_with(std::string_view text, char const *what, std::string (*check)(std::string_view),
             T (*make)(std::string))
{
    std::string v = normalise_identifier(text);
    std::string const why = check(v);
    if (!why.empty()) {
        throw validation_error{std::string{what} + " '" + std::string{text} + "' is invalid: " + why};
    }
    return make(std::move(v));
}

} // namespace

std::string normalise_identifier(std::string_view text)
{
    // the usual case, already upper case without blanks: one copy
    if (std::none_of(text.begin(), text.end(), [](char c) { return c == ' ' || (c >= 'a' && c <= 'z'); })) {
        return std::string{text};
    }
    std::string out;
    out.reserve(text.size());
    for (char const c : text) {
        if (c == ' ') {
            continue;
        }
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

// --- IBAN ---------------------------------------------------------------------------------------

namespace {

/// The IBAN length of each country code (index (c0 - 'A') * 26 + c1 - 'A'; 0: unknown), from
/// iban_lengths(), so that an IBAN's country is looked up without a string comparison.
std::array<std::uint8_t, 26 * 26> const &iban_length_table()
{
    static auto const t = [] {
        std::array<std::uint8_t, 26 * 26> a{};
        for (auto const &[cc, n] : iban_lengths()) {
            a[static_cast<std::size_t>(cc[0] - 'A') * 26 + static_cast<std::size_t>(cc[1] - 'A')] =
                static_cast<std::uint8_t>(n);
        }
        return a;
    }();
    return t;
}

/// iban_t::check of a value already normalised (normalise_identifier).
std::string check_normalised_iban(std::string_view v)
{
    if (v.size() < 5) {
        return "too short";
    }
    if (!is_upper(v[0]) || !is_upper(v[1]) || !is_digit(v[2]) || !is_digit(v[3])) {
        return "must start with a country code and two check digits";
    }
    std::size_t const length =
        iban_length_table()[static_cast<std::size_t>(v[0] - 'A') * 26 + static_cast<std::size_t>(v[1] - 'A')];
    if (length == 0) {
        return "unknown country code " + std::string{v.substr(0, 2)};
    }
    if (v.size() != length) {
        return "length " + std::to_string(v.size()) + ", " + std::string{v.substr(0, 2)} + " needs " +
               std::to_string(length);
    }
    // mod 97 of the number formed by moving the first four characters to the end (a letter is two
    // digits, A = 10): the sum of each character's value times 10^(digits after it) mod 97, from
    // the last character on — independent products instead of a chain of multiplications
    static constexpr auto pow10_mod97 = [] {
        std::array<std::uint32_t, 2 * 34> p{};
        std::uint32_t x = 1;
        for (auto &e : p) {
            e = x;
            x = x * 10 % 97;
        }
        return p;
    }();
    if (v.size() > 34) {
        return "longer than 34 characters"; // no country's length is (ISO 13616)
    }
    std::uint32_t sum = 0; // at most 34 * 35 * 96
    std::size_t digits = 0;
    for (std::size_t k = v.size(); k-- > 0;) {
        char const c = v[k + 4 < v.size() ? k + 4 : k + 4 - v.size()];
        if (is_digit(c)) {
            sum += static_cast<std::uint32_t>(c - '0') * pow10_mod97[digits];
            digits += 1;
        } else if (is_upper(c)) {
            sum += static_cast<std::uint32_t>(c - 'A' + 10) * pow10_mod97[digits];
            digits += 2;
        } else {
            return "contains a character other than A-Z and 0-9";
        }
    }
    if (sum % 97 != 1) {
        return "check digits wrong (mod 97)";
    }
    return {};
}

} // namespace

std::string iban_t::check(std::string_view text) { return check_normalised_iban(normalise_identifier(text)); }

iban_t iban_t::parse(std::string_view text)
{
    return parse_with<iban_t>(text, "IBAN", &check_normalised_iban, [](std::string v) { return iban_t{std::move(v)}; });
}

bool iban_t::is_sepa() const { return sepa_countries().contains(country()); }

// --- BIC ----------------------------------------------------------------------------------------

std::string bic_t::check(std::string_view text)
{
    std::string const v = normalise_identifier(text);
    if (v.size() != 8 && v.size() != 11) {
        return "must have 8 or 11 characters";
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
        char const c = v[i];
        bool const ok = i < 6 ? is_upper(c) : (is_upper(c) || is_digit(c));
        if (!ok) {
            return "wrong character at position " + std::to_string(i + 1);
        }
    }
    return {};
}

bic_t bic_t::parse(std::string_view text)
{
    return parse_with<bic_t>(text, "BIC", &bic_t::check, [](std::string v) { return bic_t{std::move(v)}; });
}

// --- Versicherungsnummer ------------------------------------------------------------------------

int vsnr_t::check_digit(std::string_view first11)
{
    // § 2 Abs. 6 VKVV: letter -> two-digit alphabet position, weights 2 1 2 5 7 1 2 1 2 1 2 1,
    // add the digit sums of the products, check digit = sum mod 10.
    std::array<int, 12> d{};
    std::size_t k = 0;
    for (std::size_t i = 0; i < 11; ++i) {
        char const c = first11[i];
        if (i == 8) {
            int const pos = c - 'A' + 1;
            d[k++] = pos / 10;
            d[k++] = pos % 10;
        } else {
            d[k++] = c - '0';
        }
    }
    static constexpr std::array<int, 12> weights{2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1};
    int sum = 0;
    for (std::size_t i = 0; i < 12; ++i) {
        int const p = d[i] * weights[i];
        sum += p / 10 + p % 10;
    }
    return sum % 10;
}

std::string vsnr_t::check(std::string_view text)
{
    std::string const v = normalise_identifier(text);
    if (v.size() != 12) {
        return "must have 12 characters";
    }
    for (std::size_t i = 0; i < 12; ++i) {
        bool const ok = i == 8 ? is_upper(v[i]) : is_digit(v[i]);
        if (!ok) {
            return i == 8 ? "position 9 must be a letter" : "position " + std::to_string(i + 1) + " must be a digit";
        }
    }
    if (v.starts_with("71")) {
        return "71 marks an Interims-Versicherungsnummer, which has no check digit";
    }
    int const month = (v[4] - '0') * 10 + (v[5] - '0');
    int const day = (v[2] - '0') * 10 + (v[3] - '0');
    // Day may carry +50 for a second number issued on the same data; 00 is allowed (unproven date).
    if (month > 12 || (day > 31 && day < 50) || day > 81) {
        return "birth date part is not a date";
    }
    if (check_digit(v) != v[11] - '0') {
        return "check digit wrong (§ 2 Abs. 6 VKVV)";
    }
    return {};
}

vsnr_t vsnr_t::parse(std::string_view text)
{
    return parse_with<vsnr_t>(text, "Versicherungsnummer", &vsnr_t::check,
                              [](std::string v) { return vsnr_t{std::move(v)}; });
}

// --- Steuer-ID ----------------------------------------------------------------------------------

int steuer_id_t::check_digit(std::string_view first10)
{
    // ISO/IEC 7064, MOD 11,10
    int product = 10;
    for (std::size_t i = 0; i < 10; ++i) {
        int sum = (first10[i] - '0' + product) % 10;
        if (sum == 0) {
            sum = 10;
        }
        product = (sum * 2) % 11;
    }
    int const check = 11 - product;
    return check == 10 ? 0 : check;
}

std::string steuer_id_t::check(std::string_view text)
{
    std::string const v = normalise_identifier(text);
    if (v.size() != 11) {
        return "must have 11 digits";
    }
    for (char const c : v) {
        if (!is_digit(c)) {
            return "must consist of digits only";
        }
    }
    if (v[0] == '0') {
        return "must not start with 0";
    }
    // In the first ten digits exactly one digit occurs twice or three times, all others at most once.
    std::array<int, 10> count{};
    for (std::size_t i = 0; i < 10; ++i) {
        ++count[static_cast<std::size_t>(v[i] - '0')];
    }
    int repeated = 0;
    for (int const n : count) {
        if (n > 3) {
            return "a digit occurs more than three times";
        }
        if (n >= 2) {
            ++repeated;
        }
    }
    if (repeated != 1) {
        return "exactly one digit must repeat in the first ten digits";
    }
    for (std::size_t i = 0; i + 2 < 10; ++i) {
        if (v[i] == v[i + 1] && v[i] == v[i + 2]) {
            return "three equal digits in a row";
        }
    }
    if (check_digit(v) != v[10] - '0') {
        return "check digit wrong (ISO 7064 MOD 11,10)";
    }
    return {};
}

steuer_id_t steuer_id_t::parse(std::string_view text)
{
    return parse_with<steuer_id_t>(text, "Steuer-ID", &steuer_id_t::check,
                                   [](std::string v) { return steuer_id_t{std::move(v)}; });
}

// --- Aktenzeichen -------------------------------------------------------------------------------

std::string file_ref_t::check(std::string_view text)
{
    if (text.empty() || text.size() > 30) {
        return "must have 1 to 30 characters";
    }
    if (!std::isalnum(static_cast<unsigned char>(text.front()))) {
        return "must start with a letter or digit";
    }
    for (char const c : text) {
        bool const ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/' || c == '-' || c == ' ';
        if (!ok) {
            return "only letters, digits, '.', '/', '-' and blank are allowed";
        }
    }
    return {};
}

file_ref_t file_ref_t::parse(std::string_view text)
{
    std::string const why = check(text);
    if (!why.empty()) {
        throw validation_error{"Aktenzeichen '" + std::string{text} + "' is invalid: " + why};
    }
    return file_ref_t{std::string{text}};
}

} // namespace sozbatch
