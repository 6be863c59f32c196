// SPDX-License-Identifier: GPL-3.0-or-later
// Bescheide per second into print batches, one renderer and batch writer per thread.
// Usage: notice_bench LETTERS_PER_THREAD THREADS BATCH_SIZE PDFA(0|1) OUT_DIR [none|omr|datamatrix]
// Run under /usr/bin/time -v (docs/benchmarks.md, "Bescheide (PDF)").
#include "formats/notice/pdf_renderer.hpp"
#include "formats/notice/print_batch.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

using namespace sozbatch;
using namespace sozbatch::notice;

int main(int argc, char **argv)
{
    if (argc != 6 && argc != 7) {
        std::cerr << "usage: notice_bench LETTERS_PER_THREAD THREADS BATCH_SIZE PDFA(0|1) OUT_DIR [none|omr|datamatrix]\n";
        return 2;
    }
    std::string const marks = argc == 7 ? argv[6] : "none";
    int const letters = std::atoi(argv[1]);
    int const threads = std::atoi(argv[2]);
    int const batch_size = std::atoi(argv[3]);
    bool const pdfa = std::string{argv[4]} == "1";
    std::string const out = argv[5];
    static char const *const names[][2] = {{"Jürgen Weiß", "Weiß"},         {"Ayşe Yılmaz", "Yılmaz"},
                                           {"Łukasz Wójcik", "Wójcik"},     {"Zoë Müller-Lüdenscheidt", "Müller-Lüdenscheidt"},
                                           {"Nguyễn Văn An", "Nguyễn"},     {"Grete Größmann", "Größmann"},
                                           {"Ömer Çelik", "Çelik"},         {"Anna-Lena Schäfer", "Schäfer"}};
    timestamp_t const created = parse_timestamp("2026-12-01T06:00:00Z");
    std::vector<int> pages(static_cast<std::size_t>(threads), 0);
    auto const start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            render_options_t o;
            o.pdfa = pdfa;
            o.marks = marks == "datamatrix" ? inserter_marks_t::datamatrix
                      : marks == "omr"      ? inserter_marks_t::omr
                                            : inserter_marks_t::none;
            o.insert_stations = {"DSGVO-Info"};
            pdf_renderer_t renderer(template_set_t::embedded_defaults(), o);
            batch_options_t b;
            b.directory = out;
            b.batch_prefix = "bench-t" + std::to_string(t);
            b.max_documents = batch_size;
            b.created = created;
            print_batch_writer_t writer(renderer, b);
            letter_t l = sample_letter();
            for (int i = 0; i < letters; ++i) {
                auto const &n = names[i % 8];
                l.document_id = "50.2-" + std::to_string(t) + "-" + std::to_string(i);
                l.aktenzeichen = "50.2-SGB XII-" + std::to_string(100000 + t * letters + i);
                l.addressee.lines.front() = n[0];
                l.addressee_full_name = n[0];
                l.addressee_family_name = n[1];
                pages[static_cast<std::size_t>(t)] += writer.add(l).pages;
            }
            writer.finish();
        });
    }
    for (auto &th : pool) {
        th.join();
    }
    auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    int total_pages = 0;
    for (int p : pages) total_pages += p;
    long const total = static_cast<long>(letters) * threads;
    std::cout << "letters=" << total << " pages=" << total_pages << " threads=" << threads << " batch=" << batch_size
              << " pdfa=" << pdfa << " marks=" << marks << " wall_ms=" << ms << " letters_per_s=" << (ms > 0 ? total * 1000 / ms : 0) << "\n";
    return 0;
}
