// SPDX-License-Identifier: GPL-3.0-or-later
// § 35 SGB XII Bedarfe für Unterkunft und Heizung (with § 42a for the 4. Kapitel; § 3 Abs. 3
// AsylbLG for Grundleistungen): the recognised rent (Grundmiete + Nebenkosten, bruttokalt) is the
// actual rent up to the city limit for the household size; during the one-year Karenzzeit (since
// 2023) the actual rent. Heating at actual cost. Shares per head of the persons in the dwelling.
#include "lib/calc/rule_context.hpp"

namespace sozbatch::calc::detail {

namespace {

constexpr param_id_t LIMIT_IDS[7] = {param_id_t::kdu_limit1, param_id_t::kdu_limit2, param_id_t::kdu_limit3,
                                     param_id_t::kdu_limit4, param_id_t::kdu_limit5, param_id_t::kdu_limit6,
                                     param_id_t::kdu_limit7};

/// The first day of receipt: the earliest approved approval of the case.
std::optional<date_t> receipt_start(domain::case_t const &c)
{
    std::optional<date_t> first;
    for (auto const &a : c.approvals) {
        if (a.state == domain::approval_state_t::approved && (!first || a.period.from() < *first)) {
            first = a.period.from();
        }
    }
    return first;
}

/// § 35 Abs. 1 Satz 2: Karenzzeit of (parameter) months from the first month of receipt. Receipt
/// that began before the Karenzzeit existed (2023) does not start one (§ 140; simplified).
bool in_karenzzeit(rule_context_t &ctx)
{
    if (!ctx.mp->has(param_id_t::p35_karenz)) {
        return false;
    }
    auto const start = receipt_start(*ctx.c);
    if (!start || *start < date_t{2023, 1, 1}) {
        return false;
    }
    auto const months = ctx.mp->get(param_id_t::p35_karenz).number;
    return ctx.month.months_since(month_t::of(*start)) < months;
}

} // namespace

void p35_unterkunft_heizung(rule_context_t &ctx)
{
    domain::housing_t const &h = *ctx.housing;
    money_t const actual = h.basic_rent + h.service_charges;
    if (actual.is_zero() && h.heating.is_zero()) {
        return;
    }
    int active = 0;
    std::size_t first_active = ctx.members.size();
    bool any_asylblg3 = false;
    for (std::size_t i = 0; i < ctx.members.size(); ++i) {
        if (ctx.state[i].active) {
            first_active = active == 0 ? i : first_active;
            ++active;
            any_asylblg3 = any_asylblg3 || ctx.state[i].regime == regime_t::asylblg3;
        }
    }
    int n = h.persons_in_dwelling;
    if (n < 1) {
        ctx.fail(ctx.members.size(), "persons in dwelling must be at least 1");
    }
    if (n < active) {
        ctx.flag(ctx.members.size(), "dwelling-persons-below-members", "fewer persons in the dwelling than members; members used");
        n = active;
    }
    bool const gu = h.dwelling == domain::dwelling_t::gemeinschaftsunterkunft;
    bool const asylblg3_only = any_asylblg3 && ctx.c->law != domain::law_t::sgb12_kap3;

    // recognised rent for the dwelling
    money_t recognised = actual;
    param_id_t const limit_id = LIMIT_IDS[std::min(n, 7) - 1];
    money_t limit = ctx.money(limit_id, first_active);
    if (n > 7) {
        limit += ctx.money(param_id_t::kdu_further, first_active) * (n - 7);
    }
    std::string_view note;
    if (actual > limit) {
        if (!asylblg3_only && in_karenzzeit(ctx)) {
            note = "actual rent recognised: Karenzzeit § 35 Abs. 1 Satz 2";
            ctx.flag(ctx.members.size(), "rent-above-limit-karenzzeit",
                     "rent above the city limit, recognised during the Karenzzeit");
        } else {
            recognised = limit;
            note = "capped at the city limit";
            ctx.flag(ctx.members.size(), "rent-above-limit", "rent above the city limit: only the limit is recognised");
        }
    }
    int k = 0;
    for (std::size_t i = 0; i < ctx.members.size(); ++i) {
        person_state_t const &s = ctx.state[i];
        if (!s.active) {
            continue;
        }
        bool const asyl = s.regime == regime_t::asylblg3;
        std::string_view const rent_norm = asyl ? "§ 3 Abs. 3 Satz 3 AsylbLG"
                                         : ctx.c->law == domain::law_t::sgb12_kap4 ? "§ 42a Abs. 1, § 35 Abs. 1 SGB XII"
                                                                                   : "§ 35 Abs. 1 SGB XII";
        std::string_view const heat_norm = asyl ? "§ 3 Abs. 3 Satz 3 AsylbLG"
                                         : ctx.c->law == domain::law_t::sgb12_kap4 ? "§ 42a Abs. 1, § 35 Abs. 4 SGB XII"
                                                                                   : "§ 35 Abs. 4 SGB XII";
        // in a Gemeinschaftsunterkunft, accommodation and heating are provided in kind (AsylbLG § 3)
        line_class_t const cls = asyl && gu ? line_class_t::in_kind : line_class_t::need;
        if (!recognised.is_zero()) {
            money_t const share = exact_share(recognised, k, n);
            line_item_t &l = ctx.emit(i, line_kind_t::unterkunft, line_class_t::need, rent_norm, recognised, 1, n, share);
            l.note = note;
            ctx.use(l, limit_id, i);
            if (cls == line_class_t::in_kind) {
                ctx.emit(i, line_kind_t::unterkunft, line_class_t::in_kind, "§ 3 Abs. 2 AsylbLG", share, 0, 0, -share).note =
                    "provided in kind (Gemeinschaftsunterkunft)";
            }
        }
        if (!h.heating.is_zero()) {
            money_t const share = exact_share(h.heating, k, n);
            ctx.emit(i, line_kind_t::heizung, line_class_t::need, heat_norm, h.heating, 1, n, share);
            if (cls == line_class_t::in_kind) {
                ctx.emit(i, line_kind_t::heizung, line_class_t::in_kind, "§ 3 Abs. 2 AsylbLG", share, 0, 0, -share).note =
                    "provided in kind (Gemeinschaftsunterkunft)";
            }
        }
        ++k;
    }
}

} // namespace sozbatch::calc::detail
