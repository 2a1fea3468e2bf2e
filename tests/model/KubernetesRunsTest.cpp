// The kubernetes executor in whole runs: tries stuck in queued under 2.x and 3.x, evictions by
// scale-down; each run checked for conservation and no double run.
#include <gtest/gtest.h>

#include "results/MetricSchema.h"
#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

// Three 20-minute tasks in parallel on one 1-core node: the third waits past task_queued_timeout.
std::string stuck(const std::string& model) {
  return R"(
run: {horizon: 3h, seed: 2}
scheduler: {model: )" +
         model + R"(, task_queued_timeout: 10m, task_queued_timeout_check_interval: 1m}
executor:
  kind: kubernetes
  node_pools: [{name: small, cores: 1, memory: 4GiB, nodes: 1, min_nodes: 1, max_nodes: 1}]
dags:
  - name: etl
    schedule: 1h
    task_defaults: {resources: {cpu: 1, memory: 1GiB}, retries: 2, retry_delay: 1m}
    tasks: [{shape: layered, width: 3, depth: 1, duration: 20m}]
)";
}

int count(const std::vector<TiRow>& rows, const std::string& state) {
  int n = 0;
  for (const TiRow& r : rows) n += r.state == state;
  return n;
}

TEST(KubernetesExecutor, Airflow2FailsATryStuckInQueuedAndRetriesIt) {
  const RunResult r = simulate(load(stuck("airflow2"))[0]);
  const auto& m = r.metrics;
  EXPECT_GT(m[metric::kTasksStuckInQueued.name()].get<long long>(), 0);
  EXPECT_EQ(m[metric::kTasksLost.name()].get<long long>(), 0);
  EXPECT_EQ(m[metric::kTasksRunTwiceAtOnce.name()].get<long long>(), 0);
  const std::vector<TiRow> rows = parseTis(tisCsv(r));
  // Each stuck try is a failed try row with no start: up_for_retry while retries remain.
  int neverStarted = 0;
  for (const TiRow& row : rows) neverStarted += row.state == "up_for_retry" && row.started == row.ended;
  EXPECT_GT(neverStarted, 0);
  EXPECT_GT(count(rows, "success"), 0);
}

TEST(KubernetesExecutor, Airflow3RequeuesATryStuckInQueuedTwiceThenFailsIt) {
  const RunResult r = simulate(load(stuck("airflow3"))[0]);
  const auto& m = r.metrics;
  const long long stuckTimes = m[metric::kTasksStuckInQueued.name()].get<long long>();
  EXPECT_GT(stuckTimes, 0);
  EXPECT_EQ(m[metric::kTasksLost.name()].get<long long>(), 0);
  EXPECT_EQ(m[metric::kTasksRunTwiceAtOnce.name()].get<long long>(), 0);
  const std::vector<TiRow> rows = parseTis(tisCsv(r));
  // No retry is spent on a requeue: only a third time stuck fails a task, and then for good.
  EXPECT_EQ(count(rows, "up_for_retry"), 0);
  EXPECT_GT(count(rows, "failed"), 0);
  EXPECT_GE(stuckTimes, 3 * count(rows, "failed"));
}

