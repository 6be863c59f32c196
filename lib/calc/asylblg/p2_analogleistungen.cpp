// SPDX-License-Identifier: GPL-3.0-or-later
// § 2 Abs. 1 AsylbLG Analogleistungen: the 3. Kapitel SGB XII applies by analogy after the waiting
// time (15 months until 2019-08-20, 18 until 2024-02-26, 36 since 2024-02-27; asylblg.p2.waiting).
// Who reached § 2 under an earlier, shorter waiting time keeps it (§ 20 AsylbLG n.F. for 2024).
// Without a stay date the case's law code decides (AsylbLG-2 or AsylbLG-3).
#include "lib/calc/rule_context.hpp"

namespace sozbatch::calc::detail {

namespace {

/// The same day \p months later (the month's last day when it is shorter).
date_t add_months(date_t::ymd_type const &d, std::int64_t months)
{
    auto const index = static_cast<int>(d.year * 12 + (d.month - 1) + months); // months since year 0
    auto const year = static_cast<unsigned short>(index / 12);
    auto const month = static_cast<unsigned short>(index % 12 + 1);
    unsigned short const month_days = boost::gregorian::gregorian_calendar::end_of_month_day(year, month);
    auto const day = std::min<unsigned short>(d.day, month_days);
    return date_t(year, month, day);
}

} // namespace

std::optional<date_t> p2_analog_from(rule_context_t const &ctx, std::size_t m)
{
    domain::member_t const &mb = *ctx.members[m].member;
    if (!mb.stay_since) {
        if (ctx.c->law == domain::law_t::asylblg_2) {
            return date_t{1900, 1, 1};
        }
        return std::nullopt;
    }
    // the first day on which the stay reaches the waiting time in force on that day
    date_t::ymd_type const stay = mb.stay_since->year_month_day(); // one calendar conversion
    for (params::entry_t const *e : ctx.mp->p2_waiting()) {
        date_t const reached = add_months(stay, e->number);
        date_t const t = reached < e->from ? e->from : reached;
        if (!e->to || t <= *e->to) {
            return t;
        }
    }
    return std::nullopt;
}

} // namespace sozbatch::calc::detail
