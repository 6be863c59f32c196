// SPDX-License-Identifier: GPL-3.0-or-later
/// \file
/// \brief The sozbatch executable: parse, dispatch, map errors to exit codes. Nothing else.
#include "jobs/job.hpp"
#include "jobs/security_session.hpp"
#include "lib/core/log.hpp"
#include "lib/core/progress.hpp"

#include <algorithm>
#include <iostream>
#include <sstream>

using namespace sozbatch;
namespace po = boost::program_options;

namespace {

void print_usage(std::ostream &o, config::global_options_t &g)
{
    o << "Usage: sozbatch <command> [options]\n\nCommands:\n";
    for (auto const &j : jobs::job_table()) {
        std::string head = j.name + (j.synopsis.empty() ? "" : " " + j.synopsis);
        head.resize(std::max<std::size_t>(head.size() + 2, 34), ' ');
        o << "  " << head << j.description << "\n";
    }
    o << "\n" << config::global_description(g)
      << "\nRun 'sozbatch <command> --help' for a command's options.\n"
         "Exit codes: 0 ok, 1 finished but some cases failed (listed), 2 could not run.\n";
}

/// The hidden interface for tools (bash completion, the man page test; docs/packaging.md): one
/// long option a line, `--name<TAB>value|switch`, with `<TAB>positional` when it also takes the
/// bare arguments of the command.
void list_options(std::ostream &o, po::options_description const &d,
                  po::positional_options_description const &positional)
{
    std::vector<std::string> bare;
    for (unsigned i = 0; i < 16 && i < positional.max_total_count(); ++i) {
        bare.push_back(positional.name_for_position(i));
    }
    for (auto const &opt : d.options()) {
        std::string const &name = opt->long_name();
        if (name.empty()) {
            continue;
        }
        o << "--" << name << '\t' << (opt->semantic()->max_tokens() == 0 ? "switch" : "value");
        if (std::find(bare.begin(), bare.end(), name) != bare.end()) {
            o << "\tpositional";
        }
        o << '\n';
    }
}

/// The longest registered command made of the leading words of argv.
jobs::job_info_t const *find_job(std::vector<std::string> const &args, std::size_t &words)
{
    jobs::job_info_t const *best = nullptr;
    for (auto const &j : jobs::job_table()) {
        std::istringstream in{j.name};
        std::size_t n = 0;
        std::string w;
        bool match = true;
        while (in >> w) {
            if (n >= args.size() || args[n] != w) {
                match = false;
                break;
            }
            ++n;
        }
        if (match && (!best || n > words)) {
            best = &j;
            words = n;
        }
    }
    return best;
}

int run(std::vector<std::string> const &args)
{
    config::global_options_t opts;
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        print_usage(std::cout, opts);
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
        std::cout << "sozbatch " SOZBATCH_VERSION "\n";
        return 0;
    }
    if (args[0] == "--list-commands") {
        for (auto const &j : jobs::job_table()) {
            std::cout << j.name << "\n";
        }
        return 0;
    }
    if (args[0] == "--list-options") {
        list_options(std::cout, config::global_description(opts), {});
        return 0;
    }
    std::size_t words = 0;
    auto const *info = find_job(args, words);
    if (!info) {
        throw usage_error{"unknown command '" + args[0] + "' (see sozbatch --help)"};
    }
    set_log_job(info->name);
    auto job = info->make();
    po::options_description own{"Options of '" + info->name + "'"};
    po::positional_options_description positional;
    job->add_options(own, positional);
    po::options_description visible;
    visible.add(own).add(config::global_description(opts));
    po::options_description hidden;
    hidden.add_options()("help,h", "show this help");
    std::vector<std::string> const rest(args.begin() + static_cast<long>(words), args.end());
    if (rest.size() == 1 && rest[0] == "--list-options") {
        list_options(std::cout, own, positional);
        return 0;
    }
    for (auto const &a : rest) {
        if (a == "--help" || a == "-h") {
            std::cout << "Usage: sozbatch " << info->name << (info->synopsis.empty() ? "" : " " + info->synopsis)
                      << " [options]\n" << info->description << "\n\n" << visible;
            return 0;
        }
    }
    po::variables_map vm;
    config::parse_all(rest, visible, hidden, positional, vm, opts);
    set_log_level(parse_log_level(opts.log_level));
    if (opts.quiet || log_level() == log_level_t::quiet) {
        set_progress_enabled(false);
    }
    job->setup(vm);
    jobs::job_context_t ctx{opts, std::cout};
    auto const rc = jobs::run_job(*info, *job, ctx, rest); // authenticates, checks the permission, protocols
    for (auto const &[ref, reason] : ctx.failures()) {
        std::cout << "FAILED " << ref << ": " << reason << "\n";
    }
    log_info(kv("event", "finished") + " " + kv("exit", std::to_string(static_cast<int>(rc))) + " " +
             kv("failed", std::to_string(ctx.failures().size())));
    return static_cast<int>(rc);
}

} // namespace

int main(int argc, char **argv)
{
    // Every reason for exit code 2 is one key=value line on stderr (docs/operations.md, "Logging").
    try {
        return run(std::vector<std::string>(argv + 1, argv + argc));
    } catch (sozbatch::error_t const &e) {
        log_fatal(e.what());
    } catch (std::exception const &e) {
        log_fatal(std::string{"internal error: "} + e.what());
    }
    return static_cast<int>(exit_code_t::fatal);
}
