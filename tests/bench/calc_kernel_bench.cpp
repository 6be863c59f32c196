// SPDX-License-Identifier: GPL-3.0-or-later
// Calculation kernel benchmark: a synthetic, seeded mix of cases of all four laws in memory
// (SGB XII 3. and 4. Kapitel, AsylbLG § 3 and § 2, BVG-KOF), no I/O; one thread; reports
// case-months per second. Run by hand (docs/benchmarks.md, "Calculation kernel"):
//   build/tests/bench/calc_kernel_bench [cases] [rounds] [YYYY-MM]
#include "lib/calc/calculate.hpp"
#include "lib/core/error.hpp"
#include "lib/params/parameter_set.hpp"

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

using namespace sozbatch;
using boost::gregorian::date;

namespace {

struct synthetic_t
{
    std::vector<domain::case_t> cases;
    std::vector<std::vector<domain::person_t>> persons; ///< per case
};

domain::member_t member(std::string id, domain::member_role_t role, std::optional<date> stay = std::nullopt)
{
    domain::member_t m;
    m.person_id = std::move(id);
    m.role = role;
    m.validity = period_t{date(2000, 1, 1), std::nullopt};
    m.stay_since = stay;
    return m;
}

synthetic_t make_cases(int n, unsigned seed)
{
    std::mt19937 rng{seed};
    auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>{lo, hi}(rng); };
    synthetic_t s;
    s.cases.reserve(static_cast<std::size_t>(n));
    s.persons.reserve(static_cast<std::size_t>(n));
    domain::law_t const laws[] = {domain::law_t::sgb12_kap3, domain::law_t::sgb12_kap4, domain::law_t::asylblg_3,
                                  domain::law_t::asylblg_2, domain::law_t::bvg_kof};
    for (int i = 0; i < n; ++i) {
        domain::case_t c;
        c.file_ref = "50.1-" + std::to_string(100000 + i);
        c.law = laws[i % 5];
        c.established_on = date(2015, 1, 1);
        std::vector<domain::person_t> ps;
        auto add_person = [&](std::string const &id, date birth) {
            domain::person_t p;
            p.ext_id = id;
            p.birth_date = birth;
            ps.push_back(p);
        };
        bool const asyl = c.law == domain::law_t::asylblg_3 || c.law == domain::law_t::asylblg_2;
        int const adult_birth = c.law == domain::law_t::sgb12_kap4 ? pick(1935, 1958) : pick(1960, 2004);
        std::optional<date> stay;
        if (asyl) {
            stay = date(pick(2019, 2025), pick(1, 12), pick(1, 28));
        }
        std::string const a = "P" + std::to_string(i) + "A";
        add_person(a, date(adult_birth, pick(1, 12), pick(1, 28)));
        c.members.push_back(member(a, domain::member_role_t::applicant, stay));
        int persons = 1;
        if (pick(0, 2) == 0) {
            std::string const p = "P" + std::to_string(i) + "B";
            add_person(p, date(adult_birth + pick(-3, 3), pick(1, 12), pick(1, 28)));
            c.members.push_back(member(p, domain::member_role_t::partner, stay));
            ++persons;
        }
        if (c.law != domain::law_t::sgb12_kap4) {
            int const kids = pick(0, 3) == 0 ? pick(1, 3) : 0;
            for (int k = 0; k < kids; ++k) {
                std::string const id = "P" + std::to_string(i) + "K" + std::to_string(k);
                add_person(id, date(pick(2008, 2024), pick(1, 12), pick(1, 28)));
                c.members.push_back(member(id, domain::member_role_t::child, stay));
                ++persons;
            }
        }
        domain::approval_t ap;
        ap.ext_id = "A" + std::to_string(i);
        // most cases run the whole month; some start mid-month
        ap.period = period_t{pick(0, 9) == 0 ? date(2026, 1, pick(2, 28)) : date(2024, pick(1, 12), 1), std::nullopt};
        c.approvals.push_back(ap);
        domain::housing_t h;
        h.dwelling = asyl && pick(0, 1) == 0 ? domain::dwelling_t::gemeinschaftsunterkunft : domain::dwelling_t::wohnung;
        if (h.dwelling == domain::dwelling_t::wohnung) {
            h.basic_rent = money_t::cents(pick(25000, 70000));
            h.service_charges = money_t::cents(pick(4000, 12000));
            h.heating = money_t::cents(pick(4000, 12000));
            h.decentral_hot_water = pick(0, 4) == 0;
        }
        h.persons_in_dwelling = persons;
        h.validity = period_t{date(2000, 1, 1), std::nullopt};
        c.housing.push_back(h);
        auto add_need = [&](std::string const &person, std::string kind, std::optional<int> q = std::nullopt) {
            domain::need_t nd;
            nd.person_id = person;
            nd.kind = std::move(kind);
            nd.quantity = q;
            nd.validity = period_t{date(2000, 1, 1), std::nullopt};
            c.needs.push_back(nd);
        };
        if (!asyl && pick(0, 3) == 0) add_need(a, "merkzeichen-g");
        if (!asyl && pick(0, 5) == 0) add_need(a, "erwerbsminderung-voll");
        if (!asyl && pick(0, 9) == 0) add_need(a, "mittagsverpflegung", 19);
        if (c.law == domain::law_t::bvg_kof) add_need(a, "bvg-beschaedigter", 60);
        auto add_income = [&](std::string const &person, std::string kind, int lo, int hi) {
            domain::income_t in;
            in.person_id = person;
            in.kind = std::move(kind);
            in.gross = money_t::cents(pick(lo, hi));
            in.validity = period_t{date(2000, 1, 1), std::nullopt};
            c.incomes.push_back(in);
        };
        switch (pick(0, 3)) {
        case 0: add_income(a, c.law == domain::law_t::sgb12_kap4 ? "pension" : "earnings", 10000, 120000); break;
        case 1: add_income(a, "widow-pension", 10000, 60000); break;
        case 2: add_income(a, "supplementary-pension", 5000, 30000); break;
        default: break;
        }
        for (auto const &m : c.members) {
            if (m.role == domain::member_role_t::child) {
                add_income(m.person_id, "kindergeld", 25500, 25500);
            }
        }
        s.cases.push_back(std::move(c));
        s.persons.push_back(std::move(ps));
    }
    return s;
}

} // namespace

