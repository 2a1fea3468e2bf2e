// What `schedlab import` learned of a real Airflow deployment, whichever way it was read (its
// metadata DB, or JSON saved from its REST API): its DAGs with their task graphs and schedules,
// and the runs and task instances of a window of time, with their timestamps. The scenario draft
// and the observed figures are both made from this alone. Times are Unix seconds (UTC); a time
// the source did not have is NaN.
#pragma once

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace schedlab {

inline constexpr double kNoTime = std::numeric_limits<double>::quiet_NaN();
inline bool known(double t) { return !std::isnan(t); }

// One task instance as the source keeps it: its latest try (earlier tries leave only its
// try_number behind, except in 3.x's task_instance_history).
struct ObservedTaskInstance {
  std::string taskId;
  int mapIndex = -1;
  std::string state;  // "" for none
  int tryNumber = 0;  // tries started
  int maxTries = -1;  // the task's retries, as the row records them
  double queued = kNoTime, started = kNoTime, ended = kNoTime;
  std::string pool = "default_pool", queue = "default", operatorName, hostname;
  int poolSlots = 1;
};

struct ObservedRun {
  std::string runId, state;
  bool external = false;         // triggered from outside (manual, API, another DAG)
  double logicalDate = kNoTime;  // execution_date / logical_date
  double dueAt = kNoTime;        // end of its data interval (scheduled), or its trigger time
  double started = kNoTime, ended = kNoTime;
  std::vector<ObservedTaskInstance> tis;
};

// The schedule as the source states it. Interval: `seconds`; Cron: `text` (a cron expression or
// preset Airflow's croniter reads); None: externally triggered only; Once: @once.
struct ObservedSchedule {
  enum class Kind { Unknown, None, Once, Interval, Cron };
  Kind kind = Kind::Unknown;
  double seconds = 0;
  std::string text;
};

struct ObservedTask {
  std::string id;
  std::vector<std::string> upstream;  // direct upstream task ids
  std::string operatorName, pool, queue, triggerRule, executor;
  int retries = -1, poolSlots = 0;  // -1 / 0: not known
  double retryDelay = kNoTime;
};

struct ObservedDag {
  std::string id;
  ObservedSchedule schedule;
  std::string timezone;  // the serialized DAG's, where it has one ("UTC", "Europe/Berlin", an offset)
  bool paused = false;
  int maxActiveRuns = -1, maxActiveTasks = -1;  // -1: not known
  // From the serialized DAG (or the REST API's task list) where the source had it; else the
  // tasks seen in the runs, their upstreams inferred from the order they ran in.
  std::vector<ObservedTask> tasks;
  bool graphInferred = true;
  std::string graphSource;        // where a graph not inferred came from: "the serialized DAG", …
  std::vector<ObservedRun> runs;  // the window's, oldest first
};

struct Deployment {
  std::string source;          // how it was read, password masked ("postgresql://…", "REST dump DIR")
  std::string layout;          // airflow1.10, airflow2, airflow3
  std::string schemaRevision;  // alembic_version.version_num ("" from a REST dump)
  std::string airflowVersion;  // the release(s) that revision belongs to, e.g. "2.5"
  double windowStart = kNoTime, windowEnd = kNoTime;  // what was asked for (now - since, now)
  std::vector<ObservedDag> dags;
  std::map<std::string, int> pools;         // slot_pool: name -> slots (default_pool included)
  std::map<std::string, double> tableRows;  // rows before the window: task_instance, dag_run, job, log, xcom
  std::vector<std::string> notes;           // what the reader could not know, for the scenario's comments
};

}  // namespace schedlab
