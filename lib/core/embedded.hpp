// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Files compiled into the binary (migrations, XSDs, parameter data, layouts, templates).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::embedded {

struct file_t
{
    std::string_view path;     ///< relative to the source tree, e.g. "schemas/case-import.xsd"
    std::string_view contents;
};

/// All embedded files, sorted by path as CMake globbed them.
std::vector<file_t> const &all_files();

/// The contents of one embedded file. \throws internal_error when it is missing.
std::string_view get(std::string_view path);

/// Files whose path starts with \p prefix, in path order.
std::vector<file_t> with_prefix(std::string_view prefix);

} // namespace sozbatch::embedded
