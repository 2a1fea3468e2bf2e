// `schedlab import (--pg URL | --rest-dump DIR) --out DIR`: a deployment (its metadata DB, read
// only, or JSON saved from its REST API) -> Deployment -> DIR/scenario.yaml (a scenario of it,
// checked by the loader) and DIR/observed/results.json (what it did, in `run`'s format with
// "source": "observed"), for `schedlab run` and `schedlab report` beside each other.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/CommandLine.h"
#include "cli/Commands.h"
#include "importer/AirflowDbReader.h"
#include "importer/ObservedFigures.h"
#include "importer/RestDumpReader.h"
#include "importer/ScenarioDraft.h"
#include "results/MetricSchema.h"
#include "results/ResultsWriter.h"
#include "scenario/Duration.h"
#include "scenario/ScenarioJson.h"
#include "scenario/ScenarioLoader.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace schedlab::cli {
namespace {

constexpr const char* kVariant = "replay";

// The output directory's contents, staged beside it and moved in only once all of it is written
// and the scenario loads; removed if anything fails first.
class Staging {
 public:
  explicit Staging(const fs::path& out) : out_(out), path_(out.string() + ".import-tmp." + std::to_string(::getpid())) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~Staging() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;
  const fs::path& path() const { return path_; }
  // Moves each staged entry into the output directory, replacing one of the same name.
  void commit() {
    fs::create_directories(out_);
    for (const auto& entry : fs::directory_iterator(path_)) {
      const fs::path target = out_ / entry.path().filename();
      fs::remove_all(target);
      fs::rename(entry.path(), target);
    }
  }

 private:
  fs::path out_, path_;
};

void writeText(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) throw std::runtime_error("cannot write " + path.string());
}

std::string figure(const nlohmann::json& m, const Metric& which, const char* field) {
  const nlohmann::json& s = m.value(which.name(), nlohmann::json::object());
  if (s.value("count", 0) == 0) return "-";
  return formatDuration(s.value(field, 0.0));
}

}  // namespace

