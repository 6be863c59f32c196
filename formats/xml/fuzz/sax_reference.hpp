// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief What the scanner's unit tests (tests/unit/xml_sax_scanner_test.cpp) and its fuzz target
/// (formats/xml/fuzz/fuzz_sax_scanner.cpp) share: the event stream of a SAX2 pass as text, a
/// document handed out in pieces, and libxml2's parser as the reference — set up as the check used
/// it until 2026-11-27 (xmlCreateIOParserCtxt, XML_PARSE_NONET). libxml2 "accepts" a document when
/// it reports neither a fatal error nor a namespace error (both are findings of the check), finds
/// no DOCTYPE, and the document has no NUL byte. Header only: the fuzz target is built by
/// scripts/fuzz, not by CMake.

#include "formats/xml/sax_scanner.hpp"

#include <libxml/parser.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <map>
#include <string>
#include <string_view>

namespace sozbatch::xml::reference {

inline std::string str(xmlChar const *s) { return s == nullptr ? "-" : reinterpret_cast<char const *>(s); }

/// A document handed out \p chunk bytes at a time.
using chunk_source_t = memory_source_t;

/// The event stream as text: consecutive character pieces merged, empty ones dropped. With a
/// scanner set, it also checks that every name has one pointer (the scanner's intern() gives it)
/// and that line() asked in every callback lies within the document (1 .. max_line).
struct recorder_t
{
    std::string events;
    std::string text;
    bool ok = true; ///< no error reported (libxml2: none above a warning)
    bool doctype = false;
    std::string first_error;
    long first_error_line = 0;
    sax_scanner_t *scanner = nullptr;
    std::map<std::string, xmlChar const *> pointers;
    bool pointers_ok = true;
    long max_line = 1; ///< scanner only: 1 + the LF bytes of the document
    bool lines_ok = true;

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
            r.first_error_line = e->line;
        }
        r.ok = false;
    }

    static sax_callbacks_t callbacks() { return {&start, &end, &characters, &subset, &error}; }
};

/// libxml2's verdict and events for \p doc (see the file comment); ok == false when it refuses.
inline recorder_t run_libxml2(std::string_view doc)
{
    struct io_t
    {
        std::string_view rest;
        static int read(void *ctx, char *buf, int len)
        {
            auto &io = *static_cast<io_t *>(ctx);
            std::size_t const n = std::min(io.rest.size(), static_cast<std::size_t>(len));
            std::memcpy(buf, io.rest.data(), n);
            io.rest.remove_prefix(n);
            return static_cast<int>(n);
        }
    };
    recorder_t r;
    xmlSAXHandler sax{};
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = &recorder_t::start;
    sax.endElementNs = &recorder_t::end;
    sax.characters = &recorder_t::characters;
    sax.cdataBlock = &recorder_t::characters;
    sax.internalSubset = &recorder_t::subset;
    sax.serror = &recorder_t::error;
    io_t io{doc};
    xmlParserCtxtPtr ctxt = xmlCreateIOParserCtxt(&sax, &r, &io_t::read, nullptr, &io, XML_CHAR_ENCODING_NONE);
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET);
    xmlParseDocument(ctxt);
    bool const well_formed = ctxt->wellFormed != 0;
    xmlFreeParserCtxt(ctxt);
    r.flush();
    r.ok = r.ok && well_formed && !r.doctype && doc.find('\0') == std::string_view::npos;
    return r;
}

} // namespace sozbatch::xml::reference
