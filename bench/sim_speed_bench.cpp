// Simulator speed: how many times faster than real time the shipped scenarios run, and how the
// cost of a simulated task instance grows with the horizon and the DAG count.
//
//   build/bench/sim_speed_bench --benchmark_filter=Week --benchmark_out=speed.json
//   build/bench/sim_speed_bench --benchmark_filter=Scale
//
// Each iteration simulates one variant in its own process (as `schedlab run` does) and reports
// the simulation's own wall time, so process start-up and result transfer are not counted.
// Counters: realtime_factor (virtual s per wall s), task_instances_per_s, events_per_s,
// peak_rss_bytes (the simulating process's high-water mark).
// Targets: BluevineWeek/per_dag realtime_factor >= 60480 (a week in 10 s), best of 3 (the "min"
// statistic of wall time); Scale/<horizon>/<DAGs>: task_instances_per_s flat, within 1.25x from
// 1 h to 24 h and 1.5x from 100 to 2,000 DAGs, and scale.yaml's day >= 100,000 per s.
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/Isolated.h"
#include "engine/Simulation.h"
#include "scenario/ScenarioLoader.h"

using namespace schedlab;

namespace {

void simulate(benchmark::State& state, const std::string& file, const std::vector<std::string>& sets,
              const std::string& variant) {
  auto scenarios = loadScenario({std::string(SCHEDLAB_SCENARIOS) + "/" + file, sets, {variant}});
  const Scenario& s = scenarios.front();
  double tis = 0, events = 0, wall = 0, rss = 0;
  for (auto _ : state) {
    auto sim = nlohmann::json::parse(runIsolated([&] {
      nlohmann::json run = runSimulation(s, {}).run;
      rusage usage{};
      getrusage(RUSAGE_SELF, &usage);
      run["peak_rss_bytes"] = static_cast<double>(usage.ru_maxrss) * 1024.0;  // Linux: kilobytes
      return run.dump();
    }));
    double w = sim["wall_seconds"].get<double>();
    state.SetIterationTime(w);
    wall += w;
    tis += sim["task_instances"].get<double>();
    events += sim["events"].get<double>();
    rss = std::max(rss, sim["peak_rss_bytes"].get<double>());
  }
  double n = static_cast<double>(state.iterations());
  state.counters["realtime_factor"] = s.run.horizon * n / wall;
  state.counters["task_instances_per_s"] = tis / wall;
  state.counters["events_per_s"] = events / wall;
  state.counters["virtual_s"] = s.run.horizon;
  state.counters["task_instances"] = tis / n;
  state.counters["peak_rss_bytes"] =
      benchmark::Counter(rss, benchmark::Counter::kDefaults, benchmark::Counter::kIs1024);
}

// Without task_instances.csv, as the targets are stated (a benchmark run has nowhere to stream it,
// so with it on it would hold every try's row).
void simulateVariant(benchmark::State& state, const std::string& variant, const std::string& horizon) {
  simulate(state, "bluevine-onboarding.yaml", {"run.horizon=" + horizon, "run.task_instances_csv=false"}, variant);
}

// scenarios/scale.yaml's one scheduler over `horizon` with `dags` DAGs (same tasks per DAG).
void simulateScale(benchmark::State& state, const std::string& horizon, int dags) {
  simulate(state, "scale.yaml", {"run.horizon=" + horizon, "dags.etl.count=" + std::to_string(dags)}, "one_scheduler");
}

double minimum(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

}  // namespace

// The default scenario: BluevineDay/per_dag, BluevineDay/per_task, BluevineWeek/per_dag (best of 3).
const bool kBluevine = [] {
  for (const char* variant : {"per_dag", "per_task"})
    benchmark::RegisterBenchmark((std::string("BluevineDay/") + variant).c_str(),
                                 [variant](benchmark::State& state) { simulateVariant(state, variant, "1d"); })
        ->UseManualTime()
        ->Unit(benchmark::kSecond)
        ->Iterations(1);
  benchmark::RegisterBenchmark("BluevineWeek/per_dag",
                               [](benchmark::State& state) { simulateVariant(state, "per_dag", "7d"); })
      ->UseManualTime()
      ->Unit(benchmark::kSecond)
      ->Iterations(1)
      ->Repetitions(3)
      ->ComputeStatistics("min", minimum);
  return true;
}();

// The scaling family, horizon x DAG count: Scale/<horizon>/<DAGs>.
const bool kScaleFamily = [] {
  const std::pair<const char*, int> points[] = {{"1h", 100},  {"1h", 500},  {"1h", 1000},
                                                {"1h", 2000}, {"6h", 1000}, {"24h", 1000}};
  for (const auto& [horizon, dags] : points) {
    const std::string h = horizon;
    const int n = dags;
    benchmark::RegisterBenchmark(("Scale/" + h + "/" + std::to_string(n)).c_str(),
                                 [h, n](benchmark::State& state) { simulateScale(state, h, n); })
        ->UseManualTime()
        ->Unit(benchmark::kSecond)
        ->Iterations(1);
  }
  return true;
}();

BENCHMARK_MAIN();
