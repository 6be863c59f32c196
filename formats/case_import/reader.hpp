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

/// The namespace of format version 1.
inline constexpr std::string_view CASE_IMPORT_NAMESPACE = "urn:sozbatch:case-import:1";

/// Need kinds known to format version 1 (the XSD enumeration, in the documented order).
std::vector<std::string_view> const &case_import_need_kinds();

/// Income kinds known to format version 1 (the XSD enumeration, in the documented order).
std::vector<std::string_view> const &case_import_income_kinds();

} // namespace sozbatch::formats
