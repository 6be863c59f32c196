// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Logging: key=value lines on stderr (journald-friendly). No personal data at info level:
/// log case ids and Aktenzeichen, never names, addresses or IBANs.

#include <string>
#include <string_view>

namespace sozbatch {

enum class log_level_t { debug = 0, info = 1, warn = 2, error = 3, quiet = 4 };

void set_log_level(log_level_t level);
log_level_t log_level();
/// Parses "debug", "info", "warn", "error", "quiet". \throws usage_error
log_level_t parse_log_level(std::string_view text);

void log_debug(std::string_view msg);
void log_info(std::string_view msg);
void log_warn(std::string_view msg);
void log_error(std::string_view msg);

/// Quotes a value for key=value lines when it contains blanks or quotes.
std::string kv(std::string_view key, std::string_view value);

} // namespace sozbatch
