#include "results/Summary.h"

#include <filesystem>

#include "results/MetricSchema.h"

namespace schedlab {
namespace {

// An SLA's limit or value in its metric's unit.
std::string fmtLimit(const std::string& path, double v) {
  const Metric* m = metricOfPath(path);
  return formatValue(m ? m->unit : Unit::Count, v);
}

// A latency statistic, or "-" when nothing was measured.
std::string fmtStat(const nlohmann::json& summary, const char* stat) {
  return summary.value("count", 0) > 0 ? formatValue(Unit::Seconds, summary[stat].get<double>()) : "-";
}

// A 0-1 figure as a percentage, "-" when it was not measured (a live run on a --pg server).
std::string fmtRatio(const nlohmann::json& scope, const Metric& m) {
  const std::string key(m.key);
  if (!scope.contains(key) || !scope[key].is_number()) return "-";
  return formatValue(Unit::Ratio, scope[key].get<double>());
}

void printSlas(std::FILE* out, const nlohmann::json& results) {
  const auto& first = results["variants"][0];
  for (size_t k = 0; k < first.value("slas", nlohmann::json::array()).size(); ++k) {
    std::string met, missed;
    for (const auto& v : results["variants"]) {
      std::string& list = v["slas"][k]["met"].get<bool>() ? met : missed;
      list += (list.empty() ? "" : ", ") + v["name"].get<std::string>();
    }
    const auto& sla = first["slas"][k];
    const std::string metric = sla["metric"];
    std::fprintf(out, "SLA %s (%s %s %s): met by %s; missed by %s\n", sla["name"].get<std::string>().c_str(),
                 metric.c_str(), sla.contains("max") ? "<=" : ">=",
                 fmtLimit(metric, (sla.contains("max") ? sla["max"] : sla["min"]).get<double>()).c_str(),
                 met.empty() ? "none" : met.c_str(), missed.empty() ? "none" : missed.c_str());
  }
}

void printScope(std::FILE* out, const std::string& label, const nlohmann::json& m) {
  std::fprintf(out, "%-22s %14s %14s %14s %12.1f %9s %10s", label.c_str(),
               fmtStat(m[metric::kTaskTransitionLatency.key], "p50").c_str(),
               fmtStat(m[metric::kTaskTransitionLatency.key], "p95").c_str(),
               fmtStat(m[metric::kSchedulerLoopDuration.key], "mean").c_str(),
               m[metric::kDbQueriesPerLoop.key]["mean"].get<double>(), fmtRatio(m, metric::kDbCpuUtilization).c_str(),
               fmtRatio(m, metric::kDbCacheHitRatio).c_str());
}

}  // namespace

void printSummary(std::FILE* out, const nlohmann::json& results, const std::string& dir) {
  std::fprintf(out, "%-22s %14s %14s %14s %12s %9s %10s %18s\n", "variant", "transition p50", "transition p95",
               "loop mean", "queries/loop", "DB CPU", "DB cache", "tasks ok/fail/lost");
  for (const auto& v : results["variants"]) {
    const auto& m = v["metrics"];
    char tasks[64];
    std::snprintf(tasks, sizeof tasks, "%lld/%lld/%lld", m[metric::kTasksSucceeded.key].get<long long>(),
                  m[metric::kTasksFailed.key].get<long long>(), m[metric::kTasksLost.key].get<long long>());
    printScope(out, v["name"].get<std::string>(), m);
    std::fprintf(out, " %18s\n", tasks);
    // Several schedulers: one line each, their DAGs' latencies, their loop and their DB.
    const auto& byInstance = v.value("metrics_by_instance", nlohmann::json::object());
    if (byInstance.size() < 2) continue;
    for (const auto& inst : v["config"]["instances"]) {  // in the scenario's order
      const std::string name = inst["name"];
      const auto& im = byInstance[name];
      printScope(out, "  " + name + (im.value(metric::kMetadb.name(), "") == "own" ? " (own DB)" : ""), im);
      std::fprintf(out, "\n");
    }
  }
  // The mock executor's figure: the scheduler's own throughput.
  for (const auto& v : results["variants"]) {
    const auto& m = v["metrics"];
    const std::string key(metric::kSchedulerThroughput.key);
    if (m.contains(key) && m[key].is_number())
      std::fprintf(out, "%s: scheduler throughput %.1f task instances/s (executor mock)\n",
                   v["name"].get<std::string>().c_str(), m[key].get<double>());
  }
  // airflow3: its API server.
  for (const auto& v : results["variants"]) {
    const auto& m = v["metrics"];
    if (!m.contains(metric::kApiRequestLatency.key)) continue;
    std::fprintf(
        out, "%s: API server %s busy, request p50 %s p95 %s, %lld failed attempts, %lld tries failed on heartbeats\n",
        v["name"].get<std::string>().c_str(), fmtRatio(m, metric::kApiServerUtilization).c_str(),
        fmtStat(m[metric::kApiRequestLatency.key], "p50").c_str(),
        fmtStat(m[metric::kApiRequestLatency.key], "p95").c_str(), m[metric::kApiRequestFailures.key].get<long long>(),
        m[metric::kTriesFailedOnHeartbeats.key].get<long long>());
  }
  // The triggerer, where one ran.
  for (const auto& v : results["variants"]) {
    const auto& m = v["metrics"];
    if (!m.contains(metric::kDeferredTries.key)) continue;
    std::fprintf(out, "%s: triggerer %s full, %lld tries deferred, trigger delay p50 %s p95 %s, %lld timed out\n",
                 v["name"].get<std::string>().c_str(), fmtRatio(m, metric::kTriggererOccupancy).c_str(),
                 m[metric::kDeferredTries.key].get<long long>(), fmtStat(m[metric::kTriggerDelay.key], "p50").c_str(),
                 fmtStat(m[metric::kTriggerDelay.key], "p95").c_str(),
                 m[metric::kTriggerTimeouts.key].get<long long>());
  }
  // The kubernetes executor: a pod's start and its parts at p50, the nodes and what they cost.
  for (const auto& v : results["variants"]) {
    const auto& m = v["metrics"];
    if (!m.contains(metric::kPodStartLatency.key)) continue;
    std::string cost;
    for (const auto& [pool, pm] : v["metrics_by_pool"].items())
      if (pm.contains(metric::kCost.key)) {
        char c[96];
        std::snprintf(c, sizeof c, ", cost %.2f on %s", pm[metric::kCost.key].get<double>(), pool.c_str());
        cost += c;
      }
    std::fprintf(out,
                 "%s: pod start p50 %s p95 %s (p50 api %s, pending %s, image %s, container %s), %.2f node-hours%s, "
                 "%lld pods evicted, %lld stuck in queued\n",
                 v["name"].get<std::string>().c_str(), fmtStat(m[metric::kPodStartLatency.key], "p50").c_str(),
                 fmtStat(m[metric::kPodStartLatency.key], "p95").c_str(),
                 fmtStat(m[metric::kPodApi.key], "p50").c_str(), fmtStat(m[metric::kPodPending.key], "p50").c_str(),
                 fmtStat(m[metric::kPodImagePull.key], "p50").c_str(),
                 fmtStat(m[metric::kPodContainerStart.key], "p50").c_str(), m[metric::kNodeHours.key].get<double>(),
                 cost.c_str(), m[metric::kPodsKilledByScaleDown.key].get<long long>(),
                 m[metric::kTasksStuckInQueued.key].get<long long>());
  }
  // Assets, where a DAG is scheduled on them.
  for (const auto& v : results["variants"]) {
    const auto& m = v["metrics"];
    if (!m.contains(metric::kAssetEvents.key)) continue;
    const auto& perRun = m[metric::kAssetEventsPerRun.key];
    std::fprintf(out, "%s: %lld asset events, %lld asset-triggered runs reading %.1f events each (max %.0f)\n",
                 v["name"].get<std::string>().c_str(), m[metric::kAssetEvents.key].get<long long>(),
                 m[metric::kAssetTriggeredRuns.key].get<long long>(), perRun.value("mean", 0.0),
                 perRun.value("max", 0.0));
  }
  printSlas(out, results);
  std::fprintf(out, "results: %s\n", (std::filesystem::path(dir) / "results.json").string().c_str());
}

}  // namespace schedlab
