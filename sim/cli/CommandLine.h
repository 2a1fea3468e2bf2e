// What every subcommand shares: exit codes, the bad-input error, option parsing with
// positional arguments and --help, and how figures are printed.
#pragma once

#include <boost/program_options.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/Processes.h"

namespace schedlab::cli {

constexpr int kOk = 0, kFailed = 1, kInternal = 1, kBadInput = 2;

// Bad input on the command line: printed as "schedlab CMD: message", exit code 2.
struct BadInput : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ParsedCommand {
  boost::program_options::variables_map options;
  std::vector<std::string> positional;
};

// Parses a subcommand's options and its positional arguments (named `positionalName` in
// errors; at least `minPositional`, at most `maxPositional`, -1 for any number). Returns nullopt
// after printing --help.
std::optional<ParsedCommand> parseCommand(const std::string& name, const std::vector<std::string>& args,
                                          const boost::program_options::options_description& visible,
                                          const std::string& positionalName, int minPositional = 1,
                                          int maxPositional = 1);

// A repeatable option's values, or none.
std::vector<std::string> values(const boost::program_options::variables_map& vm, const char* key);

// The `--jobs` option of a command that runs processes side by side (JobLimit::fromOption: as
// given a plain limit, not given the cores with the tail early). Throws BadInput below 1.
JobLimit jobsOption(const boost::program_options::variables_map& vm);

// The path of this executable, for commands that start other schedlab processes.
std::string selfPath();

}  // namespace schedlab::cli
