// SPDX-License-Identifier: GPL-3.0-or-later
// § 27b Abs. 3 SGB XII: Barbetrag (weiterer notwendiger Lebensunterhalt) of adults in an
// Einrichtung, at least 27 % of RBS 1. For minors the Land sets it (flagged, no amount).
#include "lib/calc/rule_context.hpp"

namespace sozbatch::calc::detail {

void p27b_barbetrag(rule_context_t &ctx, std::size_t m)
{
    bool const in_einrichtung = ctx.housing->dwelling == domain::dwelling_t::einrichtung;
    if (!in_einrichtung && !ctx.has_need(m, "einrichtung-barbetrag")) {
        return;
    }
    if (ctx.state[m].age < 18) {
        ctx.flag(m, "p27b-minor", "Barbetrag for minors is set by the Land: not calculated");
        return;
    }
    if (domain::need_t const *n = ctx.need(m, "einrichtung-barbetrag"); n && n->amount) {
        ctx.emit(m, line_kind_t::barbetrag, line_class_t::need, "§ 27b Abs. 3 SGB XII", *n->amount, 0, 0, *n->amount).note =
            "amount fixed in the case";
        return;
    }
    money_t const rbs1 = ctx.money(param_id_t::rbs1, m);
    line_item_t &l =
        ctx.emit_ratio(m, line_kind_t::barbetrag, line_class_t::need, "§ 27b Abs. 3 SGB XII", rbs1, param_id_t::p27b);
    ctx.use(l, param_id_t::rbs1, m);
}

} // namespace sozbatch::calc::detail
