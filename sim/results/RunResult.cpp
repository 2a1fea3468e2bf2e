#include "results/RunResult.h"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace schedlab {

// The small tables cross as arrays in their fields' order; doubles round-trip exactly.
namespace {

// The per-try table can hold millions of rows: it crosses as one string, a line per row, strings
// length-prefixed and doubles in %.17g (exact), rather than as a JSON tree of every cell.
void putText(std::string& out, const std::string& v) {
  out += std::to_string(v.size());
  out += ':';
  out += v;
}

void putNumber(std::string& out, double v) {
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%.17g ", v);
  out.append(buf, static_cast<size_t>(n));
}

std::string encodeTries(const std::vector<TaskTryRow>& rows) {
  std::string out;
  for (const auto& r : rows) {
    putText(out, r.dagId);
    putText(out, r.runId);
    putText(out, r.taskId);
    putText(out, r.state);
    putText(out, r.hostname);
    putText(out, r.queuedBy);
    putNumber(out, r.tryNumber);
    for (double t : {r.created, r.scheduled, r.queued, r.started, r.ended}) putNumber(out, t);
    out += '\n';
  }
  return out;
}

class TriesDecoder {
 public:
  explicit TriesDecoder(const std::string& text) : p_(text.c_str()), end_(p_ + text.size()) {}
  std::vector<TaskTryRow> rows() {
    std::vector<TaskTryRow> out;
    while (p_ < end_) {
      TaskTryRow r;
      r.dagId = text();
      r.runId = text();
      r.taskId = text();
      r.state = text();
      r.hostname = text();
      r.queuedBy = text();
      r.tryNumber = static_cast<int>(number());
      r.created = number();
      r.scheduled = number();
      r.queued = number();
      r.started = number();
      r.ended = number();
      if (p_ >= end_ || *p_++ != '\n') throw std::runtime_error("run result: a malformed per-try row");
      out.push_back(std::move(r));
    }
    return out;
  }

 private:
  std::string text() {
    char* after = nullptr;
    const unsigned long long n = std::strtoull(p_, &after, 10);
    if (after == p_ || after >= end_ || *after != ':' || n > static_cast<unsigned long long>(end_ - after - 1))
      throw std::runtime_error("run result: a malformed per-try row");
    std::string v(after + 1, static_cast<size_t>(n));
    p_ = after + 1 + n;
    return v;
  }
  double number() {
    char* after = nullptr;
    const double v = std::strtod(p_, &after);
    if (after == p_ || after >= end_ || *after != ' ') throw std::runtime_error("run result: a malformed per-try row");
    p_ = after + 1;
    return v;
  }
  const char* p_;
  const char* end_;
};

nlohmann::json rowsOf(const std::vector<TimeSeriesRow>& rows) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& r : rows)
    a.push_back({r.time, r.loopDuration, r.queriesPerLoop, r.dbUtilization, r.queueDepth, r.runningTasks, r.busyWorkers,
                 r.dbSizeBytes, r.taskInstanceRows, r.dbCacheHitRatio});
  return a;
}

nlohmann::json rowsOf(const std::vector<PoolSampleRow>& rows) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& r : rows) a.push_back({r.time, r.pool, r.workers, r.workersUp, r.queueDepth, r.inFlight, r.cpu});
  return a;
}

nlohmann::json rowsOf(const std::vector<ApiSampleRow>& rows) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& r : rows)
    a.push_back({r.time, r.utilization, r.requestsPerSecond, r.requestP95, r.failures, r.queued});
  return a;
}

nlohmann::json rowsOf(const std::vector<ScalingRow>& rows) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& r : rows) a.push_back({r.time, r.pool, r.out, r.before, r.after, r.queueDepth, r.inFlight, r.cpu});
  return a;
}

}  // namespace

nlohmann::json RunResult::toJson() const {
  nlohmann::json j = {{"variant", variant},
                      {"description", description},
                      {"config", config},
                      {"metrics", metrics},
                      {"metrics_by_dag", metricsByDag},
                      {"metrics_by_instance", metricsByInstance},
                      {"metrics_by_pool", metricsByPool},
                      {"sample_runs", sampleRuns},
                      {"run", run},
                      {"tries", encodeTries(tries)},
                      {"tries_file", triesFile},
                      {"loops_file", loopsFile},
                      {"loop_columns", loopColumns},
                      {"timeseries", rowsOf(timeseries)},
                      {"pool_samples", rowsOf(poolSamples)},
                      {"scaling", rowsOf(scaling)}};
  if (!apiSamples.empty()) j["api_samples"] = rowsOf(apiSamples);  // airflow3 only: others as they were
  return j;
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
  r.tries = TriesDecoder(j.at("tries").get_ref<const std::string&>()).rows();
  r.triesFile = j.value("tries_file", "");
  r.loopsFile = j.value("loops_file", "");
  r.loopColumns = j.value("loop_columns", std::vector<std::string>{});
  for (const auto& a : j.at("timeseries"))
    r.timeseries.push_back({a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]});
  for (const auto& a : j.at("pool_samples")) r.poolSamples.push_back({a[0], a[1], a[2], a[3], a[4], a[5], a[6]});
  for (const auto& a : j.at("scaling")) r.scaling.push_back({a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]});
  if (j.contains("api_samples"))
    for (const auto& a : j.at("api_samples")) r.apiSamples.push_back({a[0], a[1], a[2], a[3], a[4], a[5]});
  return r;
}

}  // namespace schedlab
