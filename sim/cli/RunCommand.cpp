// `schedlab run` and `schedlab validate`: scenario file -> validated Scenario -> simulation (one
// process per variant) -> results directory -> summary table.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cli/CommandLine.h"
#include "cli/Commands.h"
#include "cli/RunSummary.h"
#include "engine/Simulation.h"
#include "model/QueryCostModel.h"
#include "results/MetricLookup.h"
#include "results/ResultsWriter.h"
#include "results/Summary.h"
#include "scenario/ScenarioLoader.h"
#include "util/Processes.h"
#include "util/TempDir.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace schedlab::cli {

LoadRequest scenarioRequest(const ParsedCommand& parsed) {
  const po::variables_map& vm = parsed.options;
  LoadRequest req;
  req.path = parsed.positional[0];
  req.sets = values(vm, "set");
  if (vm.count("seed")) {
    long long seed = vm["seed"].as<long long>();
    if (seed < 0) throw BadInput("--seed: must be a non-negative integer");
    req.sets.push_back("run.seed=" + std::to_string(seed));
  }
  req.variants = values(vm, "variant");
  if (vm.count("calibration")) {
    // A path on the command line is the caller's, not relative to the scenario file.
    const std::string cal = vm["calibration"].as<std::string>();
    if (!fs::is_regular_file(cal)) throw BadInput("--calibration: " + cal + ": no such file");
    req.sets.push_back("metadb.calibration=" + fs::absolute(cal).string());
  }
  return req;
}

std::vector<Scenario> loadChecked(const LoadRequest& req) {
  std::vector<Scenario> scenarios = loadScenario(req);
  for (const auto& s : scenarios) {
    checkSlaMetrics(s);
    const bool a3 = s.scheduler.model == SchedulerModel::Airflow3;
    const bool measured = s.scheduler.clientCostPerQuery == kMeasuredClientCost ||
                          (a3 && s.apiServer.clientCostPerStatement == kMeasuredClientCost);
    const bool apiMeasured = a3 && s.apiServer.requestCost == kMeasuredClientCost;
    if (s.metadb.calibration.empty() && !measured && !apiMeasured) continue;
    bool hasClientCosts = false, hasApiRequestCost = false;
    std::string origin;
    try {
      const QueryCostModel costs =
          s.metadb.calibration.empty() ? QueryCostModel::shipped() : QueryCostModel::fromFile(s.metadb.calibration);
      hasClientCosts = costs.hasClientCosts();
      hasApiRequestCost = costs.apiRequestCost() >= 0;
      origin = costs.origin();
    } catch (const std::runtime_error& e) {
      throw BadInput(s.sourcePath + ": metadb.calibration: " + e.what());
    }
    if (measured && !hasClientCosts)
      throw BadInput(s.sourcePath + ": " +
                     (s.scheduler.clientCostPerQuery == kMeasuredClientCost ? "scheduler.client_cost_per_query"
                                                                            : "api_server.client_cost_per_statement") +
                     ": measured, but the calibration (" + origin +
                     ") has no client_costs; `schedlab calibrate` measures them, or give a duration");
    if (apiMeasured && !hasApiRequestCost)
      throw BadInput(s.sourcePath + ": api_server.request_cost: measured, but the calibration (" + origin +
                     ") has no api_server.request_cost_s; `schedlab calibrate` measures it, or give a duration");
  }
  return scenarios;
}

int cmdValidate(const Args& args) {
  po::options_description visible("schedlab validate SCENARIO.yaml [--set path.to.key=value]...");
  visible.add_options()("help,h", "show this help")("set", po::value<std::vector<std::string>>()->composing(),
                                                    "override a field, e.g. run.horizon=7d");
  auto parsed = parseCommand("validate", args, visible, "SCENARIO.yaml");
  if (!parsed) return kOk;
  LoadRequest req{parsed->positional[0], values(parsed->options, "set"), {}};
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

int cmdRun(const Args& args) {
  po::options_description visible(
      "schedlab run SCENARIO.yaml [--out DIR] [--seed N] [--set path.to.key=value]... [--variant NAME]... "
      "[--calibration FILE] [--jobs N]");
  visible.add_options()("help,h", "show this help")("out,o", po::value<std::string>(),
                                                    "results directory (default out/<scenario>)")(
      "seed", po::value<long long>(), "random seed (overrides run.seed)")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a field, e.g. run.horizon=7d")(
      "variant", po::value<std::vector<std::string>>()->composing(), "run only this variant (repeatable)")(
      "calibration", po::value<std::string>(),
      "query costs from this calibration file (schedlab calibrate) instead of the scenario's")(
      "jobs,j", po::value<int>(),
      "variants simulated at once, a process each (default: the cores, and the last few started beside "
      "the ones before them so that no core idles at the end); results do not depend on it")(
      "quiet,q", "no progress line on stderr");
  auto parsed = parseCommand("run", args, visible, "SCENARIO.yaml");
  if (!parsed) return kOk;
  const po::variables_map& vm = parsed->options;
  const JobLimit jobs = jobsOption(vm);
  LoadRequest req = scenarioRequest(*parsed);
  auto scenarios = loadChecked(req);
  std::string dir = vm.count("out") ? vm["out"].as<std::string>() : (fs::path("out") / scenarios.front().name).string();

  // Each variant streams its task_instances.csv and loops.csv rows here; the writer copies them in.
  const TempDir tries("schedlab-tries");
  std::vector<SimulationOptions> options(scenarios.size());
  for (size_t i = 0; i < scenarios.size(); ++i) {
    options[i].triesPath = (tries.path() / (std::to_string(i) + ".csv")).string();
    options[i].loopsPath = (tries.path() / (std::to_string(i) + "-loops.csv")).string();
  }
  std::vector<RunResult> outputs = simulateEachIsolated(scenarios, options, jobs, !vm.count("quiet"));
  nlohmann::json results = resultsJson(scenarios.front().name, scenarios.front().run.seed, outputs);
  for (size_t i = 0; i < scenarios.size(); ++i)
    results["variants"][i]["slas"] = judgeSlas(scenarios[i], results["variants"][i]);
  writeResults(dir, results, outputs);
  printSummary(stdout, results, dir);
  return kOk;
}

}  // namespace schedlab::cli
