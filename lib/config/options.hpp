// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Global options and their sources. Precedence: command-line flags > SOZBATCH_* environment
/// variables > configuration file > built-in defaults (documented in docs/operations.md).

#include <boost/program_options.hpp>

#include <map>
#include <string>
#include <vector>

namespace sozbatch::config {

namespace po = boost::program_options;

/// Settings every command understands. Each member documents its default.
struct global_options_t
{
    std::string db_url;          ///< --db; default: db::default_url() (SQLite in the data directory)
    std::string config_file;     ///< --config; default /etc/sozbatch/sozbatch.conf when it exists
    std::string tenant;          ///< --tenant; default: the only tenant in the database
    std::string operator_name;   ///< --operator; default: $USER (the security issue authenticates it)
    std::string password_file;   ///< --password-file; SQLite password source (else SOZBATCH_PASSWORD, else a prompt)
    std::string fixed_now;       ///< --fixed-now; default: the system clock
    std::string log_level = "warn"; ///< --log-level: debug, info, warn, error, quiet
    bool verbose = false;        ///< --verbose: log level info (unless --log-level is given)
    bool quiet = false;          ///< --quiet: no progress bar, log level error (unless --log-level is given)
    bool log_sql = false;        ///< --log-sql: log every SQL statement at debug level
    std::string out_dir = "out"; ///< --out-dir: where output files are written
};

/// The options of \p global_options_t as a program_options description (bound to \p opts).
po::options_description global_description(global_options_t &opts);

/// Parses the sources in precedence order into \p vm and notifies.
/// \param args the command's arguments (after the command words)
/// \throws usage_error for bad flags, config_error for a malformed or unreadable config file
void parse_all(std::vector<std::string> const &args, po::options_description const &visible,
               po::options_description const &hidden, po::positional_options_description const &positional,
               po::variables_map &vm, global_options_t &opts);

/// Settings from the config file that no option declared (e.g. "sepa.debtor-iban"), for jobs.
std::map<std::string, std::string> const &extra_settings();

} // namespace sozbatch::config