// Bursts of 4 ten-minute pods on 4-core nodes, the cluster autoscaler removing nodes under half used.
std::string evictions(bool safe) {
  return std::string(R"(
run: {horizon: 4h, seed: 5}
executor:
  kind: kubernetes
  cluster_autoscaler: {scale_down_unneeded_time: 1m, scale_down_delay_after_add: 0s}
  node_pools: [{name: general, cores: 4, memory: 16GiB, nodes: 1, max_nodes: 4, boot_time: 1m, safe_to_evict: )") +
         (safe ? "true" : "false") + R"(}]
dags:
  - name: etl
    schedule: 30m
    task_defaults: {resources: {cpu: 1, memory: 1GiB}, retries: 3, retry_delay: 30s}
    tasks: [{shape: layered, width: 6, depth: 1, duration: {uniform: [2m, 10m]}}]
)";
}

TEST(KubernetesExecutor, ScaleDownEvictsPodsOnlyWhereTheyAreSafeToEvictAndTheirTriesComeBack) {
  const RunResult kept = simulate(load(evictions(false))[0]);
  const RunResult evicted = simulate(load(evictions(true))[0]);
  EXPECT_EQ(kept.metrics[metric::kPodsKilledByScaleDown.name()].get<long long>(), 0);
  const long long killed = evicted.metrics[metric::kPodsKilledByScaleDown.name()].get<long long>();
  EXPECT_GT(killed, 0);
  for (const RunResult* r : {&kept, &evicted}) {
    EXPECT_EQ(r->metrics[metric::kTasksLost.name()].get<long long>(), 0);
    EXPECT_EQ(r->metrics[metric::kTasksRunTwiceAtOnce.name()].get<long long>(), 0);
  }
  // Each evicted try failed and was retried (nothing else fails here).
  const std::vector<TiRow> rows = parseTis(tisCsv(evicted));
  EXPECT_EQ(count(rows, "up_for_retry") + count(rows, "failed"), killed);
  EXPECT_EQ(count(parseTis(tisCsv(kept)), "up_for_retry"), 0);
}

}  // namespace

namespace {

// An hourly DAG of a light task and a heavy one, on Celery workers and pods together.
std::string hybrid(const std::string& executor, const std::string& heavy) {
  return R"(
run: {horizon: 3.5h, seed: 4}
executor:
  )" + executor +
         R"(
  workers: 1
  worker_concurrency: 4
  node_pools: [{name: nodes, cores: 4, memory: 16GiB, nodes: 0, max_nodes: 2, boot_time: 1m}]
dags:
  - name: etl
    schedule: 1h
    tasks:
      - {id: light, duration: 1m}
      - {id: heavy, duration: 5m, resources: {cpu: 2, memory: 4GiB}, )" +
         heavy + R"(}
)";
}

}  // namespace

TEST(KubernetesExecutor, SeveralExecutorsRunEachTaskOnItsOwn) {
  // CeleryKubernetesExecutor: the heavy task's queue goes to pods; AIP-61: its executor: does.
  for (const auto& [executor, heavy] :
       {std::pair<std::string, std::string>{"kind: celery_kubernetes", "queue: kubernetes"},
        {"kind: [celery, kubernetes]", "executor: kubernetes"}}) {
    const RunResult r = simulate(load(hybrid(executor, heavy))[0]);
    const auto& m = r.metrics;
    SCOPED_TRACE(executor);
    EXPECT_EQ(m[metric::kTriesByExecutor.name()]["celery"].get<long long>(), 3);
    EXPECT_EQ(m[metric::kTriesByExecutor.name()]["kubernetes"].get<long long>(), 3);
    EXPECT_EQ(m[metric::kPodStartLatency.name()]["count"].get<long long>(), 3);  // only the heavy ones
    EXPECT_EQ(m[metric::kTasksSucceeded.name()].get<long long>(), 6);
    EXPECT_EQ(m[metric::kTasksLost.name()].get<long long>(), 0);
    EXPECT_EQ(m[metric::kTasksRunTwiceAtOnce.name()].get<long long>(), 0);
    // Both kinds of pool report, under their own names.
    EXPECT_TRUE(r.metricsByPool.contains("default"));
    EXPECT_TRUE(r.metricsByPool["nodes"].contains(metric::kNodeHours.name()));
    // The heavy try ran on a node (the runtime's hosts after the Celery worker's), the light on the worker.
    for (const TiRow& row : parseTis(tisCsv(r))) EXPECT_EQ(row.state, "success");
    const std::string csv = tisCsv(r);
    EXPECT_NE(csv.find(",heavy,1,success,"), std::string::npos);
    EXPECT_NE(csv.find("nodes-1"), std::string::npos) << csv;
    EXPECT_NE(csv.find("default-1"), std::string::npos) << csv;
  }
}
