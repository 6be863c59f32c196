// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The German names of the laws a case is paid under (codes as in law_code()), in the three
/// forms the outputs use: the SEPA remittance text (short, in the DK character set), the short
/// label of tables and the full title of reports. One table, so that the bank file, the run
/// protocol and the run report name a law alike.

#include <string_view>

namespace sozbatch::domain {

struct law_names_t
{
    std::string_view code;       ///< "SGB12-3", … (law_code())
    std::string_view remittance; ///< in the Verwendungszweck: "SGB XII Kap. 3 HLU"
    std::string_view short_name; ///< in tables: "SGB XII 3. Kap."
    std::string_view title;      ///< in headings: "SGB XII, 3. Kapitel – Hilfe zum Lebensunterhalt"
};

/// The names of the law with \p code; nullptr for an unknown code.
law_names_t const *law_names(std::string_view code) noexcept;

} // namespace sozbatch::domain
