// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The case data model in memory: what the case-import XML carries, what the data layer
/// stores (versioned) and what the calculation reads. See docs/data-model.md.
///
/// References between records use the external ids of the case-management system (`ext_id`),
/// unique per tenant; the data layer maps them to its own keys.

#include "lib/core/clock.hpp"
#include "lib/core/date.hpp"
#include "lib/core/money.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::domain {

/// The legal basis a case is paid under. Codes in files and the database: see law_code().
enum class law_t {
    sgb12_kap3, ///< SGB XII 3. Kapitel, Hilfe zum Lebensunterhalt ("SGB12-3")
    sgb12_kap4, ///< SGB XII 4. Kapitel, Grundsicherung im Alter und bei Erwerbsminderung ("SGB12-4")
    asylblg_3,  ///< AsylbLG § 3 Grundleistungen ("AsylbLG-3")
    asylblg_2,  ///< AsylbLG § 2 Analogleistungen ("AsylbLG-2")
    bvg_kof     ///< BVG Kriegsopferfürsorge, § 27a BVG ("BVG-KOF")
};
std::string_view law_code(law_t l) noexcept;
/// \throws validation_error for an unknown code
law_t parse_law(std::string_view code);
inline constexpr law_t all_laws[] = {law_t::sgb12_kap3, law_t::sgb12_kap4, law_t::asylblg_3, law_t::asylblg_2,
                                     law_t::bvg_kof};

enum class sex_t { male, female, diverse, unknown }; ///< codes m, w, d, x
std::string_view sex_code(sex_t s) noexcept;
sex_t parse_sex(std::string_view code);

/// Wohnform (Anlage zu § 28 SGB XII; AsylbLG § 3 Abs. 2 for shared accommodation).
enum class dwelling_t { wohnung, gemeinschaftsunterkunft, einrichtung, besondere_wohnform };
std::string_view dwelling_code(dwelling_t d) noexcept;
dwelling_t parse_dwelling(std::string_view code);

/// Role of a member in the Einsatzgemeinschaft.
enum class member_role_t { applicant, partner, child, other };
std::string_view member_role_code(member_role_t r) noexcept;
member_role_t parse_member_role(std::string_view code);

enum class approval_state_t { approved, pending, revoked };
std::string_view approval_state_code(approval_state_t s) noexcept;
approval_state_t parse_approval_state(std::string_view code);

enum class payee_kind_t { person, landlord, energy_provider, card_provider, institution, other };
std::string_view payee_kind_code(payee_kind_t k) noexcept;
payee_kind_t parse_payee_kind(std::string_view code);

/// What a payment assignment directs to a payee.
enum class assignment_purpose_t { benefit, rent, energy };
std::string_view assignment_purpose_code(assignment_purpose_t p) noexcept;
assignment_purpose_t parse_assignment_purpose(std::string_view code);

struct address_t
{
    std::string street;
    std::string house_no;
    std::string postcode;
    std::string city;
    std::string country = "DE"; ///< ISO 3166-1 alpha-2
    std::string extra;          ///< c/o, Wohnheim, ...
    bool deliverable() const { return !street.empty() && !postcode.empty() && !city.empty(); }
};

struct person_t
{
    std::string ext_id;
    std::string family_name;
    std::string birth_name;
    std::string first_names;
    std::optional<date_t> birth_date;
    std::string birth_place;
    sex_t sex = sex_t::unknown;
    std::string nationality; ///< 3-digit Destatis key, "000" = deutsch
    std::string vsnr;        ///< Versicherungsnummer, validated when present
    std::string steuer_id;   ///< validated when present
    address_t address;
    std::optional<date_t> deceased_on;
};

struct member_t
{
    std::string person_id; ///< person ext_id
    member_role_t role = member_role_t::applicant;
    period_t validity;
    /// AsylbLG: start of the uninterrupted stay in Germany (for § 2 Abs. 1, 36/18 months).
    std::optional<date_t> stay_since;
};