int main(int argc, char **argv)
{
    int const n = argc > 1 ? std::atoi(argv[1]) : 100000;
    int const rounds = argc > 2 ? std::atoi(argv[2]) : 10;
    month_t const month = argc > 3 ? month_t::parse(argv[3]) : month_t{2026, 1};

    auto const params = params::parameter_set_t::load();
    synthetic_t const data = make_cases(n, 20260101U);
    calc::month_params_t const mp{params, month};
    calc::calculator_t calculator{mp};
    calc::case_result_t result;

    // warm-up round (fills the reused buffers) and a checksum so nothing is optimised away
    std::int64_t checksum = 0;
    long errors = 0;
    long lines = 0;
    for (std::size_t i = 0; i < data.cases.size(); ++i) {
        try {
            calculator.calculate(data.cases[i], data.persons[i], result);
            checksum += result.totals.payout.as_cents();
            lines += static_cast<long>(result.lines.size());
        } catch (case_error const &) {
            ++errors;
        }
    }
    auto thread_ns = [] {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
    };
    long long const c0 = thread_ns();
    auto const t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < rounds; ++r) {
        for (std::size_t i = 0; i < data.cases.size(); ++i) {
            try {
                calculator.calculate(data.cases[i], data.persons[i], result);
                checksum += result.totals.payout.as_cents();
            } catch (case_error const &) {
            }
        }
    }
    auto const t1 = std::chrono::steady_clock::now();
    long long const cpu_ns = thread_ns() - c0;
    auto const ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
    long long const case_months = static_cast<long long>(n) * rounds;
    long long const per_second = ns > 0 ? case_months * 1000000000LL / ns : 0;
    std::printf("calc kernel: month %s, %d cases x %d rounds = %lld case-months in %lld ms on one thread\n",
                month.to_string().c_str(), n, rounds, case_months, static_cast<long long>(ns / 1000000));
    long long const per_cpu_second = cpu_ns > 0 ? case_months * 1000000000LL / cpu_ns : 0;
    std::printf("calc kernel: %lld case-months per second wall clock, %lld per second of thread CPU time "
                "(%lld ms CPU)\n",
                per_second, per_cpu_second, cpu_ns / 1000000);
    std::printf("calc kernel: %ld lines per round; %ld case errors; checksum %lld\n", lines, errors,
                static_cast<long long>(checksum));
    return 0;
}
