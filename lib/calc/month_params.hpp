// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The parameters the rules use, resolved once per month (no string lookups in the kernel).

#include "lib/core/date.hpp"
#include "lib/core/money.hpp"
#include "lib/domain/case_model.hpp"
#include "lib/params/parameter_set.hpp"

#include <span>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::calc {

/// Every parameter key a rule reads. The key text is in param_key().
enum class param_id_t : std::uint8_t {
    rbs1, rbs2, rbs3, rbs4, rbs5, rbs6,
    p30_abs1, p30_abs2, p30_abs3_nr1, p30_abs3_nr2, p30_abs3_max, p42b_abs3,
    p30_abs7_rbs1, p30_abs7_rbs2, p30_abs7_rbs4, p30_abs7_rbs5, p30_abs7_rbs6,
    p42b_lunch,
    p82_volunteer, p82_abs3, p82_abs3_cap, p82_wfbm_base, p82_wfbm_excess,
    p82_abs4_base, p82_abs4_ratio, p82_abs4_cap, p82_abs6, p82_abs6_cap,
    p82a_base, p82a_ratio, p82a_cap,
    p43_capital, p27b, p145, p35_karenz,
    bs1_nb, bs1_npb, bs1_total, bs2_nb, bs2_npb, bs2_total, bs3_nb, bs3_npb, bs3_total,
    bs4_nb, bs4_npb, bs4_total, bs5_nb, bs5_npb, bs5_total, bs6_nb, bs6_npb, bs6_total,
    p7_abs3, p7_abs3_cap, p16_sofort,
    bvg_p88f, kfuersv_free, kfuersv_min, kfuersv_max, bvg_bemessung, bvg_p25d_3c_cap,
    kdu_limit1, kdu_limit2, kdu_limit3, kdu_limit4, kdu_limit5, kdu_limit6, kdu_limit7, kdu_further,
    p1a_nb, p1a_npb, gu_nb_in_kind,
    count_
};
inline constexpr std::size_t PARAM_COUNT = static_cast<std::size_t>(param_id_t::count_);

/// The key in the parameter files, e.g. "sgb12.rbs.1".
std::string_view param_key(param_id_t id) noexcept;
/// The unit of the key's values.
params::unit_t param_unit(param_id_t id) noexcept;
/// A value of the key as in the parameter files: "404.00", "17/100", "12".
std::string param_value_text(param_id_t id, std::int64_t number, std::int64_t den);

/// Keys without which no case-month of \p law can be calculated: `calc` exits 2 when one is missing.
std::vector<std::string_view> required_keys(domain::law_t law);

/// The keys of required_keys() of the given laws (default: all) not in force for the whole month
/// (empty: the month can run).
std::vector<std::string> missing_required(params::parameter_set_t const &set, month_t month,
                                          std::span<domain::law_t const> laws = domain::all_laws);

/// One resolved value.
struct resolved_t
{
    bool present = false;
    std::int64_t number = 0; ///< cents, numerator or integer
    std::int64_t den = 1;
};

/// All parameters in force in one month. Month-granular keys are constant within a month (the
/// loader enforces it); the day-granular § 2 AsylbLG waiting time is kept as its history.
class month_params_t
{
public:
    month_params_t(params::parameter_set_t const &set, month_t month);

    month_t month() const noexcept { return m_month; }
    resolved_t const &get(param_id_t id) const noexcept { return m_values[static_cast<std::size_t>(id)]; }
    bool has(param_id_t id) const noexcept { return get(id).present; }
    /// History of the § 2 Abs. 1 AsylbLG waiting time (oldest first).
    std::vector<params::entry_t const *> const &p2_waiting() const noexcept { return m_p2_waiting; }
    params::parameter_set_t const &set() const noexcept { return *m_set; }

private:
    params::parameter_set_t const *m_set;
    month_t m_month;
    std::array<resolved_t, PARAM_COUNT> m_values{};
    std::vector<params::entry_t const *> m_p2_waiting;
};

} // namespace sozbatch::calc
