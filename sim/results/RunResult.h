// What one run of one variant produced, before anything is written: each model component fills
// its own part (metrics under the schema's names, rows of its own tables), and the writers
// (results.json, the CSVs, the terminal summary) render it. It crosses from the process that
// simulated it as JSON (toJson / fromJson), numbers exact.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace schedlab {

// One try of a task instance (task_instances.csv); times in simulated seconds, -1 when it did
// not happen.
struct TaskTryRow {
  std::string dagId, runId, taskId;
  int tryNumber = 0;
  std::string state;
  double created = -1, scheduled = -1, queued = -1, started = -1, ended = -1;
  std::string hostname;  // empty when it never ran
  std::string queuedBy;  // the scheduler that queued it, empty when none did
};

// One sample interval of the whole system (timeseries.csv).
struct TimeSeriesRow {
  double time = 0;
  double loopDuration = 0;    // mean scheduler loop duration in the interval (s)
  double queriesPerLoop = 0;  // mean scheduler-side queries per loop in the interval
  double dbUtilization = 0;   // 0-1 over the interval
  double queueDepth = 0;      // messages waiting in the broker
  double runningTasks = 0;
  double busyWorkers = 0;  // workers running at least one task
  double dbSizeBytes = 0;
  double taskInstanceRows = 0;
  double dbCacheHitRatio = 1;  // 0-1: pages found in memory over pages touched in the interval
};

// One sample interval of one worker pool (pool_timeseries.csv).
struct PoolSampleRow {
  double time = 0;
  std::string pool;
  int workers = 0, workersUp = 0, queueDepth = 0, inFlight = 0;
  double cpu = 0;  // 0-1 over the interval
};

// One sample interval of airflow3's API server (api_timeseries.csv).
struct ApiSampleRow {
  double time = 0;
  double utilization = 0;        // 0-1 over the interval, of its usable cores
  double requestsPerSecond = 0;  // the tries' attempts answered in the interval, per second
  double requestP95 = 0;         // their latency's 95th percentile (s; 0 when none)
  double failures = 0;           // attempts not answered in time, or refused
  double queued = 0;             // requests waiting for a thread at the sample time
};

// One scaling action of a pool (scaling.csv) and what the policy saw.
struct ScalingRow {
  double time = 0;
  std::string pool;
  bool out = true;
  int before = 0, after = 0, queueDepth = 0, inFlight = 0;
  double cpu = 0;
};

// What a run costs in the scenario's price units: a priced component adds to it; the DB cores'
// price counts only once something else is priced (as `cost` has always been defined).
class CostLedger {
 public:
  void add(double amount) {
    total_ += amount;
    priced_ = true;
  }
  void addDb(double amount) { db_ += amount; }
  bool priced() const { return priced_; }
  double total() const { return total_ + db_; }

 private:
  double total_ = 0, db_ = 0;
  bool priced_ = false;
};

struct RunResult {
  std::string variant, description;
  nlohmann::json config;  // the resolved scenario of the variant
  nlohmann::json metrics = nlohmann::json::object();
  nlohmann::json metricsByDag = nlohmann::json::object();
  nlohmann::json metricsByInstance = nlohmann::json::object();
  nlohmann::json metricsByPool = nlohmann::json::object();
  nlohmann::json sampleRuns = nlohmann::json::object();  // the report's Gantt chart
  nlohmann::json run = nlohmann::json::object();         // how it was run ("sim" in results.json)
  std::vector<TaskTryRow> tries;
  std::string triesFile;  // or: its task_instances.csv rows, streamed to this file as the run went
  // run.loops_csv: its loops.csv rows, streamed to this file, and the per-type columns they end
  // with (the query catalog's, as "statements.<type>").
  std::string loopsFile;
  std::vector<std::string> loopColumns;
  std::vector<TimeSeriesRow> timeseries;
  std::vector<PoolSampleRow> poolSamples;
  std::vector<ScalingRow> scaling;
  std::vector<ApiSampleRow> apiSamples;  // airflow3 only
  CostLedger cost;                       // written into metrics by the run, not carried across processes

  // The scope object of a scope's member, created when missing.
  nlohmann::json& dag(const std::string& name) { return metricsByDag[name]; }
  nlohmann::json& instance(const std::string& name) { return metricsByInstance[name]; }

  nlohmann::json toJson() const;
  static RunResult fromJson(const nlohmann::json& j);
};

}  // namespace schedlab
