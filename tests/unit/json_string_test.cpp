// SPDX-License-Identifier: GPL-3.0-or-later
// JSON strings as sozbatch writes them (lib/core/json.hpp): the exact text, since result lines,
// the status report and the write log's canonical texts are hashed.
#include "lib/core/json.hpp"

#include <gtest/gtest.h>

#include <string>

using sozbatch::append_json_string;
using sozbatch::json_string;

TEST(JsonString, EscapesQuotesBackslashesAndControlCharactersOnly)
{
    EXPECT_EQ(json_string(""), "\"\"");
    EXPECT_EQ(json_string("plain"), "\"plain\"");
    // escapes at the start, in the middle, next to each other and at the end
    EXPECT_EQ(json_string("\"a\\b\nc\rd\te\x01\x1f\""), "\"\\\"a\\\\b\\nc\\rd\\te\\u0001\\u001f\\\"\"");
    EXPECT_EQ(json_string("\n\n"), "\"\\n\\n\"");
    // UTF-8, DEL and '/' pass through unchanged
    EXPECT_EQ(json_string("Jürgen Weiß € / \x7f"), "\"Jürgen Weiß € / \x7f\"");
    // embedded NUL is a control character
    EXPECT_EQ(json_string(std::string("a\0b", 3)), "\"a\\u0000b\"");
}

TEST(JsonString, AppendsToWhatIsThere)
{
    std::string out = "[";
    append_json_string(out, "x\ty");
    out += ',';
    append_json_string(out, "z");
    out += ']';
    EXPECT_EQ(out, "[\"x\\ty\",\"z\"]");
}
