// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief A producer in a thread of its own that works ahead of its consumer by a bounded number
/// of items: `pay prepare` reads the next chunks of cases on a second database connection while
/// the job's connection writes the orders of the chunk before (docs/scaling.md, "Reading ahead").

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace sozbatch {

/// Runs \p body in a thread; body hands out items through its emit function, in order, and
/// waits while \p max_waiting items are not taken yet (so memory is bounded by max_waiting
/// items, whatever body produces). The consumer takes them with next().
///
/// - What body throws is rethrown by next() after the items emitted before it.
/// - Destroying the read_ahead_t before the end (the consumer failed) cancels: a waiting or the
///   next emit throws read_ahead_cancelled_t out of body, and the destructor joins the thread.
///   Body's own clean-up runs by unwinding; it must not swallow read_ahead_cancelled_t.
template <typename T>
class read_ahead_t
{
public:
    using emit_t = std::function<void(T &&)>;

    /// Thrown by emit when the consumer is gone.
    struct cancelled_t
    {};

    read_ahead_t(std::size_t max_waiting, std::function<void(emit_t const &)> body)
    : m_max(max_waiting == 0 ? 1 : max_waiting)
    {
        m_thread = std::thread{[this, body = std::move(body)] {
            std::exception_ptr error;
            try {
                body([this](T &&item) { push(std::move(item)); });
            } catch (cancelled_t const &) {
                // the consumer has gone
            } catch (...) {
                error = std::current_exception();
            }
            std::lock_guard const lock{m_mutex};
            m_error = error;
            m_done = true;
            m_cv.notify_all();
        }};
    }

    ~read_ahead_t()
    {
        {
            std::lock_guard const lock{m_mutex};
            m_cancel = true;
            m_cv.notify_all();
        }
        m_thread.join();
    }

    read_ahead_t(read_ahead_t const &) = delete;
    read_ahead_t &operator=(read_ahead_t const &) = delete;

    /// The next item, or nothing when body has returned and every item is taken.
    /// \throws what body threw, once the items before it are taken
    std::optional<T> next()
    {
        std::unique_lock lock{m_mutex};
        m_cv.wait(lock, [this] { return !m_queue.empty() || m_done; });
        if (!m_queue.empty()) {
            std::optional<T> item{std::move(m_queue.front())};
            m_queue.pop_front();
            m_cv.notify_all();
            return item;
        }
        if (m_error) {
            std::rethrow_exception(std::exchange(m_error, nullptr));
        }
        return std::nullopt;
    }

private:
    void push(T &&item)
    {
        std::unique_lock lock{m_mutex};
        m_cv.wait(lock, [this] { return m_queue.size() < m_max || m_cancel; });
        if (m_cancel) {
            throw cancelled_t{};
        }
        m_queue.push_back(std::move(item));
        m_cv.notify_all();
    }

    std::size_t const m_max;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<T> m_queue;
    bool m_done = false;
    bool m_cancel = false;
    std::exception_ptr m_error;
    std::thread m_thread; // last: started when everything else is in place
};

} // namespace sozbatch
