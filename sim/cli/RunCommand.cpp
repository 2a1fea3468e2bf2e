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
#include "engine/Isolated.h"
#include "engine/Simulation.h"
#include "model/QueryCostModel.h"
#include "results/MetricLookup.h"
#include "results/ResultsWriter.h"
#include "scenario/ScenarioLoader.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace schedlab::cli {
namespace {

// An SLA limit in the metric's unit: seconds for *_s figures, a percentage for utilisations and ratios.
std::string fmtLimit(const nlohmann::json& metric, const nlohmann::json& limit) {
  const std::string path = metric.get<std::string>();
  const double v = limit.get<double>();
  if (path.find("_s.") != std::string::npos || (path.size() > 2 && path.substr(path.size() - 2) == "_s"))
    return fmtSeconds(v);
  char buf[32];
  const bool fraction = path.find("utilization") != std::string::npos || path.find("_ratio") != std::string::npos;
  if (fraction) std::snprintf(buf, sizeof buf, "%.1f%%", 100 * v);
  else std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// A latency percentile, or "-" when nothing was measured.
std::string fmtStat(const nlohmann::json& summary, const char* stat) {
  return summary.value("count", 0) > 0 ? fmtSeconds(summary[stat].get<double>()) : "-";
}

// One line per SLA of the scenario: which variants meet it.
void printSlas(const nlohmann::json& results) {
  const auto& first = results["variants"][0];
  for (size_t k = 0; k < first.value("slas", nlohmann::json::array()).size(); ++k) {
    std::string met, missed;
    for (const auto& v : results["variants"]) {
      std::string& list = v["slas"][k]["met"].get<bool>() ? met : missed;
      list += (list.empty() ? "" : ", ") + v["name"].get<std::string>();
    }
    const auto& sla = first["slas"][k];
    std::printf("SLA %s (%s %s %s): met by %s; missed by %s\n", sla["name"].get<std::string>().c_str(),
                sla["metric"].get<std::string>().c_str(), sla.contains("max") ? "<=" : ">=",
                fmtLimit(sla["metric"], sla.contains("max") ? sla["max"] : sla["min"]).c_str(),
                met.empty() ? "none" : met.c_str(), missed.empty() ? "none" : missed.c_str());
  }
}

// A 0-1 figure as a percentage, "-" when it was not measured (a live run on a --pg server).
std::string fmtPercent(const nlohmann::json& metrics, const char* key) {
  if (!metrics.contains(key) || !metrics[key].is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * metrics[key].get<double>());
  return buf;
}

}  // namespace

void printSummary(const nlohmann::json& results, const std::string& dir) {
  std::printf("%-22s %14s %14s %14s %12s %9s %10s %18s\n", "variant", "transition p50", "transition p95",
              "loop mean", "queries/loop", "DB CPU", "DB cache", "tasks ok/fail/lost");
  for (const auto& v : results["variants"]) {
    const auto& m = v["metrics"];
    char tasks[64];
    std::snprintf(tasks, sizeof tasks, "%lld/%lld/%lld", m["tasks_succeeded"].get<long long>(),
                  m["tasks_failed"].get<long long>(), m["tasks_lost"].get<long long>());
    std::printf("%-22s %14s %14s %14s %12.1f %9s %10s %18s\n", v["name"].get<std::string>().c_str(),
                fmtStat(m["task_transition_latency_s"], "p50").c_str(),
                fmtStat(m["task_transition_latency_s"], "p95").c_str(),
                fmtStat(m["scheduler_loop_duration_s"], "mean").c_str(), m["db_queries_per_loop"]["mean"].get<double>(),
                fmtPercent(m, "db_cpu_utilization").c_str(), fmtPercent(m, "db_cache_hit_ratio").c_str(), tasks);
    // Several schedulers: one line each, their DAGs' latencies, their loop and their DB.
    const auto& byInstance = v.value("metrics_by_instance", nlohmann::json::object());
    if (byInstance.size() < 2) continue;
    for (const auto& inst : v["config"]["instances"]) {  // in the scenario's order
      const std::string name = inst["name"];
      const auto& im = byInstance[name];
      std::string label = "  " + name + (im.value("metadb", "") == "own" ? " (own DB)" : "");
      std::printf("%-22s %14s %14s %14s %12.1f %9s %10s\n", label.c_str(),
                  fmtStat(im["task_transition_latency_s"], "p50").c_str(),
                  fmtStat(im["task_transition_latency_s"], "p95").c_str(),
                  fmtStat(im["scheduler_loop_duration_s"], "mean").c_str(),
                  im["db_queries_per_loop"]["mean"].get<double>(), fmtPercent(im, "db_cpu_utilization").c_str(),
                  fmtPercent(im, "db_cache_hit_ratio").c_str());
    }
  }
  printSlas(results);
  std::printf("results: %s\n", (fs::path(dir) / "results.json").string().c_str());
}

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
  return req;
}

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


int cmdValidate(const Args& args) {
  po::options_description visible("schedlab validate SCENARIO.yaml [--set path.to.key=value]...");
  visible.add_options()("help,h", "show this help")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a field, e.g. run.horizon=7d");
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
      "[--calibration FILE]");
  visible.add_options()("help,h", "show this help")("out,o", po::value<std::string>(),
                                                    "results directory (default out/<scenario>)")(
      "seed", po::value<long long>(), "random seed (overrides run.seed)")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a field, e.g. run.horizon=7d")(
      "variant", po::value<std::vector<std::string>>()->composing(), "run only this variant (repeatable)")(
      "calibration", po::value<std::string>(),
      "query costs from this calibration file (schedlab calibrate) instead of the scenario's")(
      "quiet,q", "no progress line on stderr");
  auto parsed = parseCommand("run", args, visible, "SCENARIO.yaml");
  if (!parsed) return kOk;
  const po::variables_map& vm = parsed->options;
  LoadRequest req = scenarioRequest(*parsed);
  if (vm.count("calibration")) {
    const std::string cal = vm["calibration"].as<std::string>();
    if (!fs::is_regular_file(cal)) throw BadInput("--calibration: " + cal + ": no such file");
    req.sets.push_back("metadb.calibration=" + fs::absolute(cal).string());
  }
  auto scenarios = loadChecked(req);
  std::string dir = vm.count("out") ? vm["out"].as<std::string>() : (fs::path("out") / scenarios.front().name).string();

  SimulationOptions options;
  options.progress = !vm.count("quiet");
  std::vector<SimulationOutput> outputs;
  for (const auto& s : scenarios) {
    std::string payload = runIsolated([&] {
      SimulationOutput o = runSimulation(s, options);
      return o.toJson().dump();
    });
    auto j = nlohmann::json::parse(payload);
    outputs.push_back(SimulationOutput::fromJson(j));
  }
  nlohmann::json results = resultsJson(scenarios.front().name, scenarios.front().run.seed, outputs);
  for (size_t i = 0; i < scenarios.size(); ++i)
    results["variants"][i]["slas"] = judgeSlas(scenarios[i], results["variants"][i]);
  writeResults(dir, results, outputs);
  printSummary(results, dir);
  return kOk;
}

}  // namespace schedlab::cli
