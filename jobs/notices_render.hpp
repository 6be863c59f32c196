// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The notice job's render threads: they compose, draw and publish the print batches
/// while the job's own thread reads the database and builds the next letters (docs/scaling.md,
/// "Bescheide").
///
/// The letters handed over are cut into tasks of one batch each: as many letters as a batch
/// holds, with the letters that could not be built between them. Each render thread has its own
/// renderer and writes a task's batch on its own; the batches are published, and everything the
/// job must record comes back as events, strictly in the order of the tasks. So the batches, their
/// numbers and their bytes are the same whatever the number of threads. A letter that fails to
/// render is held and leaves its batch one document short (the next letter belongs to the next
/// batch). The threads never touch the database: the job records the events with its own session.

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

/// What the threads report, in submission order.
struct render_event_t
{
    enum class type_t { failed, batch };
    type_t type = type_t::failed;
    render_item_t item;                          ///< failed: the letter and why
    notice::batch_summary_t batch;               ///< batch: the published batch
    std::vector<notice::batch_piece_t> pieces;   ///< its pieces, in order
    std::vector<render_item_t> items;            ///< the letters in it, in the same order (letter dropped)
};

class render_pool_t
{
public:
    /// Starts \p threads threads (at least one); each makes its renderer from \p templates and
    /// \p render and writes batches with \p options (on_published, first_batch_no and
    /// before_publish are the pool's own).
    render_pool_t(notice::template_set_t templates, notice::render_options_t render, notice::batch_options_t options,
                  int threads);
    /// Abandons an unfinished run (batches not yet published are not published) and joins the threads.
    ~render_pool_t();
    render_pool_t(render_pool_t const &) = delete;
    render_pool_t &operator=(render_pool_t const &) = delete;

    /// Hands over letters in order (any number); waits while a task is waiting for a thread.
    /// \returns false when the pool has stopped on an error (finish() rethrows it)
    bool submit(std::vector<render_item_t> &&letters);
    /// Takes the next event if there is one (does not wait).
    bool poll(render_event_t &event);
    /// No more letters: renders the last task, hands every remaining event to \p handle and joins.
    /// \returns the batches published, in order. \throws what stopped the pool
    std::vector<notice::batch_summary_t> finish(std::function<void(render_event_t &&)> const &handle);

private:
    /// The letters of one batch (and the failed letters among them); index: 0, 1, … in order.
    struct task_t
    {
        long long index = 0;
        std::vector<render_item_t> items;
    };
    /// Thrown in a thread that waits for its turn when the pool is stopping.
    struct stopping_t
    {
    };

    void work(notice::template_set_t const &templates, notice::render_options_t const &render);
    void run(notice::pdf_renderer_t const &renderer, task_t &task);
    /// Waits until the tasks before \p index have been published. \throws stopping_t
    void wait_turn(long long index);
    /// Queues the pending letters as a task (the job's thread). \returns false when stopped
    bool push_pending();

    notice::batch_options_t m_options;
    int m_threads_wanted = 1;
    // the job's thread only
    std::vector<render_item_t> m_pending; ///< letters not yet in a task
    int m_pending_letters = 0;            ///< of which with a letter to render
    long long m_next_index = 0;

    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<task_t> m_tasks;
    std::deque<render_event_t> m_events;
    long long m_turn = 0;      ///< the task whose batch is published next
    int m_next_batch_no = 1;   ///< the number of the next batch published
    int m_running = 0;         ///< threads not yet ended
    bool m_closed = false;     ///< no more tasks
    bool m_abort = false;      ///< stop without publishing (error or destructor)
    std::exception_ptr m_failure;
    std::vector<notice::batch_summary_t> m_batches;
    std::vector<std::thread> m_threads;
};

} // namespace sozbatch::jobs
