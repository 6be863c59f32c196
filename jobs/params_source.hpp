// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Where jobs take the legal parameters from: the embedded federal set plus a city overlay
/// (`--params-overlay`, default "kiel"), or the files of a directory (`--params-dir`), so that a
/// city drops in its own overlay or a test installation checks a parameter change before release.

#include "lib/params/parameter_set.hpp"

#include <boost/program_options.hpp>

#include <string>

namespace sozbatch::jobs {

void add_params_options(boost::program_options::options_description &d, std::string &overlay, std::string &dir);

params::parameter_set_t load_params(std::string const &overlay, std::string const &dir);

/// \throws config_error (exit 2) when a required parameter is not in force in \p month
void require_params(params::parameter_set_t const &set, month_t month);

} // namespace sozbatch::jobs
