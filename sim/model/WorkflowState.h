// What the metadata DB holds about DAG runs and task instances, and the rules Airflow applies to
// it: run creation and max_active_runs, dependency evaluation, the executable-TI choice under
// parallelism, pools and max_active_tasks, retries. Schedulers and workers change it only after
// the queries that would make the change in Airflow have completed on the simulated DB.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "model/MetadataDb.h"
#include "model/SchedulerNumbering.h"
#include "results/MetricsRecorder.h"
#include "scenario/Scenario.h"

namespace schedlab {

enum class TiState : uint8_t {
  None,
  Scheduled,
  Queued,
  Running,
  Success,
  Failed,
  UpForRetry,
  UpstreamFailed,
  UpForReschedule
};
enum class RunState : uint8_t { Queued, Running, Success, Failed };

const char* name(TiState s);

struct TaskInstance {
  int run = -1;
  int task = -1;
  TiState state = TiState::None;
  int tryNumber = 0;  // tries started so far
  double created = 0, scheduled = -1, queued = -1, started = -1, ended = -1;
  double retryAt = 0;
  int queuedBy = -1;        // scheduler (schedulerId) that queued the current try
  int queuedByJob = -1;     // that scheduler's job (process) then, or the one that adopted it
  bool sent = false;        // its message went to the broker (it has a Celery task id)
  int host = -1;            // worker host running (or that ran) the current try
  double killedAt = -1;     // its host died while it ran (until it runs again)
  double firstPokeAt = -1;  // a reschedule-mode sensor: when its first poke started
};

struct DagRun {
  int dag = -1;
  int ordinal = 0;
  double executionDate = 0;
  double dueAt = 0;  // when it became due: end of its interval, or its trigger time
  bool external = false;
  double arrival = -1;       // trigger-stream arrival this run serves (-1: none)
  bool handedOff = false;    // a trigger_dagrun task passed the arrival on
  bool workStarted = false;  // a task doing the arrival's work (not a sensor or trigger) started
  RunState state = RunState::Queued;
  double created = 0, started = -1, ended = -1;
  int firstTi = 0;
  int unfinished = 0;
  int previous = -1;  // the DAG's run created before this one (depends_on_past)
  // Rows it left in the metadata DB, and whether archiving deleted them.
  int tries = 0, xcoms = 0;
  bool rowsArchived = false, runRowArchived = false;
  double lastSchedulingDecision = -INFINITY;  // 2.x: runs are examined oldest decision first
  int lockedBy = -1;                          // the scheduler holding its row (FOR UPDATE SKIP LOCKED), -1: none
};

struct Dag {
  int def = -1;
  std::string id;
  int replica = 0;
  Schedule schedule;
  double nextExecution = 0;     // next execution date to create (scheduled DAGs)
  double nextDueAt = 0;         // simulation time its interval ends (next_dagrun_create_after)
  std::vector<int> activeRuns;  // queued or running, in creation order
  int runningRuns = 0;
  int activeTasks = 0;  // queued + running TIs
  int runsCreated = 0;
  int lastRun = -1;
  int instance = 0;                        // scheduler instance that owns it
  double maxExecutionCreated = -INFINITY;  // newest execution date it ever ran (recreation check)
  int scheduledRunRows = 0;                // its scheduled (non-external) dag_run rows still in the DB
  int lockedBy = -1;                       // the scheduler holding its dag row while it creates runs
};

// What one dependency evaluation of a run saw; the caller turns it into queries.
struct RunEvaluation {
  std::vector<int> ready;              // TIs whose deps are met (None or UpForRetry past its delay)
  int tasks = 0;                       // TIs in the run
  int unfinished = 0;                  // TIs not terminal before the evaluation
  int schedulable = 0;                 // TIs in None/UpForRetry checked for deps
  int schedulableWithUpstream = 0;     // of those, the ones TriggerRuleDep queries for
  int deadlockChecks = 0;              // TIs checked until the first runnable (pre-3607 deadlock check)
  int deadlockChecksWithUpstream = 0;  // of those, the ones TriggerRuleDep queries for
  bool finished = false;               // the run reached success/failed
};

class WorkflowState {
 public:
  // instanceDbs: the metadata DB of each scheduler instance (shared ones repeat the pointer).
  WorkflowState(const Scenario& scenario, std::vector<MetadataDb*> instanceDbs, MetricsRecorder& recorder);

  const Scenario& scenario() const { return scenario_; }
  std::vector<Dag>& dags() { return dags_; }
  const DagDef& def(int dag) const { return scenario_.dags[dags_[dag].def]; }
  DagRun& run(int r) { return runs_[r]; }
  TaskInstance& ti(int i) { return tis_[i]; }
  size_t runCount() const { return runs_.size(); }
  size_t tiCount() const { return tis_.size(); }
  const TaskDef& taskDef(int ti) const { return def(runs_[tis_[ti].run].dag).tasks[tis_[ti].task]; }

