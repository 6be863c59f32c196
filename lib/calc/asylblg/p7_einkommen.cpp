// SPDX-License-Identifier: GPL-3.0-or-later
// § 7 AsylbLG Einkommen (Grundleistungen): income less taxes, social insurance, insurance and
// work expenses (Abs. 3 Satz 2); 25 % of earnings not counted, at most 50 % of the person's
// Bedarfsstufe (nB + npB) (Abs. 3 Satz 1); tax-free volunteer income up to 250 EUR.
#include "lib/calc/rule_context.hpp"

namespace sozbatch::calc::detail {

void p7_einkommen(rule_context_t &ctx, std::size_t m, domain::income_t const &inc, money_t gross, money_t deductions,
                  bool day_share)
{
    ctx.emit(m, line_kind_t::income_gross, line_class_t::income, "§ 7 Abs. 1 AsylbLG", gross, 0, 0, gross, day_share);
    if (deductions.is_positive()) {
        ctx.emit(m, line_kind_t::income_deduction, line_class_t::income, "§ 7 Abs. 3 Satz 2 AsylbLG", deductions, 0, 0,
                 -money_t::min(deductions, gross), day_share);
    }
    money_t const net = (gross - deductions).clamp_zero();
    ctx.room = net;
    std::string_view const kind = inc.kind;
    if (kind == "kindergeld") {
        ctx.state[m].kindergeld += day_share ? pro_rata(net, ctx.seg.days) : net;
    } else if (kind == "earnings" || kind == "self-employment") {
        resolved_t const &r = ctx.param(param_id_t::p7_abs3, m);
        resolved_t const &c = ctx.param(param_id_t::p7_abs3_cap, m);
        money_t const cap = ctx.state[m].rbs.scale(c.number, c.den);
        money_t allowance = gross.scale(r.number, r.den);
        std::string_view note;
        if (allowance > cap) {
            allowance = cap;
            note = "capped";
        }
        line_item_t &l = ctx.emit(m, line_kind_t::income_allowance, line_class_t::income, "§ 7 Abs. 3 Satz 1 AsylbLG", gross,
                                  r.number, r.den, -ctx.take_room(allowance), day_share);
        l.note = note;
        ctx.use(l, param_id_t::p7_abs3, m);
        ctx.use(l, param_id_t::p7_abs3_cap, m);
    } else if (kind == "ehrenamt") {
        money_t const free = ctx.money(param_id_t::p82_volunteer, m);
        line_item_t &l = ctx.emit(m, line_kind_t::income_allowance, line_class_t::income, "§ 7 Abs. 3 Satz 1 AsylbLG", gross,
                                  0, 0, -ctx.take_room(money_t::min(gross, free)), day_share);
        ctx.use(l, param_id_t::p82_volunteer, m);
    }
}

} // namespace sozbatch::calc::detail
