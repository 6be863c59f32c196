// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief A strict, streaming XML 1.0 + Namespaces scanner with libxml2's SAX2 callback interface.
///
/// Written to replace libxml2's parser in the self-check of the pain.001 files
/// (formats/sepa/pain001_writer.cpp), where parsing cost about 47 instructions per byte. It reads
/// UTF-8 only and never parses a DTD. For every document it accepts it produces exactly the event
/// stream of libxml2's SAX2 parser (xmlCreateIOParserCtxt, XML_PARSE_NONET); it refuses every
/// document libxml2 refuses (a fatal error or a namespace error), and it refuses some documents
/// libxml2 accepts, always with an error() that starts with "unsupported: ":
///
/// - a DOCTYPE (the doctype callback is called first, with what could be read of it);
/// - an encoding other than UTF-8 (declared, by byte order mark, or UTF-16/UCS-4/EBCDIC by the
///   first bytes), an XML version other than 1.0, a missing blank before `standalone`, an XML
///   declaration longer than 4096 bytes;
/// - more than 256 nested elements; names longer than 10,000 bytes; attribute values, comments,
///   processing instructions and CDATA sections longer than 1,000,000 bytes; start tags longer
///   than 4,000,000 bytes; more than 1,000,000 bytes of character data between two tags
///   (xmlReadMemory's tree builder refuses text nodes over 10,000,000 bytes); hexadecimal character references with more than 8 digits and decimal
///   ones with more than 16 (libxml2 miscounts long hexadecimal ones);
/// - a second `xmlns:xml` declaration on one element (libxml2 accepts it).
///
/// As libxml2 does without XML_PARSE_NOENT, an ampersand in an attribute value (from `&amp;` or a
/// character reference) is passed as the five characters `&#38;`.

#include <libxml/parser.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sozbatch::xml {

/// The SAX2 callbacks of a validating pass over a document.
struct sax_callbacks_t
{
    startElementNsSAX2Func start = nullptr;
    endElementNsSAX2Func end = nullptr;
    charactersSAXFunc characters = nullptr; ///< also for CDATA sections
    internalSubsetSAXFunc doctype = nullptr;
    xmlStructuredErrorFunc error = nullptr;
};

/// The bytes of a document for sax_scanner_t, read on demand.
class byte_source_t
{
public:
    virtual ~byte_source_t() = default;
    /// Puts up to \p n bytes into \p buf; may block until they exist (a file still being written).
    /// \returns how many, 0 at the end of the document. \throws on a read error (or to abandon the parse)
    virtual std::size_t read(char *buf, std::size_t n) = 0;
};

/// A document in memory, handed out at most \p chunk bytes per read (the tests use small pieces to
/// split every token somewhere).
class memory_source_t final : public byte_source_t
{
public:
    explicit memory_source_t(std::string_view bytes, std::size_t chunk = SIZE_MAX) : m_rest(bytes), m_chunk(chunk) {}
    std::size_t read(char *buf, std::size_t n) override;

private:
    std::string_view m_rest;
    std::size_t m_chunk;
};

class sax_scanner_t
{
public:
    /// The callbacks may be null; \p user_data is passed to each.
    sax_scanner_t(sax_callbacks_t const &callbacks, void *user_data, byte_source_t &source);
    ~sax_scanner_t();
    sax_scanner_t(sax_scanner_t const &) = delete;
    sax_scanner_t &operator=(sax_scanner_t const &) = delete;

    /// Parses the whole document (once).
    /// \returns true when it is well-formed and inside the supported subset (also when a callback
    /// called stop() before any finding)
    /// \throws what the source threw
    bool parse();

    /// Callable from inside a callback: no further callbacks, parse() returns soon after.
    void stop() noexcept;

    /// 1-based line of the current position (in a callback: the end of the construct reported);
    /// lines are counted by LF bytes, as libxml2 does.
    long line() const noexcept;

    /// Bytes of the document before the current position: in a callback, up to the end of the
    /// construct reported (after the `>` of an end tag).
    std::uint64_t offset() const noexcept;

    /// Between two constructs (in a callback): what the rest of the document is read against, as
    /// text: the open elements (names and namespace URIs), the namespace declarations in scope and
    /// the default namespace. Two scanners with the same context read the same remaining bytes
    /// into the same events (the self-check of a pain.001 in two parts compares them).
    std::string context() const;

    /// The pointer the callbacks pass for \p name (a local name, prefix or namespace URI).
    xmlChar const *intern(std::string_view name);

    /// The first finding, "" if none.
    std::string const &error() const noexcept;
    long error_line() const noexcept;

    struct impl_t;

private:
    std::unique_ptr<impl_t> m_impl;
};

} // namespace sozbatch::xml
