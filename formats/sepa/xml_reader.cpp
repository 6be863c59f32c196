// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/sepa/xml_reader.hpp"

#include "formats/xml/xml_error.hpp"
#include "lib/core/embedded.hpp"

#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include <map>
#include <memory>
#include <mutex>

namespace sozbatch::sepa {

namespace {

struct schema_deleter_t
{
    void operator()(xmlSchema *s) const noexcept { xmlSchemaFree(s); }
};

} // namespace

/// Parsed embedded schemas, kept for the life of the process (they are read-only once parsed).
xmlSchemaPtr embedded_schema(std::string_view path)
{
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<xmlSchema, schema_deleter_t>, std::less<>> cache;
    std::lock_guard const lock{mutex};
    if (auto it = cache.find(path); it != cache.end()) {
        return it->second.get();
    }
    std::string_view const xsd = embedded::get(path);
    xmlSchemaParserCtxtPtr pctx = xmlSchemaNewMemParserCtxt(xsd.data(), static_cast<int>(xsd.size()));
    if (pctx == nullptr) {
        throw internal_error{"cannot create a schema parser for " + std::string{path}};
    }
    xmlSchemaSetParserStructuredErrors(pctx, [](void *, xmlErrorPtr) {}, nullptr);
    xmlSchemaPtr schema = xmlSchemaParse(pctx);
    xmlSchemaFreeParserCtxt(pctx);
    if (schema == nullptr) {
        throw internal_error{"embedded schema " + std::string{path} + " does not compile"};
    }
    cache.emplace(std::string{path}, std::unique_ptr<xmlSchema, schema_deleter_t>{schema});
    return schema;
}

namespace {

xmlTextReaderPtr r(void *p) { return static_cast<xmlTextReaderPtr>(p); }

std::string take(xmlChar *s)
{
    if (s == nullptr) {
        return {};
    }
    std::string out{reinterpret_cast<char const *>(s)};
    xmlFree(s);
    return out;
}

} // namespace

struct xml_reader_access_t
{
    static void on_error(void *ctx, xmlErrorPtr err)
    {
        auto *self = static_cast<xml_validating_reader_t *>(ctx);
        if (err == nullptr || !self->m_error.empty() || err->level == XML_ERR_WARNING) {
            return;
        }
        self->m_error = xml::libxml2_message(err->message);
        self->m_error_line = err->line;
        // Schema errors read "Element '{namespace}Name': ..."; take the element name from there.
        std::string const &m = self->m_error;
        if (auto const at = m.find("Element '"); at != std::string::npos) {
            auto begin = at + 9;
            auto const end = m.find('\'', begin);
            if (end != std::string::npos) {
                if (auto const brace = m.find('}', begin); brace != std::string::npos && brace < end) {
                    begin = brace + 1;
                }
                self->m_last_element = m.substr(begin, end - begin);
            }
        }
    }
};

xml_validating_reader_t::xml_validating_reader_t(std::string path, std::string_view schema) : m_path(std::move(path))
{
    xmlSchemaPtr xsd = schema.empty() ? nullptr : embedded_schema(schema);
    m_reader = xmlReaderForFile(m_path.c_str(), nullptr, XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
    if (m_reader == nullptr) {
        throw input_error{input_location_t{m_path, 0, {}, {}}, "cannot open or read the file"};
    }
    xmlTextReaderSetStructuredErrorHandler(r(m_reader), &xml_reader_access_t::on_error, this);
    if (xsd != nullptr) {
        if (xmlTextReaderSetSchema(r(m_reader), xsd) != 0) {
            xmlFreeTextReader(r(m_reader));
            throw internal_error{"cannot attach schema " + std::string{schema}};
        }
        m_validating = true;
    }
}

xml_validating_reader_t::~xml_validating_reader_t()
{
    if (m_reader != nullptr) {
        xmlFreeTextReader(r(m_reader));
    }
}

void xml_validating_reader_t::throw_pending()
{
    if (!m_error.empty()) {
        throw input_error{input_location_t{m_path, m_error_line, {}, m_last_element}, m_error};
    }
}

bool xml_validating_reader_t::read()
{
    int const rc = xmlTextReaderRead(r(m_reader));
    throw_pending();
    if (rc < 0) {
        fail("the file is not well-formed XML");
    }
    if (rc == 1 && is_start()) {
        m_last_element = local_name();
    }
    return rc == 1;
}

bool xml_validating_reader_t::is_start() const { return xmlTextReaderNodeType(r(m_reader)) == XML_READER_TYPE_ELEMENT; }

bool xml_validating_reader_t::is_end() const
{
    return xmlTextReaderNodeType(r(m_reader)) == XML_READER_TYPE_END_ELEMENT;
}

bool xml_validating_reader_t::is_empty_element() const { return xmlTextReaderIsEmptyElement(r(m_reader)) == 1; }

std::string xml_validating_reader_t::local_name() const
{
    xmlChar const *n = xmlTextReaderConstLocalName(r(m_reader));
    return n == nullptr ? std::string{} : std::string{reinterpret_cast<char const *>(n)};
}

std::string xml_validating_reader_t::namespace_uri() const
{
    xmlChar const *n = xmlTextReaderConstNamespaceUri(r(m_reader));
    return n == nullptr ? std::string{} : std::string{reinterpret_cast<char const *>(n)};
}

int xml_validating_reader_t::depth() const { return xmlTextReaderDepth(r(m_reader)); }

long xml_validating_reader_t::line() const
{
    // The parser reads ahead; the node knows the line of its own start tag.
    if (xmlNodePtr node = xmlTextReaderCurrentNode(r(m_reader)); node != nullptr) {
        long const l = xmlGetLineNo(node);
        if (l > 0) {
            return l;
        }
    }
    return xmlTextReaderGetParserLineNumber(r(m_reader));
}

std::string xml_validating_reader_t::text()
{
    std::string s = take(xmlTextReaderReadString(r(m_reader)));
    throw_pending();
    // Trim XML white space around the value (indented files).
    auto const first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
        return {};
    }
    auto const last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

std::string xml_validating_reader_t::attribute(char const *name)
{
    return take(xmlTextReaderGetAttribute(r(m_reader), reinterpret_cast<xmlChar const *>(name)));
}

void xml_validating_reader_t::finish()
{
    throw_pending();
    if (m_validating && xmlTextReaderIsValid(r(m_reader)) != 1) {
        fail("the document is not valid against its schema");
    }
}

void xml_validating_reader_t::fail(std::string const &reason) const
{
    throw input_error{input_location_t{m_path, line(), {}, m_last_element}, reason};
}

void xml_validating_reader_t::fail_at(std::string const &element, std::string const &reason) const
{
    throw input_error{input_location_t{m_path, line(), {}, element}, reason};
}

} // namespace sozbatch::sepa

namespace sozbatch::sepa {

void expect_iso20022_document(xml_validating_reader_t &reader, std::string const &expected_ns)
{
    std::string const prefix = "urn:iso:std:iso:20022:tech:xsd:";
    std::string const expected = expected_ns.substr(prefix.size());
    while (reader.read()) {
        if (!reader.is_start()) {
            continue;
        }
        std::string const ns = reader.namespace_uri();
        if (reader.local_name() != "Document") {
            reader.fail("root element is <" + reader.local_name() + ">, expected an ISO 20022 <Document> (" +
                        expected + ")");
        }
        if (ns == expected_ns) {
            return;
        }
        if (ns.empty()) {
            reader.fail("<Document> has no namespace, so the message type and version are unknown; expected " +
                        expected);
        }
        std::string const found = ns.starts_with(prefix) ? ns.substr(prefix.size()) : ns;
        reader.fail("this is a " + found + " message; sozbatch reads " + expected + " here");
    }
    reader.fail("the file contains no elements");
}

std::string join_path(std::vector<std::string> const &stack)
{
    std::string s;
    for (auto const &n : stack) {
        if (!s.empty()) {
            s += '/';
        }
        s += n;
    }
    return s;
}

void append_info(std::string &to, std::string const &text)
{
    if (text.empty()) {
        return;
    }
    if (!to.empty()) {
        to += ' ';
    }
    to += text;
}

money_t parse_amount(xml_validating_reader_t &reader, std::string const &value)
{
    try {
        return money_t::parse(value);
    } catch (validation_error const &e) {
        reader.fail("amount '" + value + "': " + e.what());
    }
}

} // namespace sozbatch::sepa
