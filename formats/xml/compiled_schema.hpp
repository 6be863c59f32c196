// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief A streaming validator for a small subset of XML Schema 1.0, compiled from the XSD text.
///
/// Written for the self-check of the pain.001 files sozbatch writes (formats/sepa/pain001_writer.cpp),
/// where libxml2's schema validation took three quarters of the time (docs/benchmarks.md). The
/// schema is still the XSD file `schemas/pain.001.001.09-sozbatch.xsd`: it is read at start, every
/// construct it uses is compiled into tables, and any construct outside the subset below is refused
/// with an error instead of being ignored. Values are checked against all facets; content models
/// element by element; the events come with the arguments of libxml2's SAX2 callbacks, from the
/// check's own scanner (formats/xml/sax_scanner.hpp).
///
/// The subset: one target namespace with elementFormDefault="qualified"; global `xs:element`,
/// named and anonymous `xs:simpleType` and `xs:complexType`; a complex type is an `xs:sequence` or
/// an `xs:choice` of `xs:element` particles (minOccurs 0/1/n, maxOccurs n/unbounded; the group
/// itself exactly once), or `xs:simpleContent` with an `xs:extension` adding unqualified
/// `xs:attribute`s; a simple type restricts `xs:string`, `xs:decimal`, `xs:date`, `xs:dateTime`,
/// `xs:boolean` or another simple type of the schema with the facets `length`, `minLength`,
/// `maxLength`, `pattern`, `enumeration`, `minInclusive`, `maxInclusive`, `totalDigits`,
/// `fractionDigits`; `xs:annotation` is ignored. Stricter than XML Schema where the files never
/// need it: no `xsi:` attributes, no DOCTYPE.
///
/// The unit tests (`CompiledSchema.*`) compare it with libxml2's validator on the files the writer
/// produces and on several thousand altered copies of them: both must accept and refuse the same.

#include "formats/xml/xsd_regex.hpp"

#include <libxml/parser.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::xml {

class compiled_schema_t
{
public:
    /// Compiles the XSD text \p xsd; \p name (a path) is used in messages.
    /// \throws internal_error naming the construct when the schema is malformed or outside the subset
    compiled_schema_t(std::string_view xsd, std::string name);
    ~compiled_schema_t();
    compiled_schema_t(compiled_schema_t const &) = delete;
    compiled_schema_t &operator=(compiled_schema_t const &) = delete;

    struct simple_type_t;
    struct complex_type_t;
    struct particle_t;
    struct impl_t;

    std::string const &name() const noexcept { return m_name; }
    std::string const &target_namespace() const noexcept { return m_target_ns; }

private:
    friend class schema_validator_t;

    std::string m_name;
    std::string m_target_ns;
    std::unique_ptr<impl_t> m_impl;
};

/// Validates one document given as SAX events. After the first finding every call returns false
/// and error() / element() describe it ("Element 'Nm': [facet 'pattern'] ...", in the wording of
/// libxml2's messages).
class schema_validator_t
{
public:
    explicit schema_validator_t(compiled_schema_t const &schema);
    ~schema_validator_t();
    schema_validator_t(schema_validator_t const &) = delete;
    schema_validator_t &operator=(schema_validator_t const &) = delete;

    /// An element starts: the arguments of libxml2's SAX2 startElementNs callback. The names are
    /// interned by the parser (one pointer per name), so once a name is known, the validator
    /// compares pointers.
    bool start_element(xmlChar const *local_name, xmlChar const *uri, int n_attributes, xmlChar const **attributes)
    {
        // the common case inline: no attributes, the namespace already recognised by its pointer
        if (n_attributes == 0 && uri != nullptr && uri == m_target_ns_seen) {
            return start(m_schema.target_namespace(), local_name, nullptr, 0);
        }
        return start_element_in_general(local_name, uri, n_attributes, attributes);
    }
    bool characters(std::string_view text);
    bool end_element();
    /// After end_element() of an element of simple type: its text, until the next start_element()
    /// or end_element().
    std::string_view last_text() const noexcept { return m_text; }
    /// A construct the subset refuses outright (a DOCTYPE). \returns false
    bool refuse(std::string reason);
    /// After the last event: the root element must have been seen and closed.
    bool end_document();

    /// Between two events: the state the rest of the document is validated against, as text (the
    /// open elements' types and where each stands in its content model). A count of occurrences
    /// that can make no more difference, at least the minimum of an unbounded particle, shows as
    /// "+". Two validators of one schema with the same continuation accept and refuse the same
    /// remaining events (the self-check of a pain.001 in two parts compares them).
    std::string continuation() const;

    bool ok() const noexcept { return m_error.empty(); }
    std::string const &error() const noexcept { return m_error; }
    std::string const &element() const noexcept { return m_element; }

private:
    struct frame_t;
    struct attribute_t
    {
        std::string_view local_name;
        std::string_view ns; ///< empty when unqualified
        std::string_view value;
    };
    /// \p interned: the element's local name as the parser interned it (NUL-terminated; its length is
    /// only taken where the name is compared as text or shown)
    bool start(std::string_view ns, xmlChar const *interned, attribute_t const *attributes, std::size_t n_attributes);
    bool start_element_in_general(xmlChar const *local_name, xmlChar const *uri, int n_attributes,
                                  xmlChar const **attributes);
    bool name_is(compiled_schema_t::particle_t const &p, xmlChar const *interned);
    bool fail(std::string_view element, std::string message);
    bool check_value(std::string_view element, compiled_schema_t::simple_type_t const &type, std::string_view value,
                     std::string_view attribute = {});

    compiled_schema_t const &m_schema;
    std::vector<frame_t> m_stack;
    std::vector<xmlChar const *> m_interned; ///< per particle id: the parser's pointer for its name
    std::string m_text;
    bool m_root_done = false;
    xmlChar const *m_target_ns_seen = nullptr; ///< the parser's pointer for the target namespace
    std::string m_error;
    std::string m_element;
};

/// A finding of validate_document(): empty message when the document is valid.
struct validation_finding_t
{
    std::string message;
    long line = 0;
    std::string element;
};

/// Parses \p xml with the check's scanner (formats/xml/sax_scanner.hpp) and validates it against \p schema.
validation_finding_t validate_document(compiled_schema_t const &schema, std::string_view xml);

} // namespace sozbatch::xml
