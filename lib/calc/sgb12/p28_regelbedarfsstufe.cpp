// SPDX-License-Identifier: GPL-3.0-or-later
// Anlage zu § 28 SGB XII: Regelbedarfsstufen, and their assignment (also for § 27a BVG and,
// with the special rules of § 2 Abs. 1 Satz 4, for § 2 AsylbLG).
#include "lib/calc/rule_context.hpp"

namespace sozbatch::calc::detail {

using domain::dwelling_t;
using domain::law_t;

namespace {

/// 2020-01-01: besondere Wohnform (BTHG) in RBS 2; before, such adults were in RBS 3.
date_t const BTHG_2020{2020, 1, 1};
/// BVerfG 1 BvL 3/21: singles in shared accommodation get RBS 1 from 2019-09-01.
date_t const BVERFG_SINGLE{2019, 9, 1};

constexpr param_id_t RBS_IDS[6] = {param_id_t::rbs1, param_id_t::rbs2, param_id_t::rbs3,
                                   param_id_t::rbs4, param_id_t::rbs5, param_id_t::rbs6};

} // namespace

int p28_regelbedarfsstufe(rule_context_t &ctx, std::size_t m)
{
    person_state_t const &s = ctx.state[m];
    if (s.age < 6) return 6;
    if (s.age < 14) return 5;
    if (s.age < 18) return 4;
    dwelling_t const d = ctx.housing->dwelling;
    if (d == dwelling_t::einrichtung) {
        return 3;
    }
    if (d == dwelling_t::besondere_wohnform) {
        return ctx.seg.from >= BTHG_2020 ? 2 : 3;
    }
    bool const partner = ctx.is_parent(m) && ctx.n_applicant_partner >= 2;
    bool const asylblg_analog = ctx.c->law == law_t::asylblg_2 || ctx.c->law == law_t::asylblg_3;
    if (asylblg_analog) {
        // § 2 Abs. 1 Satz 4 Nr. 2 AsylbLG: unmarried under 25 living with a parent: RBS 3
        if (s.age < 25 && ctx.has_parent_in_case(m)) {
            return 3;
        }
        // Nr. 1: adults in a Gemeinschaftsunterkunft: RBS 2; singles RBS 1 (BVerfG 19.10.2022)
        if (d == dwelling_t::gemeinschaftsunterkunft) {
            if (partner) {
                return 2;
            }
            if (ctx.seg.from < BVERFG_SINGLE) {
                return 2;
            }
            ctx.flag(m, "p2-single-gu-rbs1", "§ 2 AsylbLG single adult in shared accommodation: RBS 1 (BVerfG 1 BvL 3/21)");
            return 1;
        }
    }
    return partner ? 2 : 1;
}

void p28_regelbedarf(rule_context_t &ctx, std::size_t m)
{
    person_state_t &s = ctx.state[m];
    s.stage = p28_regelbedarfsstufe(ctx, m);
    param_id_t const id = RBS_IDS[s.stage - 1];
    s.rbs = ctx.money(id, m);
    std::string_view norm = norm_regelbedarf(ctx.c->law);
    if (s.stage == 3 && ctx.housing->dwelling == dwelling_t::einrichtung) {
        norm = "§ 27b Abs. 1 SGB XII, Anlage zu § 28 SGB XII";
    }
    line_item_t &l = ctx.emit(m, line_kind_t::regelbedarf, line_class_t::need, norm, s.rbs, 0, 0, s.rbs);
    ctx.use(l, id, m);
}

} // namespace sozbatch::calc::detail
