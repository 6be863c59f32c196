// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/notices_plan.hpp"

#include "lib/core/error.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <tuple>

namespace sozbatch::jobs {

namespace {

using line_key_t = std::tuple<std::string, std::string, std::string>; // person, kind, legal basis
using segment_map_t = std::map<line_key_t, money_t>;

/// Lines that carry an amount of their own (the entitlement lines follow from the others).
bool compared(db::notice_line_t const &l) { return l.cls != "result" && l.cls != "info"; }

/// The monthly amounts per segment start, in date order.
std::map<date_t, segment_map_t> by_segment(std::vector<db::notice_line_t> const &lines)
{
    std::map<date_t, segment_map_t> out;
    for (auto const &l : lines) {
        auto &seg = out[l.segment_from];
        if (compared(l)) {
            seg[{l.person_id, l.kind, l.legal_basis}] += l.monthly;
        }
    }
    return out;
}

bool is_approved(domain::approval_t const &a) { return a.state == domain::approval_state_t::approved; }

/// The approval that starts in \p m, unless it only continues one ending the day before.
bool approval_starts_in(domain::case_t const &c, month_t m)
{
    for (auto const &a : c.approvals) {
        if (!is_approved(a) || month_t::of(a.period.from()) != m) {
            continue;
        }
        bool const continues = std::any_of(c.approvals.begin(), c.approvals.end(), [&](auto const &b) {
            return &b != &a && is_approved(b) && b.period.to() && *b.period.to() + boost::gregorian::days(1) == a.period.from();
        });
        if (!continues) {
            return true;
        }
    }
    return false;
}

/// The last day of benefits when the approvals end within \p m without a follow-up.
std::optional<date_t> approval_ends_in(domain::case_t const &c, month_t m)
{
    std::optional<date_t> end;
    for (auto const &a : c.approvals) {
        if (!is_approved(a) || !a.period.to() || month_t::of(*a.period.to()) != m) {
            continue;
        }
        date_t const next = *a.period.to() + boost::gregorian::days(1);
        bool const followed = std::any_of(c.approvals.begin(), c.approvals.end(),
                                          [&](auto const &b) { return is_approved(b) && b.period.contains(next); });
        if (!followed) {
            end = *a.period.to();
        }
    }
    if (c.closed_on && month_t::of(*c.closed_on) == m && (!end || *c.closed_on < *end)) {
        end = *c.closed_on;
    }
    return end;
}

/// An approved approval overlaps \p m (then a missing result is a calculation failure, not an end).
bool approved_in_month(domain::case_t const &c, month_t m)
{
    auto const month = period_t::of(m);
    bool const closed = c.closed_on && *c.closed_on < month.from();
    return !closed && std::any_of(c.approvals.begin(), c.approvals.end(),
                                  [&](auto const &a) { return is_approved(a) && a.period.overlaps(month); });
}

struct case_entry_t
{
    std::optional<db::result_header_t> current;
    std::optional<db::result_header_t> previous;
    std::vector<db::difference_row_t> differences;
};

} // namespace

std::string_view notice_event_code(notice_event_t e) noexcept
{
    switch (e) {
    case notice_event_t::first_approval: return "first-approval";
    case notice_event_t::amount_change: return "amount-change";
    case notice_event_t::end_of_benefits: return "end-of-benefits";
    case notice_event_t::back_payment: return "back-payment";
    case notice_event_t::overpayment: return "overpayment";
    case notice_event_t::monthly_payment: return "monthly-payment";
    }
    return "?";
}

event_map_t::event_map_t()
{
    using notice::notice_kind_t;
    m_map[notice_event_t::first_approval] = notice_kind_t::bewilligung;
    m_map[notice_event_t::amount_change] = notice_kind_t::aenderung;
    m_map[notice_event_t::end_of_benefits] = notice_kind_t::einstellung;
    m_map[notice_event_t::back_payment] = notice_kind_t::nachzahlung;
    m_map[notice_event_t::overpayment] = notice_kind_t::anhoerung;
    m_map[notice_event_t::monthly_payment] = std::nullopt;
}

event_map_t event_map_t::from_settings(std::map<std::string, std::string> const &settings)
{
    event_map_t m;
    std::string const prefix = "notices.event.";
    for (auto const &[key, value] : settings) {
        if (!key.starts_with(prefix)) {
            continue;
        }
        std::string const code = key.substr(prefix.size());
        auto const it = std::find_if(std::begin(all_notice_events), std::end(all_notice_events),
                                     [&](auto e) { return notice_event_code(e) == code; });
        if (it == std::end(all_notice_events)) {
            throw config_error{"unknown notice event '" + code + "' in setting " + key +
                               " (known: first-approval, amount-change, end-of-benefits, back-payment, overpayment, "
                               "monthly-payment)"};
        }
        if (value == "off" || value == "none" || value.empty()) {
            m.set(*it, std::nullopt);
            continue;
        }
        try {
            m.set(*it, notice::parse_notice_kind(value));
        } catch (validation_error const &) {
            throw config_error{"setting " + key + ": unknown notice kind '" + value +
                               "' (bewilligung, aenderung, einstellung, nachzahlung, anhoerung, zahlungsmitteilung, off)"};
        }
    }
    return m;
}

std::vector<changed_line_t> compare_lines(std::vector<db::notice_line_t> const &previous,
                                          std::vector<db::notice_line_t> const &current, month_t month,
                                          std::optional<date_t> &effective_from)
{
    effective_from.reset();
    std::vector<changed_line_t> out;
    auto const prev_segments = by_segment(previous);
    auto const cur_segments = by_segment(current);
    if (prev_segments.empty() || cur_segments.empty()) {
        return out;
    }
    segment_map_t const &before = prev_segments.rbegin()->second;
    segment_map_t const &after = cur_segments.rbegin()->second;
    std::map<line_key_t, changed_line_t> changes;
    for (auto const &[k, v] : before) {
        auto const it = after.find(k);
        if (it == after.end() || it->second != v) {
            changes[k] = changed_line_t{std::get<0>(k), std::get<1>(k), std::get<2>(k), v,
                                        it == after.end() ? std::nullopt : std::optional{it->second}};
        }
    }
    for (auto const &[k, v] : after) {
        if (!before.contains(k)) {
            changes[k] = changed_line_t{std::get<0>(k), std::get<1>(k), std::get<2>(k), std::nullopt, v};
        }
    }
    if (changes.empty()) {
        return out;
    }
    for (auto const &[from, seg] : cur_segments) {
        if (seg != before) {
            effective_from = std::max(from, month.first_day());
            break;
        }
    }
    if (!effective_from) {
        effective_from = month.first_day();
    }
    // Keep the order of the current result's lines, dropped lines last.
    for (auto const &l : current) {
        auto const it = changes.find({l.person_id, l.kind, l.legal_basis});
        if (it != changes.end()) {
            out.push_back(it->second);
            changes.erase(it);
        }
    }
    for (auto &[k, c] : changes) {
        out.push_back(std::move(c));
    }
    return out;
}

bool month_has_results(db::database_t &db, long long tenant, month_t month, std::vector<std::string> const &work_groups)
{
    return db::result_store_t{db}.any_for_month(tenant, month, work_groups);
}

std::vector<planned_notice_t> plan_cases(db::database_t &db, long long tenant, month_t month, event_map_t const &map,
                                         std::vector<std::string> const &work_groups,
                                         std::vector<db::stored_case_t> &&cases)
{
    std::vector<planned_notice_t> out;
    if (cases.empty()) {
        return out;
    }
    db::result_store_t results{db};
    db::notice_store_t notices{db};
    std::vector<long long> ids;
    ids.reserve(cases.size());
    for (auto const &sc : cases) {
        ids.push_back(sc.case_id);
    }
    std::map<long long, case_entry_t> by_case;
    for (auto &h : results.latest_of_cases(tenant, month, ids)) {
        by_case[h.case_id].current = std::move(h);
    }
    for (auto &h : results.latest_of_cases(tenant, month.prev(), ids)) {
        by_case[h.case_id].previous = std::move(h);
    }
    for (auto &d : notices.differences_of(tenant, month, ids)) {
        by_case[d.case_id].differences.push_back(std::move(d));
    }
    auto const earlier = notices.cases_with_results_before_of(tenant, month, ids);
    auto const produced = notices.produced_keys_of(tenant, month, ids);

    for (auto &loaded : cases) {
        auto const found = by_case.find(loaded.case_id);
        if (found == by_case.end()) {
            continue; // nothing this month, the month before or in a difference
        }
        auto const &e = found->second;
        auto const stored = std::make_shared<db::stored_case_t const>(std::move(loaded));
        auto const &c = stored->data;
        if (!work_groups.empty() &&
            std::find(work_groups.begin(), work_groups.end(), c.work_group) == work_groups.end()) {
            continue; // a case the operator may not see
        }
        auto add = [&](notice_event_t ev, std::string event_ref, auto &&fill) {
            auto const kind = map.kind(ev);
            if (!kind) {
                return;
            }
            planned_notice_t p;
            p.stored = stored;
            p.event = ev;
            p.kind = *kind;
            p.event_ref = std::move(event_ref);
            p.current = e.current;
            p.previous = e.previous;
            fill(p);
            p.already_produced =
                produced.contains(db::notice_key(stored->case_id, std::string{notice::notice_kind_code(p.kind)}, p.event_ref));
            out.push_back(std::move(p));
        };
        auto const none = [](planned_notice_t &) {};

        // One of: end, first approval, change, monthly payment (in this order of precedence).
        std::optional<date_t> const ends = approval_ends_in(c, month);
        bool const ended_before = e.previous && approval_ends_in(c, month.prev()).has_value();
        if (e.current && ends) {
            add(notice_event_t::end_of_benefits, "result:" + std::to_string(e.current->id), [&](planned_notice_t &p) {
                p.effective_from = *ends + boost::gregorian::days(1);
            });
        } else if (!e.current && e.previous && !ended_before && !approved_in_month(c, month)) {
            add(notice_event_t::end_of_benefits, "end-after:" + std::to_string(e.previous->id),
                [&](planned_notice_t &p) { p.effective_from = month.first_day(); });
        } else if (e.current && (!earlier.contains(stored->case_id) || approval_starts_in(c, month))) {
            add(notice_event_t::first_approval, "result:" + std::to_string(e.current->id), none);
        } else if (e.current) {
            std::vector<changed_line_t> changes;
            std::optional<date_t> from;
            if (e.previous) {
                changes = compare_lines(notices.lines(e.previous->id), notices.lines(e.current->id), month, from);
            }
            if (!changes.empty()) {
                add(notice_event_t::amount_change, "result:" + std::to_string(e.current->id), [&](planned_notice_t &p) {
                    p.effective_from = from;
                    p.changes = changes;
                });
            } else {
                add(notice_event_t::monthly_payment, "result:" + std::to_string(e.current->id), none);
            }
        }
        for (auto const &d : e.differences) {
            bool const back = d.kind == "nachzahlung";
            add(back ? notice_event_t::back_payment : notice_event_t::overpayment, "difference:" + std::to_string(d.id),
                [&](planned_notice_t &p) { p.difference = d; });
        }
    }
    std::stable_sort(out.begin(), out.end(), [](auto const &a, auto const &b) {
        return std::tie(a.file_ref(), a.kind) < std::tie(b.file_ref(), b.kind);
    });
    return out;
}

void for_each_planned_chunk(db::database_t &db, long long tenant, month_t month, event_map_t const &map,
                            std::vector<std::string> const &work_groups,
                            std::function<void(std::vector<planned_notice_t> &&)> const &fn, std::size_t chunk)
{
    db::case_store_t cases{db};
    db::case_filter_t filter;
    filter.work_groups = work_groups;
    std::vector<db::stored_case_t> pending;
    auto flush = [&] {
        auto plans = plan_cases(db, tenant, month, map, work_groups, std::move(pending));
        pending.clear();
        if (!plans.empty()) {
            fn(std::move(plans));
        }
    };
    cases.for_each_case(
        tenant, filter,
        [&](db::stored_case_t &&sc) {
            pending.push_back(std::move(sc));
            if (pending.size() >= chunk) {
                flush();
            }
        },
        chunk);
    flush();
}

std::vector<planned_notice_t> plan_notices(db::database_t &db, long long tenant, month_t month,
                                           event_map_t const &map, std::vector<std::string> const &work_groups,
                                           std::string const &only_file_ref)
{
    if (!month_has_results(db, tenant, month, work_groups)) {
        throw usage_error{"no calculation results for " + month.to_string() + " (run: sozbatch calc --month " +
                          month.to_string() + ")"};
    }
    std::vector<planned_notice_t> out;
    if (!only_file_ref.empty()) {
        auto loaded = db::case_store_t{db}.load_case(tenant, only_file_ref);
        if (loaded) {
            std::vector<db::stored_case_t> one;
            one.push_back(std::move(*loaded));
            out = plan_cases(db, tenant, month, map, work_groups, std::move(one));
        }
        return out;
    }
    for_each_planned_chunk(db, tenant, month, map, work_groups, [&](std::vector<planned_notice_t> &&plans) {
        std::move(plans.begin(), plans.end(), std::back_inserter(out));
    });
    return out;
}

} // namespace sozbatch::jobs
