// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The result of one case-month: line items with their norm, totals and the payout split
/// (docs/calculation.md; serialised by formats/calc_result, docs/formats/calc-result.md).

#include "lib/calc/month_params.hpp"
#include "lib/core/date.hpp"
#include "lib/core/money.hpp"
#include "lib/domain/case_model.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::calc {

/// Version of the result layout (JSON "format"); bumped on any incompatible change.
inline constexpr int RESULT_FORMAT_VERSION = 1;

/// What a line is.
enum class line_kind_t : std::uint8_t {
    regelbedarf,            ///< Regelsatz of the person's Regelbedarfsstufe (§ 27a, § 28 SGB XII)
    grundleistung_nb,       ///< AsylbLG § 3a notwendiger Bedarf
    grundleistung_npb,      ///< AsylbLG § 3a notwendiger persönlicher Bedarf
    reduction_1a,           ///< AsylbLG § 1a Anspruchseinschränkung (negative)
    mehrbedarf_g,           ///< § 30 Abs. 1
    mehrbedarf_pregnancy,   ///< § 30 Abs. 2
    mehrbedarf_single_parent, ///< § 30 Abs. 3
    mehrbedarf_education,   ///< § 42b Abs. 3 (§ 30 Abs. 4)
    mehrbedarf_nutrition,   ///< § 30 Abs. 5
    mehrbedarf_cap,         ///< § 30 Abs. 6 cut (negative)
    mehrbedarf_hot_water,   ///< § 30 Abs. 7
    mehrbedarf_other,       ///< an amount the case fixes (§ 27a Abs. 4, § 30 Abs. 9, other)
    mittagsverpflegung,     ///< § 42b Abs. 2
    sofortzuschlag,         ///< § 145 SGB XII, § 88f BVG, § 16 AsylbLG
    barbetrag,              ///< § 27b Abs. 3
    unterkunft,             ///< § 35 Abs. 1 rent and Nebenkosten (recognised share)
    heizung,                ///< § 35 Abs. 4 heating (share)
    income_gross,           ///< an income, before deductions
    income_deduction,       ///< § 82 Abs. 2 deductions (negative)
    income_allowance,       ///< an allowance (§ 82 Abs. 3/4/6, § 82a, § 43 Abs. 2, § 7 Abs. 3 AsylbLG, KFürsV § 24; negative)
    income_not_counted,     ///< income the law does not count (e.g. BVG Grundrente), informational
    kindergeld_transfer,    ///< surplus Kindergeld of a child counted for the parent (§ 82 Abs. 1 Satz 3)
    household_transfer,     ///< surplus income of an Einsatzgemeinschaft member (§ 27 Abs. 2, § 43 Abs. 1)
    entitlement,            ///< the person's entitlement in the segment
};
std::string_view line_kind_code(line_kind_t k) noexcept;

/// How a line enters the totals.
enum class line_class_t : std::uint8_t {
    need,    ///< a need paid in money (may be negative: a cut)
    in_kind, ///< a need provided in kind (Sachleistung): shown, not paid
    income,  ///< counted income (gross positive, deductions and allowances negative, transfers)
    info,    ///< shown only
    result,  ///< entitlement per person and segment
};
std::string_view line_class_code(line_class_t c) noexcept;

/// A parameter value a line used.
struct param_ref_t
{
    param_id_t id = param_id_t::count_;
    std::int64_t number = 0; ///< cents, numerator or integer (see the key's unit)
    std::int64_t den = 1;
};

/// Sentinel for "no person" (a case-level line).
inline constexpr std::uint16_t NO_PERSON = 0xFFFF;

