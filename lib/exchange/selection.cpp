// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/exchange/selection.hpp"

#include "lib/calc/sgb12/p41_altersgrenze.hpp"
#include "lib/core/error.hpp"

#include <algorithm>
#include <map>

namespace sozbatch::exchange {

namespace {

date_t const FAR_FUTURE{9999, 12, 31};

date_t end_of(period_t const &p) { return p.to().value_or(FAR_FUTURE); }

/// Merges overlapping and adjacent periods (sorted by start).
std::vector<period_t> merge(std::vector<period_t> ps)
{
    std::sort(ps.begin(), ps.end(), [](auto const &a, auto const &b) { return a.from() < b.from(); });
    std::vector<period_t> out;
    for (auto const &p : ps) {
        if (!out.empty() && (end_of(out.back()) == FAR_FUTURE || end_of(out.back()) + boost::gregorian::days(1) >= p.from())) {
            auto const to = std::max(end_of(out.back()), end_of(p));
            out.back() = period_t{out.back().from(), to == FAR_FUTURE ? std::nullopt : std::optional<date_t>{to}};
        } else {
            out.push_back(p);
        }
    }
    return out;
}

/// The periods in which a member received approved benefits of the case.
std::vector<period_t> benefit_periods(domain::case_t const &c, domain::member_t const &m)
{
    std::vector<period_t> out;
    for (auto const &a : c.approvals) {
        if (a.state != domain::approval_state_t::approved) {
            continue;
        }
        if (auto const p = a.period.intersect(m.validity)) {
            out.push_back(*p);
        }
    }
    return out;
}

domain::person_t const *find_person(db::stored_case_t const &sc, std::string const &id)
{
    for (auto const &p : sc.persons) {
        if (p.ext_id == id) {
            return &p;
        }
    }
    return nullptr;
}

struct person_acc_t
{
    domain::person_t person;
    long long case_id = 0;
    std::string file_ref, work_group, law;
    bool case_in_quarter = false; ///< the chosen case has benefits in the quarter
    std::vector<period_t> periods;
    std::size_t order = 0;
};

} // namespace

quarter_t quarter_t::parse(std::string_view text)
{
    if (text.size() != 6 || (text[4] != 'Q' && text[4] != 'q') || text[5] < '1' || text[5] > '4' ||
        !std::all_of(text.begin(), text.begin() + 4, [](char ch) { return ch >= '0' && ch <= '9'; })) {
        throw usage_error{"quarter '" + std::string{text} + "' is not YYYYQn (e.g. 2026Q3)"};
    }
    return quarter_t{std::stoi(std::string{text.substr(0, 4)}), text[5] - '0'};
}

std::string quarter_t::to_string() const { return std::to_string(year) + "Q" + std::to_string(number); }

period_t quarter_t::period() const
{
    month_t const first{year, (number - 1) * 3 + 1};
    return period_t{first.first_day(), first.plus(2).last_day()};
}

quarter_t quarter_t::run_quarter() const
{
    return number == 4 ? quarter_t{year + 1, 1} : quarter_t{year, number + 1};
}

bool match118_covers(domain::law_t law, int year) noexcept
{
    switch (law) {
    case domain::law_t::sgb12_kap3:
    case domain::law_t::asylblg_3:
    case domain::law_t::asylblg_2:
        return true;
    case domain::law_t::sgb12_kap4:
        return year >= 2019;
    case domain::law_t::bvg_kof:
        return false;
    }
    return false;
}

match118_selection_t select_match118(db::case_store_t &cases, long long tenant, db::case_filter_t const &filter,
                                     quarter_t quarter)
{
    match118_selection_t sel;
    sel.quarter = quarter;
    period_t const q = quarter.period();
    sel.full_cohort = quarter.run_quarter().number == 3;
    sel.cohort_year = quarter.run_quarter().year - 1;
    auto const cy = static_cast<unsigned short>(sel.cohort_year);
    period_t const prev_year{date_t{cy, 1, 1}, date_t{cy, 12, 31}};

    std::map<std::string, person_acc_t> acc;
    std::size_t order = 0;
    cases.for_each_case(tenant, filter, [&](db::stored_case_t &&sc) {
        if (!match118_covers(sc.data.law, quarter.year)) {
            return;
        }
        for (auto const &m : sc.data.members) {
            auto const periods = benefit_periods(sc.data, m);
            bool const in_q = std::any_of(periods.begin(), periods.end(), [&](auto const &p) { return p.overlaps(q); });
            bool const in_prev =
                std::any_of(periods.begin(), periods.end(), [&](auto const &p) { return p.overlaps(prev_year); });
            if (!in_q && !(sel.full_cohort && in_prev)) {
                continue;
            }
            auto const *person = find_person(sc, m.person_id);
            if (person == nullptr) {
                continue;
            }
            auto [it, fresh] = acc.try_emplace(m.person_id);
            auto &a = it->second;
            if (fresh || (in_q && !a.case_in_quarter)) {
                a.person = *person;
                a.case_id = sc.case_id;
                a.file_ref = sc.data.file_ref;
                a.work_group = sc.data.work_group;
                a.law = std::string{domain::law_code(sc.data.law)};
                a.case_in_quarter = in_q;
                if (fresh) {
                    a.order = order++;
                }
            }
            a.periods.insert(a.periods.end(), periods.begin(), periods.end());
        }
    });

    std::vector<person_acc_t *> ordered;
    for (auto &[id, a] : acc) {
        ordered.push_back(&a);
    }
    std::sort(ordered.begin(), ordered.end(), [](auto const *x, auto const *y) { return x->order < y->order; });
    for (auto const *a : ordered) {
        match118_candidate_t c;
        c.person = a->person;
        c.case_id = a->case_id;
        c.file_ref = a->file_ref;
        c.work_group = a->work_group;
        c.law = a->law;
        auto const merged = merge(a->periods);
        std::optional<period_t> chosen;
        for (auto const &p : merged) {
            if (p.overlaps(q)) {
                c.in_quarter = true;
                c.new_or_renewed = c.new_or_renewed || p.from() >= q.from();
                if (!chosen) {
                    chosen = p;
                }
            }
        }
        if (!chosen) { // BZSt full cohort: the last period of the previous year
            for (auto const &p : merged) {
                if (p.overlaps(prev_year)) {
                    chosen = p;
                }
            }
            ++sel.previous_year_only;
        }
        if (c.new_or_renewed) {
            ++sel.new_or_renewed;
        }
        c.benefit_period = *chosen;
        sel.persons.push_back(std::move(c));
    }
    return sel;
}

std::optional<money_t> recorded_pension(domain::case_t const &c, std::string const &person_id, date_t day)
{
    std::optional<money_t> sum;
    for (auto const &i : c.incomes) {
        if (i.person_id == person_id && (i.kind == "pension" || i.kind == "widow-pension") && i.validity.contains(day)) {
            sum = sum.value_or(money_t{}) + i.gross;
        }
    }
    return sum;
}

std::vector<pension151_candidate_t> select_pension151(db::case_store_t &cases, long long tenant,
                                                      db::case_filter_t const &filter, date_t key_date)
{
    std::vector<pension151_candidate_t> out;
    std::map<std::string, bool> seen;
    cases.for_each_case(tenant, filter, [&](db::stored_case_t &&sc) {
        bool const approved = std::any_of(sc.data.approvals.begin(), sc.data.approvals.end(), [&](auto const &a) {
            return a.state == domain::approval_state_t::approved && a.period.contains(key_date);
        });
        if (!approved) {
            return;
        }
        for (auto const &m : sc.data.members) {
            if (!m.validity.contains(key_date) || seen.count(m.person_id) != 0) {
                continue;
            }
            auto const *person = find_person(sc, m.person_id);
            if (person == nullptr) {
                continue;
            }
            auto const recorded = recorded_pension(sc.data, m.person_id, key_date);
            bool const of_age =
                person->birth_date && calc::p41_first_month(*person->birth_date) <= month_t::of(key_date);
            if (!recorded && !of_age) {
                continue;
            }
            seen[m.person_id] = true;
            pension151_candidate_t c;
            c.person = *person;
            c.case_id = sc.case_id;
            c.file_ref = sc.data.file_ref;
            c.work_group = sc.data.work_group;
            c.law = std::string{domain::law_code(sc.data.law)};
            c.reason = recorded ? "pension-income" : "pension-age-without-pension";
            c.recorded = recorded;
            out.push_back(std::move(c));
        }
    });
    return out;
}

} // namespace sozbatch::exchange
