// `schedlab live SCENARIO.yaml [--variant NAME]… [--duration 2m] [--out DIR] [--pg URL]`: runs
// each variant's model for real, in wall-clock time against a live PostgreSQL (a throwaway
// cluster unless --pg), and writes results in `run`'s format with "source": "live", for the
// report's simulated-vs-live section.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/CommandLine.h"
#include "cli/Commands.h"
#include "cli/RunSummary.h"
#include "live/LiveRun.h"
#include "pg/ConnectionString.h"
#include "results/MetricLookup.h"
#include "results/ResultsWriter.h"
#include "results/Summary.h"
#include "scenario/Duration.h"
#include "util/TempDir.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace schedlab::cli {

int cmdLive(const Args& args) {
  po::options_description visible(
      "schedlab live SCENARIO.yaml [--variant NAME]... [--duration 2m] [--out DIR] [--pg URL] [--set k=v]... "
      "[--calibration FILE] [--keep-db]");
  visible.add_options()("help,h", "show this help")("variant", po::value<std::vector<std::string>>()->composing(),
                                                    "run only this variant (repeatable)")(
      "duration", po::value<std::string>()->default_value("2m"), "wall-clock time per variant, e.g. 20s or 2m")(
      "out,o", po::value<std::string>(), "results directory (default out/<scenario>-live)")(
      "pg", po::value<std::string>()->default_value(""),
      "an existing server (postgresql://…) instead of a throwaway cluster; only schemas schedlab_<pid>_<time>_* "
      "are created there, and dropped")("seed", po::value<long long>(), "random seed (overrides run.seed)")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a field, e.g. executor.workers=2")(
      "keep-db",
      "leave the database (and a throwaway cluster, running) when done, for `schedlab import` or psql; "
      "prints how to reach it and how to remove it")(
      "calibration", po::value<std::string>(),
      "the calibration file (schedlab calibrate) whose measured client costs the run charges, as `run "
      "--calibration` does");
  auto parsed = parseCommand("live", args, visible, "SCENARIO.yaml");
  if (!parsed) return kOk;
  const po::variables_map& vm = parsed->options;
  const LoadRequest req = scenarioRequest(*parsed);
  auto duration = parseDuration(vm["duration"].as<std::string>());
  if (!duration || *duration < 1 || *duration > 86400)
    throw BadInput("--duration: '" + vm["duration"].as<std::string>() + "' is not a duration between 1s and 1d");
  auto scenarios = loadChecked(req);
  for (const auto& s : scenarios)
    for (const auto& why : liveUnsupported(s)) throw BadInput(req.path + ": variant " + s.variant + ": " + why);
  const std::string dir =
      vm.count("out") ? vm["out"].as<std::string>() : (fs::path("out") / (scenarios.front().name + "-live")).string();

  // Enough connections for the largest variant.
  std::vector<std::string> settings;
  for (const auto& s : scenarios) {
    auto mine = liveClusterSettings(s);
    if (settings.empty() || mine.front() > settings.front()) settings = mine;
  }
  const std::string url = vm["pg"].as<std::string>();
  // A throwaway DB with fewer cores than this machine gets just those; schedlab the others.
  const LiveCpus cpus = url.empty() ? liveCpus(scenarios) : LiveCpus{};
  std::unique_ptr<BenchDatabase> db;
  try {
    db = std::make_unique<BenchDatabase>(url, settings, cpus.db);
  } catch (const std::exception& e) {
    if (url.empty()) throw;
    throw BadInput("--pg: " + std::string(e.what()));  // the user's server, not ours, is unreachable
  }
  pinThisProcess(cpus);
  std::fprintf(stderr, "live: %s%s\n", db->describe().c_str(),
               cpus.db.empty() ? "" : (", on CPUs " + cpus.db + " (schedlab on " + cpus.self + ")").c_str());
  std::vector<RunResult> outputs;
  const TempDir loops("schedlab-loops");  // each variant's loops.csv rows, copied in by the writer
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const Scenario& s = scenarios[i];
    std::fprintf(stderr, "live: variant %s for %s...\n", s.variant.c_str(), formatDuration(*duration).c_str());
    outputs.push_back(
        runLive(s, *db, *duration, (loops.path() / (std::to_string(i) + ".csv")).string(), static_cast<int>(i)));
    if (!cpus.db.empty()) outputs.back().run["cpus"] = {{"postgres", cpus.db}, {"schedlab", cpus.self}};
  }
  nlohmann::json results = resultsJson(scenarios.front().name, scenarios.front().run.seed, outputs);
  results["source"] = "live";
  for (size_t i = 0; i < scenarios.size(); ++i)
    results["variants"][i]["slas"] = judgeSlas(scenarios[i], results["variants"][i]);
  writeResults(dir, results, outputs);
  printSummary(stdout, results, dir);
  if (vm.count("keep-db")) {
    const std::string removal = db->keep();
    const std::string conninfo = url.empty() ? db->connectionString() : maskPassword(url, url);
    std::printf("\nkept the database: %s\n", db->describe().c_str());
    for (size_t i = 0; i < scenarios.size(); ++i) {
      const nlohmann::json& schemas = outputs[i].run.value("schemas", nlohmann::json::array());
      for (const auto& schema : schemas)
        std::printf("  variant %s: schema %s\n    schedlab import --pg '%s' --schema %s --out %s-import\n",
                    scenarios[i].variant.c_str(), schema.get<std::string>().c_str(), conninfo.c_str(),
                    schema.get<std::string>().c_str(), dir.c_str());
    }
    std::printf("connect: psql '%s', then SET search_path TO the schema\nremove it: %s\n", conninfo.c_str(),
                removal.c_str());
  }
  return kOk;
}

}  // namespace schedlab::cli
