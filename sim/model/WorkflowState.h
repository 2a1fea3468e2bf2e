// What the metadata DB holds about DAG runs and task instances, and the rules Airflow applies to
// it: run creation and max_active_runs, dependency evaluation, the executable-TI choice under
// parallelism, pools and max_active_tasks, retries. Schedulers and workers change it only after
// the queries that would make the change in Airflow have completed on the simulated DB.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "model/Ids.h"
#include "model/MetadataDb.h"
#include "model/SchedulerNumbering.h"
#include "model/TaskInstances.h"
#include "results/MetricsRecorder.h"
#include "scenario/Scenario.h"
#include "util/PagedVector.h"

namespace schedlab {

enum class RunState : uint8_t { Queued, Running, Success, Failed };

struct DagRun {
  DagId dag;
  int ordinal = 0;
  double executionDate = 0;
  double dueAt = 0;  // when it became due: end of its interval, or its trigger time
  bool external = false;
  double arrival = -1;       // trigger-stream arrival this run serves (-1: none)
  bool handedOff = false;    // a trigger_dagrun task passed the arrival on
  bool workStarted = false;  // a task doing the arrival's work (not a sensor or trigger) started
  RunState state = RunState::Queued;
  double created = 0, started = -1, ended = -1;
  TiId firstTi{0};
  int unfinished = 0;
  int firstOpenTask = 0;  // its tasks before this one are terminal (a terminal TI never changes again)
  RunId previous;         // the DAG's run created before this one (depends_on_past)
  // Rows it left in the metadata DB, and whether archiving deleted them.
  int tries = 0, xcoms = 0;
  int historyRows = 0;  // airflow3: task_instance_history rows of its retried tries
  bool rowsArchived = false, runRowArchived = false;
  double lastSchedulingDecision = -INFINITY;  // 2.x: runs are examined oldest decision first
  SchedulerId lockedBy;                       // the scheduler holding its row (FOR UPDATE SKIP LOCKED), if any
};

struct Dag {
  DefId def;
  std::string id;
  int replica = 0;
  Schedule schedule;
  double nextExecution = 0;       // next execution date to create (scheduled DAGs)
  double nextDueAt = 0;           // simulation time its interval ends (next_dagrun_create_after)
  std::vector<RunId> activeRuns;  // queued or running, in creation order
  int runningRuns = 0;
  int activeTasks = 0;  // queued + running TIs
  int runsCreated = 0;
  RunId lastRun;
  InstanceId instance{0};                  // scheduler instance that owns it
  double maxExecutionCreated = -INFINITY;  // newest execution date it ever ran (recreation check)
  int scheduledRunRows = 0;                // its scheduled (non-external) dag_run rows still in the DB
  SchedulerId lockedBy;                    // the scheduler holding its dag row while it creates runs, if any
};

// What one dependency evaluation of a run saw; the caller turns it into queries.
struct RunEvaluation {
  std::vector<TiId> ready;             // TIs whose deps are met (None or UpForRetry past its delay)
  int tasks = 0;                       // TIs in the run
  int unfinished = 0;                  // TIs not terminal before the evaluation
  int schedulable = 0;                 // TIs in None/UpForRetry checked for deps
  int schedulableWithUpstream = 0;     // of those, the ones TriggerRuleDep queries for
  int deadlockChecks = 0;              // TIs checked until the first runnable (pre-3607 deadlock check)
  int deadlockChecksWithUpstream = 0;  // of those, the ones TriggerRuleDep queries for
  bool finished = false;               // the run reached success/failed
};

// An SLA deadline of a scheduled run: its own (the DAG's `sla`) or one of its tasks', and whether
// it was missed (the run not ended, or the task not succeeded, by then).
struct SlaDeadline {
  double at;
  DefId def;
  bool missed;
};

class WorkflowState {
 public:
  // instanceDbs: the metadata DB of each scheduler instance (shared ones repeat the pointer).
  WorkflowState(const Scenario& scenario, std::vector<MetadataDb*> instanceDbs, MetricsRecorder& recorder);

