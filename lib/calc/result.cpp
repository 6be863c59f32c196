// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/calc/result.hpp"

#include "lib/core/error.hpp"

#include <algorithm>
#include <map>

namespace sozbatch::calc {

std::string_view line_kind_code(line_kind_t k) noexcept
{
    switch (k) {
    case line_kind_t::regelbedarf: return "regelbedarf";
    case line_kind_t::grundleistung_nb: return "grundleistung-nb";
    case line_kind_t::grundleistung_npb: return "grundleistung-npb";
    case line_kind_t::reduction_1a: return "reduction-1a";
    case line_kind_t::mehrbedarf_g: return "mehrbedarf-g";
    case line_kind_t::mehrbedarf_pregnancy: return "mehrbedarf-pregnancy";
    case line_kind_t::mehrbedarf_single_parent: return "mehrbedarf-single-parent";
    case line_kind_t::mehrbedarf_education: return "mehrbedarf-education";
    case line_kind_t::mehrbedarf_nutrition: return "mehrbedarf-nutrition";
    case line_kind_t::mehrbedarf_cap: return "mehrbedarf-cap";
    case line_kind_t::mehrbedarf_hot_water: return "mehrbedarf-hot-water";
    case line_kind_t::mehrbedarf_other: return "mehrbedarf-other";
    case line_kind_t::mittagsverpflegung: return "mittagsverpflegung";
    case line_kind_t::sofortzuschlag: return "sofortzuschlag";
    case line_kind_t::barbetrag: return "barbetrag";
    case line_kind_t::unterkunft: return "unterkunft";
    case line_kind_t::heizung: return "heizung";
    case line_kind_t::income_gross: return "income";
    case line_kind_t::income_deduction: return "income-deduction";
    case line_kind_t::income_allowance: return "income-allowance";
    case line_kind_t::income_not_counted: return "income-not-counted";
    case line_kind_t::kindergeld_transfer: return "kindergeld-transfer";
    case line_kind_t::household_transfer: return "household-transfer";
    case line_kind_t::entitlement: return "entitlement";
    }
    return "?";
}

std::string_view line_class_code(line_class_t c) noexcept
{
    switch (c) {
    case line_class_t::need: return "need";
    case line_class_t::in_kind: return "in-kind";
    case line_class_t::income: return "income";
    case line_class_t::info: return "info";
    case line_class_t::result: return "result";
    }
    return "?";
}

std::string_view difference_kind_code(difference_kind_t k) noexcept
{
    switch (k) {
    case difference_kind_t::none: return "none";
    case difference_kind_t::nachzahlung: return "nachzahlung";
    case difference_kind_t::ueberzahlung: return "ueberzahlung";
    }
    return "?";
}

void case_result_t::clear()
{
    file_ref.clear();
    law_via = {};
    segments.clear();
    persons.clear();
    lines.clear();
    flags.clear();
    totals = totals_t{};
    payouts.clear();
}

bool case_result_t::has_flag(std::string_view code) const noexcept
{
    return std::any_of(flags.begin(), flags.end(), [code](flag_t const &f) { return f.code == code; });
}

std::string case_result_t::legal_basis_text(line_item_t const &l) const
{
    std::string s{l.legal_basis};
    if (!law_via.empty() && l.legal_basis.find("SGB XII") != std::string_view::npos) {
        s += " i.V.m. ";
        s += law_via;
    }
    return s;
}

difference_t difference(std::string const &file_ref, month_t month, totals_t const &old_totals,
                        std::vector<payout_t> const &old_payouts, totals_t const &new_totals,
                        std::vector<payout_t> const &new_payouts)
{
    difference_t d;
    d.file_ref = file_ref;
    d.month = month;
    d.entitlement_delta = new_totals.entitlement - old_totals.entitlement;
    d.payout_delta = new_totals.payout - old_totals.payout;
    d.kind = d.payout_delta.is_positive()   ? difference_kind_t::nachzahlung
             : d.payout_delta.is_negative() ? difference_kind_t::ueberzahlung
                                            : difference_kind_t::none;
    std::map<std::pair<int, std::string>, money_t> by;
    for (auto const &p : new_payouts) {
        by[{-static_cast<int>(p.purpose), p.payee_id}] += p.amount;
    }
    for (auto const &p : old_payouts) {
        by[{-static_cast<int>(p.purpose), p.payee_id}] -= p.amount;
    }
    for (auto const &[k, v] : by) {
        if (!v.is_zero()) {
            d.by_payee.push_back(payout_t{k.second, static_cast<domain::assignment_purpose_t>(-k.first), v});
        }
    }
    return d;
}

difference_t difference(case_result_t const &old_result, case_result_t const &new_result)
{
    if (old_result.file_ref != new_result.file_ref || old_result.month != new_result.month) {
        throw internal_error{"difference of results of different case-months: " + old_result.file_ref + " " +
                             old_result.month.to_string() + " vs " + new_result.file_ref + " " +
                             new_result.month.to_string()};
    }
    return difference(new_result.file_ref, new_result.month, old_result.totals, old_result.payouts, new_result.totals,
                      new_result.payouts);
}

} // namespace sozbatch::calc
