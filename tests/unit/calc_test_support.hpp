// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Builders for calculation tests: cases in memory, written out in the test so each one reads as a
// worked example.

#include "lib/calc/calculate.hpp"
#include "lib/core/embedded.hpp"
#include "lib/params/parameter_set.hpp"

#include <string>
#include <vector>

namespace sozbatch::calc_test {

using boost::gregorian::date;

inline params::parameter_set_t const &kiel()
{
    static params::parameter_set_t const set = params::parameter_set_t::load();
    return set;
}

/// Federal data with a test overlay: rent limit 400 EUR for one person from 2016 (for worked
/// examples from outside Kiel, whose rent was recognised in full).
inline params::parameter_set_t const &generous()
{
    static params::parameter_set_t const set = params::parameter_set_t::from_xml(
        embedded::get("lib/params/data/federal.xml"), R"(<?xml version="1.0"?>
<parameter-set scope="city" name="Test">
  <param key="city.kdu.limit.1" unit="EUR" norm="test" title="t">
    <value from="2016-01-01" status="V" enacted-by="test" evidence="test">400.00</value>
  </param>
</parameter-set>)");
    return set;
}

struct builder_t
{
    domain::case_t c;
    std::vector<domain::person_t> persons;

    explicit builder_t(domain::law_t law, std::string file_ref = "50.1-T1")
    {
        c.file_ref = std::move(file_ref);
        c.law = law;
        c.established_on = date(2010, 1, 1);
    }

    builder_t &person(std::string id, date birth, domain::member_role_t role = domain::member_role_t::applicant)
    {
        domain::person_t p;
        p.ext_id = id;
        p.birth_date = birth;
        persons.push_back(p);
        domain::member_t m;
        m.person_id = std::move(id);
        m.role = role;
        m.validity = period_t{date(1990, 1, 1), std::nullopt};
        c.members.push_back(m);
        return *this;
    }
    builder_t &approval(date from, std::optional<date> to = std::nullopt,
                        domain::approval_state_t state = domain::approval_state_t::approved)
    {
        domain::approval_t a;
        a.ext_id = "A" + std::to_string(c.approvals.size() + 1);
        a.period = period_t{from, to};
        a.state = state;
        c.approvals.push_back(a);
        return *this;
    }
    builder_t &housing(domain::dwelling_t d, std::int64_t rent_cents, std::int64_t nk_cents, std::int64_t heat_cents,
                       int persons_in_dwelling = 1, bool hot_water = false)
    {
        domain::housing_t h;
        h.dwelling = d;
        h.basic_rent = money_t::cents(rent_cents);
        h.service_charges = money_t::cents(nk_cents);
        h.heating = money_t::cents(heat_cents);
        h.persons_in_dwelling = persons_in_dwelling;
        h.decentral_hot_water = hot_water;
        h.validity = period_t{date(1990, 1, 1), std::nullopt};
        c.housing.push_back(h);
        return *this;
    }
    builder_t &need(std::string person, std::string kind, std::optional<int> quantity = std::nullopt,
                    std::optional<money_t> amount = std::nullopt)
    {
        domain::need_t n;
        n.person_id = std::move(person);
        n.kind = std::move(kind);
        n.quantity = quantity;
        n.amount = amount;
        n.validity = period_t{date(1990, 1, 1), std::nullopt};
        c.needs.push_back(n);
        return *this;
    }
    builder_t &income(std::string person, std::string kind, std::int64_t gross_cents, std::int64_t deductions_cents = 0)
    {
        domain::income_t i;
        i.person_id = std::move(person);
        i.kind = std::move(kind);
        i.gross = money_t::cents(gross_cents);
        i.taxes = money_t::cents(deductions_cents);
        i.validity = period_t{date(1990, 1, 1), std::nullopt};
        c.incomes.push_back(i);
        return *this;
    }

    calc::case_result_t run(month_t m, params::parameter_set_t const &set = kiel()) const
    {
        return calc::calculate(c, persons, m, set);
    }
};

/// Sum of the amounts of the lines of one kind (and person, if given).
inline money_t sum_of(calc::case_result_t const &r, calc::line_kind_t kind, std::string const &person = {})
{
    money_t s;
    for (auto const &l : r.lines) {
        if (l.kind == kind && (person.empty() || (l.person < r.persons.size() && r.persons[l.person].person_id == person))) {
            s += l.amount;
        }
    }
    return s;
}

inline calc::line_item_t const *first_line(calc::case_result_t const &r, calc::line_kind_t kind)
{
    for (auto const &l : r.lines) {
        if (l.kind == kind) {
            return &l;
        }
    }
    return nullptr;
}

inline std::int64_t cents(calc::case_result_t const &r, calc::line_kind_t kind, std::string const &person = {})
{
    return sum_of(r, kind, person).as_cents();
}

} // namespace sozbatch::calc_test
