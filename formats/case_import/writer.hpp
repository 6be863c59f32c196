// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Writer of the case-import XML (`urn:sozbatch:case-import:1`): the canonical form of a
/// case_bundle_t, which read_case_import_string() reads back into an equal bundle.

#include "lib/domain/case_model.hpp"

#include <string>

namespace sozbatch::formats {

/// Serialises \p bundle as canonical case-import XML (UTF-8, two-space indentation, attributes
/// in schema order, optional values and zero deduction amounts omitted, amounts as "1234.56").
/// The same bundle always gives the same bytes. The writer does not validate: a bundle that
/// breaks a rule (say, a wrong IBAN) is written as it is and rejected by the reader.
/// \pre bundle.created is set (the format requires it)
/// \throws internal_error when bundle.created is empty
std::string write_case_import(domain::case_bundle_t const &bundle);

} // namespace sozbatch::formats
