// schedlab: the command line. It only wires the stages together:
// scenario file -> validated Scenario -> simulation -> results (JSON, CSV) -> summary.
#include <boost/program_options.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "engine/Isolated.h"
#include "engine/Simulation.h"
#include "model/QueryCostModel.h"
#include "results/ResultsWriter.h"
#include "scenario/ScenarioLoader.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace schedlab;

namespace {

constexpr int kOk = 0, kInternal = 1, kBadInput = 2;

struct BadInput : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const char* kUsage =
    "usage: schedlab <command> [options]\n"
    "\n"
    "Simulates an Airflow-style scheduler, its metadata DB and its workers on SimGrid.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO.yaml       simulate every variant of a scenario and write results\n"
    "  validate SCENARIO.yaml  parse and check a scenario file only\n"
    "\n"
    "'schedlab <command> --help' describes a command's options.\n"
    "exit codes: 0 ok, 2 bad input, 1 internal error\n";

// Parses a subcommand's options plus its one positional SCENARIO.yaml. Returns nullopt after
// printing --help.
std::optional<po::variables_map> parseCommand(const std::string& name, const std::vector<std::string>& args,
                                              const po::options_description& visible) {
  po::options_description all;
  all.add(visible).add_options()("scenario", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::ostringstream help;
    help << visible;
    throw BadInput(std::string(e.what()) + "\n" + help.str());
  }
  if (vm.count("help")) {
    std::cout << visible;
    return std::nullopt;
  }
  if (!vm.count("scenario")) throw BadInput(name + ": missing SCENARIO.yaml");
  return vm;
}

std::string fmtSeconds(double s) {
  char buf[32];
  if (s >= 100) std::snprintf(buf, sizeof buf, "%.0f s", s);
  else if (s >= 1) std::snprintf(buf, sizeof buf, "%.2f s", s);
  else std::snprintf(buf, sizeof buf, "%.1f ms", s * 1e3);
  return buf;
}

// A latency percentile, or "-" when nothing was measured.
std::string fmtStat(const nlohmann::json& summary, const char* stat) {
  return summary.value("count", 0) > 0 ? fmtSeconds(summary[stat].get<double>()) : "-";
}

void printSummary(const nlohmann::json& results, const std::string& dir) {
  std::printf("%-22s %14s %14s %14s %12s %9s %18s\n", "variant", "transition p50", "transition p95",
              "loop mean", "queries/loop", "DB CPU", "tasks ok/fail/lost");
  for (const auto& v : results["variants"]) {
    const auto& m = v["metrics"];
    char tasks[64];
    std::snprintf(tasks, sizeof tasks, "%lld/%lld/%lld", m["tasks_succeeded"].get<long long>(),
                  m["tasks_failed"].get<long long>(), m["tasks_lost"].get<long long>());
    std::printf("%-22s %14s %14s %14s %12.1f %8.1f%% %18s\n", v["name"].get<std::string>().c_str(),
                fmtStat(m["task_transition_latency_s"], "p50").c_str(),
                fmtStat(m["task_transition_latency_s"], "p95").c_str(),
                fmtStat(m["scheduler_loop_duration_s"], "mean").c_str(),
                m["db_queries_per_loop"]["mean"].get<double>(), 100.0 * m["db_cpu_utilization"].get<double>(),
                tasks);
    // Several schedulers: one line each, their DAGs' latencies, their loop and their DB.
    const auto& byInstance = v.value("metrics_by_instance", nlohmann::json::object());
    if (byInstance.size() < 2) continue;
    for (const auto& inst : v["config"]["instances"]) {  // in the scenario's order
      const std::string name = inst["name"];
      const auto& im = byInstance[name];
      std::string label = "  " + name + (im.value("metadb", "") == "own" ? " (own DB)" : "");
      std::printf("%-22s %14s %14s %14s %12.1f %8.1f%%\n", label.c_str(),
                  fmtStat(im["task_transition_latency_s"], "p50").c_str(),
                  fmtStat(im["task_transition_latency_s"], "p95").c_str(),
                  fmtStat(im["scheduler_loop_duration_s"], "mean").c_str(),
                  im["db_queries_per_loop"]["mean"].get<double>(), 100.0 * im["db_cpu_utilization"].get<double>());
    }
  }
  std::printf("results: %s\n", (fs::path(dir) / "results.json").string().c_str());
}

// Loads the scenario and checks each variant's calibration file, so bad input fails before any
// simulation starts.
std::vector<Scenario> loadChecked(const LoadRequest& req) {
  std::vector<Scenario> scenarios = loadScenario(req);
  for (const auto& s : scenarios) {
    if (s.metadb.calibration.empty()) continue;
    try {
      QueryCostModel::fromFile(s.metadb.calibration);
    } catch (const std::runtime_error& e) {
      throw BadInput(e.what());
    }
  }
  return scenarios;
}

int cmdValidate(const std::vector<std::string>& args) {
  po::options_description visible("schedlab validate SCENARIO.yaml [--set path.to.key=value]...");
  visible.add_options()("help,h", "show this help")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a field, e.g. run.horizon=7d");
  auto parsed = parseCommand("validate", args, visible);
  if (!parsed) return kOk;
  const po::variables_map& vm = *parsed;
  LoadRequest req{vm["scenario"].as<std::string>(),
                  vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{}, {}};
  auto scenarios = loadChecked(req);
  for (const auto& s : scenarios) {
    size_t tasks = 0, dags = 0;
    for (const auto& d : s.dags) {
      dags += static_cast<size_t>(d.count);
      tasks += static_cast<size_t>(d.count) * d.tasks.size();
    }
    std::printf("%s: variant %s ok: %zu DAGs, %zu tasks, %zu trigger streams, horizon %.0f s\n", req.path.c_str(),
                s.variant.c_str(), dags, tasks, s.triggers.size(), s.run.horizon);
  }
  return kOk;
}

int cmdRun(const std::vector<std::string>& args) {
  po::options_description visible(
      "schedlab run SCENARIO.yaml [--out DIR] [--seed N] [--set path.to.key=value]... [--variant NAME]...");
  visible.add_options()("help,h", "show this help")("out,o", po::value<std::string>(),
                                                    "results directory (default out/<scenario>)")(
      "seed", po::value<long long>(), "random seed (overrides run.seed)")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a field, e.g. run.horizon=7d")(
      "variant", po::value<std::vector<std::string>>()->composing(), "run only this variant (repeatable)")(
      "quiet,q", "no progress line on stderr");
  auto parsed = parseCommand("run", args, visible);
  if (!parsed) return kOk;
  const po::variables_map& vm = *parsed;
  LoadRequest req;
  req.path = vm["scenario"].as<std::string>();
  if (vm.count("set")) req.sets = vm["set"].as<std::vector<std::string>>();
  if (vm.count("seed")) {
    long long seed = vm["seed"].as<long long>();
    if (seed < 0) throw BadInput("--seed: must be a non-negative integer");
    req.sets.push_back("run.seed=" + std::to_string(seed));
  }
  if (vm.count("variant")) req.variants = vm["variant"].as<std::vector<std::string>>();
  auto scenarios = loadChecked(req);
  std::string dir = vm.count("out") ? vm["out"].as<std::string>() : (fs::path("out") / scenarios.front().name).string();

  SimulationOptions options;
  options.progress = !vm.count("quiet");
  std::vector<SimulationOutput> outputs;
  for (const auto& s : scenarios) {
    std::string payload = runIsolated([&] {
      SimulationOutput o = runSimulation(s, options);
      return nlohmann::json{{"variant", o.variant}, {"tis", o.taskInstancesCsv}, {"ts", o.timeseriesCsv}}.dump();
    });
    auto j = nlohmann::json::parse(payload);
    outputs.push_back({j["variant"], j["tis"].get<std::string>(), j["ts"].get<std::string>()});
  }
  nlohmann::json results = resultsJson(scenarios.front().name, scenarios.front().run.seed, outputs);
  writeResults(dir, results, outputs);
  printSummary(results, dir);
  return kOk;
}

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
