// SPDX-License-Identifier: GPL-3.0-or-later
// Orchestration of one case-month: members, segments of the month, the rule units per segment,
// totals and the payout split. The rules themselves live in one file per norm (sgb12/, asylblg/, bvg/).
#include "lib/calc/calculate.hpp"

#include "lib/calc/sgb12/p41_altersgrenze.hpp"
#include "lib/core/error.hpp"

#include <algorithm>
#include <bit>

namespace sozbatch::calc {

using namespace detail;
using domain::law_t;

namespace detail {

void rule_context_t::missing_param(param_id_t id, std::size_t member) const
{
    fail(member, "no value for parameter '" + std::string{param_key(id)} + "' in force in " + month.to_string());
}

line_item_t &rule_context_t::emit_ratio(std::size_t member, line_kind_t kind, line_class_t cls, std::string_view norm,
                                        money_t basis, param_id_t ratio_id, bool day_share)
{
    resolved_t const &r = param(ratio_id, member);
    line_item_t &l = emit(member, kind, cls, norm, basis, r.number, r.den, basis.scale(r.number, r.den), day_share);
    use(l, ratio_id, member);
    return l;
}

void rule_context_t::flag(std::size_t member, std::string_view code, std::string_view text)
{
    std::uint16_t const person = member < members.size() ? members[member].index : NO_PERSON;
    for (auto const &f : out->flags) {
        if (f.person == person && f.code == code) {
            return;
        }
    }
    out->flags.push_back(flag_t{person, code, text});
}

bool rule_context_t::has_parent_in_case(std::size_t member) const
{
    if (members[member].member->role != domain::member_role_t::child) {
        return false;
    }
    for (std::size_t i = 0; i < members.size(); ++i) {
        if (state[i].active && is_parent(i)) {
            return true;
        }
    }
    return false;
}

void rule_context_t::fail(std::size_t member, std::string const &reason) const
{
    std::string who = "case " + c->file_ref;
    if (member < members.size()) {
        who += ", person " + members[member].member->person_id;
    }
    throw case_error{who + ": " + reason};
}

std::string_view norm_regelbedarf(law_t law) noexcept
{
    return law == law_t::sgb12_kap4 ? "§ 42 Nr. 1, § 27a Abs. 3 SGB XII, Anlage zu § 28 SGB XII"
                                    : "§ 27a Abs. 3 SGB XII, Anlage zu § 28 SGB XII";
}

} // namespace detail

namespace {

using mask_t = std::uint64_t;

/// The day of the month of \p d (1-based) for the month beginning on \p first, by day numbers.
/// \pre d lies in the month
int day_in_month(date_t d, date_t first)
{
    std::int64_t const after_first = static_cast<std::int64_t>(d.day_number()) - first.day_number();
    return static_cast<int>(after_first) + 1;
}

/// The bits 0..d. \pre d < 63
constexpr mask_t below_or_at(int d) { return (mask_t{2} << d) - 1; }

/// Day \p d (1-based) of the month beginning on \p first.
date_t nth_day(date_t first, int d)
{
    return date_t{static_cast<date_t::date_int_type>(first.day_number() + static_cast<unsigned>(d - 1))};
}

/// Marks the days of \p p within the month: start bit at its first day, and at the day after its end.
void mark(period_t const &p, date_t first, date_t last, mask_t &starts, mask_t *covered = nullptr)
{
    if (p.from() > last || (p.to() && *p.to() < first)) {
        return;
    }
    int const dim = day_in_month(last, first);
    int const a = p.from() < first ? 1 : day_in_month(p.from(), first);
    int const b = (!p.to() || *p.to() > last) ? dim : day_in_month(*p.to(), first);
    starts |= mask_t{1} << a;
    if (b < dim) {
        starts |= mask_t{1} << (b + 1);
    }
    if (covered) {
        // bits a..b
        *covered |= ((mask_t{1} << (b + 1)) - 1) & ~((mask_t{1} << a) - 1);
    }
}

bool overlaps(period_t const &p, date_t first, date_t last)
{
    return !(p.from() > last || (p.to() && *p.to() < first));
}

domain::person_t const *find_person(std::span<domain::person_t const> persons, std::string_view id)
{
    for (auto const &p : persons) {
        if (p.ext_id == id) {
            return &p;
        }
    }
    return nullptr;
}

/// Collects the needs of \p mb overlapping the month into ctx.member_needs (person-less needs
/// belong to the applicant), in the case's order.
void collect_needs(rule_context_t &ctx, member_ref_t &mr)
{
    domain::member_t const &mb = *mr.member;
    bool const applicant = mb.role == domain::member_role_t::applicant;
    mr.needs_begin = static_cast<std::uint32_t>(ctx.member_needs.size());
    for (auto const &n : ctx.c->needs) {
        if ((n.person_id == mb.person_id || (applicant && n.person_id.empty())) &&
            overlaps(n.validity, ctx.first_day, ctx.last_day)) {
            ctx.member_needs.push_back(&n);
        }
    }
    mr.needs_end = static_cast<std::uint32_t>(ctx.member_needs.size());
}

/// Whether the member has a need of \p kind on some day of the month.
/// \param permanent only needs without an end date (§ 41 Abs. 3: dauerhaft voll erwerbsgemindert)
bool need_in_month(rule_context_t const &ctx, member_ref_t const &mr, std::string_view kind, bool permanent = false)
{
    for (std::uint32_t i = mr.needs_begin; i < mr.needs_end; ++i) {
        domain::need_t const &n = *ctx.member_needs[i];
        if (n.kind == kind && (!permanent || n.validity.open_ended())) {
            return true;
        }
    }
    return false;
}

bool is_asylblg(law_t l) { return l == law_t::asylblg_2 || l == law_t::asylblg_3; }

/// Needs of one member in the segment, by regime.
void needs_of(rule_context_t &ctx, std::size_t m)
{
    if (ctx.state[m].regime == regime_t::asylblg3) {
        p3a_grundleistung(ctx, m);
        p145_sofortzuschlag(ctx, m);
        return;
    }
    p28_regelbedarf(ctx, m);
    p30_mehrbedarf(ctx, m);
    p42b_mittagsverpflegung(ctx, m);
    p145_sofortzuschlag(ctx, m);
    p27b_barbetrag(ctx, m);
}

/// Income of the segment (one-off income: its monthly share, in the first segment only).
void incomes_of(rule_context_t &ctx)
{
    for (auto const &inc : ctx.c->incomes) {
        std::size_t m = ctx.members.size();
        for (std::size_t i = 0; i < ctx.members.size(); ++i) {
            if (ctx.state[i].active && ctx.members[i].member->person_id == inc.person_id) {
                m = i;
                break;
            }
        }
        if (m == ctx.members.size()) {
            continue;
        }
        money_t const deductions = inc.taxes + inc.social_insurance + inc.insurance_premiums + inc.work_expenses;
        money_t gross = inc.gross;
        money_t ded = deductions;
        bool day_share = true;
        if (std::string_view{inc.kind} == "one-off") {
            // § 82 Abs. 7: counted from the month of receipt, spread over spread_months months
            if (!ctx.first_segment) {
                continue;
            }
            int const n = std::max(1, inc.spread_months.value_or(1));
            int const k = ctx.month.months_since(month_t::of(inc.validity.from()));
            if (k < 0 || k >= n) {
                continue;
            }
            gross = exact_share(inc.gross, k, n);
            ded = exact_share(deductions, k, n);
            day_share = false;
        } else if (!inc.validity.contains(ctx.seg.from)) {
            continue;
        }
        if (ctx.state[m].regime == regime_t::asylblg3) {
            p7_einkommen(ctx, m, inc, gross, ded, day_share);
        } else {
            p82_einkommen(ctx, m, inc, gross, ded, day_share);
        }
    }
}

void run_segment(rule_context_t &ctx)
{
    domain::case_t const &c = *ctx.c;
    ctx.housing = nullptr;
    for (auto const &h : c.housing) {
        if (h.validity.contains(ctx.seg.from)) {
            ctx.housing = &h;
            break;
        }
    }
    if (!ctx.housing) {
        ctx.fail(ctx.members.size(), "no housing (Wohnform) recorded for " + to_iso(ctx.seg.from));
    }
    ctx.n_applicant_partner = 0;
    for (std::size_t i = 0; i < ctx.members.size(); ++i) {
        person_state_t &s = ctx.state[i];
        s = person_state_t{};
        member_ref_t const &mr = ctx.members[i];
        s.active = mr.member->validity.contains(ctx.seg.from);
        if (!s.active) {
            continue;
        }
        s.age = mr.age_first + (mr.birthday && ctx.seg.from >= *mr.birthday ? 1 : 0);
        if (ctx.is_parent(i)) {
            ++ctx.n_applicant_partner;
        }
        s.recipient = c.law != law_t::sgb12_kap4 || mr.p41_met;
    }
    // regime: AsylbLG § 2 from its day; minors follow a parent receiving § 2 (§ 2 Abs. 3)
    if (is_asylblg(c.law)) {
        bool parent_analog = false;
        for (std::size_t i = 0; i < ctx.members.size(); ++i) {
            person_state_t &s = ctx.state[i];
            if (!s.active) {
                continue;
            }
            auto const &from = ctx.members[i].p2_from;
            bool const analog = from && ctx.seg.from >= *from && !p1a_reduced(ctx, i);
            s.regime = analog ? regime_t::sgb12 : regime_t::asylblg3;
            parent_analog = parent_analog || (analog && ctx.is_parent(i));
        }
        for (std::size_t i = 0; i < ctx.members.size(); ++i) {
            person_state_t &s = ctx.state[i];
            if (s.active && s.age < 18 && parent_analog && ctx.has_parent_in_case(i) && !p1a_reduced(ctx, i)) {
                s.regime = regime_t::sgb12;
            }
        }
    }
    for (std::size_t i = 0; i < ctx.members.size(); ++i) {
        if (ctx.state[i].active) {
            needs_of(ctx, i);
        }
    }
    p35_unterkunft_heizung(ctx);
    incomes_of(ctx);
    p43_einsatzgemeinschaft(ctx);
}

/// Payout split: rent to the landlord, energy to the provider where assigned, the rest (less
/// offsets) to the benefit payee.
void split_payout(domain::case_t const &c, date_t first, date_t last, case_result_t &out)
{
    money_t rent;
    money_t heating;
    for (auto const &l : out.lines) {
        if (l.kind == line_kind_t::unterkunft && l.cls != line_class_t::info) {
            rent += l.amount;
        } else if (l.kind == line_kind_t::heizung && l.cls != line_class_t::info) {
            heating += l.amount;
        }
    }
    money_t remaining = out.totals.entitlement;
    domain::assignment_t const *benefit = nullptr;
    for (auto purpose : {domain::assignment_purpose_t::rent, domain::assignment_purpose_t::energy}) {
        for (auto const &a : c.assignments) {
            if (a.purpose != purpose || !overlaps(a.validity, first, last)) {
                continue;
            }
            money_t const due = a.amount.value_or(purpose == domain::assignment_purpose_t::rent ? rent : heating);
            money_t const paid = money_t::min(due, remaining).clamp_zero();
            if (paid.is_positive()) {
                out.payouts.push_back(payout_t{a.payee_id, purpose, paid});
                remaining -= paid;
            }
            break; // one assignment per purpose and month
        }
    }
    for (auto const &a : c.assignments) {
        if (a.purpose == domain::assignment_purpose_t::benefit && overlaps(a.validity, first, last)) {
            benefit = &a;
            break;
        }
    }
    money_t offsets;
    for (auto const &o : c.offsets) {
        if (overlaps(o.validity, first, last)) {
            offsets += o.monthly;
        }
    }
    if (offsets > remaining) {
        out.flags.push_back(flag_t{NO_PERSON, "offset-capped",
                                   "Aufrechnung higher than the remaining benefit; only the benefit is offset"});
        offsets = remaining.clamp_zero();
    }
    out.totals.offsets = offsets;
    remaining -= offsets;
    if (remaining.is_positive()) {
        out.payouts.push_back(payout_t{benefit ? benefit->payee_id : std::string{}, domain::assignment_purpose_t::benefit,
                                       remaining});
    }
    out.totals.payout = out.totals.entitlement - offsets;
    std::sort(out.payouts.begin(), out.payouts.end(), [](payout_t const &a, payout_t const &b) {
        return a.purpose != b.purpose ? static_cast<int>(a.purpose) > static_cast<int>(b.purpose) : a.payee_id < b.payee_id;
    });
}

void sum_up(case_result_t &out)
{
    totals_t &t = out.totals;
    for (auto const &l : out.lines) {
        person_total_t *p = l.person < out.persons.size() ? &out.persons[l.person] : nullptr;
        switch (l.cls) {
        case line_class_t::need:
            t.needs += l.amount;
            if (p) p->needs += l.amount;
            break;
        case line_class_t::in_kind:
            t.needs += l.amount;
            t.in_kind -= l.amount;
            if (p) {
                p->needs += l.amount;
                p->in_kind -= l.amount;
            }
            break;
        case line_class_t::income:
            if (l.kind != line_kind_t::household_transfer && l.kind != line_kind_t::kindergeld_transfer) {
                t.income_counted += l.amount;
                if (p) p->income += l.amount;
            }
            break;
        case line_class_t::result:
            t.entitlement += l.amount;
            if (p) p->entitlement += l.amount;
            break;
        case line_class_t::info: break;
        }
    }
    t.income_applied = t.needs - t.entitlement;
}

} // namespace

void calculator_t::calculate(domain::case_t const &c, std::span<domain::person_t const> persons, case_result_t &out)
{
    rule_context_t &ctx = m_ctx;
    month_t const month = m_params->month();
    out.clear();
    out.file_ref = c.file_ref;
    out.law = c.law;
    out.month = month;
    out.law_via = c.law == law_t::bvg_kof ? "§ 27a BVG" : is_asylblg(c.law) ? "§ 2 Abs. 1 AsylbLG" : "";
    ctx.mp = m_params;
    ctx.c = &c;
    ctx.out = &out;
    if (ctx.days_in_month == 0 || ctx.month != month) {
        ctx.first_day = month.first_day();
        ctx.last_day = month.last_day();
        ctx.days_in_month = month.days();
    }
    ctx.month = month;
    date_t const first = ctx.first_day;
    date_t const last = ctx.last_day;
    ctx.members.clear();
    ctx.member_needs.clear();
    ctx.seg_index = 0;
    ctx.first_segment = true;

    int const dim = ctx.days_in_month;
    mask_t starts = mask_t{1} << 1;
    mask_t covered = 0;

    for (auto const &mb : c.members) {
        if (!overlaps(mb.validity, first, last)) {
            continue;
        }
        member_ref_t mr;
        mr.member = &mb;
        mr.person = find_person(persons, mb.person_id);
        if (!mr.person) {
            throw case_error{"case " + c.file_ref + ", person " + mb.person_id + ": person not found"};
        }
        if (!mr.person->birth_date) {
            throw case_error{"case " + c.file_ref + ", person " + mb.person_id + ": birth date missing"};
        }
        mr.index = static_cast<std::uint16_t>(out.persons.size());
        out.persons.emplace_back().person_id = mb.person_id;
        // one calendar conversion per person; the rest is arithmetic
        auto const ymd = mr.person->birth_date->year_month_day();
        int const by = ymd.year;
        int const bm = ymd.month;
        int const bd = ymd.day;
        // age on the 1st of the month (a 29 February birthday counts on 1 March, as age_on())
        mr.age_first = month.year() - by - ((month.month() < bm || (month.month() == bm && bd > 1)) ? 1 : 0);
        if (bm == month.month() && bd <= dim && bd > 1) {
            starts |= mask_t{1} << bd; // a stage may change on the birthday
            mr.birthday = nth_day(first, bd);
        }
        int const age_last = mr.age_first + (mr.birthday ? 1 : 0);
        collect_needs(ctx, mr);
        // (nobody under 64 on the last day of the month can reach a limit of at least 65 years in it)
        mr.p41_age_reached = age_last >= 64 && p41_first_month(by, bm, bd) <= month;
        mr.p41_met = mr.p41_age_reached ||
                     (age_last >= 18 && (need_in_month(ctx, mr, "erwerbsminderung-voll", true) ||
                                         need_in_month(ctx, mr, "wfbm-eingangsverfahren")));
        mark(mb.validity, first, last, starts);
        ctx.members.push_back(mr);
    }
    if (ctx.members.empty()) {
        out.flags.push_back(flag_t{NO_PERSON, "no-member", "no member of the case in this month: nothing to pay"});
        return;
    }
    ctx.state.resize(ctx.members.size());
    if (c.law == law_t::bvg_kof) {
        p27a_check(ctx);
    }
    if (is_asylblg(c.law)) {
        for (std::size_t i = 0; i < ctx.members.size(); ++i) {
            ctx.members[i].p2_from = p2_analog_from(ctx, i);
            auto const &f = ctx.members[i].p2_from;
            if (f && *f > first && *f <= last) { // from day 2..n of the month
                starts |= mask_t{1} << day_in_month(*f, first);
            }
        }
    }
    for (auto const &a : c.approvals) {
        if (a.state == domain::approval_state_t::approved) {
            mark(a.period, first, last, starts, &covered);
        }
    }
    for (auto const &n : c.needs) mark(n.validity, first, last, starts);
    for (auto const &i : c.incomes) mark(i.validity, first, last, starts);
    for (auto const &h : c.housing) mark(h.validity, first, last, starts);

    if (c.law == law_t::sgb12_kap3) {
        for (std::size_t i = 0; i < ctx.members.size(); ++i) {
            if (ctx.members[i].p41_met) {
                ctx.flag(i, "p41-met-in-kap3", "§ 41 requirements met: Grundsicherung (4. Kapitel) has priority (§ 19 Abs. 2 SGB XII)");
            }
        }
    }
    if (covered == 0) {
        out.flags.push_back(flag_t{NO_PERSON, "no-approval", "no approved approval covers a day of the month"});
    }
    // Segments: maximal runs of covered days d..e in which no day after d is a start. A day not
    // covered (every bit above dim counts as one) or a start ends the run before it.
    mask_t const breaks = ~covered | starts;
    for (mask_t rest = covered; rest != 0;) {
        int const d = std::countr_zero(rest);
        int const e = std::countr_zero(breaks & ~below_or_at(d)) - 1;
        ctx.seg = segment_t{nth_day(first, d), nth_day(first, e),
                            static_cast<std::int16_t>(days_30(d, e, dim))};
        ctx.seg_index = static_cast<std::uint8_t>(out.segments.size());
        out.segments.push_back(ctx.seg);
        if (ctx.seg.days > 0) {
            run_segment(ctx);
            ctx.first_segment = false;
        }
        rest &= ~below_or_at(e);
    }
    sum_up(out);
    split_payout(c, first, last, out);
}

case_result_t calculate(domain::case_t const &c, std::span<domain::person_t const> persons, month_t month,
                        params::parameter_set_t const &params)
{
    month_params_t const mp{params, month};
    calculator_t calc{mp};
    case_result_t out;
    calc.calculate(c, persons, out);
    return out;
}

} // namespace sozbatch::calc
