// SPDX-License-Identifier: GPL-3.0-or-later
// The notice job's render threads (jobs/notices_render.hpp): the same batches, bytes and events
// whatever the number of threads; a letter that fails to render leaves its batch one short; the
// batch numbers have no gap when a whole batch's letters fail; an error stops the pool and
// publishes nothing more. Real PDFs through the real renderer and batch writer.

#include "formats/notice/notice.hpp"
#include "formats/notice/print_batch.hpp"
#include "formats/notice/template.hpp"
#include "jobs/notices_render.hpp"
#include "lib/core/clock.hpp"

#include "tests/unit/scratch_dir_test.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace sozbatch;
using namespace sozbatch::jobs;
namespace fs = std::filesystem;

namespace {

std::string read_file(fs::path const &path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// What to hand over: 'L' a letter, 'B' a letter that fails to render (unknown template
/// section), 'X' an item that could not be built (no letter).
std::vector<render_item_t> items_of(std::string const &pattern)
{
    std::vector<render_item_t> items;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        render_item_t item;
        item.file_ref = "50.1-" + std::to_string(1000 + i);
        item.record.document_id = "doc-" + std::to_string(i);
        if (pattern[i] == 'X') {
            item.failure = "not built";
        } else {
            notice::letter_t l = notice::sample_letter();
            l.document_id += "-" + std::to_string(i);
            l.aktenzeichen = item.file_ref;
            if (pattern[i] == 'B') {
                l.reasons.push_back({"gibt.es.nicht", {}});
            }
            item.letter = std::move(l);
        }
        items.push_back(std::move(item));
    }
    return items;
}

/// One run's outcome: the events in order (as text) and the files written.
struct outcome_t
{
    std::vector<std::string> events;
    std::vector<std::string> batch_ids;
    std::vector<std::pair<std::string, std::string>> files; ///< name, bytes
};

class notice_render_test : public test::scratch_dir_test
{
protected:
    notice_render_test() : scratch_dir_test{"sozbatch_render"} {}

    /// Renders \p pattern with \p threads threads into a directory of its own, handing the items
    /// over in windows of \p window.
    outcome_t render(std::string const &pattern, int max_documents, int threads, std::size_t window,
                     std::string const &name)
    {
        notice::batch_options_t o;
        o.directory = (m_dir / name).string();
        o.batch_prefix = "2026-12-01";
        o.max_documents = max_documents;
        o.created = parse_timestamp("2026-12-01T06:00:00Z");
        notice::render_options_t r;
        r.pdfa = false;
        outcome_t out;
        auto handle = [&](render_event_t &&ev) {
            if (ev.type == render_event_t::type_t::failed) {
                out.events.push_back("held " + ev.item.record.document_id + ": " + ev.item.failure);
                return;
            }
            std::string e = "batch " + ev.batch.batch_id + " (" + std::to_string(ev.batch.documents) + "):";
            EXPECT_EQ(ev.items.size(), ev.pieces.size());
            for (std::size_t i = 0; i < ev.items.size(); ++i) {
                EXPECT_FALSE(ev.items[i].letter.has_value());
                EXPECT_EQ(ev.pieces[i].aktenzeichen, ev.items[i].file_ref);
                e += " " + ev.items[i].record.document_id;
            }
            out.events.push_back(e);
        };
        {
            render_pool_t pool{notice::template_set_t::embedded_defaults(), r, o, threads};
            auto items = items_of(pattern);
            for (std::size_t i = 0; i < items.size(); i += window) {
                std::vector<render_item_t> part;
                for (std::size_t j = i; j < std::min(items.size(), i + window); ++j) {
                    part.push_back(std::move(items[j]));
                }
                EXPECT_TRUE(pool.submit(std::move(part)));
                render_event_t ev;
                while (pool.poll(ev)) {
                    handle(std::move(ev));
                }
            }
            for (auto const &b : pool.finish(handle)) {
                out.batch_ids.push_back(b.batch_id);
            }
        }
        if (fs::exists(o.directory)) {
            std::vector<fs::path> paths;
            for (auto const &e : fs::directory_iterator{o.directory}) {
                paths.push_back(e.path());
            }
            std::sort(paths.begin(), paths.end());
            for (auto const &p : paths) {
                out.files.emplace_back(p.filename().string(), read_file(p));
            }
        }
        return out;
    }
};

std::vector<std::string> names(outcome_t const &o)
{
    std::vector<std::string> n;
    for (auto const &f : o.files) {
        n.push_back(f.first);
    }
    return n;
}

} // namespace

