// Worker pools and queues: a try runs only on a pool serving its task's queue, never more than
// worker_concurrency at once on a host, and CPU-heavy tries share their host's cores.
#include <gtest/gtest.h>

#include <map>

#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

// hostname is the 12th column of task_instances.csv.
std::vector<std::pair<TiRow, std::string>> rowsWithHosts(const std::string& csv) {
  std::vector<std::pair<TiRow, std::string>> out;
  std::vector<TiRow> rows = parseTis(csv);
  std::istringstream in(csv);
  std::string line;
  size_t i = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
    out.push_back({rows[i++], f.size() > 11 ? f[11] : ""});
  }
  return out;
}

}  // namespace

TEST(WorkerPools, ATryRunsOnlyOnAPoolServingItsQueue) {
  auto s = load(R"(
run: {horizon: 2h, seed: 5}
executor:
  pools:
    - {name: cpu, queues: [crunch], workers: 2, worker_concurrency: 2, cores: 2, hardware: c5.xlarge}
    - {name: io, queues: [default, poll], workers: 1, worker_concurrency: 8}
dags:
  - name: mixed
    count: 3
    schedule: 10m
    tasks:
      - {id: fetch, queue: poll, duration: 30s}
      - {id: crunch, queue: crunch, deps: [fetch], cpu: 1, duration: 60s}
      - {id: store, deps: [crunch], duration: 10s}
)")[0];
  auto out = simulate(s);
  int checked = 0;
  for (auto& [r, host] : rowsWithHosts(tisCsv(out))) {
    if (r.started < 0) continue;
    ++checked;
    if (r.task == "crunch")
      EXPECT_EQ(host.rfind("cpu-", 0), 0u) << host;
    else
      EXPECT_EQ(host, "io-1");
  }
  EXPECT_GT(checked, 30);
  const auto& pools = out.metricsByPool;
  EXPECT_GT(pools["cpu"]["tries_run"].get<long long>(), 10);
  EXPECT_GT(pools["io"]["tries_run"].get<long long>(), 20);
  EXPECT_DOUBLE_EQ(out.metrics["worker_hours_by_pool"]["cpu"].get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(out.metrics["worker_hours_by_pool"]["io"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(out.metrics["worker_hours"].get<double>(), 6.0);
  // The CPU pool computed; the I/O pool only waited.
  EXPECT_GT(pools["cpu"]["worker_cpu_utilization"].get<double>(), 0.05);
  EXPECT_EQ(pools["io"]["worker_cpu_utilization"].get<double>(), 0.0);
}

TEST(WorkerPools, AWorkerNeverRunsMoreThanItsConcurrency) {
  auto s = load(R"(
run: {horizon: 1h, seed: 2}
executor: {workers: 2, worker_concurrency: 3}
dags:
  - name: wide
    schedule: 5m
    tasks:
      - {shape: layered, width: 20, depth: 1, duration: {exponential: 40s}}
)")[0];
  auto out = simulate(s);
  std::map<std::string, std::vector<std::pair<double, double>>> byHost;
  for (auto& [r, host] : rowsWithHosts(tisCsv(out)))
    if (r.started >= 0) byHost[host].push_back({r.started, r.ended < 0 ? s.run.horizon : r.ended});
  ASSERT_EQ(byHost.size(), 2u);
  for (auto& [host, intervals] : byHost) EXPECT_EQ(maxOverlap(intervals), 3) << host;
}

TEST(WorkerPools, CpuHeavyTriesShareTheirHostsCores) {
  // Four tries of 10 s of CPU each on one host: alone on 4 cores they take 10 s; on 2 cores
  // they share them and take 20 s; tries that only wait take 10 s whatever the cores.
  auto run = [](int cores, double cpu) {
    auto s = load(R"(
run: {horizon: 9m, seed: 1}
executor: {pools: [{name: box, workers: 1, worker_concurrency: 4, cores: )" +
                  std::to_string(cores) + R"(}]}
dags:
  - name: four
    schedule: 5m
    tasks:
      - {shape: layered, width: 4, depth: 1, cpu: )" +
                  std::to_string(cpu) + R"(, duration: 10s}
)")[0];
    auto rows = parseTis(tisCsv(simulate(s)));
    double longest = 0;
    int ran = 0;
    for (auto& r : rows)
      if (r.ended >= 0) {
        longest = std::max(longest, r.ended - r.started);
        ++ran;
      }
    EXPECT_EQ(ran, 4);
    return longest;
  };
  const double worker = 0.02;  // LocalTaskJob's start and finish queries are part of a try's time
  EXPECT_NEAR(run(4, 1), 10, worker);
  EXPECT_NEAR(run(2, 1), 20, worker);
  EXPECT_NEAR(run(2, 0), 10, worker);
  EXPECT_NEAR(run(2, 0.5), 15, worker);  // 5 s of waiting each, then 5 s of CPU shared two to a core
}

TEST(WorkerPools, QueuesAndPoolsAreValidated) {
  const std::string dag = "\ndags: [{name: d, schedule: 1h, tasks: [{id: a, queue: gpu}]}]\n";
  expectLoadError("executor: {pools: [{name: cpu, queues: [cpu]}]}" + dag,
                  "dags.d.tasks.a.queue: no worker pool serves queue 'gpu'");
  expectLoadError("executor: {workers: 2, pools: [{name: cpu}]}" + dag, "executor.workers: give either workers");
  expectLoadError("executor: {pools: [{name: p, task_start: thread}]}" + dag,
                  "'thread' is not one of: fork, interpreter");
  expectLoadError("executor: {pools: [{name: p}, {name: p}]}" + dag, "duplicate worker pool 'p'");
  expectLoadError("dags: [{name: d, schedule: 1h, tasks: [{id: a, cpu: 2}]}]\n",
                  "dags.d.tasks[0].cpu: must be at most 1");
  // A pool without queues serves every queue; task_start names the start-up cost.
  auto s = load("executor: {pools: [{name: any, task_start: interpreter}]}" + dag)[0];
  EXPECT_DOUBLE_EQ(s.executor.pools[0].taskStartOverhead, 1.5);
  EXPECT_EQ(s.executor.pools[0].cores, 16);
}
