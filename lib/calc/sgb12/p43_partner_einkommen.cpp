// SPDX-License-Identifier: GPL-3.0-or-later
// The Einsatzgemeinschaft: how the income of its members covers their needs.
//   § 27 Abs. 2 SGB XII (3. Kapitel, § 27a BVG): spouse/partner and the parents of unmarried minors.
//   § 43 Abs. 1 SGB XII (4. Kapitel): the partner's income above the partner's own need.
//   § 82 Abs. 1 Satz 3 SGB XII: a minor's Kindergeld counts for the child as far as it needs it;
//   the surplus counts for the parent.
//   § 7 Abs. 1 AsylbLG: the income of family members in the household.
// Method (docs/calculation.md, "Einsatzgemeinschaft"): each member's own counted income first
// covers the member's own need; the surplus of the applicant and partner is then distributed over
// the members' uncovered needs in proportion to them (exact to the cent, largest remainder).
// Children's surplus other than Kindergeld stays with the child.
#include "lib/calc/rule_context.hpp"

namespace sozbatch::calc::detail {

namespace {

/// Index of the applicant (or the partner) active in the segment, or members.size().
std::size_t kindergeld_parent(rule_context_t const &ctx)
{
    std::size_t partner = ctx.members.size();
    for (std::size_t i = 0; i < ctx.members.size(); ++i) {
        if (!ctx.state[i].active) {
            continue;
        }
        if (ctx.members[i].member->role == domain::member_role_t::applicant) {
            return i;
        }
        if (ctx.members[i].member->role == domain::member_role_t::partner) {
            partner = i;
        }
    }
    return partner;
}

std::string_view transfer_norm(domain::law_t law)
{
    switch (law) {
    case domain::law_t::sgb12_kap4: return "§ 43 Abs. 1 SGB XII";
    case domain::law_t::asylblg_3: return "§ 7 Abs. 1 AsylbLG";
    case domain::law_t::asylblg_2: return "§ 27 Abs. 2 SGB XII";
    case domain::law_t::bvg_kof: return "§ 27 Abs. 2 SGB XII";
    case domain::law_t::sgb12_kap3: break;
    }
    return "§ 27 Abs. 2 SGB XII";
}

/// Whose uncovered need the applicant's and partner's surplus covers: each other and minor
/// children (§ 27 Abs. 2 SGB XII); under § 3 AsylbLG all family members in the household (§ 7 Abs. 1).
bool receives_from_pool(rule_context_t const &ctx, std::size_t i)
{
    auto const role = ctx.members[i].member->role;
    if (ctx.is_parent(i)) {
        return true;
    }
    if (ctx.c->law == domain::law_t::asylblg_3 && ctx.state[i].regime == regime_t::asylblg3) {
        return role != domain::member_role_t::other;
    }
    return role == domain::member_role_t::child && ctx.state[i].age < 18;
}

} // namespace

void p43_einsatzgemeinschaft(rule_context_t &ctx)
{
    std::size_t const n = ctx.members.size();
    // 1. surplus Kindergeld of minors counts for the parent
    std::size_t const parent = kindergeld_parent(ctx);
    for (std::size_t i = 0; i < n; ++i) {
        person_state_t &s = ctx.state[i];
        if (!s.active || s.age >= 18 || !s.kindergeld.is_positive() || i == parent || parent == n) {
            continue;
        }
        money_t const surplus = money_t::min((s.income - s.need).clamp_zero(), s.kindergeld);
        if (surplus.is_positive()) {
            ctx.emit(i, line_kind_t::kindergeld_transfer, line_class_t::income, "§ 82 Abs. 1 Satz 3 SGB XII", surplus, 0, 0,
                     -surplus, false);
            ctx.emit(parent, line_kind_t::kindergeld_transfer, line_class_t::income, "§ 82 Abs. 1 Satz 3 SGB XII", surplus, 0, 0,
                     surplus, false);
        }
    }
    // 2. own income covers own need; the surplus of applicant and partner is pooled
    money_t pool;
    money_t uncovered_sum;
    for (std::size_t i = 0; i < n; ++i) {
        person_state_t const &s = ctx.state[i];
        if (!s.active) {
            continue;
        }
        money_t const surplus = (s.income - s.need).clamp_zero();
        if (ctx.is_parent(i)) {
            pool += surplus;
        }
        if (s.recipient && receives_from_pool(ctx, i)) {
            uncovered_sum += (s.need - s.income).clamp_zero();
        }
    }
    money_t const used = money_t::min(pool, uncovered_sum);
    // 3. distribute the used pool in proportion to the uncovered needs (largest remainder)
    if (used.is_positive()) {
        // who gives: in member order, each contributor's surplus until `used` is exhausted
        money_t left = used;
        for (std::size_t i = 0; i < n && left.is_positive(); ++i) {
            person_state_t const &s = ctx.state[i];
            if (!s.active || !ctx.is_parent(i)) {
                continue;
            }
            money_t const give = money_t::min((s.income - s.need).clamp_zero(), left);
            if (give.is_positive()) {
                ctx.emit(i, line_kind_t::household_transfer, line_class_t::income, transfer_norm(ctx.c->law), give, 0, 0,
                         -give, false);
                left -= give;
            }
        }
        // who receives: uncovered_i × used / uncovered_sum, cumulative rounding so the parts add up
        money_t cum_uncovered;
        money_t given;
        for (std::size_t i = 0; i < n; ++i) {
            person_state_t const &s = ctx.state[i];
            if (!s.active || !s.recipient || !receives_from_pool(ctx, i)) {
                continue;
            }
            money_t const unc = (s.need - s.income).clamp_zero();
            if (!unc.is_positive()) {
                continue;
            }
            cum_uncovered += unc;
            money_t const upto = used.scale(cum_uncovered.as_cents(), uncovered_sum.as_cents());
            money_t const part = upto - given;
            given = upto;
            if (part.is_positive()) {
                ctx.emit(i, line_kind_t::household_transfer, line_class_t::income, transfer_norm(ctx.c->law), unc,
                         used.as_cents(), uncovered_sum.as_cents(), part, false);
            }
        }
    }
    // 4. entitlement per person
    for (std::size_t i = 0; i < n; ++i) {
        person_state_t const &s = ctx.state[i];
        if (!s.active) {
            continue;
        }
        if (!s.recipient) {
            ctx.flag(i, "p41-not-met", "§ 41 SGB XII requirements not met: no Grundsicherung for this person");
            continue;
        }
        money_t const e = (s.need - s.income).clamp_zero();
        std::string_view const norm = ctx.c->law == domain::law_t::sgb12_kap4 ? "§ 19 Abs. 2, § 43 SGB XII"
                                      : ctx.c->law == domain::law_t::asylblg_3 && s.regime == regime_t::asylblg3
                                          ? "§ 3 AsylbLG"
                                      : ctx.c->law == domain::law_t::bvg_kof ? "§ 27a BVG"
                                      : ctx.c->law == domain::law_t::sgb12_kap3 ? "§ 19 Abs. 1 SGB XII"
                                      : s.regime == regime_t::asylblg3 ? "§ 3 AsylbLG"
                                                                       : "§ 2 Abs. 1 AsylbLG";
        ctx.emit(i, line_kind_t::entitlement, line_class_t::result, norm, e, 0, 0, e, false);
    }
}

} // namespace sozbatch::calc::detail
