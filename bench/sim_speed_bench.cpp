// Simulator speed: how many times faster than real time the default scenario runs.
//
//   build/bench/sim_speed_bench --benchmark_filter=Week --benchmark_out=speed.json
//
// Each iteration simulates one variant in its own process (as `schedlab run` does) and reports
// the simulation's own wall time, so process start-up and result transfer are not counted.
// Counters: realtime_factor (virtual s per wall s), task_instances_per_s, events_per_s.
// The target for BluevineWeek/per_dag is realtime_factor >= 10080 (a week in under a minute),
// best of 3 (the "min" statistic of wall time).
#include <benchmark/benchmark.h>

#include <algorithm>

#include "engine/Isolated.h"
#include "engine/Simulation.h"
#include "scenario/ScenarioLoader.h"

using namespace schedlab;

namespace {

void simulateVariant(benchmark::State& state, const std::string& variant, const std::string& horizon) {
  auto scenarios = loadScenario(
      {std::string(SCHEDLAB_SCENARIOS) + "/bluevine-onboarding.yaml", {"run.horizon=" + horizon}, {variant}});
  const Scenario& s = scenarios.front();
  double tis = 0, events = 0, wall = 0;
  for (auto _ : state) {
    auto sim = nlohmann::json::parse(runIsolated([&] { return runSimulation(s, {}).run.dump(); }));
    double w = sim["wall_seconds"].get<double>();
    state.SetIterationTime(w);
    wall += w;
    tis += sim["task_instances"].get<double>();
    events += sim["events"].get<double>();
  }
  double n = static_cast<double>(state.iterations());
  state.counters["realtime_factor"] = s.run.horizon * n / wall;
  state.counters["task_instances_per_s"] = tis / wall;
  state.counters["events_per_s"] = events / wall;
  state.counters["virtual_s"] = s.run.horizon;
}

double minimum(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

}  // namespace

BENCHMARK_CAPTURE(simulateVariant, BluevineDay / per_dag, "per_dag", "1d")
    ->UseManualTime()
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(simulateVariant, BluevineDay / per_task, "per_task", "1d")
    ->UseManualTime()
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(simulateVariant, BluevineWeek / per_dag, "per_dag", "7d")
    ->UseManualTime()
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->Repetitions(3)
    ->ComputeStatistics("min", minimum);

BENCHMARK_MAIN();
