#include "results/CsvTables.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "util/CsvField.h"

namespace schedlab {
namespace {

// Simulated seconds and 0-1 figures to the microsecond; empty when it did not happen (< 0).
std::string fmt(double v) {
  if (v < 0) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

}  // namespace

std::string taskInstanceCsvRow(const std::string& variant, const TaskTryRow& r) {
  std::string line;
  line.reserve(160);
  for (const std::string* s : {&variant, &r.dagId, &r.runId, &r.taskId}) {
    appendCsvField(line, *s);
    line.push_back(',');
  }
  line.append(std::to_string(r.tryNumber)).push_back(',');
  line.append(r.state).push_back(',');
  for (double t : {r.created, r.scheduled, r.queued, r.started, r.ended}) line.append(fmt(t)).push_back(',');
  appendCsvField(line, r.hostname);
  line.push_back(',');
  appendCsvField(line, r.queuedBy);
  line.push_back('\n');
  return line;
}

void writeTaskInstancesCsv(std::ostream& out, const std::vector<RunResult>& runs) {
  out << "variant,dag_id,run_id,task_id,try,state,created_s,scheduled_s,queued_s,started_s,ended_s,hostname,queued_"
         "by\n";
  for (const RunResult& run : runs) {
    for (const TaskTryRow& r : run.tries) out << taskInstanceCsvRow(run.variant, r);
    if (run.triesFile.empty()) continue;
    std::ifstream in(run.triesFile, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + run.triesFile);
    if (in.peek() != std::ifstream::traits_type::eof()) out << in.rdbuf();  // an empty copy would fail the stream
  }
}

void writeLoopsCsv(std::ostream& out, const std::vector<RunResult>& runs) {
  out << "variant,scheduler,start_s,duration_s,statements,db_seconds,runs_examined,tis_scheduled,tis_queued";
  const auto withLoops =
      std::find_if(runs.begin(), runs.end(), [](const RunResult& r) { return !r.loopsFile.empty(); });
  if (withLoops != runs.end())
    for (const std::string& c : withLoops->loopColumns) out << ',' << csvField(c);
  out << '\n';
  for (const RunResult& run : runs) {
    if (run.loopsFile.empty()) continue;
    std::ifstream in(run.loopsFile, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + run.loopsFile);
    if (in.peek() != std::ifstream::traits_type::eof()) out << in.rdbuf();
  }
}

std::string taskInstancesCsv(const std::vector<RunResult>& runs) {
  std::ostringstream out;
  writeTaskInstancesCsv(out, runs);
  return out.str();
}

std::string timeseriesCsv(const std::vector<RunResult>& runs) {
  std::ostringstream out;
  out << "variant,time_s,scheduler_loop_duration_s,queries_per_loop,db_utilization,queue_depth,running_tasks,"
         "busy_workers,db_size_bytes,task_instance_rows,db_cache_hit_ratio\n";
  for (const RunResult& run : runs)
    for (const TimeSeriesRow& r : run.timeseries)
      out << csvField(run.variant) << ',' << fmt(r.time) << ',' << fmt(r.loopDuration) << ',' << fmt(r.queriesPerLoop)
          << ',' << fmt(r.dbUtilization) << ',' << r.queueDepth << ',' << r.runningTasks << ',' << r.busyWorkers << ','
          << std::llround(r.dbSizeBytes) << ',' << std::llround(r.taskInstanceRows) << ',' << fmt(r.dbCacheHitRatio)
          << '\n';
  return out.str();
}

std::string apiTimeseriesCsv(const std::vector<RunResult>& runs) {
  std::ostringstream out;
  out << "variant,time_s,api_server_utilization,api_requests_per_s,api_request_p95_s,api_request_failures,"
         "api_requests_queued\n";
  for (const RunResult& run : runs)
    for (const ApiSampleRow& r : run.apiSamples)
      out << csvField(run.variant) << ',' << fmt(r.time) << ',' << fmt(r.utilization) << ',' << fmt(r.requestsPerSecond)
          << ',' << fmt(r.requestP95) << ',' << r.failures << ',' << r.queued << '\n';
  return out.str();
}

std::string poolTimeseriesCsv(const std::vector<RunResult>& runs) {
  std::ostringstream out;
  out << "variant,time_s,pool,workers,workers_up,queue_depth,in_flight_tasks,worker_cpu_utilization\n";
  for (const RunResult& run : runs)
    for (const PoolSampleRow& r : run.poolSamples)
      out << csvField(run.variant) << ',' << fmt(r.time) << ',' << csvField(r.pool) << ',' << r.workers << ','
          << r.workersUp << ',' << r.queueDepth << ',' << r.inFlight << ',' << fmt(r.cpu) << '\n';
  return out.str();
}

std::string scalingCsv(const std::vector<RunResult>& runs) {
  std::ostringstream out;
  out << "variant,time_s,pool,action,workers_before,workers_after,queue_depth,in_flight_tasks,worker_cpu_utilization\n";
  for (const RunResult& run : runs)
    for (const ScalingRow& r : run.scaling)
      out << csvField(run.variant) << ',' << fmt(r.time) << ',' << csvField(r.pool) << ',' << (r.out ? "out" : "in")
          << ',' << r.before << ',' << r.after << ',' << r.queueDepth << ',' << r.inFlight << ',' << fmt(r.cpu) << '\n';
  return out.str();
}

}  // namespace schedlab
