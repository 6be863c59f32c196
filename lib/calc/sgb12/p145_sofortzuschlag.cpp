// SPDX-License-Identifier: GPL-3.0-or-later
// § 145 SGB XII Sofortzuschlag for minors in RBS 4–6 (3. Kapitel); the same for § 27a BVG
// (§ 88f BVG) and the AsylbLG (§ 16 AsylbLG) minors.
#include "lib/calc/rule_context.hpp"

namespace sozbatch::calc::detail {

void p145_sofortzuschlag(rule_context_t &ctx, std::size_t m)
{
    person_state_t const &s = ctx.state[m];
    if (s.age >= 18) {
        return;
    }
    param_id_t id = param_id_t::p145;
    std::string_view norm = "§ 145 SGB XII";
    switch (ctx.c->law) {
    case domain::law_t::bvg_kof:
        id = param_id_t::bvg_p88f;
        norm = "§ 88f BVG";
        break;
    case domain::law_t::asylblg_2:
    case domain::law_t::asylblg_3:
        id = param_id_t::p16_sofort;
        norm = "§ 16 AsylbLG";
        break;
    default:
        // RBS 4–6 only; a minor in RBS 3 (Einrichtung) gets none
        if (s.stage < 4) {
            return;
        }
        break;
    }
    if (!ctx.mp->has(id)) {
        return; // not in force (before July 2022)
    }
    money_t const amount = ctx.money(id, m);
    line_item_t &l = ctx.emit(m, line_kind_t::sofortzuschlag, line_class_t::need, norm, amount, 0, 0, amount);
    ctx.use(l, id, m);
}

} // namespace sozbatch::calc::detail