/// One line of the Berechnungsbogen.
struct line_item_t
{
    std::uint16_t person = NO_PERSON; ///< index into case_result_t::persons
    std::uint8_t segment = 0;         ///< index into case_result_t::segments
    line_kind_t kind = line_kind_t::regelbedarf;
    line_class_t cls = line_class_t::need;
    std::string_view legal_basis;     ///< static text, e.g. "§ 30 Abs. 1 Nr. 1 SGB XII"
    money_t basis;                    ///< the amount the factor applies to
    std::int64_t factor_num = 0;      ///< factor as a fraction; factor_den == 0: no factor (monthly = basis)
    std::int64_t factor_den = 0;
    money_t monthly;                  ///< basis × factor, rounded (the full-month amount)
    std::int16_t days = 30;           ///< days of the segment counted with a 30-day month
    bool day_share = true;            ///< false: the amount is not pro-rated (a per-month or per-day count)
    money_t amount;                   ///< monthly × days/30, rounded: what enters the totals
    std::array<param_ref_t, 2> params{};
    std::uint8_t n_params = 0;
    std::string_view note;            ///< static remark, e.g. "Karenzzeit"
};

/// A contiguous part of the month in which every input is constant and benefits are approved.
struct segment_t
{
    date_t from;
    date_t to;
    std::int16_t days = 30; ///< days counted with a 30-day month (see day_share.hpp)
};

/// Per person of the case.
struct person_total_t
{
    std::string person_id;
    money_t needs;       ///< needs paid in money
    money_t in_kind;     ///< needs provided in kind
    money_t income;      ///< own counted income (before any transfer)
    money_t entitlement;
};

struct flag_t
{
    std::uint16_t person = NO_PERSON;
    std::string_view code; ///< e.g. "rent-above-limit"
    std::string_view text; ///< static explanation
};

struct totals_t
{
    money_t needs;          ///< needs paid in money (sum of need lines)
    money_t in_kind;        ///< needs provided in kind
    money_t income_counted; ///< counted income of all members (sum of income lines without transfers)
    money_t income_applied; ///< income that reduced a need (needs − entitlement)
    money_t entitlement;    ///< the benefit for the month
    money_t offsets;        ///< Aufrechnung deducted from the payment
    money_t payout;         ///< entitlement − offsets
    bool operator==(totals_t const &) const = default;
};

/// One payment of the month: to a payee for a purpose. An empty payee_id means the benefit
/// payee of the case is not fixed by an assignment (the caller pays the applicant's own account).
struct payout_t
{
    std::string payee_id;
    domain::assignment_purpose_t purpose = domain::assignment_purpose_t::benefit;
    money_t amount;
    bool operator==(payout_t const &) const = default;
};

/// The result of one case and month.
struct case_result_t
{
    std::string file_ref;
    domain::law_t law = domain::law_t::sgb12_kap3;
    month_t month;
    std::string_view law_via; ///< "" or e.g. "§ 27a BVG" (3. Kapitel applies correspondingly)
    std::vector<segment_t> segments;
    std::vector<person_total_t> persons;
    std::vector<line_item_t> lines;
    std::vector<flag_t> flags;
    totals_t totals;
    std::vector<payout_t> payouts; ///< sorted by purpose (rent, energy, benefit), then payee

    /// Empties the result, keeping the allocated capacity (for reuse in batch loops).
    void clear();
    bool has_flag(std::string_view code) const noexcept;
    /// The legal basis of a line, including the law it applies through ("… i.V.m. § 27a BVG").
    std::string legal_basis_text(line_item_t const &l) const;
};

/// Kind of a difference between two results of the same case and month.
enum class difference_kind_t : std::uint8_t { none, nachzahlung, ueberzahlung };
std::string_view difference_kind_code(difference_kind_t k) noexcept;

/// Difference between what was paid (old) and what is due now (new), per payee and purpose.
struct difference_t
{
    std::string file_ref;
    month_t month;
    difference_kind_t kind = difference_kind_t::none;
    money_t entitlement_delta; ///< new − old entitlement
    money_t payout_delta;      ///< new − old payout: > 0 Nachzahlung, < 0 Überzahlung
    std::vector<payout_t> by_payee; ///< new − old per payee and purpose (non-zero only)
};

/// The difference new − old. \throws internal_error when the results belong to different
/// cases or months.
difference_t difference(case_result_t const &old_result, case_result_t const &new_result);
/// The same on the stored totals and payouts (as kept by the data layer).
difference_t difference(std::string const &file_ref, month_t month, totals_t const &old_totals,
                        std::vector<payout_t> const &old_payouts, totals_t const &new_totals,
                        std::vector<payout_t> const &new_payouts);

} // namespace sozbatch::calc
