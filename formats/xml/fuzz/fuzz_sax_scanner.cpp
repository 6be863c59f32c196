// SPDX-License-Identifier: GPL-3.0-or-later
// Differential libFuzzer target (built by scripts/fuzz, not by CMake) for the XML scanner of the
// pain.001 self-check (formats/xml/sax_scanner.hpp). Every input is parsed by the scanner (fed in
// pieces whose sizes come from the input's first byte) and by libxml2's SAX2 parser set up as
// the check set it up until 2026-11-27. Aborts when
//  - the scanner accepts and libxml2 refuses (a fatal or namespace error, or a NUL byte, which the
//    pull parser refuses), or both accept with different events (characters merged per element);
//  - libxml2 accepts and the scanner refuses other than with "unsupported: ...";
//  - the scanner's error callback and parse() disagree, or one name gets two pointers.
#include "formats/xml/sax_scanner.hpp"

#include <libxml/parser.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <string_view>

namespace {

std::string str(xmlChar const *s) { return s == nullptr ? "-" : reinterpret_cast<char const *>(s); }

struct recorder_t
{
    std::string events;
    std::string text;
    bool ok = true;
    bool doctype = false;
    std::string first_error;
    sozbatch::xml::sax_scanner_t *scanner = nullptr;
    std::map<std::string, xmlChar const *> pointers;
    bool pointers_ok = true;
    long max_line = 1; ///< scanner only: 1 + the LF bytes of the document
    bool lines_ok = true;

    /// line() is asked in every callback (as the check does on a finding): within the document
    void line()
    {
        if (scanner != nullptr) {
            long const l = scanner->line();
            lines_ok = lines_ok && l >= 1 && l <= max_line;
        }
    }

    void flush()
    {
        if (!text.empty()) {
            events += "T[" + text + "]\n";
            text.clear();
        }
    }
    void name(xmlChar const *s)
    {
        if (scanner == nullptr || s == nullptr) {
            return;
        }
        auto [it, inserted] = pointers.emplace(str(s), s);
        if (it->second != s || scanner->intern(str(s)) != s) {
            pointers_ok = false;
        }
    }
    static void start(void *ud, xmlChar const *local, xmlChar const *prefix, xmlChar const *uri, int n_ns,
                      xmlChar const **ns, int n_att, int n_def, xmlChar const **att)
    {
        auto &r = *static_cast<recorder_t *>(ud);
        r.flush();
        r.line();
        r.name(local);
        r.name(prefix);
        r.name(uri);
        r.events += "S " + str(uri) + " " + str(prefix) + ":" + str(local) + " ns[";
        for (int i = 0; i < n_ns; ++i) {
            r.name(ns[2 * i]);
            r.name(ns[2 * i + 1]);
            r.events += str(ns[2 * i]) + "=" + str(ns[2 * i + 1]) + ";";
        }
        r.events += "] att[";
        for (int i = 0; i < n_att; ++i) {
            xmlChar const *const *a = att + 5 * i;
            r.name(a[0]);
            r.name(a[1]);
            r.name(a[2]);
            r.events += str(a[2]) + " " + str(a[1]) + ":" + str(a[0]) + "=" +
                        std::string{reinterpret_cast<char const *>(a[3]), static_cast<std::size_t>(a[4] - a[3])} + ";";
        }
        r.events += "] def" + std::to_string(n_def) + "\n";
    }
    static void end(void *ud, xmlChar const *local, xmlChar const *prefix, xmlChar const *uri)
    {
        auto &r = *static_cast<recorder_t *>(ud);
        r.flush();
        r.line();
        r.events += "E " + str(uri) + " " + str(prefix) + ":" + str(local) + "\n";
    }
    static void characters(void *ud, xmlChar const *ch, int len)
    {
        auto &r = *static_cast<recorder_t *>(ud);
        r.line();
        r.text.append(reinterpret_cast<char const *>(ch), static_cast<std::size_t>(len));
    }
    static void subset(void *ud, xmlChar const *, xmlChar const *, xmlChar const *)
    {
        static_cast<recorder_t *>(ud)->doctype = true;
    }
    static void error(void *ud, xmlErrorPtr e)
    {
        auto &r = *static_cast<recorder_t *>(ud);
        if (e == nullptr || e->level == XML_ERR_WARNING) {
            return;
        }
        if (r.ok) {
            r.first_error = e->message != nullptr ? e->message : "?";
        }
        r.ok = false;
    }
};

struct io_t
{
    std::string_view rest;
};

int io_read(void *ctx, char *buf, int len)
{
    auto &io = *static_cast<io_t *>(ctx);
    std::size_t const n = std::min(io.rest.size(), static_cast<std::size_t>(len));
    std::memcpy(buf, io.rest.data(), n);
    io.rest.remove_prefix(n);
    return static_cast<int>(n);
}

class chunk_source_t final : public sozbatch::xml::byte_source_t
{
public:
    chunk_source_t(std::string_view bytes, std::size_t chunk) : m_rest(bytes), m_chunk(chunk) {}
    std::size_t read(char *buf, std::size_t n) override
    {
        n = std::min({n, m_rest.size(), m_chunk});
        std::memcpy(buf, m_rest.data(), n);
        m_rest.remove_prefix(n);
        return n;
    }

private:
    std::string_view m_rest;
    std::size_t m_chunk;
};

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

    recorder_t theirs;
    {
        xmlSAXHandler sax{};
        sax.initialized = XML_SAX2_MAGIC;
        sax.startElementNs = &recorder_t::start;
        sax.endElementNs = &recorder_t::end;
        sax.characters = &recorder_t::characters;
        sax.cdataBlock = &recorder_t::characters;
        sax.internalSubset = &recorder_t::subset;
        sax.serror = &recorder_t::error;
        io_t io{doc};
        xmlParserCtxtPtr ctxt = xmlCreateIOParserCtxt(&sax, &theirs, &io_read, nullptr, &io, XML_CHAR_ENCODING_NONE);
        xmlCtxtUseOptions(ctxt, XML_PARSE_NONET);
        xmlParseDocument(ctxt);
        if (ctxt->wellFormed == 0) {
            theirs.ok = false;
        }
        xmlFreeParserCtxt(ctxt);
        theirs.flush();
        if (theirs.doctype || doc.find('\0') != std::string_view::npos) {
            theirs.ok = false;
        }
    }

    recorder_t ours;
    chunk_source_t source{doc, chunk};
    sozbatch::xml::sax_scanner_t scanner{{&recorder_t::start, &recorder_t::end, &recorder_t::characters,
                                          &recorder_t::subset, &recorder_t::error},
                                         &ours,
                                         source};
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
