// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Internal: the state the rule units share while one case-month is calculated.
/// Not part of the public API (use lib/calc/calculate.hpp).

#include "lib/calc/day_share.hpp"
#include "lib/calc/month_params.hpp"
#include "lib/calc/result.hpp"
#include "lib/domain/case_model.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace sozbatch::calc::detail {

/// Which rule family a person is calculated under in a segment.
enum class regime_t : std::uint8_t {
    sgb12,    ///< SGB XII 3./4. Kapitel, BVG-KOF (correspondingly), AsylbLG § 2 (by analogy)
    asylblg3, ///< AsylbLG § 3 / § 3a Grundleistungen
};

/// A member of the case with its person, resolved once per call.
struct member_ref_t
{
    domain::member_t const *member = nullptr;
    domain::person_t const *person = nullptr;
    std::uint16_t index = 0;          ///< index in case_result_t::persons
    bool p41_met = false;             ///< § 41 requirements met in the month (4. Kapitel, § 44 whole month)
    bool p41_age_reached = false;     ///< § 41 Abs. 2 age limit reached in the month
    std::optional<date_t> p2_from;    ///< AsylbLG: first day of § 2 benefits
    int age_first = 0;                ///< age on the first day of the month
    std::optional<date_t> birthday;   ///< the birthday, when it falls on day 2..n of the month
    std::uint32_t needs_begin = 0;    ///< the member's needs: rule_context_t::member_needs[needs_begin, needs_end)
    std::uint32_t needs_end = 0;
};

/// Per member and segment.
struct person_state_t
{
    bool active = false;
    int age = 0;
    int stage = 0;              ///< Regelbedarfsstufe or AsylbLG Bedarfsstufe (1–6)
    regime_t regime = regime_t::sgb12;
    bool recipient = true;      ///< may receive an entitlement (4. Kapitel: § 41 met)
    money_t rbs;                ///< monthly amount of the person's stage (§ 3a: nB + npB)
    money_t need;               ///< cash need in the segment (after day share)
    money_t in_kind;            ///< need provided in kind in the segment
    money_t income;             ///< own counted income in the segment
    money_t kindergeld;         ///< counted Kindergeld in the segment (part of income)
};

/// The working state of one calculation. Reused between calls (no per-call allocation once warm).
struct rule_context_t
{
    month_params_t const *mp = nullptr;
    domain::case_t const *c = nullptr;
    case_result_t *out = nullptr;
    month_t month;
    date_t first_day;                  ///< of the month
    date_t last_day;
    int days_in_month = 0;             ///< 0: not yet set up
    std::vector<member_ref_t> members;
    std::vector<person_state_t> state; ///< parallel to members
    /// The needs of the case overlapping the month, grouped by member (a person-less need belongs
    /// to the applicant), each group in the case's order; built once per call.
    std::vector<domain::need_t const *> member_needs;
    domain::housing_t const *housing = nullptr; ///< in force in the segment
    segment_t seg;
    std::uint8_t seg_index = 0;
    bool first_segment = true;
    int n_applicant_partner = 0; ///< active applicant + partner in the segment
    money_t room; ///< net monthly income of the income being processed not yet taken by allowances

    /// Takes an allowance from the net income (an income is never counted below zero).
    money_t take_room(money_t allowance)
    {
        money_t const r = money_t::min(allowance, room).clamp_zero();
        room -= r;
        return r;
    }

    // -- parameters --------------------------------------------------------------------------
    /// The parameter in force in the month. \throws case_error when it has no value.
    resolved_t const &param(param_id_t id, std::size_t member) const
    {
        resolved_t const &r = mp->get(id);
        if (!r.present) [[unlikely]] {
            missing_param(id, member);
        }
        return r;
    }
    money_t money(param_id_t id, std::size_t member) const { return money_t::cents(param(id, member).number); }

    // -- lines --------------------------------------------------------------------------------
    /// Adds a line; amount = monthly pro-rated for the segment (unless day_share is false).
    /// (Inline: it runs for every line, and the rule's constant kind, class and day share fold away.)
    line_item_t &emit(std::size_t member, line_kind_t kind, line_class_t cls, std::string_view norm, money_t basis,
                      std::int64_t num, std::int64_t den, money_t monthly, bool day_share = true)
    {
        std::uint16_t const person = member < members.size() ? members[member].index : NO_PERSON;
        std::int16_t const days = day_share ? seg.days : static_cast<std::int16_t>(MONTH_DAYS);
        money_t const amount = day_share ? pro_rata(monthly, seg.days) : monthly;
        // Constructed in place by parenthesised aggregate initialisation, in the order of
        // line_item_t's members (person … amount; params, n_params and note keep their defaults):
        // value-initialising the line and then assigning, or copying a temporary, costs a zero-fill
        // or store-forwarding stalls per line.
        line_item_t &l = out->lines.emplace_back(person, seg_index, kind, cls, norm, basis, num, den, monthly, days,
                                                 day_share, amount);
        if (member < state.size()) {
            person_state_t &s = state[member];
            switch (cls) {
            case line_class_t::need: s.need += amount; break;
            case line_class_t::in_kind:
                s.need += amount;
                s.in_kind -= amount;
                break;
            case line_class_t::income: s.income += amount; break;
            case line_class_t::info:
            case line_class_t::result: break;
            }
        }
        return l;
    }
    /// basis × num/den as a line (monthly = basis.scale(num, den)).
    line_item_t &emit_ratio(std::size_t member, line_kind_t kind, line_class_t cls, std::string_view norm,
                            money_t basis, param_id_t ratio_id, bool day_share = true);
    /// Records on the line that it used the parameter.
    void use(line_item_t &l, param_id_t id, std::size_t member) const
    {
        resolved_t const &r = param(id, member);
        if (l.n_params < l.params.size()) {
            l.params[l.n_params++] = param_ref_t{id, r.number, r.den};
        }
    }
    void flag(std::size_t member, std::string_view code, std::string_view text);

