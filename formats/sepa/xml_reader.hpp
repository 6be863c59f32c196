// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief A thin RAII wrapper over libxml2's streaming xmlTextReader with optional XSD validation
/// (schemas embedded in the binary), used by the SEPA readers and the pain.001 self-check.
/// Errors become input_error naming the file, the line and the element.

#include "lib/core/error.hpp"
#include "lib/core/money.hpp"

#include <libxml/xmlschemas.h>

#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::sepa {

class xml_validating_reader_t
{
public:
    /// Opens \p path. No network access, no entity expansion. When \p embedded_schema is not empty,
    /// the document is validated against that embedded XSD while it is read.
    /// \throws input_error when the file cannot be opened
    xml_validating_reader_t(std::string path, std::string_view embedded_schema = {});
    ~xml_validating_reader_t();
    xml_validating_reader_t(xml_validating_reader_t const &) = delete;
    xml_validating_reader_t &operator=(xml_validating_reader_t const &) = delete;

    /// Advances to the next node. \returns false at the end of the document.
    /// \throws input_error on a well-formedness or schema error
    bool read();

    bool is_start() const;          ///< an element start tag (or an empty element)
    bool is_end() const;            ///< an element end tag
    bool is_empty_element() const;  ///< `<x/>`: no end tag will follow
    std::string local_name() const; ///< local name of the current element
    std::string namespace_uri() const;
    int depth() const;
    long line() const;
    /// The text content of the current element (does not move the reader).
    std::string text();
    /// The value of attribute \p name of the current element, empty when absent.
    std::string attribute(char const *name);

    /// After the last read(): \throws input_error when the document was not schema-valid.
    void finish();

    /// \throws input_error at the current line and element.
    [[noreturn]] void fail(std::string const &reason) const;
    /// \throws input_error at the current line, naming \p element.
    [[noreturn]] void fail_at(std::string const &element, std::string const &reason) const;

    std::string const &path() const noexcept { return m_path; }

private:
    void throw_pending();

    std::string m_path;
    void *m_reader = nullptr; // xmlTextReaderPtr
    bool m_validating = false;
    std::string m_error;      // first error reported by libxml2
    long m_error_line = 0;
    std::string m_last_element;

    friend struct xml_reader_access_t;
};

} // namespace sozbatch::sepa

namespace sozbatch::sepa {

/// Reads up to the root element and checks that it is `Document` in namespace \p expected_ns
/// (e.g. "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10").
/// \throws input_error naming the message type and version found instead
void expect_iso20022_document(xml_validating_reader_t &reader, std::string const &expected_ns);

/// The parsed schema for an embedded XSD (parsed once, cached for the process).
/// \throws internal_error when it is missing or does not compile
xmlSchemaPtr embedded_schema(std::string_view path);

/// Joins a stack of element names with '/'.
std::string join_path(std::vector<std::string> const &stack);

/// Appends \p text to \p to, a blank between (AddtlInf and the like, repeated in a report).
void append_info(std::string &to, std::string const &text);

/// The amount \p value of the current element. \throws input_error (reader.fail) when it is not
/// an amount in euros and cents
money_t parse_amount(xml_validating_reader_t &reader, std::string const &value);

} // namespace sozbatch::sepa