TEST_F(notice_render_test, same_batches_bytes_and_events_whatever_the_number_of_threads)
{
    // tasks of three letters: [L X L L] [B L L] [L L L] [X L]
    std::string const pattern = "LXLLBLLLLLXL";
    auto const one = render(pattern, 3, 1, 5, "one");
    ASSERT_EQ(one.events.size(), 7u) << ::testing::PrintToString(one.events);
    EXPECT_EQ(one.events[0], "held doc-1: not built");
    EXPECT_EQ(one.events[1], "batch 2026-12-01-001 (3): doc-0 doc-2 doc-3");
    // the letter that fails to render is held with the renderer's reason and leaves its batch one short
    EXPECT_EQ(one.events[2].rfind("held doc-4: ", 0), 0u) << one.events[2];
    EXPECT_NE(one.events[2], "held doc-4: not built");
    EXPECT_EQ(one.events[3], "batch 2026-12-01-002 (2): doc-5 doc-6");
    EXPECT_EQ(one.events[4], "batch 2026-12-01-003 (3): doc-7 doc-8 doc-9");
    EXPECT_EQ(one.events[5], "held doc-10: not built");
    EXPECT_EQ(one.events[6], "batch 2026-12-01-004 (1): doc-11");
    EXPECT_EQ(one.batch_ids, (std::vector<std::string>{"2026-12-01-001", "2026-12-01-002", "2026-12-01-003",
                                                       "2026-12-01-004"}));
    // four batches of PDF, index and manifest, nothing else (no temporary file left)
    ASSERT_EQ(one.files.size(), 12u) << ::testing::PrintToString(names(one));
    for (int threads : {2, 3}) {
        for (std::size_t window : {std::size_t{1}, std::size_t{4}, pattern.size()}) {
            auto const other = render(pattern, 3, threads, window,
                                      "t" + std::to_string(threads) + "w" + std::to_string(window));
            EXPECT_EQ(other.events, one.events) << threads << " threads, windows of " << window;
            EXPECT_EQ(other.batch_ids, one.batch_ids);
            ASSERT_EQ(names(other), names(one));
            for (std::size_t i = 0; i < one.files.size(); ++i) {
                EXPECT_TRUE(other.files[i].second == one.files[i].second)
                    << one.files[i].first << " differs with " << threads << " threads";
            }
        }
    }
}

TEST_F(notice_render_test, a_batch_whose_letters_all_fail_leaves_no_gap_in_the_numbers)
{
    // tasks of two letters: [B B] publishes nothing; the next batches are 001 and 002. With two
    // or more threads the second task is drawn as 002 while the first is rendered, then drawn again.
    std::string const pattern = "BBLLL";
    auto const one = render(pattern, 2, 1, pattern.size(), "one");
    EXPECT_EQ(one.batch_ids, (std::vector<std::string>{"2026-12-01-001", "2026-12-01-002"}));
    ASSERT_EQ(one.events.size(), 4u);
    EXPECT_EQ(one.events[0].rfind("held doc-0", 0), 0u);
    EXPECT_EQ(one.events[1].rfind("held doc-1", 0), 0u);
    EXPECT_EQ(one.events[2], "batch 2026-12-01-001 (2): doc-2 doc-3");
    EXPECT_EQ(one.events[3], "batch 2026-12-01-002 (1): doc-4");
    ASSERT_EQ(one.files.size(), 6u) << ::testing::PrintToString(names(one));
    for (int threads : {2, 4}) {
        auto const other = render(pattern, 2, threads, 1, "t" + std::to_string(threads));
        EXPECT_EQ(other.events, one.events);
        ASSERT_EQ(names(other), names(one));
        for (std::size_t i = 0; i < one.files.size(); ++i) {
            EXPECT_TRUE(other.files[i].second == one.files[i].second) << one.files[i].first;
        }
    }
}

TEST_F(notice_render_test, an_error_stops_the_pool_and_finish_rethrows_it)
{
    // the output directory cannot be made (a file is in its way): every thread's writer fails
    std::ofstream{m_dir / "blocker"} << "x";
    notice::batch_options_t o;
    o.directory = (m_dir / "blocker" / "out").string();
    o.batch_prefix = "p";
    o.max_documents = 2;
    o.created = parse_timestamp("2026-12-01T06:00:00Z");
    notice::render_options_t r;
    r.pdfa = false;
    render_pool_t pool{notice::template_set_t::embedded_defaults(), r, o, 2};
    bool accepted = true;
    for (int i = 0; i < 10 && accepted; ++i) {
        accepted = pool.submit(items_of("LL"));
    }
    EXPECT_FALSE(accepted) << "the pool went on accepting letters after its threads failed";
    int events = 0;
    EXPECT_ANY_THROW(pool.finish([&](render_event_t &&) { ++events; }));
    EXPECT_EQ(events, 0);
    EXPECT_FALSE(fs::exists(m_dir / "blocker" / "out"));
}
