// Airflow's scheduler benchmark, simulated: the mock executor on the performance DAGs' shapes. A
// run of bounded DAG runs ends once they have all finished; the scheduler's throughput is what
// it reports, under both scheduler models.
#include <gtest/gtest.h>

#include <cmath>

#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

const char* kBenchmark = R"(
run: {horizon: 1d, seed: 5, sample_interval: 30s}
scheduler: {client_cost_per_query: 1ms}
executor: {kind: mock}
dags:
  - name: perf
    count: 10
    schedule: 1h
    start_date: -4h
    end_date: -1h
    tasks: [{shape: binary_tree, count: 15, duration: 1h}]
variants:
  - name: airflow2
  - name: airflow1
    scheduler: {model: airflow1}
)";

}  // namespace

TEST(MockBenchmark, EveryRunFinishesAndTheRunEndsAtTheNextSample) {
  for (const Scenario& sc : load(kBenchmark)) {
    SCOPED_TRACE(sc.variant);
    const RunResult r = simulate(sc);
    const auto& m = r.metrics;
    EXPECT_EQ(m["tasks_created"].get<long long>(), 10 * 4 * 15);
    EXPECT_EQ(m["tasks_succeeded"].get<long long>(), 10 * 4 * 15);
    EXPECT_EQ(m["dagruns_succeeded"].get<long long>(), 40);
    // Tasks of an hour each, done in seconds: nothing waited for a worker or ran its duration.
    const double end = r.run["virtual_seconds"].get<double>();
    EXPECT_LT(end, 3600);
    EXPECT_EQ(std::fmod(end, 30.0), 0.0);
    EXPECT_FALSE(m.contains("worker_hours"));
    EXPECT_EQ(m["db_queries_by_type"]["mock_executor_set_state"]["count"].get<long long>(), 2 * 600);
    // At most the whole run's pace, and at least that of the run until its end.
    const double throughput = m["scheduler_throughput_tis_per_s"].get<double>();
    EXPECT_GE(throughput, 600.0 / end);
  }
}

TEST(MockBenchmark, TheAirflow2SchedulerOutrunsTheAirflow1One) {
  const std::vector<Scenario> variants = load(kBenchmark);
  const double a2 = simulate(variants[0]).metrics["scheduler_throughput_tis_per_s"].get<double>();
  const double a1 = simulate(variants[1]).metrics["scheduler_throughput_tis_per_s"].get<double>();
  // 1.10 examines a DAG's runs only when its file is processed (every min_file_process_interval).
  EXPECT_GT(a2, 2 * a1) << a2 << " vs " << a1;
}

TEST(MockBenchmark, DagsThatNeverStopRunToTheHorizon) {
  const Scenario sc = load(R"(
run: {horizon: 30m, seed: 5}
executor: {kind: mock}
dags: [{name: perf, schedule: 5m, tasks: [{shape: linear, count: 5}]}]
)")[0];
  const RunResult r = simulate(sc);
  EXPECT_EQ(r.run["virtual_seconds"].get<double>(), 1800);
  EXPECT_GE(r.metrics["dagruns_succeeded"].get<long long>(), 5);  // due every 5 minutes from 5m
  EXPECT_GT(r.metrics["scheduler_throughput_tis_per_s"].get<double>(), 0);
}
