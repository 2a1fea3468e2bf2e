// Helpers the tests share: write a scenario to a temp file, simulate it in its own process, and
// read the task-instance rows back as the CLI writes them.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/Isolated.h"
#include "engine/Simulation.h"
#include "results/CsvTables.h"
#include "results/ResultsWriter.h"
#include "scenario/ScenarioLoader.h"

namespace schedlab::test {

// The test process's own directory under /tmp, removed with everything in it when the process
// that made it exits (not by a child forked from it).
class TestRoot {
 public:
  TestRoot() : pid_(::getpid()) {
    char tmpl[] = "/tmp/schedlab-test-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("cannot create /tmp/schedlab-test-XXXXXX");
    path_ = tmpl;
    // Others may pass through (not list it): a throwaway cluster's postgres user reaches its
    // directory inside.
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all | std::filesystem::perms::group_exec |
                                            std::filesystem::perms::others_exec);
  }
  ~TestRoot() {
    std::error_code ignored;
    if (::getpid() == pid_) std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  pid_t pid_;
  std::filesystem::path path_;
};

// A new empty directory, inside the test process's own (removed when it exits).
inline std::filesystem::path tempDir() {
  static TestRoot root;
  std::string tmpl = (root.path() / "XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("cannot create " + tmpl);
  return tmpl;
}

inline std::string writeScenario(const std::string& yaml, const std::string& name = "scenario.yaml") {
  auto path = tempDir() / name;
  std::ofstream(path) << yaml;
  return path.string();
}

struct CliResult {
  int code;
  std::string output;  // stdout and stderr
};

// Runs the schedlab binary with `args` (a shell command line) and collects what it printed.
inline CliResult runCli(const std::string& args) {
  std::string cmd = std::string(SCHEDLAB_BINARY) + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

inline std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::vector<Scenario> load(const std::string& yaml, std::vector<std::string> sets = {}) {
  return loadScenario({writeScenario(yaml), std::move(sets), {}});
}

// The scenario is refused with an error that says `what`.
// A worker too few for 6 DAGs of 12 tries every 15 minutes: a standing backlog, so that tries
// are queued, start and end at any moment (faults then catch some in each state).
inline std::string backlogScenario(const std::string& scheduler, const std::string& extra) {
  return R"(
run: {horizon: 4h, warmup: 30m, seed: 3}
scheduler: )" +
         scheduler + R"(
executor: {workers: 1, worker_concurrency: 6}
dags:
  - name: etl
    count: 6
    schedule: 15m
    task_defaults: {retries: 3, retry_delay: 1m}
    tasks:
      - {shape: layered, width: 4, depth: 3, duration: {exponential: 90s}}
)" + extra;
}

// The error loading `yaml` raises, or "" when it loads.
inline std::string loadError(const std::string& yaml, std::vector<std::string> sets = {}) {
  try {
    load(yaml, std::move(sets));
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

inline void expectLoadError(const std::string& yaml, const std::string& what) {
  try {
    load(yaml);
    ADD_FAILURE() << "accepted: " << what;
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

inline RunResult simulate(const Scenario& s) { return simulateIsolated(s, {}); }

// A run's rows of one of its CSVs, without the header line.
inline std::string csvRows(const std::string& csv) { return csv.substr(csv.find('\n') + 1); }
inline std::string tisCsv(const RunResult& r) { return csvRows(taskInstancesCsv({r})); }
inline std::string timeseriesRows(const RunResult& r) { return csvRows(timeseriesCsv({r})); }
inline std::string poolRows(const RunResult& r) { return csvRows(poolTimeseriesCsv({r})); }
inline std::string scalingRows(const RunResult& r) { return csvRows(scalingCsv({r})); }

// One row of task_instances.csv.
struct TiRow {
  std::string variant, dag, run, task, state;
  int tryNumber = 0;
  double created = -1, scheduled = -1, queued = -1, started = -1, ended = -1;
};

inline double cell(const std::string& s) { return s.empty() ? -1 : std::stod(s); }

inline std::vector<TiRow> parseTis(const std::string& csv) {
  std::vector<TiRow> rows;
  std::istringstream in(csv);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.rfind("variant,", 0) == 0) continue;
    std::vector<std::string> f;
    std::stringstream ls(line);
    std::string x;
    while (std::getline(ls, x, ',')) f.push_back(x);
    while (f.size() < 11) f.push_back("");
    TiRow r{f[0], f[1], f[2], f[3], f[5], std::stoi(f[4]), cell(f[6]), cell(f[7]), cell(f[8]), cell(f[9]), cell(f[10])};
    rows.push_back(r);
  }
  return rows;
}

// The most intervals [begin, end) open at one time.
inline int maxOverlap(std::vector<std::pair<double, double>> intervals) {
  std::vector<std::pair<double, int>> events;
  for (auto& [b, e] : intervals) {
    events.push_back({b, +1});
    events.push_back({e, -1});
  }
  std::sort(events.begin(), events.end(), [](auto& a, auto& b) {
    return a.first < b.first || (a.first == b.first && a.second < b.second);  // ends before starts
  });
  int open = 0, most = 0;
  for (auto& [t, d] : events) most = std::max(most, open += d);
  return most;
}

}  // namespace schedlab::test
