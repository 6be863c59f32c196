// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/notices_render.hpp"

#include "formats/notice/pdf_renderer.hpp"
#include "lib/core/error.hpp"

#include <utility>

namespace sozbatch::jobs {

render_thread_t::render_thread_t(notice::template_set_t templates, notice::render_options_t render,
                                 notice::batch_options_t options)
{
    m_thread = std::thread{[this, t = std::move(templates), r = std::move(render), o = std::move(options)]() mutable {
        work(std::move(t), std::move(r), std::move(o));
    }};
}

render_thread_t::~render_thread_t()
{
    {
        std::lock_guard lock{m_mutex};
        m_abort = true;
        m_closed = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

void render_thread_t::emit(render_event_t &&event)
{
    {
        std::lock_guard lock{m_mutex};
        m_events.push_back(std::move(event));
    }
    m_cv.notify_all();
}

void render_thread_t::work(notice::template_set_t templates, notice::render_options_t render,
                           notice::batch_options_t options)
{
    try {
        notice::pdf_renderer_t const renderer{std::move(templates), std::move(render)};
        std::vector<render_item_t> unrecorded; // the letters in the open batch
        options.on_published = [&](notice::batch_summary_t const &b, std::vector<notice::batch_piece_t> const &pieces) {
            if (pieces.size() != unrecorded.size()) {
                throw internal_error{"print batch " + b.batch_id + " holds " + std::to_string(pieces.size()) +
                                     " documents, the job added " + std::to_string(unrecorded.size())};
            }
            render_event_t ev;
            ev.type = render_event_t::type_t::batch;
            ev.batch = b;
            ev.pieces = pieces;
            ev.items = std::move(unrecorded);
            unrecorded.clear();
            emit(std::move(ev));
        };
        std::optional<notice::print_batch_writer_t> writer{std::in_place, renderer, options};
        while (true) {
            std::vector<render_item_t> window;
            {
                std::unique_lock lock{m_mutex};
                m_cv.wait(lock, [&] { return m_abort || m_closed || !m_windows.empty(); });
                if (m_abort) {
                    break; // the writer's destructor abandons the open batch
                }
                if (m_windows.empty()) {
                    lock.unlock(); // publishing the last batch emits an event
                    auto batches = writer->finish();
                    lock.lock();
                    m_batches = std::move(batches);
                    break;
                }
                window = std::move(m_windows.front());
                m_windows.pop_front();
            }
            m_cv.notify_all(); // room for the next window
            for (auto &item : window) {
                if (!item.letter) {
                    render_event_t ev;
                    ev.item = std::move(item);
                    emit(std::move(ev));
                    continue;
                }
                try {
                    writer->add(*item.letter);
                    item.letter.reset();
                    unrecorded.push_back(std::move(item));
                } catch (case_error const &e) { // template_error, render_error: hold this letter
                    item.letter.reset();
                    item.failure = e.what();
                    render_event_t ev;
                    ev.item = std::move(item);
                    emit(std::move(ev));
                }
            }
        }
    } catch (...) {
        std::lock_guard lock{m_mutex};
        m_failure = std::current_exception();
    }
    {
        std::lock_guard lock{m_mutex};
        m_stopped = true;
    }
    m_cv.notify_all();
}

bool render_thread_t::submit(std::vector<render_item_t> &&window)
{
    std::unique_lock lock{m_mutex};
    m_cv.wait(lock, [&] { return m_stopped || m_windows.size() < 2; });
    if (m_stopped) {
        return false;
    }
    m_windows.push_back(std::move(window));
    lock.unlock();
    m_cv.notify_all();
    return true;
}

bool render_thread_t::poll(render_event_t &event)
{
    std::lock_guard lock{m_mutex};
    if (m_events.empty()) {
        return false;
    }
    event = std::move(m_events.front());
    m_events.pop_front();
    return true;
}

std::vector<notice::batch_summary_t> render_thread_t::finish(std::function<void(render_event_t &&)> const &handle)
{
    {
        std::lock_guard lock{m_mutex};
        m_closed = true;
    }
    m_cv.notify_all();
    while (true) {
        render_event_t ev;
        {
            std::unique_lock lock{m_mutex};
            m_cv.wait(lock, [&] { return m_stopped || !m_events.empty(); });
            if (m_events.empty()) {
                break; // stopped and nothing left
            }
            ev = std::move(m_events.front());
            m_events.pop_front();
        }
        handle(std::move(ev));
    }
    m_thread.join();
    if (m_failure) {
        std::rethrow_exception(m_failure);
    }
    return m_batches;
}

} // namespace sozbatch::jobs
