// SPDX-License-Identifier: GPL-3.0-or-later
// § 82a SGB XII (since 2021): with 33 years of Grundrentenzeiten, 100 EUR + 30 % of the statutory
// pension above 100 EUR are not counted, at most 50 % of RBS 1. For § 27a BVG: § 25d Abs. 3c BVG
// with the cap of 0.65 % of the Bemessungsbetrag.
#include "lib/calc/rule_context.hpp"

namespace sozbatch::calc::detail {

money_t p82a_grundrente(rule_context_t &ctx, std::size_t m, money_t pension, line_item_t *&line, bool day_share)
{
    if (!ctx.mp->has(param_id_t::p82a_base)) {
        return money_t{}; // before 2021
    }
    bool const bvg = ctx.c->law == domain::law_t::bvg_kof;
    money_t const base = ctx.money(param_id_t::p82a_base, m);
    resolved_t const &r = ctx.param(param_id_t::p82a_ratio, m);
    money_t cap;
    param_id_t cap_id = param_id_t::p82a_cap;
    if (bvg) {
        cap_id = param_id_t::bvg_p25d_3c_cap;
        resolved_t const &c = ctx.param(cap_id, m);
        cap = ctx.money(param_id_t::bvg_bemessung, m).scale(c.number, c.den);
    } else {
        resolved_t const &c = ctx.param(cap_id, m);
        cap = ctx.money(param_id_t::rbs1, m).scale(c.number, c.den);
    }
    money_t allowance = money_t::min(pension, base) + (pension - base).clamp_zero().scale(r.number, r.den);
    std::string_view note;
    if (allowance > cap) {
        allowance = cap;
        note = "capped";
    }
    line = &ctx.emit(m, line_kind_t::income_allowance, line_class_t::income, bvg ? "§ 25d Abs. 3c BVG" : "§ 82a SGB XII",
                     pension, r.number, r.den, -ctx.take_room(allowance), day_share);
    line->note = note;
    ctx.use(*line, param_id_t::p82a_base, m);
    ctx.use(*line, cap_id, m);
    return allowance;
}

} // namespace sozbatch::calc::detail
