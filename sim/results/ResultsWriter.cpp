#include "results/ResultsWriter.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "results/CsvTables.h"

namespace fs = std::filesystem;

namespace schedlab {

const char* const kSchedlabVersion = "0.1.0";

nlohmann::json variantJson(const RunResult& run) {
  return {{"name", run.variant},
          {"description", run.description},
          {"config", run.config},
          {"metrics", run.metrics},
          {"metrics_by_dag", run.metricsByDag},
          {"metrics_by_instance", run.metricsByInstance},
          {"metrics_by_pool", run.metricsByPool},
          {"sample_runs", run.sampleRuns},
          {"sim", run.run}};
}

nlohmann::json resultsJson(const std::string& scenario, uint64_t seed, const std::vector<RunResult>& runs) {
  nlohmann::json variants = nlohmann::json::array();
  for (const auto& r : runs) variants.push_back(variantJson(r));
  return {{"schedlab_version", kSchedlabVersion}, {"scenario", scenario}, {"seed", seed}, {"variants", variants}};
}

namespace {

std::string tempName(const std::string& path) { return path + ".tmp." + std::to_string(::getpid()); }

void writeTemp(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

void writeFileAtomically(const std::string& path, const std::string& content) {
  std::string tmp = tempName(path);
  writeTemp(tmp, content);
  fs::rename(tmp, path);
}

void writeResults(const std::string& dir, const nlohmann::json& results, const std::vector<RunResult>& runs) {
  fs::create_directories(dir);
  bool withTis = false;  // written when any variant asks for it (run.task_instances_csv)
  for (const auto& r : runs) withTis |= r.config.at("run").value("task_instances_csv", true);
  const std::string tisPath = (fs::path(dir) / "task_instances.csv").string();
  bool withLoops = false;  // written when any variant asks for it (run.loops_csv)
  for (const auto& r : runs) withLoops |= r.config.at("run").value("loops_csv", false);
  const std::string loopsPath = (fs::path(dir) / "loops.csv").string();
  std::vector<std::pair<std::string, std::string>> files = {
      {(fs::path(dir) / "results.json").string(), results.dump(2) + "\n"},
      {(fs::path(dir) / "timeseries.csv").string(), timeseriesCsv(runs)},
      {(fs::path(dir) / "pool_timeseries.csv").string(), poolTimeseriesCsv(runs)},
      {(fs::path(dir) / "scaling.csv").string(), scalingCsv(runs)}};
  bool withApi = false;  // written when a variant has an API server (airflow3)
  for (const auto& r : runs) withApi |= !r.apiSamples.empty();
  const std::string apiPath = (fs::path(dir) / "api_timeseries.csv").string();
  if (withApi) files.push_back({apiPath, apiTimeseriesCsv(runs)});
  std::vector<std::string> temps;
  try {
    for (auto& [path, content] : files) {
      temps.push_back(tempName(path));
      writeTemp(temps.back(), content);
    }
    // Streamed: a long run's rows may not fit in memory at once.
    auto streamed = [&](const std::string& path, void (*write)(std::ostream&, const std::vector<RunResult>&)) {
      files.push_back({path, ""});
      temps.push_back(tempName(path));
      std::ofstream out(temps.back(), std::ios::binary | std::ios::trunc);
      write(out, runs);
      out.close();
      if (!out) throw std::runtime_error("cannot write " + temps.back());
    };
    if (withTis) streamed(tisPath, writeTaskInstancesCsv);
    if (withLoops) streamed(loopsPath, writeLoopsCsv);
  } catch (...) {
    for (auto& t : temps) fs::remove(t);
    throw;
  }
  for (size_t i = 0; i < files.size(); ++i) fs::rename(temps[i], files[i].first);
  if (!withTis) fs::remove(tisPath);  // never leave an older run's rows beside these results
  if (!withLoops) fs::remove(loopsPath);
  if (!withApi) fs::remove(apiPath);
}

}  // namespace schedlab
