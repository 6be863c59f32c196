// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The notice job's second core: a thread that composes, draws and publishes the print
/// batches while the job's own thread reads the database and builds the next letters
/// (docs/scaling.md, "Bescheide"). One renderer and one batch writer live in that thread, so the
/// batches are numbered and filled exactly as by a single thread; everything the job must record
/// comes back as events in the order the letters were submitted, and the job records them with
/// its own database session (the thread never touches the database).

#include "formats/notice/print_batch.hpp"
#include "lib/db/notice_store.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sozbatch::jobs {

/// A letter to render, or a letter that could not be built (failure set).
struct render_item_t
{
    std::optional<notice::letter_t> letter; ///< none: not rendered (see failure)
    db::notice_record_t record;             ///< what the job records for it (state etc. filled later)
    std::string file_ref;
    std::string failure;                    ///< set when the letter is held (or not produced)
    bool record_failure = true;             ///< false: report only, record nothing (decided again next run)
};

/// What the thread reports, in submission order.
struct render_event_t
{
    enum class type_t { failed, batch };
    type_t type = type_t::failed;
    render_item_t item;                          ///< failed: the letter and why
    notice::batch_summary_t batch;               ///< batch: the published batch
    std::vector<notice::batch_piece_t> pieces;   ///< its pieces, in order
    std::vector<render_item_t> items;            ///< the letters in it, in the same order (letter dropped)
};

class render_thread_t
{
public:
    /// Starts the thread; it makes its renderer from \p templates and \p render and writes batches
    /// with \p options (its on_published is the thread's own).
    render_thread_t(notice::template_set_t templates, notice::render_options_t render, notice::batch_options_t options);
    /// Abandons an unfinished run (the open batch is not published) and joins the thread.
    ~render_thread_t();
    render_thread_t(render_thread_t const &) = delete;
    render_thread_t &operator=(render_thread_t const &) = delete;

    /// Hands over a window of letters; waits while two windows are still waiting.
    /// \returns false when the thread has stopped on an error (finish() rethrows it)
    bool submit(std::vector<render_item_t> &&window);
    /// Takes the next event if there is one (does not wait).
    bool poll(render_event_t &event);
    /// No more windows: publishes the last batch, hands every remaining event to \p handle and joins.
    /// \returns the batches published. \throws what stopped the thread
    std::vector<notice::batch_summary_t> finish(std::function<void(render_event_t &&)> const &handle);

private:
    void work(notice::template_set_t templates, notice::render_options_t render, notice::batch_options_t options);
    void emit(render_event_t &&event);

    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::vector<render_item_t>> m_windows;
    std::deque<render_event_t> m_events;
    bool m_closed = false;  ///< no more windows
    bool m_abort = false;   ///< stop without publishing
    bool m_stopped = false; ///< the thread has ended
    std::exception_ptr m_failure;
    std::vector<notice::batch_summary_t> m_batches;
    std::thread m_thread;
};

} // namespace sozbatch::jobs
