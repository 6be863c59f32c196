// SPDX-License-Identifier: GPL-3.0-or-later
// § 82 SGB XII Einkommen (also for § 2 AsylbLG; for § 27a BVG with § 25d BVG and KFürsV § 24):
// Abs. 1 what counts (BVG Grundrente does not), Abs. 2 deductions (taxes, social insurance,
// insurance premiums, work expenses; Satz 2: up to 250 EUR tax-free volunteer income), Abs. 3
// Satz 1 30 % of earnings capped at 50 % of RBS 1, Satz 2 the WfbM rule, Abs. 4 supplementary
// old-age provision, Abs. 6 40 % capped at 65 % of RBS 1 for Hilfe zur Pflege / Eingliederungshilfe,
// Abs. 7 one-off income (spread: see calculate.cpp); § 43 Abs. 2 capital income (4. Kapitel).
#include "lib/calc/rule_context.hpp"

namespace sozbatch::calc::detail {

namespace {

/// min(x, base) + ratio × (x − base), capped; emits the allowance line.
void base_plus_share(rule_context_t &ctx, std::size_t m, money_t x, param_id_t base_id, param_id_t ratio_id,
                     param_id_t cap_id, std::string_view norm, bool day_share)
{
    money_t const base = ctx.money(base_id, m);
    resolved_t const &r = ctx.param(ratio_id, m);
    money_t const cap = ctx.money(param_id_t::rbs1, m).scale(ctx.param(cap_id, m).number, ctx.param(cap_id, m).den);
    money_t allowance = money_t::min(x, base) + (x - base).clamp_zero().scale(r.number, r.den);
    std::string_view note;
    if (allowance > cap) {
        allowance = cap;
        note = "capped";
    }
    line_item_t &l = ctx.emit(m, line_kind_t::income_allowance, line_class_t::income, norm, x, r.number, r.den, -ctx.take_room(allowance),
                              day_share);
    l.note = note;
    ctx.use(l, base_id, m);
    ctx.use(l, cap_id, m);
}

/// share × x, capped at cap_share × RBS 1.
void share_capped(rule_context_t &ctx, std::size_t m, money_t x, param_id_t ratio_id, param_id_t cap_id,
                  std::string_view norm, bool day_share)
{
    resolved_t const &r = ctx.param(ratio_id, m);
    resolved_t const &c = ctx.param(cap_id, m);
    money_t const cap = ctx.money(param_id_t::rbs1, m).scale(c.number, c.den);
    money_t allowance = x.scale(r.number, r.den);
    std::string_view note;
    if (allowance > cap) {
        allowance = cap;
        note = "capped";
    }
    line_item_t &l =
        ctx.emit(m, line_kind_t::income_allowance, line_class_t::income, norm, x, r.number, r.den, -ctx.take_room(allowance), day_share);
    l.note = note;
    ctx.use(l, ratio_id, m);
    ctx.use(l, cap_id, m);
}

} // namespace

void p82_einkommen(rule_context_t &ctx, std::size_t m, domain::income_t const &inc, money_t gross, money_t deductions,
                   bool day_share)
{
    std::string_view const kind = inc.kind;
    bool const bvg = ctx.c->law == domain::law_t::bvg_kof;
    if (kind == "bvg-grundrente" || kind == "bvg-schwerstbeschaedigtenzulage") {
        ctx.emit(m, line_kind_t::income_not_counted, line_class_t::info, bvg ? "§ 25d Abs. 1 BVG" : "§ 82 Abs. 1 Satz 1 SGB XII",
                 gross, 0, 0, gross, day_share);
        return;
    }
    std::string_view const norm_gross = bvg ? "§ 25d Abs. 1 BVG" : "§ 82 Abs. 1 SGB XII";
    ctx.emit(m, line_kind_t::income_gross, line_class_t::income, norm_gross, gross, 0, 0, gross, day_share);
    if (deductions.is_positive()) {
        ctx.emit(m, line_kind_t::income_deduction, line_class_t::income, bvg ? "§ 25d Abs. 2 BVG" : "§ 82 Abs. 2 Satz 1 SGB XII",
                 deductions, 0, 0, -money_t::min(deductions, gross), day_share);
    }
    money_t const net = (gross - deductions).clamp_zero();
    ctx.room = net;
    if (kind == "kindergeld") {
        // § 82 Abs. 1 Satz 3: counted for the child as far as it needs it; the surplus goes to the
        // parent (p43_einsatzgemeinschaft)
        ctx.state[m].kindergeld += day_share ? pro_rata(net, ctx.seg.days) : net;
        return;
    }
    if (kind == "earnings" || kind == "self-employment") {
        if (bvg) {
            kfuersv_p24_allowance(ctx, m, gross, day_share);
        } else if (ctx.has_need(m, "hilfe-zur-pflege") || ctx.has_need(m, "eingliederungshilfe")) {
            share_capped(ctx, m, gross, param_id_t::p82_abs6, param_id_t::p82_abs6_cap, "§ 82 Abs. 6 SGB XII", day_share);
        } else {
            share_capped(ctx, m, gross, param_id_t::p82_abs3, param_id_t::p82_abs3_cap, "§ 82 Abs. 3 Satz 1 SGB XII",
                         day_share);
        }
    } else if (kind == "wfbm") {
        // Abs. 3 Satz 2: 1/8 of RBS 1 plus 50 % of the pay above it
        money_t const rbs1 = ctx.money(param_id_t::rbs1, m);
        resolved_t const &b = ctx.param(param_id_t::p82_wfbm_base, m);
        resolved_t const &x = ctx.param(param_id_t::p82_wfbm_excess, m);
        money_t const base = rbs1.scale(b.number, b.den);
        money_t const allowance = money_t::min(gross, base) + (gross - base).clamp_zero().scale(x.number, x.den);
        line_item_t &l = ctx.emit(m, line_kind_t::income_allowance, line_class_t::income, "§ 82 Abs. 3 Satz 2 SGB XII", gross,
                                  x.number, x.den, -ctx.take_room(allowance), day_share);
        ctx.use(l, param_id_t::p82_wfbm_base, m);
        ctx.use(l, param_id_t::p82_wfbm_excess, m);
    } else if (kind == "supplementary-pension") {
        if (ctx.mp->has(param_id_t::p82_abs4_base)) {
            base_plus_share(ctx, m, gross, param_id_t::p82_abs4_base, param_id_t::p82_abs4_ratio, param_id_t::p82_abs4_cap,
                            bvg ? "§ 25d Abs. 3a BVG" : "§ 82 Abs. 4 SGB XII", day_share);
        }
    } else if (kind == "ehrenamt") {
        money_t const free = ctx.money(param_id_t::p82_volunteer, m);
        line_item_t &l = ctx.emit(m, line_kind_t::income_allowance, line_class_t::income, "§ 82 Abs. 2 Satz 2 SGB XII", gross,
                                  0, 0, -ctx.take_room(money_t::min(gross, free)), day_share);
        ctx.use(l, param_id_t::p82_volunteer, m);
    } else if (kind == "capital" && ctx.c->law == domain::law_t::sgb12_kap4) {
        // § 43 Abs. 2: 26 EUR per calendar year, as 1/12 per month
        money_t const year = ctx.money(param_id_t::p43_capital, m);
        money_t const free = money_t::min(gross, year.scale(1, 12));
        line_item_t &l = ctx.emit(m, line_kind_t::income_allowance, line_class_t::income, "§ 43 Abs. 2 SGB XII", year, 1, 12,
                                  -ctx.take_room(free), day_share);
        ctx.use(l, param_id_t::p43_capital, m);
    } else if (kind != "pension" && kind != "widow-pension" && kind != "maintenance" && kind != "unterhaltsvorschuss" &&
               kind != "capital" && kind != "one-off" && kind != "other") {
        ctx.flag(m, "unknown-income-kind", "income of an unknown kind counted in full (§ 82 Abs. 1 SGB XII)");
    }
    if (inc.grundrentenzeiten_33_years) {
        line_item_t *l = nullptr;
        p82a_grundrente(ctx, m, gross, l, day_share);
    }
}

} // namespace sozbatch::calc::detail
