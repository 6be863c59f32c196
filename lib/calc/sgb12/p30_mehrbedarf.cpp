// SPDX-License-Identifier: GPL-3.0-or-later
// § 30 SGB XII Mehrbedarf: Abs. 1 (Merkzeichen G), Abs. 2 (Schwangerschaft), Abs. 3
// (Alleinerziehende), Abs. 4 with § 42b Abs. 3 (Eingliederungshilfe Schule/Ausbildung),
// Abs. 5 (kostenaufwendige Ernährung), the Abs. 6 cap on Abs. 1–5, Abs. 7 (dezentrale
// Warmwassererzeugung).
#include "lib/calc/rule_context.hpp"

namespace sozbatch::calc::detail {

namespace {

struct single_parent_t
{
    std::int64_t num = 0; ///< share of RBS 1 as num/den
    std::int64_t den = 1;
    param_id_t id = param_id_t::p30_abs3_nr1;
    std::string_view norm;
};

/// § 30 Abs. 3: Nr. 1 36 % for one child under 7 or for two or three children under 16;
/// Nr. 2 12 % per child, at most 60 %. The more favourable one applies (Meistbegünstigung,
/// common practice; unverified).
single_parent_t single_parent_share(rule_context_t &ctx, std::size_t m)
{
    int minors = 0;
    int under7 = 0;
    int under16 = 0;
    for (std::size_t i = 0; i < ctx.members.size(); ++i) {
        person_state_t const &s = ctx.state[i];
        if (i == m || !s.active || s.age >= 18 || ctx.members[i].member->role != domain::member_role_t::child) {
            continue;
        }
        ++minors;
        under7 += s.age < 7;
        under16 += s.age < 16;
    }
    if (minors == 0) {
        return {};
    }
    resolved_t const &nr1 = ctx.param(param_id_t::p30_abs3_nr1, m);
    resolved_t const &nr2 = ctx.param(param_id_t::p30_abs3_nr2, m);
    resolved_t const &max = ctx.param(param_id_t::p30_abs3_max, m);
    single_parent_t r{nr2.number * minors, nr2.den, param_id_t::p30_abs3_nr2, "§ 30 Abs. 3 Nr. 2 SGB XII"};
    if (r.num * max.den > max.number * r.den) {
        r.num = max.number;
        r.den = max.den;
    }
    bool const nr1_applies = (minors == 1 && under7 == 1) || under16 == 2 || under16 == 3;
    if (nr1_applies && nr1.number * r.den >= r.num * nr1.den) {
        r = single_parent_t{nr1.number, nr1.den, param_id_t::p30_abs3_nr1, "§ 30 Abs. 3 Nr. 1 SGB XII"};
    }
    return r;
}

} // namespace

void p30_mehrbedarf(rule_context_t &ctx, std::size_t m)
{
    person_state_t &s = ctx.state[m];
    money_t const rbs = s.rbs;
    money_t sum;       // Abs. 1–5 (and § 42b Abs. 3), monthly
    bool any = false;

    if (s.age >= 18 && (ctx.has_need(m, "merkzeichen-g") || ctx.has_need(m, "merkzeichen-ag"))) {
        member_ref_t const &mr = ctx.members[m];
        if (mr.p41_age_reached || ctx.has_need(m, "erwerbsminderung-voll")) {
            std::string_view const norm = mr.p41_age_reached ? "§ 30 Abs. 1 Nr. 1 SGB XII" : "§ 30 Abs. 1 Nr. 2 SGB XII";
            sum += ctx.emit_ratio(m, line_kind_t::mehrbedarf_g, line_class_t::need, norm, rbs, param_id_t::p30_abs1).monthly;
            any = true;
        } else {
            ctx.flag(m, "p30-abs1-not-met", "Merkzeichen G without age limit or full Erwerbsminderung: no Mehrbedarf");
        }
    }
    if (ctx.has_need(m, "pregnancy")) {
        sum += ctx.emit_ratio(m, line_kind_t::mehrbedarf_pregnancy, line_class_t::need, "§ 30 Abs. 2 SGB XII", rbs,
                              param_id_t::p30_abs2)
                   .monthly;
        any = true;
    }
    if (ctx.has_need(m, "single-parent")) {
        single_parent_t const sp = single_parent_share(ctx, m);
        if (sp.num > 0) {
            money_t const rbs1 = ctx.money(param_id_t::rbs1, m);
            line_item_t &l = ctx.emit(m, line_kind_t::mehrbedarf_single_parent, line_class_t::need, sp.norm, rbs1, sp.num,
                                      sp.den, rbs1.scale(sp.num, sp.den));
            ctx.use(l, sp.id, m);
            ctx.use(l, param_id_t::rbs1, m);
            sum += l.monthly;
            any = true;
        } else {
            ctx.flag(m, "p30-abs3-no-child", "single-parent need without a minor child in the case");
        }
    }
    if (s.age >= 15 && ctx.has_need(m, "eingliederungshilfe-bildung")) {
        sum += ctx.emit_ratio(m, line_kind_t::mehrbedarf_education, line_class_t::need, "§ 42b Abs. 3 SGB XII", rbs,
                              param_id_t::p42b_abs3)
                   .monthly;
        any = true;
    }
    if (domain::need_t const *n = ctx.need(m, "kostenaufwendige-ernaehrung")) {
        // § 30 Abs. 5: "angemessen"; the case gives the amount or a percentage of RBS 1 (DV practice)
        if (n->amount) {
            sum += ctx.emit(m, line_kind_t::mehrbedarf_nutrition, line_class_t::need, "§ 30 Abs. 5 SGB XII", *n->amount, 0, 0,
                            *n->amount)
                       .monthly;
        } else if (n->quantity) {
            money_t const rbs1 = ctx.money(param_id_t::rbs1, m);
            line_item_t &l = ctx.emit(m, line_kind_t::mehrbedarf_nutrition, line_class_t::need, "§ 30 Abs. 5 SGB XII", rbs1,
                                      *n->quantity, 100, rbs1.scale(*n->quantity, 100));
            ctx.use(l, param_id_t::rbs1, m);
            sum += l.monthly;
        } else {
            ctx.fail(m, "kostenaufwendige-ernaehrung without amount or percentage");
        }
        any = true;
    }
    // Abs. 6: the sum of Abs. 1–5 (with § 42b Abs. 3, § 42b Abs. 4) may not exceed the person's RBS
    if (any && sum > rbs) {
        money_t const cut = rbs - sum;
        ctx.emit(m, line_kind_t::mehrbedarf_cap, line_class_t::need, "§ 30 Abs. 6 SGB XII", sum, 0, 0, cut);
    }
    // amounts the case fixes: § 27a Abs. 4 / § 30 Abs. 10 (unabweisbar), § 30 Abs. 9 (school books), other
    for (auto const &[kind, norm] : {std::pair<std::string_view, std::string_view>{"unabweisbar", "§ 27a Abs. 4 SGB XII"},
                                     {"schulbuecher", "§ 30 Abs. 9 SGB XII"},
                                     {"other", "§ 27a Abs. 4 SGB XII"}}) {
        if (domain::need_t const *n = ctx.need(m, kind)) {
            if (!n->amount) {
                ctx.fail(m, std::string{kind} + " need without an amount");
            }
            ctx.emit(m, line_kind_t::mehrbedarf_other, line_class_t::need, norm, *n->amount, 0, 0, *n->amount).note = "amount fixed in the case";
        }
    }
    if (ctx.has_need(m, "schulbedarf")) {
        ctx.flag(m, "schulbedarf-not-calculated", "§ 34 Abs. 3 persönlicher Schulbedarf is not calculated by this engine");
    }
    // Abs. 7: dezentrale Warmwassererzeugung
    if (ctx.housing->decentral_hot_water || ctx.has_need(m, "dezentrale-warmwasser")) {
        param_id_t id = param_id_t::count_;
        switch (s.stage) {
        case 1: id = param_id_t::p30_abs7_rbs1; break;
        case 2: id = param_id_t::p30_abs7_rbs2; break;
        case 4: id = param_id_t::p30_abs7_rbs4; break;
        case 5: id = param_id_t::p30_abs7_rbs5; break;
        case 6: id = param_id_t::p30_abs7_rbs6; break;
        default: break; // § 30 Abs. 7 names no share for RBS 3
        }
        if (id != param_id_t::count_) {
            ctx.emit_ratio(m, line_kind_t::mehrbedarf_hot_water, line_class_t::need, "§ 30 Abs. 7 SGB XII", rbs, id);
        }
    }
}

} // namespace sozbatch::calc::detail
