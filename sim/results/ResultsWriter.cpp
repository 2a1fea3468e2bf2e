#include "results/ResultsWriter.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace schedlab {

const char* const kSchedlabVersion = "0.1.0";

nlohmann::json resultsJson(const std::string& scenario, uint64_t seed, const std::vector<SimulationOutput>& runs) {
  nlohmann::json variants = nlohmann::json::array();
  for (const auto& r : runs) variants.push_back(r.variant);
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

void writeResults(const std::string& dir, const nlohmann::json& results, const std::vector<SimulationOutput>& runs) {
  fs::create_directories(dir);
  std::string tis = std::string(kTaskInstancesCsvHeader) + "\n";
  std::string ts = std::string(kTimeseriesCsvHeader) + "\n";
  std::string pts = std::string(kPoolTimeseriesCsvHeader) + "\n";
  std::string scaling = std::string(kScalingCsvHeader) + "\n";
  bool withTis = false;  // written when any variant asks for it (run.task_instances_csv)
  for (const auto& r : runs) {
    tis += r.taskInstancesCsv;
    ts += r.timeseriesCsv;
    pts += r.poolTimeseriesCsv;
    scaling += r.scalingCsv;
    withTis |= r.variant.at("config").at("run").value("task_instances_csv", true);
  }
  const std::string tisPath = (fs::path(dir) / "task_instances.csv").string();
  std::vector<std::pair<std::string, std::string>> files = {
      {(fs::path(dir) / "results.json").string(), results.dump(2) + "\n"},
      {(fs::path(dir) / "timeseries.csv").string(), ts},
      {(fs::path(dir) / "pool_timeseries.csv").string(), pts},
      {(fs::path(dir) / "scaling.csv").string(), scaling}};
  if (withTis) files.push_back({tisPath, tis});
  std::vector<std::string> temps;
  try {
    for (auto& [path, content] : files) {
      temps.push_back(tempName(path));
      writeTemp(temps.back(), content);
    }
  } catch (...) {
    for (auto& t : temps) fs::remove(t);
    throw;
  }
  for (size_t i = 0; i < files.size(); ++i) fs::rename(temps[i], files[i].first);
  if (!withTis) fs::remove(tisPath);  // never leave an older run's rows beside these results
}

}  // namespace schedlab