struct approval_t
{
    std::string ext_id;
    period_t period;
    std::string approved_by;
    std::optional<timestamp_t> approved_at;
    approval_state_t state = approval_state_t::approved;
};

/// A need or a fact that creates one (Mehrbedarf, Merkzeichen, pregnancy, Mittagsverpflegung ...).
/// `kind` is one of the codes documented in docs/formats/case-import.md.
struct need_t
{
    std::string person_id; ///< empty: the whole case
    std::string kind;
    std::optional<money_t> amount;
    std::optional<int> quantity; ///< e.g. lunches per month, percent for kostenaufwendige Ernährung
    period_t validity;
    std::string note;
};

struct income_t
{
    std::string person_id;
    std::string kind; ///< earnings, pension, kindergeld, ... (docs/formats/case-import.md)
    money_t gross;
    money_t taxes;
    money_t social_insurance;
    money_t insurance_premiums;
    money_t work_expenses;
    period_t validity;
    std::optional<int> spread_months;      ///< one-off income spread over months (§ 82 Abs. 7)
    bool grundrentenzeiten_33_years = false; ///< § 82a SGB XII
    std::string note;
};

struct housing_t
{
    dwelling_t dwelling = dwelling_t::wohnung;
    money_t basic_rent;      ///< Grundmiete (Kaltmiete)
    money_t service_charges; ///< Nebenkosten
    money_t heating;         ///< Heizkosten
    bool decentral_hot_water = false;
    int persons_in_dwelling = 1; ///< all persons living there (for the rent limit and shares)
    period_t validity;
};

struct asset_t
{
    std::string person_id;
    std::string kind;
    money_t value;
    bool protected_asset = false;
    period_t validity;
};

struct assignment_t
{
    std::string payee_id;
    assignment_purpose_t purpose = assignment_purpose_t::benefit;
    std::optional<money_t> amount; ///< empty: the whole component
    period_t validity;
};

struct claim_t
{
    std::string ext_id;
    std::string kind; ///< overpayment, loan, ...
    money_t amount;
    date_t established_on;
    std::string legal_basis;
};

struct offset_t
{
    std::string claim_id;
    money_t monthly;
    period_t validity;
    std::string legal_basis; ///< e.g. "§ 26 Abs. 2 SGB XII"
};

struct payee_t
{
    std::string ext_id;
    payee_kind_t kind = payee_kind_t::person;
    std::string name;
    std::string iban; ///< validated when present; empty = no account (cash)
    std::string bic;
    std::string card_ref; ///< AsylbLG Bezahlkarte reference
    address_t address;
    std::string person_id; ///< when the payee is a person of a case
};

struct case_t
{
    std::string file_ref; ///< Aktenzeichen
    law_t law = law_t::sgb12_kap3;
    std::string work_group;
    bool closed = false;
    date_t established_on{1970, 1, 1};
    std::optional<date_t> closed_on;
    std::vector<member_t> members;
    std::vector<approval_t> approvals;
    std::vector<need_t> needs;
    std::vector<income_t> incomes;
    std::vector<housing_t> housing;
    std::vector<asset_t> assets;
    std::vector<assignment_t> assignments;
    std::vector<claim_t> claims;
    std::vector<offset_t> offsets;
};

/// One case-import file.
struct case_bundle_t
{
    std::string tenant;      ///< tenant code
    std::string tenant_name;
    std::string source;      ///< the sending system
    std::optional<timestamp_t> created;
    std::vector<std::string> work_groups; ///< codes declared in the file
    std::vector<std::pair<std::string, std::string>> work_group_names; ///< code, name
    std::vector<person_t> persons;
    std::vector<payee_t> payees;
    std::vector<case_t> cases;

    person_t const *find_person(std::string_view ext_id) const;
    payee_t const *find_payee(std::string_view ext_id) const;
};

} // namespace sozbatch::domain
