// SPDX-License-Identifier: GPL-3.0-or-later
// Differential libFuzzer target (built by scripts/fuzz, not by CMake): every input is validated
// against the sozbatch pain.001 schema twice, by the compiled validator of the self-check
// (formats/xml/compiled_schema.hpp) and by libxml2's own XML Schema validator; a difference in
// the verdict is a bug and aborts. Excluded, because the compiled validator refuses them on
// purpose: documents with a DOCTYPE and documents using the xsi: namespace. Also excluded: NUL
// bytes, where the two parsers differ, not the validators (libxml2's memory parser stops reading
// at a NUL and accepts a document followed by one; the check refuses any NUL byte, which is right:
// NUL is no XML character). The check's parser is the scanner of formats/xml/sax_scanner.hpp; where
// it refuses a document as "unsupported: ..." (outside its subset of XML) and libxml2 accepts it,
// that is no difference (the scanner's own fuzz target holds it to libxml2's parser).
#include "formats/xml/compiled_schema.hpp"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace {

std::string const XSD = SOZBATCH_SOURCE_DIR "/schemas/pain.001.001.09-sozbatch.xsd";

std::string read_all(std::string const &path)
{
    std::ifstream in{path, std::ios::binary};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void quiet(void *, xmlErrorPtr) {}

struct schemas_t
{
    sozbatch::xml::compiled_schema_t ours{read_all(XSD), XSD};
    xmlSchemaPtr theirs = nullptr;

    schemas_t()
    {
        xmlInitParser();
        xmlSetStructuredErrorFunc(nullptr, &quiet);
        xmlSchemaParserCtxtPtr p = xmlSchemaNewParserCtxt(XSD.c_str());
        theirs = xmlSchemaParse(p);
        xmlSchemaFreeParserCtxt(p);
        if (theirs == nullptr) {
            std::fprintf(stderr, "cannot parse %s\n", XSD.c_str());
            std::abort();
        }
    }
};

bool libxml2_accepts(xmlSchemaPtr schema, std::string_view xml)
{
    xmlDocPtr d = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "fuzz.xml", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (d == nullptr) {
        return false;
    }
    xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(schema);
    xmlSchemaSetValidStructuredErrors(v, &quiet, nullptr);
    int const rc = xmlSchemaValidateDoc(v, d);
    xmlSchemaFreeValidCtxt(v);
    xmlFreeDoc(d);
    return rc == 0;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const *data, std::size_t size)
{
    static schemas_t const schemas;
    std::string_view const xml{reinterpret_cast<char const *>(data), size};
    if (xml.find("<!DOCTYPE") != std::string_view::npos || xml.find("XMLSchema-instance") != std::string_view::npos ||
        xml.find('\0') != std::string_view::npos || size > 200000) {
        return 0;
    }
    sozbatch::xml::validation_finding_t const finding = sozbatch::xml::validate_document(schemas.ours, xml);
    bool const ours = finding.message.empty();
    bool const theirs = libxml2_accepts(schemas.theirs, xml);
    // the check's scanner refuses some well-formed XML on purpose (formats/xml/sax_scanner.hpp:
    // a DOCTYPE, other encodings, limits); a refusal must never be an acceptance
    bool const unsupported = finding.message.rfind("unsupported: ", 0) == 0;
    if (ours != theirs && !(unsupported && theirs)) {
        std::fprintf(stderr, "verdicts differ: compiled validator %s, libxml2 %s: %s\n", ours ? "accepts" : "refuses",
                     theirs ? "accepts" : "refuses",
                     sozbatch::xml::validate_document(schemas.ours, xml).message.c_str());
        std::abort();
    }
    return 0;
}
