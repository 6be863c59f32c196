// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/domain/case_model.hpp"

#include "lib/core/error.hpp"

#include <array>
#include <utility>

namespace sozbatch::domain {

namespace {

template <typename E, std::size_t N>
std::string_view code_of(std::array<std::pair<E, std::string_view>, N> const &table, E value) noexcept
{
    for (auto const &[e, c] : table) {
        if (e == value) {
            return c;
        }
    }
    return "?";
}

template <typename E, std::size_t N>
E parse_code(std::array<std::pair<E, std::string_view>, N> const &table, std::string_view code, char const *what)
{
    for (auto const &[e, c] : table) {
        if (c == code) {
            return e;
        }
    }
    std::string allowed;
    for (auto const &[e, c] : table) {
        allowed += (allowed.empty() ? "" : ", ") + std::string{c};
    }
    throw validation_error{"unknown " + std::string{what} + " '" + std::string{code} + "' (allowed: " + allowed + ")"};
}

constexpr std::array<std::pair<law_t, std::string_view>, 5> LAWS{{{law_t::sgb12_kap3, "SGB12-3"},
                                                                  {law_t::sgb12_kap4, "SGB12-4"},
                                                                  {law_t::asylblg_3, "AsylbLG-3"},
                                                                  {law_t::asylblg_2, "AsylbLG-2"},
                                                                  {law_t::bvg_kof, "BVG-KOF"}}};
constexpr std::array<std::pair<sex_t, std::string_view>, 4> SEXES{
    {{sex_t::male, "m"}, {sex_t::female, "w"}, {sex_t::diverse, "d"}, {sex_t::unknown, "x"}}};
constexpr std::array<std::pair<dwelling_t, std::string_view>, 4> DWELLINGS{
    {{dwelling_t::wohnung, "wohnung"},
     {dwelling_t::gemeinschaftsunterkunft, "gemeinschaftsunterkunft"},
     {dwelling_t::einrichtung, "einrichtung"},
     {dwelling_t::besondere_wohnform, "besondere-wohnform"}}};
constexpr std::array<std::pair<member_role_t, std::string_view>, 4> ROLES{{{member_role_t::applicant, "applicant"},
                                                                           {member_role_t::partner, "partner"},
                                                                           {member_role_t::child, "child"},
                                                                           {member_role_t::other, "other"}}};
constexpr std::array<std::pair<approval_state_t, std::string_view>, 3> APPROVAL_STATES{
    {{approval_state_t::approved, "approved"},
     {approval_state_t::pending, "pending"},
     {approval_state_t::revoked, "revoked"}}};
constexpr std::array<std::pair<payee_kind_t, std::string_view>, 6> PAYEE_KINDS{
    {{payee_kind_t::person, "person"},
     {payee_kind_t::landlord, "landlord"},
     {payee_kind_t::energy_provider, "energy-provider"},
     {payee_kind_t::card_provider, "card-provider"},
     {payee_kind_t::institution, "institution"},
     {payee_kind_t::other, "other"}}};
constexpr std::array<std::pair<assignment_purpose_t, std::string_view>, 3> PURPOSES{
    {{assignment_purpose_t::benefit, "benefit"},
     {assignment_purpose_t::rent, "rent"},
     {assignment_purpose_t::energy, "energy"}}};

} // namespace

std::string_view law_code(law_t l) noexcept { return code_of(LAWS, l); }
law_t parse_law(std::string_view code) { return parse_code(LAWS, code, "law"); }
std::string_view sex_code(sex_t s) noexcept { return code_of(SEXES, s); }
sex_t parse_sex(std::string_view code) { return parse_code(SEXES, code, "sex"); }
std::string_view dwelling_code(dwelling_t d) noexcept { return code_of(DWELLINGS, d); }
dwelling_t parse_dwelling(std::string_view code) { return parse_code(DWELLINGS, code, "Wohnform"); }
std::string_view member_role_code(member_role_t r) noexcept { return code_of(ROLES, r); }
member_role_t parse_member_role(std::string_view code) { return parse_code(ROLES, code, "member role"); }
std::string_view approval_state_code(approval_state_t s) noexcept { return code_of(APPROVAL_STATES, s); }
approval_state_t parse_approval_state(std::string_view code)
{
    return parse_code(APPROVAL_STATES, code, "approval state");
}
std::string_view payee_kind_code(payee_kind_t k) noexcept { return code_of(PAYEE_KINDS, k); }
payee_kind_t parse_payee_kind(std::string_view code) { return parse_code(PAYEE_KINDS, code, "payee kind"); }
std::string_view assignment_purpose_code(assignment_purpose_t p) noexcept { return code_of(PURPOSES, p); }
assignment_purpose_t parse_assignment_purpose(std::string_view code)
{
    return parse_code(PURPOSES, code, "assignment purpose");
}

person_t const *case_bundle_t::find_person(std::string_view ext_id) const
{
    for (auto const &p : persons) {
        if (p.ext_id == ext_id) {
            return &p;
        }
    }
    return nullptr;
}

payee_t const *case_bundle_t::find_payee(std::string_view ext_id) const
{
    for (auto const &p : payees) {
        if (p.ext_id == ext_id) {
            return &p;
        }
    }
    return nullptr;
}

} // namespace sozbatch::domain
