// SPDX-License-Identifier: GPL-3.0-or-later
// The totals table of `pay prepare` and of the run protocol: its columns stay apart and aligned
// however large the figures (at a million cases the fixed widths ran the count into the sum).
#include "lib/core/text.hpp"
#include "lib/payments/payment_run.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace {

using sozbatch::money_t;
using sozbatch::payments::run_summary_t;
using sozbatch::payments::totals_table;

std::vector<std::string> lines_of(std::string const &text)
{
    std::vector<std::string> out;
    std::istringstream in{text};
    for (std::string line; std::getline(in, line);) {
        out.push_back(line);
    }
    return out;
}

run_summary_t summary(long long count, money_t amount)
{
    run_summary_t s;
    s.by_status[{"SGB12-4", "3120.533200", "sepa", "paid"}] = {count, amount};
    s.by_status[{"SGB12-4", "3120.533200", "cash", "paid"}] = {7, money_t::cents(123456)};
    s.by_status[{"SGB12-4", "3120.533200", "sepa", "held"}] = {1, money_t::cents(100)}; // not in the table
    s.orders = count + 8;
    return s;
}

} // namespace

TEST(PaymentTotals, SmallFiguresKeepTheirColumns)
{
    auto const lines = lines_of(totals_table(summary(16500, money_t::cents(1507256381))));
    std::vector<std::string> const expected{
        "  LAW        BUDGET LINE  CHANNEL  ORDERS           AMOUNT",
        "  SGB12-4    3120.533200  cash          7       1.234,56 €",
        "  SGB12-4    3120.533200  sepa      16500  15.072.563,81 €",
        "  law SGB12-4                       16507  15.073.798,37 €",
        "  channel cash                          7       1.234,56 €",
        "  channel sepa                      16500  15.072.563,81 €",
        "  total                             16507  15.073.798,37 €",
    };
    EXPECT_EQ(lines, expected);
}

TEST(PaymentTotals, AMillionCasesDoNotRunTheColumnsTogether)
{
    // the figures of the run at a million cases: 1,160,170 orders, 861.230.153,47 €; before, a
    // row read "sepa     1160163861.228.918,91 €"
    auto const lines = lines_of(totals_table(summary(1160163, money_t::cents(86122891891))));
    std::vector<std::string> const expected{
        "  LAW        BUDGET LINE  CHANNEL    ORDERS            AMOUNT",
        "  SGB12-4    3120.533200  cash            7        1.234,56 €",
        "  SGB12-4    3120.533200  sepa      1160163  861.228.918,91 €",
        "  law SGB12-4                       1160170  861.230.153,47 €",
        "  channel cash                            7        1.234,56 €",
        "  channel sepa                      1160163  861.228.918,91 €",
        "  total                             1160170  861.230.153,47 €",
    };
    EXPECT_EQ(lines, expected);
    for (auto const &l : lines) {
        EXPECT_EQ(sozbatch::utf8_length(l), sozbatch::utf8_length(lines[0])) << l;
    }
}
