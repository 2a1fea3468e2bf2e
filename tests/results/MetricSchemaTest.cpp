// The result schema names every metric a run writes, once, with its unit and direction; `check`
// gates in its order; formatting follows the unit.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "gate/RegressionCheck.h"
#include "results/MetricSchema.h"
#include "support/TestSupport.h"

using namespace schedlab;

namespace {

// Keys that shape a section rather than name a metric.
const std::set<std::string> kStructure = {"kind", "during", "after", "from_s", "to_s", "mode"};

// Every key of a metrics scope must be a metric of the schema allowed in that scope.
void expectKnown(const nlohmann::json& scope, unsigned where, const std::string& at) {
  for (auto& [key, value] : scope.items()) {
    if (kStructure.count(key)) continue;
    const Metric* m = findMetric(key);
    ASSERT_NE(m, nullptr) << at << "." << key << " is not in the result schema";
    EXPECT_TRUE(m->scopes & where) << at << "." << key << " is not declared for this scope";
  }
}

// A small run that writes every kind of metric: priced pools, a scheduler crash, a refusing
// failover, a worker crash, archiving, SLAs.
const char* kEverything = R"(
run: {horizon: 2h, warmup: 10m, seed: 3}
scheduler: {price_per_host_hour: 0.2}
metadb: {price_per_core_hour: 0.05}
monitoring: {alert_poll_interval: 1m, alert_threshold: 5m}
archiving: {interval: 30m, retention: 30m}
executor:
  pools:
    - {name: cpu, workers: 2, worker_concurrency: 4, price_per_worker_hour: 0.1}
faults:
  - {kind: scheduler_crash, at: 40m, restart_after: 5m}
  - {kind: db_failover, at: 70m, duration: 30s, mode: error}
  - {kind: worker_crash, at: 90m, pool: cpu, count: 1}
dags:
  - name: etl
    schedule: 10m
    sla: 5m
    tasks: [{shape: chain, count: 3, duration: 20s}]
)";

}  // namespace

TEST(MetricSchema, KeysAreUniqueAndEachHasAUnitAndAMeaning) {
  std::set<std::string> seen;
  for (const Metric* m : metricSchema()) {
    EXPECT_TRUE(seen.insert(std::string(m->key)).second) << m->key << " twice";
    EXPECT_FALSE(m->meaning.empty()) << m->key;
    EXPECT_NE(m->scopes, 0u) << m->key;
    EXPECT_EQ(findMetric(m->key), m);
  }
  EXPECT_EQ(findMetric("no_such_metric"), nullptr);
}

TEST(MetricSchema, AMetricIsFoundFromAnyPathEndingInIt) {
  EXPECT_EQ(metricOfPath("metrics_by_dag.etl.task_transition_latency_s.p95"), &metric::kTaskTransitionLatency);
  EXPECT_EQ(metricOfPath("metrics.db_rows.task_instance.max"), &metric::kDbRows);
  EXPECT_EQ(metricOfPath("metrics.by_fault.crash.during.sla_misses"), &metric::kSlaMisses);
  EXPECT_EQ(metricOfPath("metrics.nothing"), nullptr);
  EXPECT_EQ(runPath(metric::kDbSizeBytes, "max"), "metrics.db_size_bytes.max");
}

TEST(MetricSchema, FiguresAreFormattedByTheirUnit) {
  EXPECT_EQ(formatValue(Unit::Seconds, 0.25), "250.0 ms");
  EXPECT_EQ(formatValue(Unit::Seconds, 3), "3.00 s");
  EXPECT_EQ(formatValue(Unit::Seconds, 7200), "2.00 h");
  EXPECT_EQ(formatValue(Unit::Ratio, 0.953), "95.3%");
  EXPECT_EQ(formatValue(Unit::Count, 12), "12");
  EXPECT_EQ(formatValue(Unit::PerSecond, 144.21), "144.2 /s");
}

