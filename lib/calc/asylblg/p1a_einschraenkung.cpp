// SPDX-License-Identifier: GPL-3.0-or-later
// § 1a AsylbLG Anspruchseinschränkung. The law sets no amount: the shares of nB and npB still paid
// are the city's practice (city.asylblg.p1a.*; marked unverified until the city confirms them).
// A person under § 1a receives Grundleistungen, not § 2 benefits.
#include "lib/calc/rule_context.hpp"

namespace sozbatch::calc::detail {

bool p1a_reduced(rule_context_t const &ctx, std::size_t m) { return ctx.has_need(m, "asylblg-1a-reduction"); }

void p1a_einschraenkung(rule_context_t &ctx, std::size_t m, money_t &nb, money_t &npb)
{
    resolved_t const &rnb = ctx.param(param_id_t::p1a_nb, m);
    resolved_t const &rnpb = ctx.param(param_id_t::p1a_npb, m);
    money_t const nb_cut = nb - nb.scale(rnb.number, rnb.den);
    money_t const npb_cut = npb - npb.scale(rnpb.number, rnpb.den);
    if (nb_cut.is_positive()) {
        line_item_t &l = ctx.emit(m, line_kind_t::reduction_1a, line_class_t::need, "§ 1a Abs. 1 AsylbLG", nb,
                                  rnb.den - rnb.number, rnb.den, -nb_cut);
        l.note = "notwendiger Bedarf (local practice)";
        ctx.use(l, param_id_t::p1a_nb, m);
    }
    if (npb_cut.is_positive()) {
        line_item_t &l = ctx.emit(m, line_kind_t::reduction_1a, line_class_t::need, "§ 1a Abs. 1 AsylbLG", npb,
                                  rnpb.den - rnpb.number, rnpb.den, -npb_cut);
        l.note = "notwendiger persönlicher Bedarf (local practice)";
        ctx.use(l, param_id_t::p1a_npb, m);
    }
    nb -= nb_cut;
    npb -= npb_cut;
    ctx.flag(m, "p1a-reduction", "§ 1a AsylbLG reduction applied with the city's configured shares");
}

} // namespace sozbatch::calc::detail
