#include "model/SchedulerLoop.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "model/CeleryExecutor.h"
#include "model/SchedulerJobs.h"

namespace schedlab {
namespace {

int schedulerQueries(const QueryBatch& b) {
  int n = 0;
  for (size_t i = 0; i < kQueryTypeCount; ++i)
    if (kQueries[i].schedulerSide) n += b.counts()[i];
  return n;
}

}  // namespace

void runAirflow2Scheduler(SimContext& ctx, int instance, int replica) {
  const SchedulerConfig& cfg = ctx.scenario.scheduler;
  WorkflowState& st = ctx.state;
  MetadataDb& db = ctx.db(instance);
  const double client = cfg.clientCostPerQuery;
  const int self = instance * cfg.replicas + replica;  // this scheduler's id
  SchedulerJobs& jobs = *ctx.jobs;
  int job = -1;  // the process running this loop (a crash and a restart make a new one)
  double lastHeartbeat = -INFINITY, nextOrphanCheck = 0;
  while (true) {
    // Between transactions a crashed process stops here until a new one runs the scheduler.
    if (const int current = jobs.checkpoint(self); current != job) {
      // A process starts: the old one's executor events died with it; orphans first.
      job = current;
      lastHeartbeat = -INFINITY;
      ctx.executor->takeEvents(self);
      nextOrphanCheck = ctx.now();
    }
    if (!jobs.reachDb(self, db)) continue;  // a failover refusing connections ended the process
    if (ctx.now() >= nextOrphanCheck) {
      // adopt_or_reset_orphaned_tasks: at start, then every orphaned_tasks_check_interval.
      QueryBatch ob = db.batch();
      SchedulerJobs::Sweep sweep = jobs.findOrphans(self, ob);
      db.execute(ob, client);
      if (jobs.checkpoint(self) != job) continue;
      jobs.apply(sweep, self);
      nextOrphanCheck = ctx.now() + cfg.orphanedTasksCheckInterval;
      if (!jobs.reachDb(self, db)) continue;
    }
    const double t0 = ctx.now();
    std::map<int, int> perDef;  // queries attributable to each DAG definition this loop

    // _do_scheduling, part 1: create due runs, start queued ones, pick runs to examine.
    QueryBatch b = db.batch();
    std::vector<int> due;
    // dags_needing_dagruns: FOR UPDATE SKIP LOCKED, so a DAG another scheduler holds is skipped.
    for (size_t d = 0; d < st.dags().size(); ++d)
      if (st.dags()[d].instance == instance && st.dags()[d].lockedBy < 0 && st.hasDueRun(static_cast<int>(d), t0))
        due.push_back(static_cast<int>(d));
    std::sort(due.begin(), due.end(), [&](int a, int c) { return st.dags()[a].nextDueAt < st.dags()[c].nextDueAt; });
    if (due.size() > static_cast<size_t>(cfg.maxDagrunsToCreatePerLoop)) due.resize(cfg.maxDagrunsToCreatePerLoop);
    b.add(QueryType::DagsNeedingDagruns, static_cast<double>(st.dags().size()), static_cast<double>(due.size()));
    for (int d : due) {
      st.dags()[d].lockedBy = self;
      std::vector<int> created = st.createDueRuns(d, t0, 1);
      b.add(QueryType::DagRunInsert, static_cast<double>(st.def(d).tasks.size()), 0, 1,
            {.run = created.empty() ? -1 : created[0]});
      perDef[st.dags()[d].def] += 1;
    }
    // Runs to examine: RUNNING, ordered by last_scheduling_decision NULLS FIRST, execution_date.
    std::vector<std::tuple<double, double, int>> candidates;
    int queuedRuns = 0;
    for (size_t d = 0; d < st.dags().size(); ++d) {
      Dag& dag = st.dags()[d];
      if (dag.instance != instance) continue;
      if (static_cast<int>(dag.activeRuns.size()) > dag.runningRuns) {
        queuedRuns++;
        st.startQueuedRuns(static_cast<int>(d), t0);
      }
      for (int r : dag.activeRuns) {
        // next_dagruns_to_examine: FOR UPDATE SKIP LOCKED.
        if (st.run(r).state != RunState::Running || st.run(r).lockedBy >= 0) continue;
        candidates.push_back({st.run(r).lastSchedulingDecision, st.run(r).executionDate, r});
      }
    }
    if (queuedRuns > 0) b.add(QueryType::StartQueuedDagruns, queuedRuns, queuedRuns);
    size_t examine = std::min(candidates.size(), static_cast<size_t>(cfg.maxDagrunsPerLoopToSchedule));
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<long>(examine), candidates.end());
    b.add(QueryType::NextDagrunsToExamine, static_cast<double>(candidates.size()), static_cast<double>(examine));
    std::vector<int> toSchedule, locked;
    for (size_t i = 0; i < examine; ++i) {
      int r = std::get<2>(candidates[i]);
      st.run(r).lockedBy = self;
      locked.push_back(r);
      int def = st.dags()[st.run(r).dag].def;
      RunEvaluation ev = st.evaluate(r, t0);
      b.add(QueryType::UpdateStateSelectTis, ev.tasks, ev.tasks, 1, {.run = r});
      b.add(QueryType::UpdateStateChanges, ev.tasks, static_cast<double>(ev.ready.size()), 1, {.run = r});
      int q = 2;
      if (!ev.ready.empty()) {
        b.add(QueryType::ScheduleTis, static_cast<double>(ev.ready.size()), 0, 1, {.run = r, .tis = ev.ready});
        q++;
      }
      perDef[def] += q;
      st.run(r).lastSchedulingDecision = t0;
      toSchedule.insert(toSchedule.end(), ev.ready.begin(), ev.ready.end());
    }
    db.execute(b, client);
    // The transaction commits: the rows are free for the other schedulers.
    for (int r : locked) st.run(r).lockedBy = -1;
    for (int d : due) st.dags()[d].lockedBy = -1;
    for (int ti : toSchedule)
      if (st.ti(ti).state == TiState::None || st.ti(ti).state == TiState::UpForRetry ||
        st.ti(ti).state == TiState::UpForReschedule)
        st.markScheduled(ti, ctx.now());
    int queries = schedulerQueries(b);
    if (jobs.checkpoint(self) != job || !jobs.reachDb(self, db)) continue;

    // The critical section: lock the pool rows, pick SCHEDULED TIs, bulk-UPDATE them to QUEUED.
    // The pool rows are taken NOWAIT: when another scheduler holds them this one skips it.
    std::vector<int> queued;
    // (A lone scheduler always gets them: no lock is taken.)
    const bool contended = cfg.replicas > 1;
    if (st.openSlots(self) > 0 && contended && !db.slotPoolLock->tryAcquire()) {
      ctx.recorder.criticalSectionBusy++;
      QueryBatch busy = db.batch();
      busy.add(QueryType::PoolSlotsLock, 1.0 + static_cast<double>(cfg.pools.size()), 0);
      db.execute(busy, client);
      queries += schedulerQueries(busy);
    } else if (st.openSlots(self) > 0) {
      QueryBatch cs = db.batch();
      double pools = 1.0 + static_cast<double>(cfg.pools.size());
      cs.add(QueryType::PoolSlotsLock, pools, pools);
      cs.add(QueryType::PoolStateCounts, st.activeTasksOfInstance(instance), pools);
      queued = st.queueExecutable(self, cfg.maxTisPerQuery, ctx.now());
      for (int ti : queued) st.ti(ti).queuedByJob = job;
      cs.add(QueryType::ScheduledTisForUpdate, st.scheduledCount(instance) + static_cast<double>(queued.size()),
             static_cast<double>(queued.size()));
      if (!queued.empty()) cs.add(QueryType::BulkQueueTis, static_cast<double>(queued.size()), 0, 1, {.tis = queued});
      db.execute(cs, client);
      if (contended) db.slotPoolLock->release();
      queries += schedulerQueries(cs);
    }
    // Queued and committed but not sent yet: a crash now leaves them without a Celery task id.
    if (jobs.checkpoint(self) != job) continue;
    // executor.heartbeat(), _process_executor_events, the job heartbeat.
    ctx.executor->send(queued, ctx.now());
    if (!jobs.reachDb(self, db)) continue;
    QueryBatch tail = db.batch();
    int events = ctx.executor->takeEvents(self);
    if (events > 0) tail.add(QueryType::ExecutorEvents, events, events);
    const bool beat = ctx.now() - lastHeartbeat >= cfg.schedulerHeartbeatSec;
    if (beat) {
      tail.add(QueryType::SchedulerHeartbeat, 1, 0);
      lastHeartbeat = ctx.now();
    }
    db.execute(tail, client);
    if (beat) jobs.heartbeat(self);
    queries += schedulerQueries(tail);

    const double duration = ctx.now() - t0;
    ctx.recorder.loop(instance, t0, duration, queries);
    for (auto& [def, q] : perDef) ctx.recorder.queriesPerPass(def, t0, q);
    if (queued.empty() && events == 0) ctx.rt.sleepFor(cfg.idleSleepTime);
  }
}