  const Scenario& scenario() const { return scenario_; }
  IdTable<DagId, Dag>& dags() { return dags_; }
  Dag& dag(DagId d) { return dags_[d]; }
  const Dag& dag(DagId d) const { return dags_[d]; }
  const DagDef& def(DagId dag) const { return scenario_.dags[dags_[dag].def.index()]; }
  DagRun& run(RunId r) { return runs_[r]; }
  // REQUIRES: its run has not finished, or releasing is off (see releaseFinishedRuns).
  TaskInstance& ti(TiId i) { return tis_[i]; }
  // Readable whatever became of its run.
  TiState tiState(TiId i) const { return tis_.state(i); }
  // From a run's end on, its task instances are read only through tiState (and taskDef, dagOf):
  // their pages may be given back. Off for runs whose DB service names task instances in the SQL
  // it sends (live runs read a stale message's try number).
  void releaseFinishedRuns(bool on) { releaseFinished_ = on; }
  // Pages of TaskInstanceStore::kPageSize task instances given back so far.
  size_t releasedTiPages() const { return tis_.releasedPages(); }
  // The task instances of every queued or running run, in id order: every one not yet terminal
  // is among them (a run ends only once all of its are).
  std::vector<TiId> openRunTis() const;
  // The queued and running runs, in id (creation) order.
  std::vector<RunId> activeRunIds() const;
  // Appends the SLA deadlines of scheduled run `run` as they stand now (none for a manual run).
  void appendSlaDeadlines(RunId run, std::vector<SlaDeadline>& out) const;
  // Those of the runs that ended, kept as they ended (nothing changes a finished run's).
  const std::vector<SlaDeadline>& finishedSlaDeadlines() const { return finishedSlaDeadlines_; }
  size_t tiCount() const { return tis_.size(); }
  // REQUIRES: the task instance exists.
  const TaskDef& taskDef(TiId ti) const {
    const auto [run, task] = placeOf(ti);
    return def(runs_[run].dag).tasks[static_cast<size_t>(task)];
  }
  DagId dagOf(TiId ti) const { return runs_[placeOf(ti).first].dag; }
  // Its run and its task's index in the DAG, whatever became of the run.
  RunId tiRun(TiId ti) const { return placeOf(ti).first; }
  int tiTask(TiId ti) const { return placeOf(ti).second; }

  // DAG runs.
  RunId createRun(DagId dag, double executionDate, double dueAt, double now, bool external, double arrival);
  // Promotes queued runs to running while the DAG is under max_active_runs; returns how many.
  int startQueuedRuns(DagId dag, double now);
  // Scheduled runs that are due at `now` (execution dates whose interval has ended), honouring
  // catchup and max_active_runs; creates at most `limit`. Returns the runs created.
  std::vector<RunId> createDueRuns(DagId dag, double now, int limit);
  bool hasDueRun(DagId dag, double now) const;
  // No run is queued or running and no DAG will create another (each past its end_date, its
  // @once run made, or not scheduled). Triggers may still start runs.
  bool allRunsDone() const;
  // The first DAG run's creation and the last run's end so far (simulation seconds; -1: none yet).
  double firstRunCreated() const { return firstRunCreated_; }
  double lastRunEnded() const { return lastRunEnded_; }
  // The DAGs of `instance` that hasDueRun at `now` and no scheduler holds (dags_needing_dagruns
  // with SKIP LOCKED), in DAG order. Looks only at DAGs whose interval has ended.
  std::vector<DagId> dueDags(InstanceId instance, double now) const;
  // The DAGs of `instance` with a queued run, in DAG order.
  const std::set<DagId>& dagsWithQueuedRuns(InstanceId instance) const { return withQueuedRuns_[instance]; }
  // next_dagruns_to_examine: the running runs of `instance` that no scheduler holds, by
  // last_scheduling_decision (never decided first), then execution_date; at most `limit` of them.
  // `candidates`: how many there were in all.
  std::vector<RunId> runsToExamine(InstanceId instance, size_t limit, size_t& candidates) const;
  // A scheduler holds the run's row (FOR UPDATE SKIP LOCKED) until unlockRun.
  void lockRun(RunId run, SchedulerId scheduler);
  void unlockRun(RunId run);
  // The run was examined at `at` (its last_scheduling_decision).
  void noteSchedulingDecision(RunId run, double at);

  // Dependency evaluation (DagRun.update_state + the ready-TI choice).
  RunEvaluation evaluate(RunId run, double now);
  void markScheduled(TiId ti, double now);

  // Schedulers: scheduler.replicas per instance (SchedulerNumbering).
  int schedulerCount() const { return static_cast<int>(schedulerActive_.size()); }
  InstanceId instanceOf(SchedulerId scheduler) const { return SchedulerNumbering(scenario_).instanceOf(scheduler); }

  // The executable-TI choice of one scheduler: SCHEDULED TIs of its instance's DAGs in priority
  // order within its parallelism, pool slots and max_active_tasks; marks them QUEUED.
  std::vector<TiId> queueExecutable(SchedulerId scheduler, int limit, double now);
  int scheduledCount(InstanceId instance) const { return instanceScheduled_[instance]; }
  // Queued and running TIs of one scheduler, or of every scheduler of an instance.
  int activeTasks(SchedulerId scheduler) const { return schedulerActive_[scheduler]; }
  int activeTasksOfInstance(InstanceId instance) const;
  int openSlots(SchedulerId scheduler) const;

