#include "model/DagFileProcessor.h"

#include <cmath>
#include <map>
#include <utility>

#include "model/SchedulerJobs.h"
#include "model/SchedulerProcess.h"

namespace schedlab {

DagFileProcessorManager::DagFileProcessorManager(SimContext& ctx, InstanceId instance)
    : ctx_(ctx),
      instance_(instance),
      scheduler_(SchedulerNumbering(ctx.scenario).scheduler(instance, 0)),
      work_(ctx.rt.semaphore(0)),
      done_(ctx.rt.semaphore(0)) {
  for (DagId d : ctx.state.dags().ids())
    if (ctx.state.dag(d).instance == instance) files_.push_back(d);
  lastProcessed_ = IdTable<DagId, double>(ctx.state.dags().size(), -INFINITY);
}

void DagFileProcessorManager::start() {
  ctx_.rt.spawn("dag-processor-manager", [this] { managerLoop(); });
  for (int p = 0; p < ctx_.scenario.scheduler.parsingProcesses; ++p)
    ctx_.rt.spawn("dag-file-processor", [this] { processorLoop(); });
}

void DagFileProcessorManager::managerLoop() {
  const double minInterval = ctx_.scenario.scheduler.minFileProcessInterval;
  SchedulerProcess process(*ctx_.jobs, scheduler_, ctx_.db(instance_));
  bool first = true;
  while (true) {
    // The processors are the scheduler process's children: they die with it, and a new
    // process parses every file again.
    if (process.begin() && !std::exchange(first, false))
      lastProcessed_ = IdTable<DagId, double>(lastProcessed_.size(), -INFINITY);
    double t0 = ctx_.now();
    // Files whose last processing is older than min_file_process_interval.
    double earliest = INFINITY;
    size_t n = 0;
    for (DagId f : files_) {
      double eligible = lastProcessed_[f] + minInterval;
      if (eligible <= t0) {
        queue_.push_back(f);
        ++n;
      } else {
        earliest = std::min(earliest, eligible);
      }
    }
    if (n == 0) {
      ctx_.rt.sleepUntil(std::isfinite(earliest) ? earliest : t0 + 1.0);
      continue;
    }
    long long queriesBefore = ctx_.recorder.schedulerQueries[instance_.value()];
    if (ctx_.loops) pass_ = LoopRecord{.scheduler = scheduler_};
    // Each processor drains the queue, then reports; the pass ends when all have reported.
    const int processors = ctx_.scenario.scheduler.parsingProcesses;
    for (int p = 0; p < processors; ++p) work_->release();
    for (int p = 0; p < processors; ++p) done_->acquire();
    double duration = ctx_.now() - t0;
    ctx_.recorder.loop(instance_.value(), t0, duration,
                       static_cast<double>(ctx_.recorder.schedulerQueries[instance_.value()] - queriesBefore));
    if (ctx_.loops) {
      pass_.start = t0;
      pass_.duration = duration;
      ctx_.loops->add(pass_);
    }
    if (duration < 1e-3) ctx_.rt.sleepFor(1.0);  // nothing to parse: do not spin
  }
}

bool DagFileProcessorManager::idle(DagId dag, double until) const {
  // No run to examine, and none falls due before its processing would end.
  const Dag& d = ctx_.state.dag(dag);
  return d.activeRuns.empty() && d.nextDueAt > until;
}

void DagFileProcessorManager::processorLoop() {
  while (true) {
    work_->acquire();
    while (!queue_.empty()) {
      if (!ctx_.jobs->alive(scheduler_)) {  // the scheduler process died: so did this processor's pass
        queue_.clear();
        break;
      }
      const DagId dag = queue_.front();
      queue_.pop_front();
      if (ctx_.db(instance_).refusing()) {
        // The processor's child cannot reach the DB (sync_to_db's retries fail too): the file
        // is left for the next pass.
        lastProcessed_[dag] = ctx_.now();
        continue;
      }
      double until = ctx_.now() + ctx_.state.def(dag).parseCost;
      if (!idle(dag, until)) {
        processFile(dag);
        lastProcessed_[dag] = ctx_.now();
        continue;
      }
      // A file whose DAG has no run to create or examine changes nothing but costs parse time
      // and a few fixed queries. Consecutive such files are taken together: one sleep for their
      // parse time and one batch for their queries. Their decisions are the same; only their DB
      // load is sent a little later in one piece. This keeps 200 mostly idle cron DAGs fast.
      std::vector<DagId> chunk{dag};
      while (chunk.size() < kIdleChunk && !queue_.empty() &&
             idle(queue_.front(), until + ctx_.state.def(queue_.front()).parseCost)) {
        until += ctx_.state.def(queue_.front()).parseCost;
        chunk.push_back(queue_.front());
        queue_.pop_front();
      }
      processIdleFiles(chunk);
      for (DagId f : chunk) lastProcessed_[f] = ctx_.now();
    }
    done_->release();
  }
}

void DagFileProcessorManager::processIdleFiles(const std::vector<DagId>& files) {
  WorkflowState& st = ctx_.state;
  double parse = 0;
  for (DagId f : files) parse += st.def(f).parseCost;
  ctx_.rt.sleepFor(parse);
  const double t = ctx_.now();
  MetadataDb& db = ctx_.db(instance_);
  QueryBatch b = db.batch();
  // A file's queries cost the same as another's with the same schedule kind and run count (the
  // tables do not change meanwhile): each such batch is built once. Not when the service sends
  // the real statements, which name the file.
  const bool reuse = !db.recordsSubjects();
  std::map<std::pair<bool, int>, QueryBatch> built;
  for (DagId f : files) {
    const Dag& dag = st.dag(f);
    const bool scheduled = dag.schedule.kind() != Schedule::Kind::None;
    const std::pair<bool, int> key{scheduled, dag.runsCreated};
    auto it = reuse ? built.find(key) : built.end();
    if (it == built.end()) {
      QueryBatch one = db.batch();
      const QuerySubject file{.dag = f};
      one.add(QueryType::SyncDag, 1, 1, 1, file);
      one.add(QueryType::GetPausedDags, 1, 0, 1, file);
      if (scheduled) one.add(QueryType::CreateDagRunChecks, static_cast<double>(dag.runsCreated), 1, 3, file);
      one.add(QueryType::FindRunningDagRuns, 0, 0, 1, file);
      if (!reuse) {
        b.add(one);
        ctx_.recorder.queriesPerPass(dag.def.value(), t, one.queries());
        continue;
      }
      it = built.emplace(key, std::move(one)).first;
    }
    b.add(it->second);
    ctx_.recorder.queriesPerPass(dag.def.value(), t, it->second.queries());
  }
  db.execute(b, ctx_.scenario.scheduler.clientCostPerQuery);
  if (ctx_.loops) pass_.add(b);
  ctx_.recorder.schedulerQueries[instance_.value()] += b.queries();
}

void DagFileProcessorManager::processFile(DagId dagIdx) {
  WorkflowState& st = ctx_.state;
  MetadataDb& db = ctx_.db(instance_);
  const SchedulerConfig& cfg = ctx_.scenario.scheduler;
  const DagDef& def = st.def(dagIdx);
  // The child process imports the DAG file.
  ctx_.rt.sleepFor(def.parseCost);
  const double t = ctx_.now();
  QueryBatch b = db.batch();
  const QuerySubject file{.dag = dagIdx};
  b.add(QueryType::SyncDag, 1, 1, 1, file);
  b.add(QueryType::GetPausedDags, 1, 0, 1, file);
  Dag& dag = st.dag(dagIdx);
  if (dag.schedule.kind() != Schedule::Kind::None) {
    // create_dag_run: the running-runs query; below max_active_runs also max(execution_date)
    // and the last run.
    bool full = static_cast<int>(dag.activeRuns.size()) >= def.maxActiveRuns;
    b.add(QueryType::CreateDagRunChecks, static_cast<double>(dag.runsCreated), 1, full ? 1 : 3, file);
    // create_dag_run makes at most one run per call.
    std::vector<RunId> created = st.createDueRuns(dagIdx, t, 1);
    if (!created.empty())
      b.add(QueryType::DagRunInsert, static_cast<double>(def.tasks.size()), 0, 1, {.run = created[0]});
  }
  b.add(QueryType::FindRunningDagRuns, static_cast<double>(dag.activeRuns.size()),
        static_cast<double>(dag.activeRuns.size()), 1, file);
  st.startQueuedRuns(dagIdx, t);
  std::vector<TiId> ready;
  std::vector<RunId> runs = dag.activeRuns;
  int examined = 0;
  for (RunId r : runs) {
    if (st.run(r).state != RunState::Running) continue;
    ++examined;
    RunEvaluation ev = st.evaluate(r, t);
    double n = ev.tasks;
    const QuerySubject run{.run = r};
    b.add(QueryType::VerifyIntegrity, n, n, 1, run);
    b.add(QueryType::UpdateStateSelectTis, n, n, 1, run);
    if (cfg.queryMode == QueryMode::PerTask) {
      // Before AIRFLOW-3607: a second SELECT of unfinished TIs; the deadlock check's
      // are_dependencies_met + current_state per TI until the first runnable one; then a
      // TriggerRuleDep aggregate for every schedulable TI with upstreams.
      b.add(QueryType::UpdateStateUnfinished, n, ev.unfinished, 1, run);
      b.add(QueryType::TiCurrentState, 1, 1, ev.deadlockChecks, run);
      b.add(QueryType::TriggerRuleDep, 3, 1, ev.deadlockChecksWithUpstream, run);
      // 1.10.12's deadlock check evaluates NotPreviouslySkippedDep too, a fresh context per TI.
      if (cfg.notPreviouslySkippedDep) b.add(QueryType::NotPreviouslySkippedDep, n, n, ev.deadlockChecks, run);
      b.add(QueryType::DagRunUpdate, 1, 0, 1, run);
      b.add(QueryType::SchedulableTisSelect, n, ev.schedulable, 1, run);
      b.add(QueryType::TriggerRuleDep, 3, 1, ev.schedulableWithUpstream, run);
      if (cfg.notPreviouslySkippedDep) b.add(QueryType::NotPreviouslySkippedDep, n, n, ev.schedulable, run);
    } else {
      // AIRFLOW-3607's _get_ready_tis (1.10.13 dagrun.py:331-344): the dependencies are counted
      // in memory, but every schedulable TI they do not let run still reads its own state.
      b.add(QueryType::TiCurrentState, 1, 1, ev.schedulable - static_cast<int>(ev.ready.size()), run);
      b.add(QueryType::DagRunUpdate, 1, 0, 1, run);
    }
    if (def.dependsOnPast) b.add(QueryType::PrevDagrunDep, 1, 1, ev.schedulable, run);
    int k = static_cast<int>(ev.ready.size());
    b.add(QueryType::TiLockForSchedule, 1, 1, k, {.run = r, .tis = ev.ready});
    b.add(QueryType::TiMergeScheduled, 1, 0, k, {.run = r, .tis = ev.ready});
    ready.insert(ready.end(), ev.ready.begin(), ev.ready.end());
  }
  db.execute(b, cfg.clientCostPerQuery);
  const double now = ctx_.now();
  int scheduled = 0;
  for (TiId ti : ready)
    if (st.tiState(ti) == TiState::None || st.tiState(ti) == TiState::UpForRetry ||
        st.tiState(ti) == TiState::UpForReschedule) {  // (its run may have ended during the batch)
      st.markScheduled(ti, now);
      ++scheduled;
    }
  if (ctx_.loops) {
    pass_.add(b);
    pass_.runsExamined += examined;
    pass_.tisScheduled += scheduled;
  }
  int queries = 0;
  for (size_t i = 0; i < kQueryTypeCount; ++i)
    if (kQueries[i].schedulerSide) queries += b.counts()[i];
  ctx_.recorder.schedulerQueries[instance_.value()] += queries;
  ctx_.recorder.queriesPerPass(dag.def.value(), t, queries);
}

}  // namespace schedlab
