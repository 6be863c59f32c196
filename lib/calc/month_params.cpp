// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/calc/month_params.hpp"

#include <algorithm>

namespace sozbatch::calc {

namespace {

constexpr std::array<std::string_view, PARAM_COUNT> KEYS{
    "sgb12.rbs.1", "sgb12.rbs.2", "sgb12.rbs.3", "sgb12.rbs.4", "sgb12.rbs.5", "sgb12.rbs.6",
    "sgb12.p30.abs1.ratio", "sgb12.p30.abs2.ratio", "sgb12.p30.abs3.nr1.ratio", "sgb12.p30.abs3.nr2.ratio",
    "sgb12.p30.abs3.max.ratio", "sgb12.p42b.abs3.ratio",
    "sgb12.p30.abs7.rbs1.ratio", "sgb12.p30.abs7.rbs2.ratio", "sgb12.p30.abs7.rbs4.ratio",
    "sgb12.p30.abs7.rbs5.ratio", "sgb12.p30.abs7.rbs6.ratio",
    "sgb12.p42b.abs2.lunch",
    "sgb12.p82.abs2.volunteer", "sgb12.p82.abs3.ratio", "sgb12.p82.abs3.cap.ratio", "sgb12.p82.abs3.wfbm.base.ratio",
    "sgb12.p82.abs3.wfbm.excess.ratio",
    "sgb12.p82.abs4.base", "sgb12.p82.abs4.ratio", "sgb12.p82.abs4.cap.ratio", "sgb12.p82.abs6.ratio",
    "sgb12.p82.abs6.cap.ratio",
    "sgb12.p82a.base", "sgb12.p82a.ratio", "sgb12.p82a.cap.ratio",
    "sgb12.p43.abs2.capital", "sgb12.p27b.abs3.ratio", "sgb12.p145.sofortzuschlag", "sgb12.p35.karenzzeit",
    "asylblg.p3a.bs1.nb", "asylblg.p3a.bs1.npb", "asylblg.p3a.bs1.total",
    "asylblg.p3a.bs2.nb", "asylblg.p3a.bs2.npb", "asylblg.p3a.bs2.total",
    "asylblg.p3a.bs3.nb", "asylblg.p3a.bs3.npb", "asylblg.p3a.bs3.total",
    "asylblg.p3a.bs4.nb", "asylblg.p3a.bs4.npb", "asylblg.p3a.bs4.total",
    "asylblg.p3a.bs5.nb", "asylblg.p3a.bs5.npb", "asylblg.p3a.bs5.total",
    "asylblg.p3a.bs6.nb", "asylblg.p3a.bs6.npb", "asylblg.p3a.bs6.total",
    "asylblg.p7.abs3.ratio", "asylblg.p7.abs3.cap.ratio", "asylblg.p16.sofortzuschlag",
    "bvg.p88f.sofortzuschlag", "bvg.kfuersv.p24.free.ratio", "bvg.kfuersv.p24.min.ratio",
    "bvg.kfuersv.p24.max.ratio", "bvg.p33.bemessungsbetrag", "bvg.p25d.abs3c.cap.ratio",
    "city.kdu.limit.1", "city.kdu.limit.2", "city.kdu.limit.3", "city.kdu.limit.4", "city.kdu.limit.5",
    "city.kdu.limit.6", "city.kdu.limit.7", "city.kdu.limit.further",
    "city.asylblg.p1a.nb.ratio", "city.asylblg.p1a.npb.ratio", "city.asylblg.gu.nb-in-kind.ratio",
};

} // namespace

std::string_view param_key(param_id_t id) noexcept
{
    auto const i = static_cast<std::size_t>(id);
    return i < PARAM_COUNT ? KEYS[i] : std::string_view{"?"};
}

params::unit_t param_unit(param_id_t id) noexcept
{
    std::string_view const k = param_key(id);
    if (k.ends_with(".ratio")) {
        return params::unit_t::ratio;
    }
    if (id == param_id_t::p35_karenz) {
        return params::unit_t::months;
    }
    return params::unit_t::eur;
}

std::string param_value_text(param_id_t id, std::int64_t number, std::int64_t den)
{
    switch (param_unit(id)) {
    case params::unit_t::eur: return money_t::cents(number).to_sepa();
    case params::unit_t::ratio: return std::to_string(number) + "/" + std::to_string(den);
    default: return std::to_string(number);
    }
}

std::vector<std::string_view> required_keys(domain::law_t law)
{
    std::vector<std::string_view> out;
    auto add = [&out](std::initializer_list<param_id_t> ids) {
        for (auto id : ids) {
            out.push_back(param_key(id));
        }
    };
    // every law pays Regelbedarf (AsylbLG: § 2) and accommodation
    add({param_id_t::rbs1, param_id_t::rbs2, param_id_t::rbs3, param_id_t::rbs4, param_id_t::rbs5, param_id_t::rbs6,
         param_id_t::kdu_limit1});
    if (law == domain::law_t::asylblg_3 || law == domain::law_t::asylblg_2) {
        add({param_id_t::bs1_total, param_id_t::bs2_total, param_id_t::bs3_total, param_id_t::bs4_total,
             param_id_t::bs5_total, param_id_t::bs6_total});
    } else {
        add({param_id_t::p30_abs1, param_id_t::p82_abs3, param_id_t::p82_abs3_cap});
    }
    return out;
}

std::vector<std::string> missing_required(params::parameter_set_t const &set, month_t month,
                                          std::span<domain::law_t const> laws)
{
    std::vector<std::string_view> keys;
    for (auto law : laws) {
        for (auto k : required_keys(law)) {
            if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
                keys.push_back(k);
            }
        }
    }
    return set.missing_for(month, keys);
}

month_params_t::month_params_t(params::parameter_set_t const &set, month_t month)
: m_set(&set), m_month(month), m_p2_waiting(set.history("asylblg.p2.waiting"))
{
    date_t const d = month.first_day();
    for (std::size_t i = 0; i < PARAM_COUNT; ++i) {
        if (params::entry_t const *e = set.find(KEYS[i], d)) {
            m_values[i] = resolved_t{true, e->number, e->den};
        }
    }
}

} // namespace sozbatch::calc
