// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief A progress bar on stderr for long loops, drawn only for a person at a terminal.
///
/// `progress_t bar{"cases", total}; ... bar.step(); ... bar.finish();` draws
/// `[########            ] 42% 4,200/10,000 cases` (or `4,200 cases` when the total is unknown)
/// on stderr, rewriting the line in place. It draws nothing when stderr is no terminal (cron,
/// systemd, a pipe) or after --quiet, so such runs keep stderr free of anything but log lines.
/// The bar is redrawn only when the shown figure changes; it never reads the clock.

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

namespace sozbatch {

/// Whether new bars draw. Default: stderr is a terminal. The driver turns it off for --quiet.
void set_progress_enabled(bool enabled);
bool progress_enabled();

/// Clears a bar drawn on the current line (the logger calls it before writing a line).
void progress_interrupt();

/// \p n with `,` between groups of three digits: 10000 -> "10,000".
std::string group_digits(std::size_t n);

class progress_t
{
public:
    /// \param unit what is counted, e.g. "cases"; \param total 0 when unknown.
    progress_t(std::string_view unit, std::size_t total);
    /// For tests: draws on \p out when \p enabled.
    progress_t(std::string_view unit, std::size_t total, std::ostream &out, bool enabled);
    ~progress_t();
    progress_t(progress_t const &) = delete;
    progress_t &operator=(progress_t const &) = delete;

    void step(std::size_t n = 1);
    /// Draws the final state and ends the line. Idempotent.
    void finish();
    std::size_t done() const noexcept { return m_done; }

    /// The text of the bar for \p done of \p total (no carriage return).
    static std::string render(std::string_view unit, std::size_t done, std::size_t total);

private:
    void draw();
    void clear();
    friend void progress_interrupt();

    std::string m_unit;
    std::size_t m_total;
    std::size_t m_done = 0;
    std::ostream &m_out;
    bool m_enabled;
    bool m_finished = false;
    std::size_t m_drawn_width = 0; ///< characters on the terminal line now (0: nothing drawn)
    std::string m_last;            ///< the text drawn last
};

} // namespace sozbatch
