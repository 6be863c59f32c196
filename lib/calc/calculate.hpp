// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The monthly benefit calculation: one case, one month, its law (docs/calculation.md).
///
/// A case the rules cannot decide (missing birth date, unknown Wohnform, no parameter in force)
/// throws case_error naming case, person and reason; the caller skips it and goes on.

#include "lib/calc/month_params.hpp"
#include "lib/calc/result.hpp"
#include "lib/calc/rule_context.hpp"
#include "lib/domain/case_model.hpp"
#include "lib/params/parameter_set.hpp"

#include <span>

namespace sozbatch::calc {

/// Calculates many cases for one month with the parameters resolved once. Reuses its working
/// memory between calls; one calculator per thread.
class calculator_t
{
public:
    explicit calculator_t(month_params_t const &month_params) : m_params(&month_params) {}

    /// Calculates \p c for the month into \p out (cleared first; its capacity is reused).
    /// \param persons at least the persons of the case's members (a short span is fastest).
    /// \throws case_error when the case cannot be decided
    void calculate(domain::case_t const &c, std::span<domain::person_t const> persons, case_result_t &out);

private:
    month_params_t const *m_params;
    detail::rule_context_t m_ctx;
};

/// Convenience: resolves the parameters and calculates one case-month.
/// \throws case_error when the case cannot be decided
case_result_t calculate(domain::case_t const &c, std::span<domain::person_t const> persons, month_t month,
                        params::parameter_set_t const &params);

} // namespace sozbatch::calc
