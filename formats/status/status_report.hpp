// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief `sozbatch status` output: a table for people and JSON for monitoring systems
/// (documented in docs/formats/status-json.md; amounts as decimal strings in euro).

#include "lib/db/status_store.hpp"

#include <ostream>

namespace sozbatch::formats {

void write_status_text(std::ostream &out, db::status_t const &st);
void write_status_json(std::ostream &out, db::status_t const &st);

/// JSON string escaping (quotes included).
std::string json_string(std::string_view s);

} // namespace sozbatch::formats
