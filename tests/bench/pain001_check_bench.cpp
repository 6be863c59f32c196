// SPDX-License-Identifier: GPL-3.0-or-later
// Benchmark for the pain.001 self-check alone (see docs/benchmarks.md, "pain.001 writer"): what
// the writer's check thread costs, and what it would cost with other schemas.
//
//   pain001_check_bench FILE            the writer's own check: verify_pain001_file (embedded
//                                       schema compiled by formats/xml, recount of NbOfTxs/CtrlSum)
//   pain001_check_bench FILE XSD        one SAX pass with libxml2's validator for XSD plugged in
//                                       (as the check did until 2026-11-27; no recount), e.g. the
//                                       same schema or a variant of it, for comparison
//   pain001_check_bench FILE -          the same SAX pass without any schema (parsing only)
//
// The first form reads FILE as verify_pain001_file does; the others read it into memory first and
// feed it in 256 KiB chunks (as the check thread does), so only parsing and validation are timed.
// Each pass runs three times; the smallest CPU time of this thread (getrusage RUSAGE_THREAD) and
// the smallest wall time are printed. Timing code may use floating point; amounts do not.
#include "formats/sepa/pain001_writer.hpp"
#include "lib/core/error.hpp"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

using namespace sozbatch;

namespace {

double thread_cpu_seconds()
{
    rusage ru{};
    ::getrusage(RUSAGE_THREAD, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int errors = 0;

void count_error(void *, xmlErrorPtr e)
{
    if (e != nullptr && e->level != XML_ERR_WARNING && errors++ == 0) {
        std::fprintf(stderr, "first error: line %d: %s", e->line, e->message != nullptr ? e->message : "?\n");
    }
}

/// One SAX pass over \p data with \p schema plugged in (nullptr: parsing only).
void sax_pass(std::string const &data, xmlSchemaPtr schema)
{
    xmlSAXHandler sax{};
    sax.initialized = XML_SAX2_MAGIC;
    sax.serror = &count_error;
    xmlSAXHandlerPtr sax_ptr = &sax;
    void *user_data = nullptr;
    xmlSchemaValidCtxtPtr vctxt = nullptr;
    xmlSchemaSAXPlugPtr plug = nullptr;
    if (schema != nullptr) {
        vctxt = xmlSchemaNewValidCtxt(schema);
        xmlSchemaSetValidStructuredErrors(vctxt, &count_error, nullptr);
        plug = xmlSchemaSAXPlug(vctxt, &sax_ptr, &user_data);
    }
    xmlParserCtxtPtr ctxt = xmlCreatePushParserCtxt(sax_ptr, user_data, nullptr, 0, "bench.xml");
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET);
    std::size_t const chunk = std::size_t{1} << 18;
    for (std::size_t off = 0; off < data.size(); off += chunk) {
        xmlParseChunk(ctxt, data.data() + off, static_cast<int>(std::min(chunk, data.size() - off)), 0);
    }
    xmlParseChunk(ctxt, nullptr, 0, 1);
    ctxt->sax = nullptr; // on the stack or owned by the plug
    xmlFreeParserCtxt(ctxt);
    if (plug != nullptr) {
        xmlSchemaSAXUnplug(plug);
        xmlSchemaFreeValidCtxt(vctxt);
    }
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: %s FILE [XSD|-]\n", argv[0]);
        return 2;
    }
    std::string const file = argv[1];
    std::string const mode = argc == 3 ? argv[2] : "";
    try {
        xmlInitParser();
        std::ifstream in{file, std::ios::binary};
        if (!in) {
            std::fprintf(stderr, "cannot read %s\n", file.c_str());
            return 2;
        }
        std::ostringstream buffer;
        buffer << in.rdbuf();
        std::string const data = buffer.str();

        xmlSchemaPtr schema = nullptr;
        if (!mode.empty() && mode != "-") {
            xmlSchemaParserCtxtPtr pctx = xmlSchemaNewParserCtxt(mode.c_str());
            schema = xmlSchemaParse(pctx);
            xmlSchemaFreeParserCtxt(pctx);
            if (schema == nullptr) {
                std::fprintf(stderr, "schema %s does not compile\n", mode.c_str());
                return 2;
            }
        } else if (mode.empty()) {
            sepa::verify_pain001_file(file); // warm-up: compiles the embedded schema once
        }

        double best_cpu = 1e9;
        double best_wall = 1e9;
        for (int run = 0; run < 3; ++run) {
            auto const start = std::chrono::steady_clock::now();
            double const cpu0 = thread_cpu_seconds();
            if (mode.empty()) {
                sepa::verify_pain001_file(file);
            } else {
                sax_pass(data, schema);
            }
            best_cpu = std::min(best_cpu, thread_cpu_seconds() - cpu0);
            best_wall = std::min(best_wall, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        }
        if (schema != nullptr) {
            xmlSchemaFree(schema);
        }
        std::printf("check=%s bytes=%zu errors=%d cpu_seconds=%.3f wall_seconds=%.3f\n",
                    mode.empty() ? "verify_pain001_file" : mode.c_str(), data.size(), errors, best_cpu, best_wall);
        return errors == 0 ? 0 : 1;
    } catch (std::exception const &e) {
        std::fprintf(stderr, "pain001_check_bench: %s\n", e.what());
        return 1;
    }
}
