// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Validated identifiers: IBAN, BIC, Versicherungsnummer, Steuer-ID, Aktenzeichen.
///
/// Each type can only hold a valid value: `parse` normalises (strips blanks, upper-cases) and
/// throws validation_error with the reason; `check` returns the reason instead (empty = valid),
/// for validators that collect findings (LevelDB Status style).

#include <string>
#include <string_view>

namespace sozbatch {

/// International Bank Account Number (ISO 13616): country length and mod-97 check.
class iban_t
{
public:
    static iban_t parse(std::string_view text);
    static std::string check(std::string_view text);
    std::string const &str() const noexcept { return m_value; }
    std::string country() const { return m_value.substr(0, 2); }
    /// True for countries of the SEPA area (used to decide whether a BIC is needed).
    bool is_sepa() const;
    bool operator==(iban_t const &) const = default;

private:
    explicit iban_t(std::string v) : m_value(std::move(v)) {}
    std::string m_value;
};

/// Business Identifier Code (ISO 9362): 8 or 11 characters.
class bic_t
{
public:
    static bic_t parse(std::string_view text);
    static std::string check(std::string_view text);
    std::string const &str() const noexcept { return m_value; }
    bool operator==(bic_t const &) const = default;

private:
    explicit bic_t(std::string v) : m_value(std::move(v)) {}
    std::string m_value;
};

/// Rentenversicherungsnummer (§ 147 SGB VI, § 2 VKVV): 12 characters, check digit per § 2 Abs. 6
/// VKVV. Day/month "00" is accepted (unproven birth date), structure and check digit are hard.
class vsnr_t
{
public:
    static vsnr_t parse(std::string_view text);
    static std::string check(std::string_view text);
    /// The check digit for the first 11 characters (digits 1-8, letter, 2-digit serial).
    static int check_digit(std::string_view first11);
    std::string const &str() const noexcept { return m_value; }
    bool operator==(vsnr_t const &) const = default;

private:
    explicit vsnr_t(std::string v) : m_value(std::move(v)) {}
    std::string m_value;
};

/// Steuerliche Identifikationsnummer (§ 139b AO): 11 digits, ISO 7064 MOD 11,10 check digit.
class steuer_id_t
{
public:
    static steuer_id_t parse(std::string_view text);
    static std::string check(std::string_view text);
    static int check_digit(std::string_view first10);
    std::string const &str() const noexcept { return m_value; }
    bool operator==(steuer_id_t const &) const = default;

private:
    explicit steuer_id_t(std::string v) : m_value(std::move(v)) {}
    std::string m_value;
};

/// Aktenzeichen (file reference) of a case: 1-30 characters of A-Z a-z 0-9 . / - and blank,
/// starting with a letter or digit.
class file_ref_t
{
public:
    static file_ref_t parse(std::string_view text);
    static std::string check(std::string_view text);
    std::string const &str() const noexcept { return m_value; }
    bool operator==(file_ref_t const &) const = default;

private:
    explicit file_ref_t(std::string v) : m_value(std::move(v)) {}
    std::string m_value;
};

/// Removes blanks and upper-cases ASCII letters ("de44 5001..." -> "DE445001...").
std::string normalise_identifier(std::string_view text);

} // namespace sozbatch
