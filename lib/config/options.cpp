// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/config/options.hpp"

#include "lib/core/error.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace sozbatch::config {

namespace {
std::map<std::string, std::string> g_extra;
char const *const DEFAULT_CONFIG = "/etc/sozbatch/sozbatch.conf";
} // namespace

po::options_description global_description(global_options_t &o)
{
    po::options_description d{"Global options"};
    d.add_options()
        ("db", po::value(&o.db_url), "database connection string: sqlite3://db=FILE or postgresql://KEY=VALUE ... "
                                     "(default: SQLite file in the data directory)")
        ("config", po::value(&o.config_file), "configuration file (default /etc/sozbatch/sozbatch.conf if present)")
        ("tenant", po::value(&o.tenant), "tenant code (default: the only tenant in the database)")
        ("operator", po::value(&o.operator_name), "operator name the job runs as (default: $USER)")
        ("password-file", po::value(&o.password_file), "file whose first line is the operator's password (SQLite; "
                                                       "else $SOZBATCH_PASSWORD, else a prompt on a terminal)")
        ("fixed-now", po::value(&o.fixed_now), "use this UTC time as 'now' (YYYY-MM-DDTHH:MM:SSZ) for reproducible output")
        ("log-level", po::value(&o.log_level)->default_value("warn"), "debug, info, warn, error or quiet")
        ("verbose,v", po::bool_switch(&o.verbose), "log one line per job step (--log-level info)")
        ("quiet,q", po::bool_switch(&o.quiet), "no progress bar; log errors only (--log-level error)")
        ("log-sql", po::bool_switch(&o.log_sql), "log every SQL statement (at debug level)")
        ("out-dir", po::value(&o.out_dir)->default_value("out"), "directory for output files");
    return d;
}

void parse_all(std::vector<std::string> const &args, po::options_description const &visible,
               po::options_description const &hidden, po::positional_options_description const &positional,
               po::variables_map &vm, global_options_t &opts)
{
    po::options_description all;
    all.add(visible).add(hidden);
    try {
        po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
        po::store(po::parse_environment(all,
                                        [&all](std::string const &env) -> std::string {
                                            if (!env.starts_with("SOZBATCH_") || env == "SOZBATCH_DATA_DIR") {
                                                return {};
                                            }
                                            std::string name = env.substr(9);
                                            for (auto &c : name) {
                                                c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                                            }
                                            return all.find_nothrow(name, false) ? name : std::string{};
                                        }),
                  vm);
    } catch (po::error const &e) {
        throw usage_error{e.what()};
    }
    std::string file;
    if (vm.count("config")) {
        file = vm["config"].as<std::string>();
        if (!std::filesystem::exists(file)) {
            throw config_error{"configuration file " + file + " does not exist"};
        }
    } else if (std::filesystem::exists(DEFAULT_CONFIG)) {
        file = DEFAULT_CONFIG;
    }
    if (!file.empty()) {
        std::ifstream in{file};
        if (!in) {
            throw config_error{"cannot read configuration file " + file};
        }
        try {
            auto parsed = po::parse_config_file(in, all, true);
            for (auto const &o : parsed.options) {
                if (o.unregistered && !o.value.empty()) {
                    g_extra[o.string_key] = o.value.front();
                }
            }
            po::store(parsed, vm);
        } catch (po::error const &e) {
            throw config_error{"configuration file " + file + ": " + e.what()};
        }
    }
    try {
        po::notify(vm);
    } catch (po::error const &e) {
        throw usage_error{e.what()};
    }
    opts.config_file = file;
    if (opts.verbose && opts.quiet) {
        throw usage_error{"--verbose and --quiet exclude each other"};
    }
    if (vm["log-level"].defaulted()) { // an explicit --log-level wins over --verbose and --quiet
        opts.log_level = opts.verbose ? "info" : opts.quiet ? "error" : opts.log_level;
    }
    if (opts.operator_name.empty()) {
        char const *u = std::getenv("USER");
        opts.operator_name = (u && *u) ? u : "unknown";
    }
}

std::map<std::string, std::string> const &extra_settings() { return g_extra; }

} // namespace sozbatch::config