void runAirflow1MainLoop(SimContext& ctx, int instance) {
  const SchedulerConfig& cfg = ctx.scenario.scheduler;
  WorkflowState& st = ctx.state;
  MetadataDb& db = ctx.db(instance);
  const double client = cfg.clientCostPerQuery;
  SchedulerJobs& jobs = *ctx.jobs;
  int job = -1;
  double lastHeartbeat = -INFINITY;
  while (true) {
    if (const int current = jobs.checkpoint(instance); current != job) {
      // A process starts: reset_state_for_orphaned_tasks, its executor empty.
      job = current;
      lastHeartbeat = -INFINITY;
      ctx.executor->takeEvents(instance);
      if (!jobs.reachDb(instance, db)) continue;
      QueryBatch rb = db.batch();
      SchedulerJobs::Sweep sweep = jobs.findResettable(instance, rb);
      db.execute(rb, client);
      if (jobs.checkpoint(instance) != job) continue;
      jobs.apply(sweep, instance);
    }
    if (!jobs.reachDb(instance, db)) continue;  // a failover refusing connections ended the process
    const double t0 = ctx.now();
    QueryBatch b = db.batch();
    double active = st.activeTasks(instance);
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
    std::vector<int> queued = st.queueExecutable(instance, 1 << 30, t0);
    for (int ti : queued) st.ti(ti).queuedByJob = job;
    for (size_t i = 0; i < queued.size(); i += static_cast<size_t>(cfg.maxTisPerQuery)) {
      size_t chunk = std::min(queued.size() - i, static_cast<size_t>(cfg.maxTisPerQuery));
      b.add(QueryType::LockAndQueueTis, static_cast<double>(chunk), static_cast<double>(chunk), 1,
            {.tis = std::span<const int>(queued).subspan(i, chunk)});
    }
    // 1.10's _process_executor_events sends one SELECT per finished event.
    int events = ctx.executor->takeEvents(instance);
    b.add(QueryType::ExecutorEvents, 1, 1, events);
    const bool beat = t0 - lastHeartbeat >= cfg.schedulerHeartbeatSec;
    if (beat) {
      b.add(QueryType::SchedulerHeartbeat, 1, 0);
      lastHeartbeat = t0;
    }
    db.execute(b, client);
    if (beat) jobs.heartbeat(instance);
    if (jobs.checkpoint(instance) != job) continue;  // queued, not sent: the next process resets them
    ctx.executor->send(queued, ctx.now());
    ctx.recorder.schedulerQueries[instance] += schedulerQueries(b);
    // processor_poll_interval: an iteration lasts at least this long.
    double elapsed = ctx.now() - t0;
    if (elapsed < cfg.idleSleepTime) ctx.rt.sleepFor(cfg.idleSleepTime - elapsed);
  }
}

}  // namespace schedlab

