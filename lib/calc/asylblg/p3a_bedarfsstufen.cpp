// SPDX-License-Identifier: GPL-3.0-or-later
// § 3a AsylbLG Bedarfsstufen (since 2019-09-01; before: § 3 a.F. by household role) with the
// notwendiger Bedarf (nB, Abs. 2) and the notwendiger persönlicher Bedarf (npB, Abs. 1) kept apart.
// In a Gemeinschaftsunterkunft a share of the nB is provided in kind (§ 3 Abs. 2; the share is
// local practice: city.asylblg.gu.nb-in-kind.ratio) and is not paid in money.
// Partial months: § 3 Abs. 5 Satz 2 (the month has 30 days): see day_share.hpp.
#include "lib/calc/rule_context.hpp"

namespace sozbatch::calc::detail {

namespace {

date_t const P3A_2019{2019, 9, 1};

constexpr param_id_t NB[6] = {param_id_t::bs1_nb, param_id_t::bs2_nb, param_id_t::bs3_nb,
                              param_id_t::bs4_nb, param_id_t::bs5_nb, param_id_t::bs6_nb};
constexpr param_id_t NPB[6] = {param_id_t::bs1_npb, param_id_t::bs2_npb, param_id_t::bs3_npb,
                               param_id_t::bs4_npb, param_id_t::bs5_npb, param_id_t::bs6_npb};
constexpr param_id_t TOTAL[6] = {param_id_t::bs1_total, param_id_t::bs2_total, param_id_t::bs3_total,
                                 param_id_t::bs4_total, param_id_t::bs5_total, param_id_t::bs6_total};

bool adult_present(rule_context_t const &ctx)
{
    for (std::size_t i = 0; i < ctx.members.size(); ++i) {
        if (ctx.state[i].active && ctx.state[i].age >= 18) {
            return true;
        }
    }
    return false;
}

} // namespace

int p3a_bedarfsstufe(rule_context_t &ctx, std::size_t m)
{
    person_state_t const &s = ctx.state[m];
    domain::dwelling_t const d = ctx.housing->dwelling;
    bool const partner = ctx.is_parent(m) && ctx.n_applicant_partner >= 2;
    if (s.age < 18) {
        // a youth (14-17) who does not live with a parent: BS 1 (§ 3a Abs. 1 Nr. 1 Halbsatz 2)
        if (s.age >= 14 && ctx.seg.from >= P3A_2019 && !adult_present(ctx)) {
            return 1;
        }
        return s.age < 6 ? 6 : s.age < 14 ? 5 : 4;
    }
    if (ctx.seg.from < P3A_2019) {
        // § 3 a.F.: Alleinstehende 1, Partner 2, weitere Erwachsene ohne eigenen Haushalt 3
        if (ctx.is_parent(m)) {
            return partner ? 2 : 1;
        }
        return 3;
    }
    if (d == domain::dwelling_t::einrichtung) {
        return 3;
    }
    if (s.age < 25 && ctx.has_parent_in_case(m)) {
        return 3; // unmarried under 25 living with a parent
    }
    if (partner) {
        return 2;
    }
    if (d == domain::dwelling_t::gemeinschaftsunterkunft) {
        ctx.flag(m, "bs2-single-gu-contested",
                 "single adult in shared accommodation: BS 2 by § 3a Abs. 1 Nr. 2b (contested, e.g. SG Trier S 3 AY 7/24 ER)");
        return 2;
    }
    return 1;
}

void p3a_grundleistung(rule_context_t &ctx, std::size_t m)
{
    person_state_t &s = ctx.state[m];
    s.stage = p3a_bedarfsstufe(ctx, m);
    std::size_t const k = static_cast<std::size_t>(s.stage - 1);
    money_t const total = ctx.money(TOTAL[k], m);
    s.rbs = total;
    bool const gu = ctx.housing->dwelling == domain::dwelling_t::gemeinschaftsunterkunft;
    bool const split_needed = gu || p1a_reduced(ctx, m);
    if (!split_needed && !ctx.mp->has(NB[k])) {
        // the nB/npB split is unknown for this stage and year (2025 BS 4-6): pay the total
        line_item_t &l = ctx.emit(m, line_kind_t::grundleistung_nb, line_class_t::need, "§ 3a Abs. 1 und 2 AsylbLG", total, 0,
                                  0, total);
        l.note = "nB and npB together (split not published)";
        ctx.use(l, TOTAL[k], m);
        return;
    }
    money_t nb = ctx.money(NB[k], m);
    money_t npb = ctx.money(NPB[k], m);
    line_item_t &lnb = ctx.emit(m, line_kind_t::grundleistung_nb, line_class_t::need, "§ 3a Abs. 2 AsylbLG", nb, 0, 0, nb);
    ctx.use(lnb, NB[k], m);
    line_item_t &lnpb =
        ctx.emit(m, line_kind_t::grundleistung_npb, line_class_t::need, "§ 3a Abs. 1 AsylbLG", npb, 0, 0, npb);
    ctx.use(lnpb, NPB[k], m);
    if (p1a_reduced(ctx, m)) {
        p1a_einschraenkung(ctx, m, nb, npb);
    }
    if (gu && nb.is_positive()) {
        resolved_t const &r = ctx.param(param_id_t::gu_nb_in_kind, m);
        money_t const in_kind = nb.scale(r.number, r.den);
        if (in_kind.is_positive()) {
            line_item_t &l = ctx.emit(m, line_kind_t::grundleistung_nb, line_class_t::in_kind, "§ 3 Abs. 2 AsylbLG", nb,
                                      r.number, r.den, -in_kind);
            l.note = "provided in kind (Gemeinschaftsunterkunft)";
            ctx.use(l, param_id_t::gu_nb_in_kind, m);
        }
    }
}

} // namespace sozbatch::calc::detail
