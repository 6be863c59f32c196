// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Logging: one `key=value` line per event on stderr, no colours (docs/operations.md, "Logging").
///
/// A line reads `level=info job=calc event=calc month=2026-12 cases=812 failed=0`: the level, the
/// command (words joined by `-`), then the caller's fields. When stderr is the systemd journal
/// (`$JOURNAL_STREAM` names it) each line starts with the syslog priority `<N>`, so journald files
/// warnings and errors under their priority. No personal data at info level: log case ids and
/// Aktenzeichen, never names, addresses or IBANs.

#include <string>
#include <string_view>

namespace sozbatch {

enum class log_level_t { debug = 0, info = 1, warn = 2, error = 3, quiet = 4 };

void set_log_level(log_level_t level);
log_level_t log_level();
/// Parses "debug", "info", "warn", "error", "quiet". \throws usage_error
log_level_t parse_log_level(std::string_view text);

/// The command the lines belong to ("pay prepare" is logged as `job=pay-prepare`); empty: no field.
void set_log_job(std::string_view command);

void log_debug(std::string_view msg);
void log_info(std::string_view msg);
void log_warn(std::string_view msg);
void log_error(std::string_view msg);
/// The reason a run could not run (exit 2): `level=error ... msg="..."`, written at every level.
void log_fatal(std::string_view message);

/// `key=value`; the value is quoted when it is empty or contains blanks, quotes or `=`, and line
/// breaks are written as `\n`, so that one event stays one line.
std::string kv(std::string_view key, std::string_view value);

/// The line written for \p msg at \p level (without the journal priority prefix and newline).
std::string log_line(log_level_t level, std::string_view msg);

} // namespace sozbatch
