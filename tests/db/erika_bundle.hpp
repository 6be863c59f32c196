// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The start of the db tests' hand-made case data: the tenant Kiel with one person, Erika
/// Musterfrau (P1), and her case 50.1-0001 (SGB XII, 4th chapter, work group SG-NORD) with her as
/// its applicant. Each test adds what it is about (approvals, needs, incomes, housing, payees).

#include "lib/domain/case_model.hpp"

#include <string>

namespace sozbatch::testing {

/// Kiel, Erika Musterfrau (P1) and case 50.1-0001 since \p since (YYYY-MM-DD): she is its applicant
/// from that day on; no approval, no payee.
inline domain::case_bundle_t erika_bundle(std::string const &since = "2020-01-01")
{
    using namespace sozbatch::domain;
    case_bundle_t b;
    b.tenant = "kiel";
    b.tenant_name = "Landeshauptstadt Kiel";
    b.source = "test";
    b.work_group_names = {{"SG-NORD", "Sachgebiet Nord"}};
    person_t p;
    p.ext_id = "P1";
    p.family_name = "Musterfrau";
    p.first_names = "Erika";
    p.birth_date = parse_date("1951-03-02");
    p.sex = sex_t::female;
    p.nationality = "000";
    p.address = address_t{"Beispielweg", "3", "24103", "Kiel", "DE", ""};
    b.persons.push_back(p);
    case_t c;
    c.file_ref = "50.1-0001";
    c.law = law_t::sgb12_kap4;
    c.work_group = "SG-NORD";
    c.established_on = parse_date(since);
    c.members.push_back(member_t{"P1", member_role_t::applicant, period_t{parse_date(since), std::nullopt}, {}});
    b.cases.push_back(c);
    return b;
}

/// Erika's own account (payee Z1, a person).
inline domain::payee_t erika_payee()
{
    domain::payee_t py;
    py.ext_id = "Z1";
    py.kind = domain::payee_kind_t::person;
    py.name = "Erika Musterfrau";
    py.iban = "DE89370400440532013000";
    py.person_id = "P1";
    return py;
}

} // namespace sozbatch::testing
