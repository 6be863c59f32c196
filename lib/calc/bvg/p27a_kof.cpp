// SPDX-License-Identifier: GPL-3.0-or-later
// § 27a BVG ergänzende Hilfe zum Lebensunterhalt (Kriegsopferfürsorge): the 3. Kapitel SGB XII
// applies correspondingly; income under § 25d BVG with the KFürsV § 24 earnings allowance.
// Since 2024 only Besitzstand cases under § 142 SGB XIV (established by 2023-12-31) continue
// under the BVG as in force on 2023-12-31.
#include "lib/calc/rule_context.hpp"

#include "lib/core/error.hpp"

namespace sozbatch::calc::detail {

void p27a_check(rule_context_t const &ctx)
{
    date_t const last_bvg_day{2023, 12, 31};
    if (ctx.c->established_on > last_bvg_day) {
        throw case_error{"case " + ctx.c->file_ref + ": BVG-Kriegsopferfürsorge case established on " +
                         to_iso(ctx.c->established_on) +
                         " - since 2024 § 27a BVG continues only for Besitzstand cases established by 2023-12-31 "
                         "(§ 142 SGB XIV); new claims fall under SGB XIV / SGB XII"};
    }
}

void kfuersv_p24_allowance(rule_context_t &ctx, std::size_t m, money_t earnings, bool day_share)
{
    // the share of the excess by group: Pflegezulage III-VI 25 %, I-II 20 %, GdS 80-100 15 %,
    // GdS 50-70 and Hinterbliebene 10 %, GdS 30-40 5 %
    int percent = 0;
    if (domain::need_t const *n = ctx.need(m, "bvg-pflegezulage"); n && n->quantity) {
        percent = std::max(percent, *n->quantity >= 3 ? 25 : 20);
    }
    if (domain::need_t const *n = ctx.need(m, "bvg-beschaedigter"); n && n->quantity) {
        int const gds = *n->quantity;
        percent = std::max(percent, gds >= 80 ? 15 : gds >= 50 ? 10 : gds >= 30 ? 5 : 0);
    }
    if (ctx.has_need(m, "bvg-hinterbliebener")) {
        percent = std::max(percent, 10); // widows/widowers, Vollwaisen (Halbwaisen: 5 %)
    }
    if (percent == 0) {
        percent = 5;
        ctx.flag(m, "kfuersv-share-default", "KFürsV § 24 group not recorded (bvg-beschaedigter, -hinterbliebener, -pflegezulage): 5 % assumed");
    }
    money_t const rbs1 = ctx.money(param_id_t::rbs1, m);
    resolved_t const &f = ctx.param(param_id_t::kfuersv_free, m);
    resolved_t const &lo = ctx.param(param_id_t::kfuersv_min, m);
    resolved_t const &hi = ctx.param(param_id_t::kfuersv_max, m);
    money_t const free = rbs1.scale(f.number, f.den);
    money_t allowance = earnings <= free ? earnings : free + (earnings - free).scale(percent, 100);
    allowance = money_t::max(allowance, money_t::min(earnings, rbs1.scale(lo.number, lo.den)));
    allowance = money_t::min(allowance, rbs1.scale(hi.number, hi.den));
    line_item_t &l = ctx.emit(m, line_kind_t::income_allowance, line_class_t::income, "§ 24 KFürsV", earnings, percent, 100,
                              -ctx.take_room(allowance), day_share);
    ctx.use(l, param_id_t::kfuersv_free, m);
    ctx.use(l, param_id_t::kfuersv_min, m);
}

} // namespace sozbatch::calc::detail