int cmdImport(const Args& args) {
  po::options_description visible(
      "schedlab import (--pg URL | --rest-dump DIR) --out DIR [--schema NAME] [--since 7d] [--dags PATTERN] "
      "[--name NAME] [--set path.to.key=value]...\n\n"
      "Reads an Airflow deployment and writes DIR/scenario.yaml (its DAGs, schedules, durations, failure\n"
      "rates, pools, history; what the source cannot tell left at defaults and commented) and\n"
      "DIR/observed/results.json (what it did over the window, as `run` reports it). The database is only\n"
      "read: the session is read only (default_transaction_read_only) and each statement has a timeout;\n"
      "nothing is ever written to it. Then: schedlab run DIR/scenario.yaml --out DIR/sim && schedlab report\n"
      "DIR/sim DIR/observed\n\noptions");
  visible.add_options()("help,h", "show this help")("pg", po::value<std::string>(),
                                                    "the metadata database (postgresql://… or key=value pairs)")(
      "rest-dump", po::value<std::string>(),
      "instead of --pg: a directory of JSON saved from Airflow's REST API (dags, dagRuns, taskInstances; v1 or v2)")(
      "out,o", po::value<std::string>(), "where scenario.yaml and observed/ go")(
      "schema", po::value<std::string>()->default_value("public"), "the database schema of Airflow's tables")(
      "since", po::value<std::string>()->default_value("7d"), "the window: this long before now, to now")(
      "dags", po::value<std::string>()->default_value(""), "only DAGs whose dag_id matches this shell pattern")(
      "name", po::value<std::string>()->default_value("imported"), "the scenario's name")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "set a field of the written scenario, e.g. executor.workers=8 (as for run)")(
      "statement-timeout", po::value<std::string>()->default_value("60s"), "the longest any one statement may take");
  auto parsed = parseCommand("import", args, visible, "", 0, 0);
  if (!parsed) return kOk;
  const po::variables_map& vm = parsed->options;
  if (vm.count("pg") == vm.count("rest-dump")) throw BadInput("give exactly one of --pg URL and --rest-dump DIR");
  if (!vm.count("out")) throw BadInput("--out DIR is required");
  // Its real place: the staging directory goes beside it, on the same file system.
  std::error_code ec;
  const fs::path out = fs::weakly_canonical(fs::absolute(vm["out"].as<std::string>()), ec);
  if (ec) throw BadInput("--out " + vm["out"].as<std::string>() + ": " + ec.message());
  if (fs::exists(out) && !fs::is_directory(out))
    throw BadInput("--out " + vm["out"].as<std::string>() + ": not a directory");
  auto since = parseDuration(vm["since"].as<std::string>());
  if (!since || *since <= 0) throw BadInput("--since: '" + vm["since"].as<std::string>() + "' is not a duration");
  auto timeout = parseDuration(vm["statement-timeout"].as<std::string>());
  if (!timeout || *timeout < 0.001)
    throw BadInput("--statement-timeout: '" + vm["statement-timeout"].as<std::string>() + "' is not a duration");
  const std::string name = vm["name"].as<std::string>();

  Deployment d;
  try {
    if (vm.count("pg")) {
      DbImportRequest req;
      req.url = vm["pg"].as<std::string>();
      req.schema = vm["schema"].as<std::string>();
      req.since = *since;
      req.dags = vm["dags"].as<std::string>();
      req.statementTimeout = *timeout;
      d = readAirflowDb(req);
    } else {
      d = readRestDump(vm["rest-dump"].as<std::string>(), *since, vm["dags"].as<std::string>());
    }
  } catch (const ImportError& e) {
    throw BadInput(e.what());
  }
  const ObservedSpan span = observedSpan(d);
  ScenarioDraft draft = draftScenario(d, span, name, kVariant);
  for (const std::string& assignment : values(vm, "set")) {
    try {
      draft.yaml.set(assignment);
    } catch (const std::invalid_argument& e) {
      throw BadInput(e.what());
    }
  }

  if (draft.yaml.root()["dags"].empty())
    throw BadInput("no DAG that ran in the window has a task the source names: nothing to simulate");
  Staging staging(out);
  const fs::path scenarioPath = staging.path() / "scenario.yaml";
  writeText(scenarioPath, draft.yaml.text());
  for (const auto& [file, content] : draft.files) writeText(staging.path() / file, content);
  std::vector<Scenario> loaded;
  try {
    loaded = loadScenario({scenarioPath.string(), {}, {}});
  } catch (const ScenarioError& e) {
    // A --set the scenario cannot take (the draft alone always loads): name the file it would be.
    std::string what = e.what();
    const std::string staged = scenarioPath.string();
    for (size_t at = what.find(staged); at != std::string::npos; at = what.find(staged))
      what.replace(at, staged.size(), (out / "scenario.yaml").string());
    throw BadInput(what + " (nothing was written)");
  }

  RunResult observed = observedResult(d, span, kVariant);
  observed.description = "observed: " + d.source;
  observed.config = toJson(loaded.front());
  observed.config["run"]["task_instances_csv"] = false;
  nlohmann::json results = resultsJson(name, loaded.front().run.seed, {observed});
  results["source"] = "observed";
  writeResults((staging.path() / "observed").string(), results, {observed});
  staging.commit();

  long long runs = 0, tis = 0;
  size_t inferred = 0;
  for (const ObservedDag& dag : d.dags) {
    runs += static_cast<long long>(dag.runs.size());
    for (const ObservedRun& r : dag.runs) tis += static_cast<long long>(r.tis.size());
    inferred += dag.graphInferred ? 1 : 0;
  }
  std::printf("import: %s, %s schema%s\n", d.source.c_str(), d.layout.c_str(),
              d.schemaRevision.empty()
                  ? ""
                  : (" (alembic " + d.schemaRevision + ", Airflow " + d.airflowVersion + ")").c_str());
  std::printf(
      "import: %zu DAGs (%zu task graphs inferred from the order tasks ran), %lld runs, %lld task instances "
      "over %s\n",
      d.dags.size(), inferred, runs, tis, formatDuration(span.length()).c_str());
  for (const std::string& note : d.notes) std::printf("import: note: %s\n", note.c_str());
  const nlohmann::json& m = observed.metrics;
  std::printf("observed: transition p50 %s p95 %s, queued p50 %s, DAG run duration mean %s, schedule delay p50 %s\n",
              figure(m, metric::kTaskTransitionLatency, "p50").c_str(),
              figure(m, metric::kTaskTransitionLatency, "p95").c_str(),
              figure(m, metric::kQueuedDuration, "p50").c_str(), figure(m, metric::kDagrunDuration, "mean").c_str(),
              figure(m, metric::kScheduleDelay, "p50").c_str());
  std::printf("wrote %s and %s\nnext: schedlab run %s --out %s && schedlab report %s %s\n",
              (out / "scenario.yaml").c_str(), (out / "observed" / "results.json").c_str(),
              (out / "scenario.yaml").c_str(), (out / "sim").c_str(), (out / "sim").c_str(),
              (out / "observed").c_str());
  return kOk;
}

}  // namespace schedlab::cli
