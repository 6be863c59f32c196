// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/notices_render.hpp"

#include "formats/notice/pdf_renderer.hpp"
#include "lib/core/error.hpp"

#include <algorithm>
#include <utility>

namespace sozbatch::jobs {

namespace {

/// Thrown by before_publish when the batch was drawn with another number than it gets (a task
/// before it had no letter to publish): the batch is abandoned and drawn again.
struct renumber_t
{
    int batch_no;
};

} // namespace

render_pool_t::render_pool_t(notice::template_set_t templates, notice::render_options_t render,
                             notice::batch_options_t options, int threads)
: m_options(std::move(options)), m_threads_wanted(std::max(threads, 1))
{
    if (m_options.max_documents <= 0) {
        throw config_error{"print batch: max_documents must be positive"};
    }
    m_running = m_threads_wanted;
    try {
        for (int i = 0; i < m_threads_wanted; ++i) {
            m_threads.emplace_back([this, templates, render] { work(templates, render); });
        }
    } catch (...) { // a thread could not be started: stop and join those that were
        {
            std::lock_guard lock{m_mutex};
            m_abort = true;
        }
        m_cv.notify_all();
        for (auto &t : m_threads) {
            t.join();
        }
        throw;
    }
}

render_pool_t::~render_pool_t()
{
    {
        std::lock_guard lock{m_mutex};
        m_abort = true;
        m_closed = true;
    }
    m_cv.notify_all();
    for (auto &t : m_threads) {
        if (t.joinable()) {
            t.join();
        }
    }
}

void render_pool_t::work(notice::template_set_t const &templates, notice::render_options_t const &render)
{
    try {
        notice::pdf_renderer_t const renderer{templates, render};
        while (true) {
            task_t task;
            {
                std::unique_lock lock{m_mutex};
                m_cv.wait(lock, [&] { return m_abort || m_closed || !m_tasks.empty(); });
                if (m_abort || m_tasks.empty()) {
                    break; // stopping, or closed and nothing left
                }
                task = std::move(m_tasks.front());
                m_tasks.pop_front();
            }
            m_cv.notify_all(); // room for the next task
            run(renderer, task);
        }
    } catch (stopping_t const &) {
        // another thread failed or the pool is destroyed: what this one had is not published
    } catch (...) {
        std::lock_guard lock{m_mutex};
        if (!m_failure) {
            m_failure = std::current_exception();
        }
        m_abort = true;
    }
    {
        std::lock_guard lock{m_mutex};
        --m_running;
    }
    m_cv.notify_all();
}

void render_pool_t::wait_turn(long long index)
{
    std::unique_lock lock{m_mutex};
    m_cv.wait(lock, [&] { return m_abort || m_turn == index; });
    if (m_abort) {
        throw stopping_t{};
    }
}

void render_pool_t::run(notice::pdf_renderer_t const &renderer, task_t &task)
{
    int batch_no = 0;
    {
        // as if every task before this one publishes a batch; corrected at the turn if not
        std::lock_guard lock{m_mutex};
        batch_no = m_next_batch_no + static_cast<int>(task.index - m_turn);
    }
    std::vector<std::string> failures(task.items.size()); // the render error of each letter, if any
    std::optional<render_event_t> published;
    while (true) {
        std::fill(failures.begin(), failures.end(), std::string{});
        published.reset();
        std::size_t drawn = 0; // letters drawn into the batch
        notice::batch_options_t options = m_options;
        options.first_batch_no = batch_no;
        options.tmp_suffix = "." + std::to_string(task.index) + ".tmp"; // two tasks may draw the same number
        options.before_publish = [&](notice::batch_summary_t const &) {
            wait_turn(task.index);
            std::lock_guard lock{m_mutex};
            if (m_next_batch_no != batch_no) {
                throw renumber_t{m_next_batch_no};
            }
        };
        options.on_published = [&](notice::batch_summary_t const &b, std::vector<notice::batch_piece_t> const &pieces) {
            if (pieces.size() != drawn) {
                throw internal_error{"print batch " + b.batch_id + " holds " + std::to_string(pieces.size()) +
                                     " documents, the job added " + std::to_string(drawn)};
            }
            render_event_t ev;
            ev.type = render_event_t::type_t::batch;
            ev.batch = b;
            ev.pieces = pieces;
            published = std::move(ev);
        };
        try {
            notice::print_batch_writer_t writer{renderer, options};
            for (std::size_t i = 0; i < task.items.size(); ++i) {
                auto const &item = task.items[i];
                if (!item.letter) {
                    continue;
                }
                try {
                    writer.add(*item.letter);
                    ++drawn;
                } catch (case_error const &e) { // template_error, render_error: hold this letter
                    failures[i] = e.what();
                }
            }
            writer.finish(); // a batch only if a letter was drawn; before_publish waits for the turn
        } catch (renumber_t const &r) {
            batch_no = r.batch_no; // this task's turn is held: no other batch is published meanwhile
            continue;
        }
        break;
    }
    wait_turn(task.index); // a task without a batch still reports in order
    std::vector<render_event_t> events;
    for (std::size_t i = 0; i < task.items.size(); ++i) {
        auto &item = task.items[i];
        bool const failed = !item.letter || !failures[i].empty();
        item.letter.reset();
        if (failed) {
            if (!failures[i].empty()) {
                item.failure = failures[i];
            }
            render_event_t ev;
            ev.item = std::move(item);
            events.push_back(std::move(ev));
        } else if (published) {
            published->items.push_back(std::move(item));
        }
    }
    {
        std::lock_guard lock{m_mutex};
        for (auto &ev : events) {
            m_events.push_back(std::move(ev));
        }
        if (published) {
            m_batches.push_back(published->batch);
            m_events.push_back(std::move(*published));
            ++m_next_batch_no;
        }
        ++m_turn;
    }
    m_cv.notify_all();
}

bool render_pool_t::push_pending()
{
    task_t task;
    task.index = m_next_index++;
    task.items = std::move(m_pending);
    m_pending.clear();
    m_pending_letters = 0;
    std::unique_lock lock{m_mutex};
    m_cv.wait(lock, [&] {
        return m_abort || m_running == 0 || m_tasks.empty(); // one task waits: memory stays flat
    });
    if (m_abort || m_running == 0) {
        return false;
    }
    m_tasks.push_back(std::move(task));
    lock.unlock();
    m_cv.notify_all();
    return true;
}

bool render_pool_t::submit(std::vector<render_item_t> &&letters)
{
    for (auto &item : letters) {
        bool const renderable = item.letter.has_value();
        m_pending.push_back(std::move(item));
        if (renderable && ++m_pending_letters >= m_options.max_documents) {
            if (!push_pending()) {
                return false;
            }
        }
    }
    std::lock_guard lock{m_mutex};
    return !m_abort && m_running > 0;
}

bool render_pool_t::poll(render_event_t &event)
{
    std::lock_guard lock{m_mutex};
    if (m_events.empty()) {
        return false;
    }
    event = std::move(m_events.front());
    m_events.pop_front();
    return true;
}

std::vector<notice::batch_summary_t> render_pool_t::finish(std::function<void(render_event_t &&)> const &handle)
{
    if (!m_pending.empty()) {
        push_pending(); // false: stopped on an error, rethrown below
    }
    {
        std::lock_guard lock{m_mutex};
        m_closed = true;
    }
    m_cv.notify_all();
    while (true) {
        render_event_t ev;
        {
            std::unique_lock lock{m_mutex};
            m_cv.wait(lock, [&] { return m_running == 0 || !m_events.empty(); });
            if (m_events.empty()) {
                break; // every thread ended and nothing left
            }
            ev = std::move(m_events.front());
            m_events.pop_front();
        }
        handle(std::move(ev));
    }
    for (auto &t : m_threads) {
        t.join();
    }
    if (m_failure) {
        std::rethrow_exception(m_failure);
    }
    return m_batches;
}

} // namespace sozbatch::jobs
