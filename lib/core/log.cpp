// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/core/log.hpp"

#include "lib/core/error.hpp"

#include <iostream>

namespace sozbatch {

namespace {
log_level_t g_level = log_level_t::warn;

void emit(log_level_t level, char const *name, std::string_view msg)
{
    if (level < g_level) {
        return;
    }
    std::cerr << "level=" << name << ' ' << msg << '\n';
}
} // namespace

void set_log_level(log_level_t level) { g_level = level; }
log_level_t log_level() { return g_level; }

log_level_t parse_log_level(std::string_view text)
{
    if (text == "debug") return log_level_t::debug;
    if (text == "info") return log_level_t::info;
    if (text == "warn") return log_level_t::warn;
    if (text == "error") return log_level_t::error;
    if (text == "quiet") return log_level_t::quiet;
    throw usage_error{"unknown log level '" + std::string{text} + "' (debug, info, warn, error, quiet)"};
}

void log_debug(std::string_view msg) { emit(log_level_t::debug, "debug", msg); }
void log_info(std::string_view msg) { emit(log_level_t::info, "info", msg); }
void log_warn(std::string_view msg) { emit(log_level_t::warn, "warn", msg); }
void log_error(std::string_view msg) { emit(log_level_t::error, "error", msg); }

std::string kv(std::string_view key, std::string_view value)
{
    bool const quote = value.empty() || value.find_first_of(" \"=\t") != std::string_view::npos;
    std::string s{key};
    s += '=';
    if (!quote) {
        s += value;
        return s;
    }
    s += '"';
    for (char const c : value) {
        if (c == '"' || c == '\\') {
            s += '\\';
        }
        s += c;
    }
    s += '"';
    return s;
}

} // namespace sozbatch
