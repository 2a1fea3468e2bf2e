#include "model/SchedulerLoop.h"
#include "model/SchedulerNumbering.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <tuple>

#include "model/Assets.h"
#include "model/Executor.h"
#include "model/SchedulerJobs.h"
#include "model/SchedulerProcess.h"
#include "model/Triggerer.h"

namespace schedlab {
namespace {

int schedulerQueries(const QueryBatch& b) {
  int n = 0;
  b.forEachTypeUsed([&](size_t i) {
    if (kQueries[i].schedulerSide) n += b.counts()[i];
  });
  return n;
}

}  // namespace

namespace {

// One airflow2 scheduler (SchedulerJobRunner._run_scheduler_loop), phase by phase, each transaction
// through the scheduler's process (SchedulerProcess): when the process dies or the DB refuses, the
// pass ends and the next one starts with the process then running. airflow3 (3.1) runs the same
// loop plus its DAG-version lookups (a run created, a run examined) and the deadline scan.
class Airflow2Loop {
 public:
  Airflow2Loop(SimContext& ctx, InstanceId instance, int replica)
      : ctx_(ctx),
        cfg_(ctx.scenario.scheduler),
        st_(ctx.state),
        db_(ctx.db(instance)),
        jobs_(*ctx.jobs),
        instance_(instance),
        airflow3_(ctx.scenario.scheduler.model == SchedulerModel::Airflow3),
        self_(SchedulerNumbering(ctx.scenario).scheduler(instance, replica)),
        process_(jobs_, self_, db_) {}

  void run() {
    while (true) once();
  }

 private:
  void once();
  // adopt_or_reset_orphaned_tasks: at start, then every orphaned_tasks_check_interval.
  bool sweepOrphansWhenDue();
  // _do_scheduling, part 1: create due runs, start queued ones, examine runs; one transaction.
  void scheduleRuns(double t0, int& queries);
  std::vector<DagId> createDueRuns(QueryBatch& b, double t0);
  // dags_needing_dagruns' asset queue, and a run of each DAG whose assets are all queued (up to `limit`).
  void createAssetTriggeredRuns(QueryBatch& b, double t0, int limit);
  // Examines the runs to schedule; returns the rows it locked, adds the TIs it found ready.
  std::vector<RunId> examineRuns(QueryBatch& b, double t0, std::vector<TiId>& toSchedule);
  // The critical section: the TIs queued, or none when another scheduler held the pool rows.
  std::vector<TiId> criticalSection(int& queries);
  // _process_executor_events and the job heartbeat; returns the executor events.
  int tail(int& queries);

