// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/params_source.hpp"

#include "lib/calc/month_params.hpp"
#include "lib/core/error.hpp"

namespace sozbatch::jobs {

void add_params_options(boost::program_options::options_description &d, std::string &overlay, std::string &dir)
{
    namespace po = boost::program_options;
    d.add_options()("params-overlay", po::value(&overlay)->default_value("kiel"),
                    "city parameter overlay (rent limits), file <name>.xml")(
        "params-dir", po::value(&dir), "read federal.xml and the overlay from this directory instead of the built-in set");
}

params::parameter_set_t load_params(std::string const &overlay, std::string const &dir)
{
    params::source_t src;
    src.overlay = overlay.empty() ? "kiel" : overlay;
    if (!dir.empty()) {
        src.directory = dir;
    }
    return params::parameter_set_t::load(src);
}

void require_params(params::parameter_set_t const &set, month_t month)
{
    auto const missing = calc::missing_required(set, month);
    if (!missing.empty()) {
        std::string list;
        for (auto const &k : missing) {
            list += (list.empty() ? "" : ", ") + k;
        }
        throw config_error{"no parameter in force for " + month.to_string() + ": " + list +
                           " (nothing was calculated)"};
    }
}

} // namespace sozbatch::jobs
