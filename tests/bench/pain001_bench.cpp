// SPDX-License-Identifier: GPL-3.0-or-later
// Benchmark for the streaming pain.001 writer (see docs/benchmarks.md, "pain.001 writer").
//
//   pain001_bench N OUT.xml [--indent]
//
// Writes N transfers in one PmtInf (the same data as tests/bench/sepa_peer/gen.js), including the
// self-check (schema validation and recount) and the atomic commit, then prints the wall time, the
// CPU time of the process split into this (writing) thread and the others (the writer's concurrent
// self-check; getrusage RUSAGE_THREAD vs RUSAGE_SELF after it has ended) and the peak resident set
// size. Timing code may use floating point; amounts do not.
#include "formats/sepa/pain001_writer.hpp"
#include "lib/core/error.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace sozbatch;
using namespace sozbatch::sepa;

namespace {

/// Deterministic German IBAN for transfer i (BLZ 21050170, account 1000000000 + i).
std::string iban_for(long i)
{
    std::string const bban = "21050170" + std::to_string(1000000000L + i);
    unsigned rem = 0;
    for (char const c : bban + "131400") {
        rem = (rem * 10 + static_cast<unsigned>(c - '0')) % 97;
    }
    unsigned const check = 98 - rem;
    return std::string{"DE"} + static_cast<char>('0' + check / 10) + static_cast<char>('0' + check % 10) + bban;
}

money_t amount_for(long i) { return money_t::cents(100 + (i * 7919) % 150000); }

double cpu_seconds(rusage const &ru)
{
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4 || (argc == 4 && std::string{argv[3]} != "--indent")) {
        std::fprintf(stderr, "usage: %s N OUT.xml [--indent]\n", argv[0]);
        return 2;
    }
    long const n = std::atol(argv[1]);
    std::string const out = argv[2];
    if (n < 1) {
        std::fprintf(stderr, "N must be at least 1\n");
        return 2;
    }
    // where the writer hands the file's SHA-256 to the check (pain001_writer_t::set_hash_hand_over_percent)
    if (char const *const percent = std::getenv("PAIN001_BENCH_HASH_PERCENT"); percent != nullptr) {
        pain001_writer_t::set_hash_hand_over_percent(std::atoi(percent));
    }
    auto const start = std::chrono::steady_clock::now();
    try {
        money_t total;
        for (long i = 0; i < n; ++i) {
            total += amount_for(i);
        }
        pain001_header_t const header{"SOZ-BENCH-0001", parse_timestamp("2026-01-20T08:00:00Z"), n, total,
                                      "Landeshauptstadt Kiel - Amt für Soziale Dienste", argc == 4};
        pain001_writer_t w{out, header};
        w.begin_payment_info(payment_info_t{"SOZ-BENCH-0001-P1", true, n, total, std::string{"SSBE"},
                                            parse_date("2025-12-31"), "Landeshauptstadt Kiel",
                                            iban_t::parse("DE89370400440532013000"), bic_t::parse("COBADEFFXXX"),
                                            std::nullopt});
        for (long i = 0; i < n; ++i) {
            w.add_transfer(transfer_t{"SOZ-BENCH-E" + std::to_string(i), amount_for(i), std::nullopt,
                                      "Empfänger Müller " + std::to_string(i), iban_t::parse(iban_for(i)),
                                      std::nullopt, std::string{"GOVT"},
                                      "SGB XII Hilfe zum Lebensunterhalt 2026-01 Az 50.1-" + std::to_string(i)});
        }
        w.end_payment_info();
        auto const r = w.finish();
        auto const secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        rusage ru{};
        rusage self_thread{};
        ::getrusage(RUSAGE_SELF, &ru);
        ::getrusage(RUSAGE_THREAD, &self_thread);
        double const cpu = cpu_seconds(ru);
        double const writing = cpu_seconds(self_thread);
        std::printf("transfers=%ld bytes=%llu seconds=%.3f transfers_per_second=%.0f cpu_seconds=%.3f "
                    "writer_thread_cpu=%.3f check_thread_cpu=%.3f peak_rss_kib=%ld check=%s sha256=%s\n",
                    n, static_cast<unsigned long long>(r.bytes), secs, static_cast<double>(n) / secs, cpu, writing,
                    cpu - writing, ru.ru_maxrss,
                    r.check_repeated ? "repeated" : r.check_split ? "two-parts" : "one-part", r.sha256.c_str());
    } catch (std::exception const &e) {
        std::fprintf(stderr, "pain001_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
