// SPDX-License-Identifier: GPL-3.0-or-later
// Differential libFuzzer target (built by scripts/fuzz, not by CMake) for the XML scanner of the
// pain.001 self-check (formats/xml/sax_scanner.hpp). Every input is parsed by the scanner (fed in
// pieces whose sizes come from the input's first byte) and by libxml2's SAX2 parser set up as
// the check set it up until 2026-11-27. Aborts when
//  - the scanner accepts and libxml2 refuses (a fatal or namespace error, or a NUL byte, which the
//    pull parser refuses), or both accept with different events (characters merged per element);
//  - libxml2 accepts and the scanner refuses other than with "unsupported: ...";
//  - the scanner's error callback and parse() disagree, or one name gets two pointers.
#include "formats/xml/fuzz/sax_reference.hpp"
#include "formats/xml/sax_scanner.hpp"

#include <libxml/parser.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace sozbatch::xml::reference;

void quiet(void *, xmlErrorPtr) {}

[[noreturn]] void die(char const *what, std::string const &a, std::string const &b)
{
    std::fprintf(stderr, "%s\n--- scanner: %s\n--- libxml2: %s\n", what, a.c_str(), b.c_str());
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const *data, std::size_t size)
{
    static bool const init = [] {
        xmlInitParser();
        xmlSetStructuredErrorFunc(nullptr, &quiet);
        return true;
    }();
    (void)init;
    if (size < 1 || size > 200000) {
        return 0;
    }
    static std::size_t const chunks[] = {1 << 20, 1, 2, 3, 7, 64, 4000, 1 << 20};
    std::size_t const chunk = chunks[data[0] % 8];
    std::string_view const doc{reinterpret_cast<char const *>(data) + 1, size - 1};

    recorder_t const theirs = run_libxml2(doc);

    recorder_t ours;
    chunk_source_t source{doc, chunk};
    sozbatch::xml::sax_scanner_t scanner{recorder_t::callbacks(), &ours, source};
    ours.scanner = &scanner;
    ours.max_line = 1 + static_cast<long>(std::count(doc.begin(), doc.end(), '\n'));
    bool const ok = scanner.parse();
    ours.flush();
    if (ok != scanner.error().empty() || ok != ours.ok || (!ok && ours.first_error != scanner.error())) {
        die("parse(), error() and the error callback disagree", scanner.error(), ours.first_error);
    }
    if (!ours.lines_ok) {
        die("line() in a callback is outside the document", ours.events, "");
    }
    if (!ours.pointers_ok) {
        die("a name has two pointers", ours.events, "");
    }
    if (ok && !theirs.ok) {
        die("the scanner accepts what libxml2 refuses", ours.events, theirs.first_error);
    }
    if (ok && ours.events != theirs.events) {
        die("the events differ", ours.events, theirs.events);
    }
    if (!ok && theirs.ok && scanner.error().rfind("unsupported: ", 0) != 0) {
        die("the scanner refuses what libxml2 accepts", scanner.error(), theirs.events);
    }
    return 0;
}