  // Orphans of a dead scheduler job: adopted by `scheduler` (its counts move there), or reset
  // to NONE (scheduled or queued; scheduled again once its deps are evaluated).
  void adopt(TiId ti, SchedulerId scheduler, JobId job);
  void resetToNone(TiId ti);

  // Worker side.
  // `measured`: its queued time and transition are latency samples (not for a try that failed
  // before it could start).
  void markRunning(TiId ti, double now, int host = -1, bool measured = true);
  // A running try whose host died at `killedAt` (its row ends there, state "killed").
  void noteKilledTry(TiId ti, double killedAt);
  // Its message delivered again: the task runs again, as a new try, on `host`.
  void restartRunning(TiId ti, double now, int host);
  // The try ended: success, up_for_retry while retries remain (and `mayRetry`), else failed.
  void markFinished(TiId ti, double now, bool success, bool mayRetry = true);
  // Stuck in queued (3.x's task_queued_timeout): SCHEDULED again, its try number kept.
  // REQUIRES: the task instance is queued.
  void markRequeued(TiId ti, double now);
  // A reschedule-mode sensor's poke found nothing: up_for_reschedule until `nextPokeAt`, its
  // slot free meanwhile; the try number stays (Airflow does not count reschedules as tries).
  void markRescheduled(TiId ti, double now, double nextPokeAt);
  // The try deferred (TaskDeferred): its slots free until its trigger fires; the try number stays
  // (the resumed run is the same try).
  // REQUIRES: the task instance is running.
  void markDeferred(TiId ti, double now);
  // Its trigger fired (or timed out): scheduled again, to resume on a worker.
  // REQUIRES: the task instance is deferred.
  void markResumed(TiId ti, double now);
  // Downstream TIs of `ti` whose deps are now met (the 2.x mini scheduler).
  std::vector<TiId> readyDownstream(TiId ti, double now);

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
  int runningTasks(SchedulerId scheduler) const { return schedulerRunning_[scheduler]; }
  int queuedTasks() const { return queuedTasks_; }
  long long tisInFlight() const;
  void recordOpenTries(double now);

 private:
  void finishRun(RunId run, double now, bool success);
  void noteTiTerminal(TiId ti);
  int poolIndex(const std::string& pool) const;
  void releaseSlot(TiId ti);
  // A running try goes back without ending (up_for_reschedule, deferred): its slots free, its try
  // recorded, its try number kept for the next run of it (Airflow counts neither as a try).
  TaskInstance& handBack(TiId ti, double now, TiState state);
  MetadataDb& dbOf(DagId dag) { return *instanceDb_[dags_[dag].instance]; }
  double firstExecution(DagId dag, double now) const;
  // Sets when the DAG's next scheduled run is due, keeping the instance's index by due time.
  void setNextDue(DagId dag, double nextExecution, double nextDueAt);
  // Its row for task_instances.csv.
  TryRecord tryRecord(TiId ti, const char* state, double ended, int host, SchedulerId queuedBy) const;

  const Scenario& scenario_;
  IdTable<InstanceId, MetadataDb*> instanceDb_;
  MetricsRecorder& rec_;
  IdTable<DagId, Dag> dags_;
  IdTable<RunId, DagRun, PagedVector<DagRun>> runs_;
  TaskInstanceStore tis_;
  // SCHEDULED TIs ordered as Airflow picks them: -priority_weight, execution_date, then creation.
  std::set<std::tuple<int, double, TiId>> scheduled_;
  std::vector<std::string> poolNames_;
  std::vector<int> poolSlots_, poolUsed_;
  IdTable<SchedulerId, int> schedulerActive_, schedulerRunning_;
  IdTable<InstanceId, int> instanceScheduled_;
  // Per instance: its scheduled DAGs by next due time, and its DAGs with queued runs.
  IdTable<InstanceId, std::set<std::pair<double, DagId>>> byNextDue_;
  IdTable<InstanceId, std::set<DagId>> withQueuedRuns_;
  // Per instance: its running runs in next_dagruns_to_examine's order, and the runs locked.
  IdTable<InstanceId, std::set<std::tuple<double, double, RunId>>> runningByDecision_;
  IdTable<InstanceId, std::vector<RunId>> lockedRuns_;
  std::vector<SlaDeadline> finishedSlaDeadlines_;  // a few: the runs each scheduler examines at once
  InstanceId instanceOfRun(RunId run) const { return dags_[runs_[run].dag].instance; }
  // A task instance's run and task: from it while it is whole, else from the runs' first ids.
  std::pair<RunId, int> placeOf(TiId ti) const;
  int runningTasks_ = 0, queuedTasks_ = 0;
  bool releaseFinished_ = true;
  double firstRunCreated_ = -1, lastRunEnded_ = -1;
};

}  // namespace schedlab
