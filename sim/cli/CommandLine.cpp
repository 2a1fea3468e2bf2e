#include "cli/CommandLine.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;

namespace schedlab::cli {

std::optional<ParsedCommand> parseCommand(const std::string& name, const std::vector<std::string>& args,
                                          const po::options_description& visible, const std::string& positionalName,
                                          int minPositional, int maxPositional) {
  po::options_description all;
  all.add(visible).add_options()("positional", po::value<std::vector<std::string>>());
  po::positional_options_description pos;
  pos.add("positional", maxPositional);
  ParsedCommand parsed;
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), parsed.options);
    po::notify(parsed.options);
  } catch (const po::error& e) {
    std::ostringstream help;
    help << visible;
    throw BadInput(std::string(e.what()) + "\n" + help.str());
  }
  if (parsed.options.count("help")) {
    std::cout << visible;
    return std::nullopt;
  }
  parsed.positional = values(parsed.options, "positional");
  if (static_cast<int>(parsed.positional.size()) < minPositional) throw BadInput(name + ": missing " + positionalName);
  return parsed;
}

std::vector<std::string> values(const po::variables_map& vm, const char* key) {
  return vm.count(key) ? vm[key].as<std::vector<std::string>>() : std::vector<std::string>{};
}

JobLimit jobsOption(const po::variables_map& vm) {
  const JobLimit jobs = JobLimit::fromOption(vm.count("jobs") ? std::optional(vm["jobs"].as<int>()) : std::nullopt);
  if (jobs.jobs < 1) throw BadInput("--jobs: must be at least 1");
  return jobs;
}

std::string selfPath() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw std::runtime_error("cannot find the schedlab executable (/proc/self/exe)");
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace schedlab::cli
