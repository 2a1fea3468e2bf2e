// schedlab: the command line. It only dispatches to the subcommands, each of which wires stages
// together (scenario -> simulation -> results -> summary, report or gate verdict).
#include <iostream>
#include <string>
#include <vector>

#include "cli/CommandLine.h"
#include "cli/Commands.h"
#include "scenario/ScenarioError.h"

using namespace schedlab;
using namespace schedlab::cli;

namespace {

const char* kUsage =
    "usage: schedlab <command> [options]\n"
    "\n"
    "Simulates an Airflow-style scheduler, its metadata DB and its workers on SimGrid.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO.yaml       simulate every variant of a scenario and write results\n"
    "  validate SCENARIO.yaml  parse and check a scenario file only\n"
    "  report RESULTS_DIR...   write report.html and report.md comparing the variants\n"
    "  check RESULTS_DIR       compare results with a baseline; exit 1 when worse (the CI gate)\n"
    "  sweep SCENARIO.yaml     run a parameter grid in parallel; --find-min searches capacity\n"
    "  merge SWEEP_DIR...      join the shards of a sweep into one sweep.csv\n"
    "  calibrate --out F.json  measure query costs on a live PostgreSQL into a calibration file\n"
    "  live SCENARIO.yaml      run a scenario's model for real against a live PostgreSQL\n"
    "  import --pg URL --out D a scenario and observed figures from an Airflow metadata DB (read only)\n"
    "  schema                  the result names: each metric's unit and which direction is better\n"
    "\n"
    "'schedlab <command> --help' describes a command's options.\n"
    "exit codes: 0 ok, 1 check failed or internal error, 2 bad input\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? kBadInput : kOk;
  }
  std::string cmd = args[0];
  args.erase(args.begin());
  try {
    if (cmd == "run") return cmdRun(args);
    if (cmd == "validate") return cmdValidate(args);
    if (cmd == "check") return cmdCheck(args);
    if (cmd == "report") return cmdReport(args);
    if (cmd == "sweep") return cmdSweep(args);
    if (cmd == "merge") return cmdMerge(args);
    if (cmd == "calibrate") return cmdCalibrate(args);
    if (cmd == "live") return cmdLive(args);
    if (cmd == "import") return cmdImport(args);
    if (cmd == "schema") return cmdSchema(args);
    std::cerr << "schedlab: unknown command '" << cmd << "'\n\n" << kUsage;
    return kBadInput;
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  } catch (const BadInput& e) {
    std::cerr << "schedlab " << cmd << ": " << e.what() << "\n";
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "schedlab " << cmd << ": internal error: " << e.what() << "\n";
    return kInternal;
  }
}