TEST(MetricSchema, EveryMetricARunWritesIsInTheSchema) {
  RunResult r = test::simulate(test::load(kEverything)[0]);
  expectKnown(r.metrics, kRunScope, "metrics");
  ASSERT_TRUE(r.metrics.contains("by_fault"));
  ASSERT_EQ(r.metrics["by_fault"].size(), 3u);
  for (auto& [name, fault] : r.metrics["by_fault"].items()) {
    expectKnown(fault, kFaultScope, "by_fault." + name);
    expectKnown(fault["during"], kFaultScope, "by_fault." + name + ".during");
  }
  for (auto& [name, scope] : r.metricsByDag.items()) expectKnown(scope, kDagScope, "metrics_by_dag." + name);
  for (auto& [name, scope] : r.metricsByInstance.items())
    expectKnown(scope, kInstanceScope, "metrics_by_instance." + name);
  for (auto& [name, scope] : r.metricsByPool.items()) expectKnown(scope, kPoolScope, "metrics_by_pool." + name);
  // The mock executor's run writes its own figure, and the Celery metrics not.
  RunResult mock = test::simulate(test::load(R"(
executor: {kind: mock}
dags: [{name: etl, schedule: "@once", tasks: [{shape: linear, count: 3}]}]
)")[0]);
  expectKnown(mock.metrics, kRunScope, "metrics");
  EXPECT_FALSE(mock.metrics.contains(std::string(metric::kWorkerHours.key)));
  // airflow3's run writes its API server's figures, the others not.
  RunResult a3 = test::simulate(test::load(R"(
scheduler: {model: airflow3}
dags:
  - {name: etl, schedule: "@once", tasks: [{shape: linear, count: 3, defer: {after: 1s, for: 1m}, outlets: [a]}]}
  - {name: next, schedule: {assets: [a]}, tasks: [{id: t}]}
)")[0]);
  expectKnown(a3.metrics, kRunScope, "metrics");
  EXPECT_FALSE(r.metrics.contains(std::string(metric::kApiServerUtilization.key)));
  EXPECT_FALSE(r.metrics.contains(std::string(metric::kDeferredTries.key)));  // no triggerer without deferral
  // Pods beside Celery write their pods' and nodes' figures, per node pool too, and each executor's tries.
  RunResult k8s = test::simulate(test::load(R"(
run: {horizon: 1h}
executor: {kind: celery_kubernetes}
dags: [{name: etl, schedule: 10m, tasks: [{shape: linear, count: 3}, {id: pod, queue: kubernetes}]}]
)")[0]);
  expectKnown(k8s.metrics, kRunScope, "metrics");
  for (auto& [name, scope] : k8s.metricsByPool.items()) expectKnown(scope, kPoolScope, "metrics_by_pool." + name);
  EXPECT_FALSE(r.metrics.contains(std::string(metric::kNodeHours.key)));
  // And the runs wrote every metric the schema declares for the run's own scope.
  for (const Metric* m : metricSchema()) {
    if (m == &metric::kDbActiveBackendsByWaitEvent) continue;  // live runs' only (LiveRunTest)
    if (m->scopes & kRunScope) {
      const std::string key(m->key);
      EXPECT_TRUE(r.metrics.contains(key) || mock.metrics.contains(key) || a3.metrics.contains(key) ||
                  k8s.metrics.contains(key))
          << m->key << " not written";
    }
  }
  EXPECT_TRUE(mock.metrics[metric::kSchedulerThroughput.key].is_number());
}

TEST(MetricSchema, TheGateComparesTheGatedMetricsInTheSchemasOrder) {
  RunResult r = test::simulate(test::load(kEverything)[0]);
  const std::vector<GatedMetric> gated = gatedMetrics(variantJson(r));
  std::vector<std::string> runScope;
  for (const auto& g : gated)
    if (g.path.rfind("metrics.", 0) == 0) runScope.push_back(g.path);
  ASSERT_FALSE(runScope.empty());
  EXPECT_EQ(runScope.front(), "metrics.task_transition_latency_s.mean");
  EXPECT_EQ(runScope.back(), "metrics.tasks_succeeded");
  for (const auto& g : gated) {
    const Metric* m = metricOfPath(g.path);
    ASSERT_NE(m, nullptr) << g.path;
    EXPECT_TRUE(m->gated) << g.path;
    EXPECT_EQ(g.higherIsWorse, m->better == Better::Lower) << g.path;
  }
}
