// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/core/embedded.hpp"

#include "lib/core/error.hpp"

#include <algorithm>

namespace sozbatch::embedded {

std::string_view get(std::string_view path)
{
    for (auto const &f : all_files()) {
        if (f.path == path) {
            return f.contents;
        }
    }
    throw internal_error{"embedded file missing from the build: " + std::string{path}};
}

std::vector<file_t> with_prefix(std::string_view prefix)
{
    std::vector<file_t> out;
    for (auto const &f : all_files()) {
        if (f.path.starts_with(prefix)) {
            out.push_back(f);
        }
    }
    std::sort(out.begin(), out.end(), [](auto const &a, auto const &b) { return a.path < b.path; });
    return out;
}

} // namespace sozbatch::embedded
