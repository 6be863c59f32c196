// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/core/progress.hpp"

#include <unistd.h>

#include <iostream>

namespace sozbatch {

namespace {
int g_enabled = -1; // -1: not decided yet (then: stderr is a terminal)
progress_t *g_active = nullptr;
constexpr std::size_t BAR_WIDTH = 20;
} // namespace

void set_progress_enabled(bool enabled) { g_enabled = enabled ? 1 : 0; }

bool progress_enabled()
{
    if (g_enabled < 0) {
        g_enabled = isatty(STDERR_FILENO) ? 1 : 0;
    }
    return g_enabled == 1;
}

void progress_interrupt()
{
    if (g_active) {
        g_active->clear();
    }
}

std::string group_digits(std::size_t n)
{
    std::string const digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return out;
}

std::string progress_t::render(std::string_view unit, std::size_t done, std::size_t total)
{
    std::string s;
    if (total == 0) {
        s = group_digits(done);
    } else {
        std::size_t const shown = done > total ? total : done;
        std::size_t const filled = shown * BAR_WIDTH / total;
        std::size_t const percent = shown * 100 / total;
        s = "[" + std::string(filled, '#') + std::string(BAR_WIDTH - filled, ' ') + "] ";
        if (percent < 100) {
            s += ' ';
        }
        if (percent < 10) {
            s += ' ';
        }
        s += std::to_string(percent) + "% " + group_digits(done) + "/" + group_digits(total);
    }
    s += ' ';
    s += unit;
    return s;
}

progress_t::progress_t(std::string_view unit, std::size_t total)
: progress_t(unit, total, std::cerr, progress_enabled())
{}

progress_t::progress_t(std::string_view unit, std::size_t total, std::ostream &out, bool enabled)
: m_unit(unit), m_total(total), m_out(out), m_enabled(enabled)
{
    if (m_enabled) {
        g_active = this;
        draw();
    }
}

progress_t::~progress_t()
{
    if (m_enabled && !m_finished && m_drawn_width > 0) {
        m_out << '\n' << std::flush; // interrupted (an exception): keep the bar, start a new line
    }
    if (g_active == this) {
        g_active = nullptr;
    }
}

void progress_t::step(std::size_t n)
{
    m_done += n;
    if (!m_enabled || m_finished) {
        return;
    }
    if (m_total == 0) {
        // unknown total: every item up to 100, then every 10th, then every 100th
        std::size_t const every = m_done < 100 ? 1 : m_done < 1000 ? 10 : 100;
        if (m_done % every != 0 && m_drawn_width > 0) {
            return;
        }
    } else if (m_done < m_total && m_drawn_width > 0 && (m_done - n) * 1000 / m_total == m_done * 1000 / m_total) {
        return; // at most one drawing per tenth of a percent
    }
    draw();
}

void progress_t::finish()
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    if (!m_enabled) {
        return;
    }
    m_last.clear();
    if (m_total != 0 || m_done != 0) {
        draw();
        m_out << '\n' << std::flush;
    } else {
        clear();
    }
    m_drawn_width = 0;
    if (g_active == this) {
        g_active = nullptr;
    }
}

void progress_t::draw()
{
    std::string const text = render(m_unit, m_done, m_total);
    if (text == m_last && m_drawn_width > 0) {
        return;
    }
    m_last = text;
    std::string line = "\r" + text;
    if (text.size() < m_drawn_width) {
        line += std::string(m_drawn_width - text.size(), ' ');
    }
    m_drawn_width = text.size() > m_drawn_width ? text.size() : m_drawn_width;
    m_out << line << std::flush;
}

void progress_t::clear()
{
    if (m_drawn_width == 0) {
        return;
    }
    m_out << '\r' << std::string(m_drawn_width, ' ') << '\r' << std::flush;
    m_drawn_width = 0;
    m_last.clear();
}

} // namespace sozbatch
