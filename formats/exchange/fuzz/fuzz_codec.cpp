// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the exchange parsers (built by scripts/fuzz, not by CMake).
// The first input byte selects the parser, the rest is the input:
//   0: § 118 answer file (all or nothing)      1: § 118 answer file (accept valid records)
//   2: § 151 answer file                       3: single record against the § 118 answer layout
//   4: § 118 request file via the file reader  5: the layout parser itself
// Typed sozbatch errors are the expected outcome for bad input; anything else (a crash, a
// sanitizer report, another exception type) is a bug.
#include "formats/exchange/codec.hpp"
#include "formats/exchange/layout.hpp"
#include "formats/exchange/match118.hpp"
#include "formats/exchange/pension151.hpp"
#include "lib/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const *data, std::size_t size)
{
    using namespace sozbatch;
    using namespace sozbatch::exchange;
    if (size == 0) {
        return 0;
    }
    std::string_view const input{reinterpret_cast<char const *>(data) + 1, size - 1};
    try {
        switch (data[0] % 6) {
        case 0:
        case 1: {
            match118_read_options_t o;
            o.office_id = "01002000";
            o.accept_valid_records = data[0] % 6 == 1;
            auto const file = parse_match118_answer(input, "fuzz", o);
            for (auto const &a : file.answers) {
                for (auto const &h : a.hits) {
                    (void)to_string(h.source);
                    (void)to_string(h.basis);
                }
            }
            break;
        }
        case 2: {
            pension151_read_options_t o;
            o.office_id = "01002000";
            o.accept_valid_records = (data[0] & 0x80) != 0;
            (void)parse_pension151_answer(input, "fuzz", o);
            break;
        }
        case 3: {
            auto const rec = decode_record(family("sozhidav-2004").answer, input, {"fuzz", 1});
            for (auto const &b : rec.blocks) {
                for (auto const &[id, v] : b.fields.items()) {
                    (void)b.fields.date(id);
                    (void)b.fields.period(id);
                    (void)b.fields.amount(id);
                }
            }
            break;
        }
        case 4:
            (void)read_exchange_file(family("sozhidav-2004"), direction_t::request, input, "fuzz", {true});
            break;
        default:
            (void)parse_layout(input, "fuzz.layout");
            break;
        }
    } catch (sozbatch::error_t const &) {
        // rejected with a typed error: fine
    }
    return 0;
}
