// SPDX-License-Identifier: GPL-3.0-or-later
// The producer that reads ahead of pay prepare (lib/core/read_ahead.hpp): order, the bound on
// waiting items, errors after the items before them, and cancellation when the consumer goes.
#include "lib/core/read_ahead.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace sozbatch;

namespace {

/// Waits (at most 10 s) until \p pred holds; the producer runs in its own thread.
template <typename P>
bool eventually(P pred)
{
    for (int i = 0; i < 10000; ++i) {
        if (pred()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return pred();
}

} // namespace

TEST(ReadAhead, HandsOutEveryItemInOrderThenNothing)
{
    read_ahead_t<std::vector<int>> ahead{2, [](auto const &emit) {
                                             for (int i = 0; i < 1000; ++i) {
                                                 emit(std::vector<int>(3, i));
                                             }
                                         }};
    for (int i = 0; i < 1000; ++i) {
        auto item = ahead.next();
        ASSERT_TRUE(item.has_value()) << i;
        EXPECT_EQ(*item, std::vector<int>(3, i));
    }
    EXPECT_FALSE(ahead.next().has_value());
    EXPECT_FALSE(ahead.next().has_value());
}

TEST(ReadAhead, WorksAheadByAtMostTheBound)
{
    std::atomic<int> emitted{0};
    read_ahead_t<int> ahead{3, [&](auto const &emit) {
                                for (int i = 0; i < 20; ++i) {
                                    emit(int{i});
                                    ++emitted;
                                }
                            }};
    // nothing taken: three items wait, the fourth emit blocks
    ASSERT_TRUE(eventually([&] { return emitted.load() == 3; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(emitted.load(), 3);
    // one taken: one more
    EXPECT_EQ(ahead.next(), 0);
    ASSERT_TRUE(eventually([&] { return emitted.load() == 4; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(emitted.load(), 4);
    for (int i = 1; i < 20; ++i) {
        EXPECT_EQ(ahead.next(), i);
    }
    EXPECT_FALSE(ahead.next().has_value());
}

TEST(ReadAhead, RethrowsWhatTheProducerThrewAfterTheItemsBeforeIt)
{
    read_ahead_t<std::string> ahead{2, [](auto const &emit) {
                                        emit(std::string{"a"});
                                        emit(std::string{"b"});
                                        throw std::runtime_error{"the database returned Aktenzeichen B before A"};
                                    }};
    EXPECT_EQ(ahead.next(), "a");
    EXPECT_EQ(ahead.next(), "b");
    try {
        ahead.next();
        FAIL() << "no exception";
    } catch (std::runtime_error const &e) {
        EXPECT_STREQ(e.what(), "the database returned Aktenzeichen B before A");
    }
    EXPECT_FALSE(ahead.next().has_value()); // reported once
}

TEST(ReadAhead, AConsumerThatGoesCancelsTheProducerWhichCleansUp)
{
    std::atomic<int> emitted{0};
    std::atomic<bool> cleaned{false};
    std::atomic<bool> finished{false};
    {
        read_ahead_t<int> ahead{1, [&](auto const &emit) {
                                    struct cleanup_t
                                    {
                                        std::atomic<bool> &flag;
                                        ~cleanup_t() { flag = true; }
                                    } cleanup{cleaned};
                                    for (int i = 0; i < 1'000'000; ++i) {
                                        emit(int{i});
                                        ++emitted;
                                    }
                                    finished = true;
                                }};
        EXPECT_EQ(ahead.next(), 0);
        ASSERT_TRUE(eventually([&] { return emitted.load() >= 1; }));
        // the consumer fails here: the read_ahead_t is destroyed while the producer waits
    }
    EXPECT_TRUE(cleaned.load());
    EXPECT_FALSE(finished.load());
    EXPECT_LE(emitted.load(), 2);
}

TEST(ReadAhead, AConsumerThatGoesBeforeTheFirstItemDoesNotHang)
{
    std::atomic<bool> started{false};
    std::atomic<bool> unwound{false};
    {
        read_ahead_t<std::unique_ptr<int>> ahead{2, [&](auto const &emit) {
                                                     started = true;
                                                     try {
                                                         for (;;) {
                                                             emit(std::make_unique<int>(1));
                                                         }
                                                     } catch (...) {
                                                         unwound = true; // the cancellation, passed on
                                                         throw;
                                                     }
                                                 }};
        ASSERT_TRUE(eventually([&] { return started.load(); }));
    }
    // the destructor returned: the producer left its endless loop by the cancellation
    EXPECT_TRUE(unwound.load());
}
