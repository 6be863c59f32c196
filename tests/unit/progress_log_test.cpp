// SPDX-License-Identifier: GPL-3.0-or-later
// The progress bar (lib/core/progress.hpp) and the key=value log lines (lib/core/log.hpp).
#include "lib/core/log.hpp"
#include "lib/core/progress.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

using namespace sozbatch;

TEST(Progress, GroupsDigitsByThousands)
{
    EXPECT_EQ(group_digits(0), "0");
    EXPECT_EQ(group_digits(10), "10");
    EXPECT_EQ(group_digits(999), "999");
    EXPECT_EQ(group_digits(1000), "1,000");
    EXPECT_EQ(group_digits(4200), "4,200");
    EXPECT_EQ(group_digits(10000), "10,000");
    EXPECT_EQ(group_digits(1234567), "1,234,567");
}

TEST(Progress, RendersBarPercentAndCounts)
{
    EXPECT_EQ(progress_t::render("cases", 4200, 10000), "[########            ]  42% 4,200/10,000 cases");
    EXPECT_EQ(progress_t::render("cases", 0, 10000), "[                    ]   0% 0/10,000 cases");
    EXPECT_EQ(progress_t::render("cases", 10000, 10000), "[####################] 100% 10,000/10,000 cases");
    EXPECT_EQ(progress_t::render("cases", 4200, 0), "4,200 cases"); // total unknown
}

TEST(Progress, DrawsInPlaceAndEndsTheLine)
{
    std::ostringstream out;
    {
        progress_t bar{"documents", 4, out, true};
        for (int i = 0; i < 4; ++i) {
            bar.step();
        }
        bar.finish();
    }
    std::string const s = out.str();
    ASSERT_FALSE(s.empty());
    EXPECT_EQ(s.front(), '\r');
    EXPECT_NE(s.find("\r[#####               ]  25% 1/4 documents"), std::string::npos) << s;
    EXPECT_NE(s.find("\r[####################] 100% 4/4 documents\n"), std::string::npos) << s;
    EXPECT_EQ(s.back(), '\n');
    EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 1);
}

TEST(Progress, DrawsAtMostOncePerTenthOfAPercent)
{
    std::ostringstream out;
    progress_t bar{"cases", 100000, out, true};
    for (int i = 0; i < 100000; ++i) {
        bar.step();
    }
    bar.finish();
    std::string const s = out.str();
    auto const drawings = std::count(s.begin(), s.end(), '\r');
    EXPECT_LE(drawings, 1002);
    EXPECT_GE(drawings, 1000);
}

TEST(Progress, DisabledDrawsNothing)
{
    std::ostringstream out;
    {
        progress_t bar{"cases", 10, out, false};
        bar.step(10);
        bar.finish();
        EXPECT_EQ(bar.done(), 10u);
    }
    EXPECT_EQ(out.str(), "");
}

TEST(Progress, LogLineClearsTheBarFirst)
{
    std::ostringstream out;
    progress_t bar{"cases", 0, out, true};
    bar.step(7);
    std::string const drawn = out.str();
    EXPECT_EQ(drawn.substr(drawn.rfind('\r')), "\r7 cases");
    progress_interrupt();
    EXPECT_EQ(out.str().substr(drawn.size()), "\r       \r");
    bar.step();
    EXPECT_EQ(out.str().substr(out.str().rfind('\r')), "\r8 cases");
}

TEST(Log, KeyValueQuotingKeepsOneLine)
{
    EXPECT_EQ(kv("run", "KIEL-202612-R1"), "run=KIEL-202612-R1");
    EXPECT_EQ(kv("msg", "no payment run 'X'"), "msg=\"no payment run 'X'\"");
    EXPECT_EQ(kv("msg", ""), "msg=\"\"");
    EXPECT_EQ(kv("msg", "a\"b\\c"), "msg=\"a\\\"b\\\\c\"");
    EXPECT_EQ(kv("msg", "line 1\nline 2"), "msg=\"line 1\\nline 2\"");
    EXPECT_EQ(kv("k", "a=b"), "k=\"a=b\"");
}

TEST(Log, LineHasLevelJobAndFields)
{
    set_log_job("pay prepare");
    EXPECT_EQ(log_line(log_level_t::info, kv("event", "pay-prepare") + " " + kv("orders", "12")),
              "level=info job=pay-prepare event=pay-prepare orders=12");
    EXPECT_EQ(log_line(log_level_t::warn, ""), "level=warn job=pay-prepare");
    set_log_job("");
    EXPECT_EQ(log_line(log_level_t::error, kv("msg", "x y")), "level=error msg=\"x y\"");
}