    // -- facts --------------------------------------------------------------------------------
    /// The need of \p kind for the member valid in the segment (person-less needs count for the applicant).
    domain::need_t const *need(std::size_t member, std::string_view kind) const
    {
        member_ref_t const &mr = members[member];
        for (std::uint32_t i = mr.needs_begin; i < mr.needs_end; ++i) {
            domain::need_t const *n = member_needs[i];
            if (n->kind == kind && n->validity.contains(seg.from)) {
                return n;
            }
        }
        return nullptr;
    }
    bool has_need(std::size_t member, std::string_view kind) const { return need(member, kind) != nullptr; }
    bool is_parent(std::size_t member) const
    {
        auto const role = members[member].member->role;
        return role == domain::member_role_t::applicant || role == domain::member_role_t::partner;
    }
    bool has_parent_in_case(std::size_t member) const;

    [[noreturn]] void fail(std::size_t member, std::string const &reason) const;
    [[noreturn]] void missing_param(param_id_t id, std::size_t member) const;
};

// ---- rule units (one file per norm) -----------------------------------------------------------

// SGB XII
int p28_regelbedarfsstufe(rule_context_t &ctx, std::size_t m);                  // sgb12/p28_regelbedarfsstufe.cpp
void p28_regelbedarf(rule_context_t &ctx, std::size_t m);                         // sgb12/p28_regelbedarfsstufe.cpp
void p30_mehrbedarf(rule_context_t &ctx, std::size_t m);                          // sgb12/p30_mehrbedarf.cpp
void p42b_mittagsverpflegung(rule_context_t &ctx, std::size_t m);                 // sgb12/p42b_mittagsverpflegung.cpp
void p145_sofortzuschlag(rule_context_t &ctx, std::size_t m);                     // sgb12/p145_sofortzuschlag.cpp
void p27b_barbetrag(rule_context_t &ctx, std::size_t m);                          // sgb12/p27b_barbetrag.cpp
void p35_unterkunft_heizung(rule_context_t &ctx);                                 // sgb12/p35_unterkunft_heizung.cpp
void p82_einkommen(rule_context_t &ctx, std::size_t m, domain::income_t const &inc, money_t gross, money_t deductions,
                   bool day_share);                                               // sgb12/p82_einkommen.cpp
/// § 82a allowance (or § 25d Abs. 3c BVG); 0 when not applicable.
money_t p82a_grundrente(rule_context_t &ctx, std::size_t m, money_t pension, line_item_t *&line, bool day_share); // sgb12/p82a_grundrente.cpp
void p43_einsatzgemeinschaft(rule_context_t &ctx);                                // sgb12/p43_partner_einkommen.cpp

// AsylbLG
int p3a_bedarfsstufe(rule_context_t &ctx, std::size_t m);                         // asylblg/p3a_bedarfsstufen.cpp
void p3a_grundleistung(rule_context_t &ctx, std::size_t m);                       // asylblg/p3a_bedarfsstufen.cpp
bool p1a_reduced(rule_context_t const &ctx, std::size_t m);                       // asylblg/p1a_einschraenkung.cpp
/// Returns the reduced (nB, npB) monthly amounts and emits the reduction lines.
void p1a_einschraenkung(rule_context_t &ctx, std::size_t m, money_t &nb, money_t &npb); // asylblg/p1a_einschraenkung.cpp
std::optional<date_t> p2_analog_from(rule_context_t const &ctx, std::size_t m);   // asylblg/p2_analogleistungen.cpp
void p7_einkommen(rule_context_t &ctx, std::size_t m, domain::income_t const &inc, money_t gross, money_t deductions,
                  bool day_share);                                                // asylblg/p7_einkommen.cpp

// BVG
void p27a_check(rule_context_t const &ctx);                                       // bvg/p27a_kof.cpp
/// KFürsV § 24 earnings allowance (monthly), emitting its line.
void kfuersv_p24_allowance(rule_context_t &ctx, std::size_t m, money_t earnings, bool day_share); // bvg/p27a_kof.cpp

// norm texts by law
std::string_view norm_regelbedarf(domain::law_t law) noexcept;

} // namespace sozbatch::calc::detail