  SimContext& ctx_;
  const SchedulerConfig& cfg_;
  WorkflowState& st_;
  MetadataDb& db_;
  SchedulerJobs& jobs_;
  const InstanceId instance_;
  const bool airflow3_;
  const SchedulerId self_;    // this scheduler
  SchedulerProcess process_;  // the process running this loop (a crash and a restart make a new one)
  double lastHeartbeat_ = -INFINITY, nextOrphanCheck_ = 0, nextTriggerTimeoutCheck_ = 0;
  // This loop's row of loops.csv (traced only with run.loops_csv: ctx_.loops).
  LoopRecord loop_;
  void traced(const QueryBatch& b) {
    if (ctx_.loops) loop_.add(b);
  }
  std::map<DefId, int> perDef_;  // queries attributable to each DAG definition this loop
};

void Airflow2Loop::once() {
  if (process_.begin()) {
    // A process starts: the old one's executor events died with it; orphans first.
    lastHeartbeat_ = -INFINITY;
    ctx_.executor->takeEvents(self_);
    nextOrphanCheck_ = ctx_.now();
  }
  if (!sweepOrphansWhenDue()) return;
  double t0 = 0;
  int queries = 0;
  if (!process_.transaction([&] {
        t0 = ctx_.now();
        perDef_.clear();
        if (ctx_.loops) loop_ = LoopRecord{.scheduler = self_};
        scheduleRuns(t0, queries);
      }))
    return;
  std::vector<TiId> queued;
  // Queued and committed but not sent yet: a crash now leaves them without a Celery task id.
  if (!process_.transaction([&] { queued = criticalSection(queries); })) return;
  // executor.heartbeat(), _process_executor_events, the job heartbeat.
  if (ctx_.loops) loop_.tisQueued = static_cast<int>(queued.size());
  queries += ctx_.executor->send(self_, queued, ctx_.now(), ctx_.loops ? &loop_ : nullptr);
  int events = 0;
  if (!process_.transaction([&] { events = tail(queries); }, SchedulerProcess::OnDeath::NextPass)) return;
  const double duration = ctx_.now() - t0;
  ctx_.recorder.loop(instance_.value(), t0, duration, queries);
  if (ctx_.loops) {
    loop_.start = t0;
    loop_.duration = duration;
    ctx_.loops->add(loop_);
  }
  for (auto& [def, q] : perDef_) ctx_.recorder.queriesPerPass(def.value(), t0, q);
  if (queued.empty() && events == 0) ctx_.rt.sleepFor(cfg_.idleSleepTime);
}

bool Airflow2Loop::sweepOrphansWhenDue() {
  bool swept = false;
  SchedulerJobs::Sweep sweep;
  const bool current = process_.transaction([&] {
    if (ctx_.now() < nextOrphanCheck_) return;
    QueryBatch ob = db_.batch();
    sweep = jobs_.findOrphans(self_, ob);
    db_.execute(ob, cfg_.clientCostPerQuery);
    swept = true;
  });
  if (!current) return false;
  if (swept) {
    jobs_.apply(sweep, self_);
    nextOrphanCheck_ = ctx_.now() + cfg_.orphanedTasksCheckInterval;
  }
  return true;
}

std::vector<DagId> Airflow2Loop::createDueRuns(QueryBatch& b, double t0) {
  // dags_needing_dagruns: FOR UPDATE SKIP LOCKED, so a DAG another scheduler holds is skipped.
  std::vector<DagId> due = st_.dueDags(instance_, t0);
  std::sort(due.begin(), due.end(), [&](DagId a, DagId c) { return st_.dag(a).nextDueAt < st_.dag(c).nextDueAt; });
  if (due.size() > static_cast<size_t>(cfg_.maxDagrunsToCreatePerLoop)) due.resize(cfg_.maxDagrunsToCreatePerLoop);
  b.add(QueryType::DagsNeedingDagruns, static_cast<double>(st_.dags().size()), static_cast<double>(due.size()));
  for (DagId d : due) {
    st_.dag(d).lockedBy = self_;
    std::vector<RunId> created = st_.createDueRuns(d, t0, 1);
    // 3.1's _create_orm_dagrun reads the DAG's bundle version and latest dag_version first.
    if (airflow3_) b.add(QueryType::DagrunCreateVersions, 1, 1);
    b.add(QueryType::DagRunInsert, static_cast<double>(st_.def(d).tasks.size()), 0, 1,
          {.run = created.empty() ? RunId() : created[0]});
    perDef_[st_.dag(d).def] += airflow3_ ? 2 : 1;
  }
  if (ctx_.assets) createAssetTriggeredRuns(b, t0, cfg_.maxDagrunsToCreatePerLoop - static_cast<int>(due.size()));
  return due;
}

void Airflow2Loop::createAssetTriggeredRuns(QueryBatch& b, double t0, int limit) {
  AssetRegistry& assets = *ctx_.assets;
  const double rows = static_cast<double>(assets.queuedRows());
  b.add(QueryType::AdrqSelect, rows, rows);
  for (DagId d : assets.ready(instance_)) {
    if (limit-- <= 0) break;
    if (st_.dag(d).lockedBy.valid()) continue;  // another scheduler holds its row
    const long long events = assets.consume(d, t0);
    const RunId run = st_.createRun(d, ctx_.scenario.run.start + t0, t0, t0, true, -1);
    if (airflow3_) b.add(QueryType::DagrunCreateVersions, 1, 1);
    const double n = static_cast<double>(events);
    // Its SELECT reads idx_asset_id_timestamp whole: every asset's events, not only this DAG's.
    b.add(QueryType::AssetEventsForRun, db_.rows(Table::AssetEvent), n);
    b.add(QueryType::DagRunInsert, static_cast<double>(st_.def(d).tasks.size()), 0, 1, {.run = run});
    b.add(QueryType::AssetRunEventsInsert, n, n);
    b.add(QueryType::AdrqDelete, 1, 0);
    perDef_[st_.dag(d).def] += airflow3_ ? 5 : 4;
  }
}

std::vector<RunId> Airflow2Loop::examineRuns(QueryBatch& b, double t0, std::vector<TiId>& toSchedule) {
  // _start_queued_dagruns: the DAGs with queued runs, each up to its max_active_runs.
  const std::vector<DagId> withQueued(st_.dagsWithQueuedRuns(instance_).begin(),
                                      st_.dagsWithQueuedRuns(instance_).end());
  for (DagId d : withQueued) st_.startQueuedRuns(d, t0);
  const int queuedRuns = static_cast<int>(withQueued.size());
  if (queuedRuns > 0) b.add(QueryType::StartQueuedDagruns, queuedRuns, queuedRuns);
  // Runs to examine: RUNNING, ordered by last_scheduling_decision NULLS FIRST, execution_date;
  // FOR UPDATE SKIP LOCKED.
  size_t candidates = 0;
  const std::vector<RunId> examine =
      st_.runsToExamine(instance_, static_cast<size_t>(cfg_.maxDagrunsPerLoopToSchedule), candidates);
  // 3.1 loads the examined runs' task instances with them (joinedload): those are its rows.
  double examineRows = static_cast<double>(examine.size());
  if (airflow3_) {
    examineRows = 0;
    for (const RunId r : examine) examineRows += static_cast<double>(st_.def(st_.run(r).dag).tasks.size());
  }
  b.add(QueryType::NextDagrunsToExamine, static_cast<double>(candidates), examineRows);
  std::vector<RunId> locked;
  for (const RunId r : examine) {
    st_.lockRun(r, self_);
    locked.push_back(r);
    const DefId def = st_.dag(st_.run(r).dag).def;
    RunEvaluation ev = st_.evaluate(r, t0);
    int q = 2;
    // 3.1, a run without a bundle version (_verify_integrity_if_dag_changed): has the DAG a newer
    // version than its task instances? (A DAG's versions do not change in a run here.)
    if (airflow3_) {
      b.add(QueryType::VerifyDagVersion, ev.tasks, 1);
      q++;
    }
    b.add(QueryType::UpdateStateSelectTis, ev.tasks, ev.tasks, 1, {.run = r});
    b.add(QueryType::UpdateStateChanges, ev.tasks, static_cast<double>(ev.ready.size()), 1, {.run = r});
    if (!ev.ready.empty()) {
      b.add(QueryType::ScheduleTis, static_cast<double>(ev.ready.size()), 0, 1, {.run = r, .tis = ev.ready});
      q++;
    }
    perDef_[def] += q;
    st_.noteSchedulingDecision(r, t0);
    toSchedule.insert(toSchedule.end(), ev.ready.begin(), ev.ready.end());
  }
  return locked;
}

void Airflow2Loop::scheduleRuns(double t0, int& queries) {
  QueryBatch b = db_.batch();
  const std::vector<DagId> due = createDueRuns(b, t0);
  std::vector<TiId> toSchedule;
  const std::vector<RunId> locked = examineRuns(b, t0, toSchedule);
  db_.execute(b, cfg_.clientCostPerQuery);
  traced(b);
  if (ctx_.loops) loop_.runsExamined = static_cast<int>(locked.size());
  // The transaction commits: the rows are free for the other schedulers.
  for (RunId r : locked) st_.unlockRun(r);
  for (DagId d : due) st_.dag(d).lockedBy = SchedulerId();
  for (TiId ti : toSchedule)
    if (st_.tiState(ti) == TiState::None || st_.tiState(ti) == TiState::UpForRetry ||
        st_.tiState(ti) == TiState::UpForReschedule) {  // (its run may have ended during the batch)
      st_.markScheduled(ti, ctx_.now());
      if (ctx_.loops) loop_.tisScheduled++;
    }
  queries = schedulerQueries(b);
}

std::vector<TiId> Airflow2Loop::criticalSection(int& queries) {
  // Lock the pool rows, pick SCHEDULED TIs, bulk-UPDATE them to QUEUED. The pool rows are taken
  // NOWAIT: when another scheduler holds them this one skips it (a lone scheduler takes no lock).
  std::vector<TiId> queued;
  const bool contended = cfg_.replicas > 1;
  const double pools = 1.0 + static_cast<double>(cfg_.pools.size());
  if (st_.openSlots(self_) > 0 && contended && !db_.slotPoolLock->tryAcquire()) {
    ctx_.recorder.criticalSectionBusy++;
    QueryBatch busy = db_.batch();
    busy.add(QueryType::PoolSlotsLock, pools, 0);
    db_.execute(busy, cfg_.clientCostPerQuery);
    traced(busy);
    queries += schedulerQueries(busy);
  } else if (st_.openSlots(self_) > 0) {
    QueryBatch cs = db_.batch();
    cs.add(QueryType::PoolSlotsLock, pools, pools);
    cs.add(QueryType::PoolStateCounts, st_.activeTasksOfInstance(instance_), pools);
    queued = st_.queueExecutable(self_, cfg_.maxTisPerQuery, ctx_.now());
    for (TiId ti : queued) st_.ti(ti).queuedByJob = process_.job();
    cs.add(QueryType::ScheduledTisForUpdate, st_.scheduledCount(instance_) + static_cast<double>(queued.size()),
           static_cast<double>(queued.size()));
    if (!queued.empty()) cs.add(QueryType::BulkQueueTis, static_cast<double>(queued.size()), 0, 1, {.tis = queued});
    db_.execute(cs, cfg_.clientCostPerQuery);
    traced(cs);
    if (contended) db_.slotPoolLock->release();
    queries += schedulerQueries(cs);
  }
  return queued;
}

int Airflow2Loop::tail(int& queries) {
  QueryBatch tail = db_.batch();
  const int events = ctx_.executor->takeEvents(self_);
  if (events > 0) tail.add(QueryType::ExecutorEvents, events, events);
  // 3.1: the deadlines passed and not yet handled, every loop (none are missed here).
  if (airflow3_) tail.add(QueryType::DeadlineScan, 0, 0);
  // check_trigger_timeouts, every trigger_timeout_check_interval (sent where a triggerer runs: with
  // no deferred task instance it updates no row).
  const bool triggerCheck = ctx_.triggerer && ctx_.now() >= nextTriggerTimeoutCheck_;
  if (triggerCheck) {
    tail.add(QueryType::CheckTriggerTimeouts, 1, 0);
    nextTriggerTimeoutCheck_ = ctx_.now() + cfg_.triggerTimeoutCheckInterval;
  }
  const bool beat = ctx_.now() - lastHeartbeat_ >= cfg_.schedulerHeartbeatSec;
  if (beat) {
    tail.add(QueryType::SchedulerHeartbeat, 1, 0);
    lastHeartbeat_ = ctx_.now();
  }
  db_.execute(tail, cfg_.clientCostPerQuery);
  traced(tail);
  if (triggerCheck) ctx_.triggerer->checkTimeouts(ctx_.now());
  if (beat) jobs_.heartbeat(self_);
  queries += schedulerQueries(tail);
  return events;
}

}  // namespace

void runAirflow2Scheduler(SimContext& ctx, InstanceId instance, int replica) {
  Airflow2Loop(ctx, instance, replica).run();
}

void runAirflow1MainLoop(SimContext& ctx, InstanceId instance) {
  const SchedulerConfig& cfg = ctx.scenario.scheduler;
  WorkflowState& st = ctx.state;
  MetadataDb& db = ctx.db(instance);
  const double client = cfg.clientCostPerQuery;
  SchedulerJobs& jobs = *ctx.jobs;
  // 1.10 runs one scheduler per instance.
  const SchedulerId self = SchedulerNumbering(ctx.scenario).scheduler(instance, 0);
  SchedulerProcess process(jobs, self, db);
  double lastHeartbeat = -INFINITY;
  while (true) {
    if (process.begin()) {
      // A process starts: reset_state_for_orphaned_tasks, its executor empty.
      lastHeartbeat = -INFINITY;
      ctx.executor->takeEvents(self);
      SchedulerJobs::Sweep sweep;
      if (!process.transaction([&] {
            QueryBatch rb = db.batch();
            sweep = jobs.findResettable(instance, rb);
            db.execute(rb, client);
          }))
        continue;
      jobs.apply(sweep, self);
    }
    double t0 = 0;
    std::vector<TiId> queued;
    int queries = 0;
    // Queued, not sent when the process dies meanwhile: the next process resets them.
    if (!process.transaction([&] {
          t0 = ctx.now();
          QueryBatch b = db.batch();
          double active = st.activeTasks(self);
          b.add(QueryType::TisWithoutDagrun, active, 0, 2);
          // _execute_task_instances: scheduled TIs, pools, concurrency maps, open slots per pool.
          double scheduled = st.scheduledCount(instance);
          double pools = 1.0 + static_cast<double>(cfg.pools.size());
          b.add(QueryType::FindScheduledTis, scheduled, scheduled);
          if (scheduled > 0) {
            b.add(QueryType::SelectPools, pools, pools);
            b.add(QueryType::ConcurrencyCounts, active, active);
            b.add(QueryType::PoolOpenSlots, active, 1, static_cast<int>(pools));
          }
          queued = st.queueExecutable(self, 1 << 30, t0);
          for (TiId ti : queued) st.ti(ti).queuedByJob = process.job();
          for (size_t i = 0; i < queued.size(); i += static_cast<size_t>(cfg.maxTisPerQuery)) {
            size_t chunk = std::min(queued.size() - i, static_cast<size_t>(cfg.maxTisPerQuery));
            b.add(QueryType::LockAndQueueTis, static_cast<double>(chunk), static_cast<double>(chunk), 1,
                  {.tis = std::span<const TiId>(queued).subspan(i, chunk)});
          }
          // 1.10's _process_executor_events sends one SELECT per finished event.
          int events = ctx.executor->takeEvents(self);
          b.add(QueryType::ExecutorEvents, 1, 1, events);
          const bool beat = t0 - lastHeartbeat >= cfg.schedulerHeartbeatSec;
          if (beat) {
            b.add(QueryType::SchedulerHeartbeat, 1, 0);
            lastHeartbeat = t0;
          }
          db.execute(b, client);
          if (beat) jobs.heartbeat(self);
          queries = schedulerQueries(b);
        }))
      continue;
    // 1.10's main loop is not traced: loops.csv has its DAG-file processor passes.
    queries += ctx.executor->send(self, queued, ctx.now(), nullptr);
    ctx.recorder.schedulerQueries[instance.value()] += queries;
    // processor_poll_interval: an iteration lasts at least this long.
    double elapsed = ctx.now() - t0;
    if (elapsed < cfg.idleSleepTime) ctx.rt.sleepFor(cfg.idleSleepTime - elapsed);
  }
}

}  // namespace schedlab
