// SPDX-License-Identifier: GPL-3.0-or-later
// § 42b Abs. 2 SGB XII (§ 30 Abs. 8): Mehrbedarf for shared lunch in a WfbM, with an anderer
// Leistungsanbieter or a comparable day structure: per working day 1/30 of the monthly SvEV meal value.
#include "lib/calc/rule_context.hpp"

namespace sozbatch::calc::detail {

void p42b_mittagsverpflegung(rule_context_t &ctx, std::size_t m)
{
    // counted once per month (the working days are a monthly count), in the first segment
    if (!ctx.first_segment) {
        return;
    }
    domain::need_t const *n = ctx.need(m, "mittagsverpflegung");
    if (!n) {
        return;
    }
    if (!n->quantity || *n->quantity < 0 || *n->quantity > 31) {
        ctx.fail(m, "mittagsverpflegung needs the number of working days with lunch (quantity 0-31)");
    }
    money_t const per_day = n->amount ? *n->amount : ctx.money(param_id_t::p42b_lunch, m);
    line_item_t &l = ctx.emit(m, line_kind_t::mittagsverpflegung, line_class_t::need, "§ 42b Abs. 2 SGB XII", per_day,
                              *n->quantity, 1, per_day * *n->quantity, false);
    if (!n->amount) {
        ctx.use(l, param_id_t::p42b_lunch, m);
    }
}

} // namespace sozbatch::calc::detail
