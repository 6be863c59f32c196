// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Reader of the case-import XML (`urn:sozbatch:case-import:1`, schemas/case-import.xsd,
/// docs/formats/case-import.md): approved case data from the case-management system.
///
/// A file is all-or-nothing: the reader first validates it against the embedded XSD with
/// libxml2, then maps it to the domain model and checks the rules an XSD cannot express (check
/// digits, overlapping approvals, periods, references into the case). It collects every finding
/// of the file and throws one case_import_error naming the first; nothing is returned unless the
/// whole file is clean. Network access, DTDs and entity expansion are disabled (no XXE).

#include "lib/core/error.hpp"
#include "lib/domain/case_model.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::formats {

/// A rejected case-import file. what()/where() describe the first finding (file, line, record,
/// field); messages() lists every finding of the file, each formatted like
/// `demo.xml:42: case 50.1-0007 income[2]: field 'gross': reason`.
class case_import_error : public input_error
{
public:
    case_import_error(input_location_t first, std::string const &reason, std::vector<std::string> messages);

    /// All findings of the file in document order (schema findings first), at least one.
    std::vector<std::string> const &messages() const noexcept { return m_messages; }

private:
    std::vector<std::string> m_messages;
};

/// Reads and checks a case-import file.
/// \param path file to read; it names the file in every error location
/// \throws case_import_error when the file is unreadable, not well-formed, violates the XSD or a
///         semantic rule
domain::case_bundle_t read_case_import(std::string const &path);

/// The bytes of a case-import file, unchecked: to hash exactly the bytes that
/// read_case_import_string() then reads (the import job records the file's SHA-256).
/// \throws case_import_error when the file cannot be opened or read
std::string read_case_import_bytes(std::string const &path);

/// Reads and checks case-import XML held in memory.
/// \param xml the document (UTF-8 or with an XML encoding declaration)
/// \param name the name used as "file" in error locations
/// \throws case_import_error as read_case_import()
domain::case_bundle_t read_case_import_string(std::string_view xml, std::string const &name);

/// Receives what a case-import file holds while read_case_import_stream() reads it.
class case_import_sink_t
{
public:
    virtual ~case_import_sink_t() = default;
    /// The file's head: tenant, source, created and the declared work groups, no records.
    /// \returns false to stop reading here (the import knows the file already); the rest of the
    /// file is then neither read nor checked
    virtual bool head(domain::case_bundle_t const &head) = 0;
    virtual void persons(std::vector<domain::person_t> &&slice) = 0;
    virtual void payees(std::vector<domain::payee_t> &&slice) = 0;
    virtual void cases(std::vector<domain::case_t> &&slice) = 0;
};

/// Reads and checks case-import XML record by record, without the whole document in memory
/// (libxml2's xmlTextReader, the XSD checked while reading; memory: one record and the file's
/// ids, whatever the file's size): hands the head, then the persons, payees and cases to \p sink
/// in document order, at most \p slice records at a time, mapped and checked as
/// read_case_import_string() maps and checks them. When the file has any finding, what the sink
/// received so far is to be discarded (the import rolls it back): the file is then read once
/// more as a whole and the findings are thrown as read_case_import_string() throws them, with
/// the same messages.
/// \throws case_import_error as read_case_import_string()
void read_case_import_stream(std::string_view xml, std::string const &name, case_import_sink_t &sink,
                             std::size_t slice = 1000);

/// As read_case_import_stream(), reading the file at \p path piece by piece, never whole: memory
/// holds a slice of records and the file's ids, whatever the file's size.
/// \returns the SHA-256 (lower-case hex) of the file's bytes, all of them also when the sink
///          stopped the reading
/// \throws case_import_error as read_case_import()
std::string read_case_import_file_stream(std::string const &path, case_import_sink_t &sink, std::size_t slice = 1000);

/// The namespace of format version 1.
inline constexpr std::string_view CASE_IMPORT_NAMESPACE = "urn:sozbatch:case-import:1";

/// Need kinds known to format version 1 (the XSD enumeration, in the documented order).
std::vector<std::string_view> const &case_import_need_kinds();

/// Income kinds known to format version 1 (the XSD enumeration, in the documented order).
std::vector<std::string_view> const &case_import_income_kinds();

} // namespace sozbatch::formats
