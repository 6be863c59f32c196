// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/core/log.hpp"

#include "lib/core/error.hpp"
#include "lib/core/progress.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>

namespace sozbatch {

namespace {
log_level_t g_level = log_level_t::warn;
std::string g_job;

char const *level_name(log_level_t level)
{
    switch (level) {
    case log_level_t::debug: return "debug";
    case log_level_t::info: return "info";
    case log_level_t::warn: return "warn";
    case log_level_t::error: return "error";
    case log_level_t::quiet: break;
    }
    return "error";
}

/// syslog priorities (sd-daemon.h): debug 7, info 6, warning 4, error 3.
char const *journal_prefix(log_level_t level)
{
    switch (level) {
    case log_level_t::debug: return "<7>";
    case log_level_t::info: return "<6>";
    case log_level_t::warn: return "<4>";
    default: return "<3>";
    }
}

/// True when stderr is the journal stream systemd connected ($JOURNAL_STREAM is "DEVICE:INODE").
bool stderr_is_journal()
{
    static bool const is = [] {
        char const *env = std::getenv("JOURNAL_STREAM");
        if (!env || !*env) {
            return false;
        }
        struct stat st {};
        if (fstat(STDERR_FILENO, &st) != 0) {
            return false;
        }
        std::string const want = std::to_string(static_cast<unsigned long long>(st.st_dev)) + ":" +
                                 std::to_string(static_cast<unsigned long long>(st.st_ino));
        return want == env;
    }();
    return is;
}

void emit(log_level_t level, std::string_view msg, bool always = false)
{
    if (level < g_level && !always) {
        return;
    }
    progress_interrupt(); // a progress bar on the terminal is cleared first, drawn again on its next step
    std::string line = stderr_is_journal() ? journal_prefix(level) : "";
    line += log_line(level, msg);
    line += '\n';
    std::cerr << line << std::flush;
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

void set_log_job(std::string_view command)
{
    g_job.assign(command);
    for (auto &c : g_job) {
        if (c == ' ') {
            c = '-';
        }
    }
}

std::string log_line(log_level_t level, std::string_view msg)
{
    std::string line = "level=";
    line += level_name(level);
    if (!g_job.empty()) {
        line += ' ';
        line += kv("job", g_job);
    }
    if (!msg.empty()) {
        line += ' ';
        line += msg;
    }
    return line;
}

void log_debug(std::string_view msg) { emit(log_level_t::debug, msg); }
void log_info(std::string_view msg) { emit(log_level_t::info, msg); }
void log_warn(std::string_view msg) { emit(log_level_t::warn, msg); }
void log_error(std::string_view msg) { emit(log_level_t::error, msg); }
void log_fatal(std::string_view message) { emit(log_level_t::error, kv("msg", message), true); }

std::string kv(std::string_view key, std::string_view value)
{
    bool const quote = value.empty() || value.find_first_of(" \"=\t\n\r\\") != std::string_view::npos;
    std::string s{key};
    s += '=';
    if (!quote) {
        s += value;
        return s;
    }
    s += '"';
    for (char const c : value) {
        if (c == '\n') {
            s += "\\n";
        } else if (c == '\r') {
            s += "\\r";
        } else if (c == '\t') {
            s += "\\t";
        } else {
            if (c == '"' || c == '\\') {
                s += '\\';
            }
            s += c;
        }
    }
    s += '"';
    return s;
}

} // namespace sozbatch