  // DAG runs.
  int createRun(int dag, double executionDate, double dueAt, double now, bool external, double arrival);
  // Promotes queued runs to running while the DAG is under max_active_runs; returns how many.
  int startQueuedRuns(int dag, double now);
  // Scheduled runs that are due at `now` (execution dates whose interval has ended), honouring
  // catchup and max_active_runs; creates at most `limit`. Returns the runs created.
  std::vector<int> createDueRuns(int dag, double now, int limit);
  bool hasDueRun(int dag, double now) const;
  double nextDueTime(int dag) const;

  // Dependency evaluation (DagRun.update_state + the ready-TI choice).
  RunEvaluation evaluate(int run, double now);
  void markScheduled(int ti, double now);

  // Schedulers: scheduler.replicas per instance, numbered instance * replicas + replica (so with
  // one replica the scheduler id is the instance).
  int schedulerCount() const { return static_cast<int>(schedulerActive_.size()); }
  int instanceOf(int scheduler) const { return SchedulerNumbering(scenario_).instanceOf(scheduler); }

  // The executable-TI choice of one scheduler: SCHEDULED TIs of its instance's DAGs in priority
  // order within its parallelism, pool slots and max_active_tasks; marks them QUEUED.
  std::vector<int> queueExecutable(int scheduler, int limit, double now);
  int scheduledCount(int instance) const { return instanceScheduled_[instance]; }
  // Queued and running TIs of one scheduler, or of every scheduler of an instance.
  int activeTasks(int scheduler) const { return schedulerActive_[scheduler]; }
  int activeTasksOfInstance(int instance) const;
  int openSlots(int scheduler) const;

  // Orphans of a dead scheduler job: adopted by `scheduler` (its counts move there), or reset
  // to NONE (scheduled or queued; scheduled again once its deps are evaluated).
  void adopt(int ti, int scheduler, int job);
  void resetToNone(int ti);

  // Worker side.
  // `measured`: its queued time and transition are latency samples (not for a try that failed
  // before it could start).
  void markRunning(int ti, double now, int host = -1, bool measured = true);
  // A running try whose host died at `killedAt` (its row ends there, state "killed").
  void noteKilledTry(int ti, double killedAt);
  // Its message delivered again: the task runs again, as a new try, on `host`.
  void restartRunning(int ti, double now, int host);
  // Returns true when the try failed but will be retried.
  void markFinished(int ti, double now, bool success);
  // A reschedule-mode sensor's poke found nothing: up_for_reschedule until `nextPokeAt`, its
  // slot free meanwhile; the try number stays (Airflow does not count reschedules as tries).
  void markRescheduled(int ti, double now, double nextPokeAt);
  // Downstream TIs of `ti` whose deps are now met (the 2.x mini scheduler).
  std::vector<int> readyDownstream(int ti, double now);

  // Archiving: deletes from `db` the rows of finished runs whose age (execution or start date,
  // Unix seconds) is before `cutoff`, in the tables marked in `tables`; with keepLastRun each
  // DAG's newest scheduled dag_run row stays. A scheduled DAG left with no scheduled run rows
  // starts again from its first interval, as Airflow's next-run computation does. Returns the
  // rows deleted per table.
  std::array<double, static_cast<size_t>(Table::Count)> archive(
      const MetadataDb* db, double cutoff, bool byStartDate, bool keepLastRun,
      const std::array<bool, static_cast<size_t>(Table::Count)>& tables, double now);

  // Counters.
  int runningTasks() const { return runningTasks_; }
  int runningTasks(int scheduler) const { return schedulerRunning_[scheduler]; }
  int queuedTasks() const { return queuedTasks_; }
  long long tisInFlight() const;
  void recordOpenTries(double now);

 private:
  void finishRun(int run, double now, bool success);
  void noteTiTerminal(int ti);
  int poolIndex(const std::string& pool) const;
  void releaseSlot(int ti);
  MetadataDb& dbOf(int dag) { return *instanceDb_[static_cast<size_t>(dags_[dag].instance)]; }
  double firstExecution(int dag, double now) const;

  const Scenario& scenario_;
  std::vector<MetadataDb*> instanceDb_;
  MetricsRecorder& rec_;
  std::vector<Dag> dags_;
  std::deque<DagRun> runs_;
  std::deque<TaskInstance> tis_;
  // SCHEDULED TIs ordered as Airflow picks them: -priority_weight, execution_date, then creation.
  std::set<std::tuple<int, double, int>> scheduled_;
  std::vector<std::string> poolNames_;
  std::vector<int> poolSlots_, poolUsed_;
  std::vector<int> schedulerActive_, schedulerRunning_, instanceScheduled_;
  int runningTasks_ = 0, queuedTasks_ = 0;
};

}  // namespace schedlab
