#include "results/RunResult.h"

namespace schedlab {

// Rows cross as arrays in their fields' order: compact, and doubles round-trip exactly.
namespace {

nlohmann::json rowsOf(const std::vector<TaskTryRow>& rows) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& r : rows)
    a.push_back({r.dagId, r.runId, r.taskId, r.tryNumber, r.state, r.created, r.scheduled, r.queued, r.started, r.ended,
                 r.hostname, r.queuedBy});
  return a;
}

nlohmann::json rowsOf(const std::vector<TimeSeriesRow>& rows) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& r : rows)
    a.push_back({r.time, r.loopDuration, r.queriesPerLoop, r.dbUtilization, r.queueDepth, r.runningTasks,
                 r.busyWorkers, r.dbSizeBytes, r.taskInstanceRows, r.dbCacheHitRatio});
  return a;
}

nlohmann::json rowsOf(const std::vector<PoolSampleRow>& rows) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& r : rows) a.push_back({r.time, r.pool, r.workers, r.workersUp, r.queueDepth, r.inFlight, r.cpu});
  return a;
}

nlohmann::json rowsOf(const std::vector<ScalingRow>& rows) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& r : rows)
    a.push_back({r.time, r.pool, r.out, r.before, r.after, r.queueDepth, r.inFlight, r.cpu});
  return a;
}

}  // namespace

nlohmann::json RunResult::toJson() const {
  return {{"variant", variant},
          {"description", description},
          {"config", config},
          {"metrics", metrics},
          {"metrics_by_dag", metricsByDag},
          {"metrics_by_instance", metricsByInstance},
          {"metrics_by_pool", metricsByPool},
          {"sample_runs", sampleRuns},
          {"run", run},
          {"tries", rowsOf(tries)},
          {"timeseries", rowsOf(timeseries)},
          {"pool_samples", rowsOf(poolSamples)},
          {"scaling", rowsOf(scaling)}};
}

RunResult RunResult::fromJson(const nlohmann::json& j) {
  RunResult r;
  r.variant = j.at("variant");
  r.description = j.at("description");
  r.config = j.at("config");
  r.metrics = j.at("metrics");
  r.metricsByDag = j.at("metrics_by_dag");
  r.metricsByInstance = j.at("metrics_by_instance");
  r.metricsByPool = j.at("metrics_by_pool");
  r.sampleRuns = j.at("sample_runs");
  r.run = j.at("run");
  for (const auto& a : j.at("tries"))
    r.tries.push_back({a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]});
  for (const auto& a : j.at("timeseries"))
    r.timeseries.push_back({a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]});
  for (const auto& a : j.at("pool_samples")) r.poolSamples.push_back({a[0], a[1], a[2], a[3], a[4], a[5], a[6]});
  for (const auto& a : j.at("scaling")) r.scaling.push_back({a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]});
  return r;
}

}  // namespace schedlab
