#include "model/WorkflowState.h"

#include <algorithm>
#include <cmath>

namespace schedlab {

namespace {
bool terminal(TiState s) { return s == TiState::Success || s == TiState::Failed || s == TiState::UpstreamFailed; }
}  // namespace

WorkflowState::WorkflowState(const Scenario& scenario, std::vector<MetadataDb*> instanceDbs, MetricsRecorder& recorder)
    : scenario_(scenario),
      instanceDb_(std::move(instanceDbs)),
      rec_(recorder),
      schedulerActive_(static_cast<size_t>(SchedulerNumbering(scenario).count()), 0),
      schedulerRunning_(static_cast<size_t>(SchedulerNumbering(scenario).count()), 0),
      instanceScheduled_(scenario.instances.size(), 0),
      byNextDue_(scenario.instances.size(), {}),
      withQueuedRuns_(scenario.instances.size(), {}),
      runningByDecision_(scenario.instances.size(), {}),
      lockedRuns_(scenario.instances.size(), {}) {
  poolNames_.push_back("default_pool");
  poolSlots_.push_back(scenario.scheduler.defaultPoolSlots);
  for (auto& [pool, slots] : scenario.scheduler.pools) {
    if (pool == "default_pool") {
      poolSlots_[0] = slots;
      continue;
    }
    poolNames_.push_back(pool);
    poolSlots_.push_back(slots);
  }
  poolUsed_.assign(poolSlots_.size(), 0);
  const double t0 = scenario.run.start;
  for (size_t d = 0; d < scenario.dags.size(); ++d) {
    const DagDef& def = scenario.dags[d];
    for (int r = 0; r < def.count; ++r) {
      Dag dag;
      dag.def = DefId(d);
      dag.replica = r;
      dag.id = def.count == 1 ? def.name : def.name + "__" + std::to_string(r + 1);
      double shift = def.count > 1 ? def.spread * r / def.count : 0;
      dag.schedule = def.schedule.shifted(shift);
      dag.instance = InstanceId(def.instance);
      const DagId id = dags_.add(std::move(dag));
      double first = firstExecution(id, 0);
      setNextDue(id, first,
                 dags_[id].schedule.kind() == Schedule::Kind::None ? INFINITY : dags_[id].schedule.dueAt(first) - t0);
    }
  }
}

void WorkflowState::setNextDue(DagId d, double nextExecution, double nextDueAt) {
  Dag& dag = dags_[d];
  auto& index = byNextDue_[dag.instance];
  if (dag.schedule.kind() != Schedule::Kind::None) index.erase({dag.nextDueAt, d});
  dag.nextExecution = nextExecution;
  // No run after the DAG's end_date (nor after an @once DAG's one run).
  dag.nextDueAt = nextExecution > def(d).endDate ? INFINITY : nextDueAt;
  if (dag.schedule.kind() != Schedule::Kind::None) index.insert({dag.nextDueAt, d});
}

std::vector<DagId> WorkflowState::dueDags(InstanceId instance, double now) const {
  std::vector<DagId> due;
  for (const auto& [at, d] : byNextDue_[instance]) {
    if (at > now) break;
    if (!dags_[d].lockedBy.valid() && hasDueRun(d, now)) due.push_back(d);
  }
  std::sort(due.begin(), due.end());
  return due;
}

double WorkflowState::firstExecution(DagId dagIdx, double now) const {
  // With no scheduled run on record the next run is the first interval at or after start_date;
  // without catchup only the most recent complete interval runs (1.10 create_dag_run, 2.x
  // next_dagrun).
  const Dag& dag = dags_[dagIdx];
  const DagDef& d = def(dagIdx);
  double shift = d.count > 1 ? d.spread * dag.replica / d.count : 0;
  double first = dag.schedule.firstAtOrAfter(d.startDate + shift);
  if (!d.catchup && dag.schedule.kind() != Schedule::Kind::None) {
    const double wall = scenario_.run.start + now;
    // The interval before the last one that has begun by now: jump to two points before now
    // (points are exact, so stepping on from there meets the same ones), then step.
    double latest = std::max(first, dag.schedule.lastBefore(dag.schedule.lastBefore(wall)));
    while (dag.schedule.after(dag.schedule.after(latest)) <= wall) latest = dag.schedule.after(latest);
    first = latest;
  }
  return first;
}

int WorkflowState::poolIndex(const std::string& pool) const {
  for (size_t i = 0; i < poolNames_.size(); ++i)
    if (poolNames_[i] == pool) return static_cast<int>(i);
  return 0;  // default_pool (the loader refuses a pool the scenario does not define)
}

RunId WorkflowState::createRun(DagId dagIdx, double executionDate, double dueAt, double now, bool external,
                               double arrival) {
  Dag& dag = dags_[dagIdx];
  const DagDef& d = def(dagIdx);
  DagRun run;
  run.dag = dagIdx;
  run.ordinal = dag.runsCreated++;
  run.executionDate = executionDate;
  run.dueAt = dueAt;
  run.external = external;
  run.arrival = arrival;
  run.created = now;
  if (firstRunCreated_ < 0) firstRunCreated_ = now;
  run.firstTi = tis_.nextId();
  run.unfinished = static_cast<int>(d.tasks.size());
  run.previous = dag.lastRun;
  const RunId id = runs_.add(run);
  dag.lastRun = id;
  rec_.considerSample(dag.def.value(), id.value(), now);
  for (size_t t = 0; t < d.tasks.size(); ++t) {
    TaskInstance ti;
    ti.run = id;
    ti.task = static_cast<int>(t);
    ti.created = now;
    tis_.add(ti);
  }
  dag.activeRuns.push_back(id);
  withQueuedRuns_[dag.instance].insert(dagIdx);
  if (!external) {
    if (executionDate <= dag.maxExecutionCreated) {
      rec_.dagrunsRecreatedByCatchup++;
      rec_.dagrunsRecreatedByDef[dag.def.value()]++;
    }
    dag.maxExecutionCreated = std::max(dag.maxExecutionCreated, executionDate);
    dag.scheduledRunRows++;
  }
  dbOf(dagIdx).addRows(Table::DagRun, 1);
  dbOf(dagIdx).addRows(Table::TaskInstance, static_cast<double>(d.tasks.size()));
  rec_.tasksCreated += static_cast<long long>(d.tasks.size());
  rec_.dagrunsCreated++;
  return id;
}

int WorkflowState::startQueuedRuns(DagId dagIdx, double now) {
  Dag& dag = dags_[dagIdx];
  int started = 0;
  for (RunId r : dag.activeRuns) {
    if (dag.runningRuns >= def(dagIdx).maxActiveRuns) break;
    DagRun& run = runs_[r];
    if (run.state != RunState::Queued) continue;
    run.state = RunState::Running;
    run.started = now;
    dag.runningRuns++;
    started++;
    runningByDecision_[dag.instance].insert({run.lastSchedulingDecision, run.executionDate, r});
    if (!run.external) rec_.scheduleDelay(dag.def.value(), now, now - run.dueAt);
  }
  if (static_cast<int>(dag.activeRuns.size()) == dag.runningRuns) withQueuedRuns_[dag.instance].erase(dagIdx);
  return started;
}

std::vector<RunId> WorkflowState::runsToExamine(InstanceId instance, size_t limit, size_t& candidates) const {
  const auto& running = runningByDecision_[instance];
  size_t locked = 0;
  for (RunId r : lockedRuns_[instance]) locked += runs_[r].state == RunState::Running ? 1 : 0;
  candidates = running.size() - locked;
  std::vector<RunId> chosen;
  for (auto it = running.begin(); it != running.end() && chosen.size() < limit; ++it)
    if (!runs_[std::get<2>(*it)].lockedBy.valid()) chosen.push_back(std::get<2>(*it));
  return chosen;
}

void WorkflowState::lockRun(RunId r, SchedulerId scheduler) {
  runs_[r].lockedBy = scheduler;
  lockedRuns_[instanceOfRun(r)].push_back(r);
}

void WorkflowState::unlockRun(RunId r) {
  runs_[r].lockedBy = SchedulerId();
  auto& locked = lockedRuns_[instanceOfRun(r)];
  locked.erase(std::find(locked.begin(), locked.end(), r));
}

void WorkflowState::noteSchedulingDecision(RunId r, double at) {
  DagRun& run = runs_[r];
  if (run.state == RunState::Running) {
    // Re-keyed in place: the node is reused, nothing allocated.
    auto& running = runningByDecision_[instanceOfRun(r)];
    auto node = running.extract({run.lastSchedulingDecision, run.executionDate, r});
    std::get<0>(node.value()) = at;
    running.insert(std::move(node));
  }
  run.lastSchedulingDecision = at;
}

bool WorkflowState::allRunsDone() const {
  for (const Dag& dag : dags_)
    if (!dag.activeRuns.empty() || std::isfinite(dag.nextDueAt)) return false;
  return true;
}

bool WorkflowState::hasDueRun(DagId dagIdx, double now) const {
  const Dag& dag = dags_[dagIdx];
  if (dag.schedule.kind() == Schedule::Kind::None) return false;
  if (static_cast<int>(dag.activeRuns.size()) >= def(dagIdx).maxActiveRuns) return false;
  return dag.nextDueAt <= now;
}

std::vector<RunId> WorkflowState::createDueRuns(DagId dagIdx, double now, int limit) {
  std::vector<RunId> created;
  while (static_cast<int>(created.size()) < limit && hasDueRun(dagIdx, now)) {
    Dag& dag = dags_[dagIdx];
    double exec = dag.nextExecution;
    double dueAt = dag.nextDueAt;
    created.push_back(createRun(dagIdx, exec, dueAt, now, false, -1));
    if (dag.schedule.kind() == Schedule::Kind::Once) {
      setNextDue(dagIdx, INFINITY, INFINITY);
      continue;
    }
    const double next = scenario_.run.start + dueAt;
    setNextDue(dagIdx, next, dags_[dagIdx].schedule.after(next) - scenario_.run.start);
  }
  return created;
}

std::pair<RunId, int> WorkflowState::placeOf(TiId ti) const {
  if (!tis_.released(ti)) {
    const TaskInstance& whole = tis_[ti];
    return {whole.run, whole.task};
  }
  // Runs take consecutive ids from their first on, in creation order: the last run starting at
  // or before `ti` is its own (a run of no tasks before it shares its first id).
  size_t lo = 0, hi = runs_.size();
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    (runs_[RunId(mid)].firstTi <= ti ? lo : hi) = mid;
  }
  const RunId run(lo);
  return {run, static_cast<int>(ti.index() - runs_[run].firstTi.index())};
}

RunEvaluation WorkflowState::evaluate(RunId runIdx, double now) {
  RunEvaluation ev;
  DagRun& run = runs_[runIdx];
  const DagDef& d = def(run.dag);
  ev.tasks = static_cast<int>(d.tasks.size());
  ev.unfinished = run.unfinished;
  if (run.state != RunState::Running) return ev;
  bool foundRunnable = false;
  // Terminal TIs count for nothing below: start at the first one that is not.
  size_t first = static_cast<size_t>(run.firstOpenTask);
  while (first < d.tasks.size() && terminal(tis_.ofOpenRun(run.firstTi + first).state)) ++first;
  run.firstOpenTask = static_cast<int>(first);
  for (size_t t = first; t < d.tasks.size(); ++t) {
    TaskInstance& ti = tis_.ofOpenRun(run.firstTi + t);
    if (terminal(ti.state)) continue;
    if (!foundRunnable) {
      ev.deadlockChecks++;
      if (!d.tasks[t].upstream.empty()) ev.deadlockChecksWithUpstream++;
    }
    if (ti.state != TiState::None && ti.state != TiState::UpForRetry && ti.state != TiState::UpForReschedule) {
      foundRunnable = true;  // scheduled, queued or running: the run is not deadlocked
      continue;
    }
    ev.schedulable++;
    if (!d.tasks[t].upstream.empty()) ev.schedulableWithUpstream++;
    bool upstreamFailed = false, met = true;
    for (int u : d.tasks[t].upstream) {
      TiState us = tis_.ofOpenRun(run.firstTi + u).state;
      if (us == TiState::Failed || us == TiState::UpstreamFailed) upstreamFailed = true;
      if (us != TiState::Success) met = false;
    }
    // PrevDagrunDep: with depends_on_past the same task of the previous run must have succeeded.
    if (d.dependsOnPast && run.previous.valid() && tis_.state(runs_[run.previous].firstTi + t) != TiState::Success)
      met = false;
    if (upstreamFailed) {
      ti.state = TiState::UpstreamFailed;
      ti.ended = now;
      noteTiTerminal(run.firstTi + t);
      continue;
    }
    if (met && (ti.state == TiState::None || ti.retryAt <= now)) {
      ev.ready.push_back(run.firstTi + t);
      foundRunnable = true;
    }
  }
  if (run.unfinished == 0) {
    bool ok = true;
    for (size_t t = 0; t < d.tasks.size(); ++t) ok &= tis_.ofOpenRun(run.firstTi + t).state == TiState::Success;
    finishRun(runIdx, now, ok);
    ev.finished = true;
  }
  return ev;
}

void WorkflowState::noteTiTerminal(TiId tiIdx) {
  TaskInstance& ti = tis_[tiIdx];
  runs_[ti.run].unfinished--;
  if (ti.state == TiState::Success)
    rec_.tasksSucceeded++;
  else if (ti.state == TiState::Failed)
    rec_.tasksFailed++;
  else if (ti.state == TiState::UpstreamFailed)
    rec_.tasksUpstreamFailed++;
  if (ti.state == TiState::UpstreamFailed) rec_.addTry(tryRecord(tiIdx, name(ti.state), ti.ended, -1, SchedulerId()));
}

TryRecord WorkflowState::tryRecord(TiId tiIdx, const char* state, double ended, int host, SchedulerId queuedBy) const {
  const TaskInstance& ti = tis_[tiIdx];
  return {runs_[ti.run].dag.value(),
          ti.run.value(),
          ti.task,
          ti.tryNumber,
          state,
          ti.created,
          ti.scheduled,
          ti.queued,
          ti.started,
          ended,
          host,
          queuedBy.value()};
}

void WorkflowState::finishRun(RunId runIdx, double now, bool success) {
  DagRun& run = runs_[runIdx];
  Dag& dag = dags_[run.dag];
  run.state = success ? RunState::Success : RunState::Failed;
  run.ended = now;
  lastRunEnded_ = now;
  dag.runningRuns--;
  dag.activeRuns.erase(std::find(dag.activeRuns.begin(), dag.activeRuns.end(), runIdx));
  runningByDecision_[dag.instance].erase({run.lastSchedulingDecision, run.executionDate, runIdx});
  (success ? rec_.dagrunsSucceeded : rec_.dagrunsFailed)++;
  const int def = dag.def.value();
  rec_.dagrunDuration(def, now, now - run.started);
  // From the end of its data interval (or its trigger) to its end: "was the nightly ETL done
  // by 06:00" when the interval ends at midnight.
  rec_.dagrunDoneAfterDue(def, now, now - run.dueAt);
  if (run.arrival >= 0 && !run.handedOff) rec_.triggerToDone(def, now, now - run.arrival);
  appendSlaDeadlines(runIdx, finishedSlaDeadlines_);
  if (releaseFinished_)
    for (size_t t = 0; t < this->def(run.dag).tasks.size(); ++t) tis_.retire(run.firstTi + t);
}

void WorkflowState::markScheduled(TiId tiIdx, double now) {
  TaskInstance& ti = tis_[tiIdx];
  ti.state = TiState::Scheduled;
  ti.scheduled = now;
  const DagRun& run = runs_[ti.run];
  scheduled_.insert({-taskDef(tiIdx).priorityWeight, run.executionDate, tiIdx});
  instanceScheduled_[dags_[run.dag].instance]++;
}

int WorkflowState::openSlots(SchedulerId scheduler) const {
  return std::max(0, scenario_.scheduler.parallelism - schedulerActive_[scheduler]);
}

int WorkflowState::activeTasksOfInstance(InstanceId instance) const {
  int n = 0;
  const SchedulerNumbering schedulers(scenario_);
  for (int r = 0; r < schedulers.replicas(); ++r) n += schedulerActive_[schedulers.scheduler(instance, r)];
  return n;
}

std::vector<TiId> WorkflowState::queueExecutable(SchedulerId scheduler, int limit, double now) {
  std::vector<TiId> chosen;
  const InstanceId instance = instanceOf(scheduler);
  int budget = std::min(limit, openSlots(scheduler));
  for (auto it = scheduled_.begin(); it != scheduled_.end() && static_cast<int>(chosen.size()) < budget;) {
    const TiId tiIdx = std::get<2>(*it);
    TaskInstance& ti = tis_[tiIdx];
    Dag& dag = dags_[runs_[ti.run].dag];
    int pool = poolIndex(taskDef(tiIdx).pool);
    if (dag.instance != instance || poolUsed_[pool] >= poolSlots_[pool] ||
        dag.activeTasks >= def(runs_[ti.run].dag).maxActiveTasks) {
      ++it;
      continue;
    }
    it = scheduled_.erase(it);
    instanceScheduled_[instance]--;
    ti.state = TiState::Queued;
    ti.queued = now;
    ti.queuedBy = scheduler;
    ti.sent = false;
    poolUsed_[pool]++;
    dag.activeTasks++;
    schedulerActive_[scheduler]++;
    queuedTasks_++;
    chosen.push_back(tiIdx);
  }
  return chosen;
}

void WorkflowState::adopt(TiId tiIdx, SchedulerId scheduler, JobId job) {
  TaskInstance& ti = tis_[tiIdx];
  schedulerActive_[ti.queuedBy]--;
  schedulerActive_[scheduler]++;
  if (ti.state == TiState::Running) {
    schedulerRunning_[ti.queuedBy]--;
    schedulerRunning_[scheduler]++;
  }
  ti.queuedBy = scheduler;
  ti.queuedByJob = job;
}

void WorkflowState::resetToNone(TiId tiIdx) {
  TaskInstance& ti = tis_[tiIdx];
  const DagRun& run = runs_[ti.run];
  if (ti.state == TiState::Scheduled) {
    scheduled_.erase({-taskDef(tiIdx).priorityWeight, run.executionDate, tiIdx});
    instanceScheduled_[dags_[run.dag].instance]--;
  } else if (ti.state == TiState::Queued) {
    releaseSlot(tiIdx);
    queuedTasks_--;
  } else {
    return;
  }
  ti.state = TiState::None;
  ti.sent = false;
}

void WorkflowState::markRunning(TiId tiIdx, double now, int host, bool measured) {
  TaskInstance& ti = tis_[tiIdx];
  ti.state = TiState::Running;
  ti.killedAt = -1;
  ti.host = host;
  ti.tryNumber++;
  ti.started = now;
  queuedTasks_--;
  runningTasks_++;
  schedulerRunning_[ti.queuedBy]++;
  runs_[ti.run].tries++;
  if (!measured) return;
  const DagRun& run = runs_[ti.run];
  const int def = dags_[run.dag].def.value();
  rec_.queuedDuration(def, now, now - ti.queued);
  const TaskDef& td = taskDef(tiIdx);
  if (ti.tryNumber == 1 && !td.upstream.empty() && ti.firstPokeAt < 0) {  // a sensor's later pokes are not transitions
    double lastUpstream = 0;
    for (int u : td.upstream) lastUpstream = std::max(lastUpstream, tis_[run.firstTi + u].ended);
    rec_.transition(def, now, now - lastUpstream);
  }
}

void WorkflowState::noteKilledTry(TiId tiIdx, double killedAt) {
  // Only a running try's kill is read (by restartRunning); markRunning clears it otherwise. A TI
  // no longer running may belong to a run that finished since and was given back.
  if (tis_.state(tiIdx) == TiState::Running) tis_[tiIdx].killedAt = killedAt;
}

void WorkflowState::restartRunning(TiId tiIdx, double now, int host) {
  TaskInstance& ti = tis_[tiIdx];
  rec_.addTry(tryRecord(tiIdx, "killed", ti.killedAt, ti.host, ti.queuedBy));
  ti.killedAt = -1;
  ti.tryNumber++;
  ti.started = now;
  ti.host = host;
  runs_[ti.run].tries++;
}

void WorkflowState::releaseSlot(TiId tiIdx) {
  TaskInstance& ti = tis_[tiIdx];
  poolUsed_[poolIndex(taskDef(tiIdx).pool)]--;
  dags_[runs_[ti.run].dag].activeTasks--;
  schedulerActive_[ti.queuedBy]--;
}

void WorkflowState::markRequeued(TiId tiIdx, double now) {
  TaskInstance& ti = tis_[tiIdx];
  releaseSlot(tiIdx);
  queuedTasks_--;
  ti.sent = false;
  markScheduled(tiIdx, now);
}

void WorkflowState::markFinished(TiId tiIdx, double now, bool success, bool mayRetry) {
  TaskInstance& ti = tis_[tiIdx];
  schedulerRunning_[ti.queuedBy]--;
  releaseSlot(tiIdx);
  runningTasks_--;
  ti.ended = now;
  const TaskDef& td = taskDef(tiIdx);
  TiState outcome =
      success ? TiState::Success : (mayRetry && ti.tryNumber <= td.retries ? TiState::UpForRetry : TiState::Failed);
  rec_.addTry(tryRecord(tiIdx, name(outcome), ti.ended, ti.host, ti.queuedBy));
  ti.state = outcome;
  if (outcome == TiState::UpForRetry) {
    ti.retryAt = now + td.retryDelay;
    return;
  }
  noteTiTerminal(tiIdx);
}

TaskInstance& WorkflowState::handBack(TiId tiIdx, double now, TiState state) {
  TaskInstance& ti = tis_[tiIdx];
  schedulerRunning_[ti.queuedBy]--;
  releaseSlot(tiIdx);
  runningTasks_--;
  rec_.addTry(tryRecord(tiIdx, name(state), now, ti.host, ti.queuedBy));
  ti.state = state;
  ti.tryNumber--;
  return ti;
}

void WorkflowState::markRescheduled(TiId tiIdx, double now, double nextPokeAt) {
  handBack(tiIdx, now, TiState::UpForReschedule).retryAt = nextPokeAt;
  rec_.sensorReschedules++;
}

void WorkflowState::markDeferred(TiId tiIdx, double now) {
  TaskInstance& ti = handBack(tiIdx, now, TiState::Deferred);
  if (ti.firstPokeAt < 0) ti.firstPokeAt = ti.started;
}

void WorkflowState::markResumed(TiId tiIdx, double now) { markScheduled(tiIdx, now); }

std::vector<TiId> WorkflowState::readyDownstream(TiId tiIdx, double now) {
  std::vector<TiId> ready;
  const DagRun& run = runs_[tiRun(tiIdx)];
  if (run.state != RunState::Running) return ready;
  const int task = tiTask(tiIdx);
  const DagDef& d = def(run.dag);
  for (size_t t = static_cast<size_t>(task) + 1; t < d.tasks.size(); ++t) {
    const auto& up = d.tasks[t].upstream;
    if (std::find(up.begin(), up.end(), task) == up.end()) continue;
    if (tis_.ofOpenRun(run.firstTi + t).state != TiState::None) continue;
    bool met = std::all_of(up.begin(), up.end(),
                           [&](int u) { return tis_.ofOpenRun(run.firstTi + u).state == TiState::Success; });
    if (met && def(run.dag).dependsOnPast && run.previous.valid() &&
        tis_.state(runs_[run.previous].firstTi + t) != TiState::Success)
      met = false;
    if (met) ready.push_back(run.firstTi + t);
  }
  (void)now;
  return ready;
}

std::array<double, static_cast<size_t>(Table::Count)> WorkflowState::archive(
    const MetadataDb* db, double cutoff, bool byStartDate, bool keepLastRun,
    const std::array<bool, static_cast<size_t>(Table::Count)>& tables, double now) {
  auto on = [&](Table t) { return tables[static_cast<size_t>(t)]; };
  std::array<double, static_cast<size_t>(Table::Count)> deleted{};
  // keep_last: each DAG's scheduled run with the newest execution date whose row is still there.
  IdTable<DagId, RunId> keep(dags_.size(), RunId());
  if (keepLastRun) {
    for (RunId r : runs_.ids()) {
      const DagRun& run = runs_[r];
      if (run.external || run.runRowArchived) continue;
      RunId& k = keep[run.dag];
      if (!k.valid() || runs_[k].executionDate < run.executionDate) k = r;
    }
  }
  for (RunId r : runs_.ids()) {
    DagRun& run = runs_[r];
    if (run.runRowArchived || (run.state != RunState::Success && run.state != RunState::Failed)) continue;
    if (instanceDb_[dags_[run.dag].instance] != db) continue;
    double age = byStartDate ? scenario_.run.start + run.started : run.executionDate;
    if (age >= cutoff) continue;
    if (!run.rowsArchived) {
      // Child rows go whatever happens to the run's own row (keep_last is a dag_run rule).
      run.rowsArchived = true;
      const double tasks = static_cast<double>(def(run.dag).tasks.size());
      if (on(Table::TaskInstance)) deleted[static_cast<size_t>(Table::TaskInstance)] += tasks;
      // 3.x writes no job or log rows per try; its retried tries' history goes with their rows.
      const bool perTryRows = scenario_.scheduler.model != SchedulerModel::Airflow3;
      if (on(Table::Job) && perTryRows) deleted[static_cast<size_t>(Table::Job)] += run.tries;
      if (on(Table::Log) && perTryRows) deleted[static_cast<size_t>(Table::Log)] += 2.0 * run.tries;
      if (on(Table::Xcom)) deleted[static_cast<size_t>(Table::Xcom)] += run.xcoms;
      if (on(Table::TaskInstance)) deleted[static_cast<size_t>(Table::TaskInstanceHistory)] += run.historyRows;
    }
    if (!on(Table::DagRun) || keep[run.dag] == r) continue;
    run.runRowArchived = true;
    deleted[static_cast<size_t>(Table::DagRun)] += 1;
    if (run.external) continue;
    Dag& dag = dags_[run.dag];
    if (--dag.scheduledRunRows == 0 && dag.schedule.kind() != Schedule::Kind::None) {
      // Nothing tells the scheduler this DAG ever ran: it starts again from the beginning.
      const double first = firstExecution(run.dag, now);
      setNextDue(run.dag, first, dag.schedule.dueAt(first) - scenario_.run.start);
    }
  }
  return deleted;
}

void WorkflowState::appendSlaDeadlines(RunId r, std::vector<SlaDeadline>& out) const {
  const DagRun& run = runs_[r];
  if (run.external) return;
  const DefId def = dags_[run.dag].def;
  const DagDef& d = scenario_.dags[def.index()];
  if (d.sla >= 0) out.push_back({run.dueAt + d.sla, def, run.ended < 0 || run.ended > run.dueAt + d.sla});
  for (size_t t = 0; t < d.tasks.size(); ++t) {
    const double sla = d.tasks[t].sla;
    if (sla < 0) continue;
    const TaskInstance& ti = tis_[run.firstTi + t];
    out.push_back({run.dueAt + sla, def, ti.state != TiState::Success || ti.ended > run.dueAt + sla});
  }
}

std::vector<RunId> WorkflowState::activeRunIds() const {
  std::vector<RunId> runs;
  for (const Dag& d : dags_) runs.insert(runs.end(), d.activeRuns.begin(), d.activeRuns.end());
  std::sort(runs.begin(), runs.end());
  return runs;
}

std::vector<TiId> WorkflowState::openRunTis() const {
  std::vector<TiId> open;
  for (RunId r : activeRunIds()) {
    const size_t tasks = def(runs_[r].dag).tasks.size();
    for (size_t t = 0; t < tasks; ++t) open.push_back(runs_[r].firstTi + t);
  }
  return open;
}

long long WorkflowState::tisInFlight() const {
  long long n = 0;
  for (RunId r : activeRunIds()) n += runs_[r].unfinished;
  return n;
}

void WorkflowState::recordOpenTries(double now) {
  (void)now;
  for (TiId i : openRunTis()) {
    const TaskInstance& ti = tis_[i];
    if (terminal(ti.state)) continue;
    TryRecord r = tryRecord(i, name(ti.state), -1, ti.state == TiState::Running ? ti.host : -1,
                            ti.queued >= 0 ? ti.queuedBy : SchedulerId());
    r.tryNumber += ti.state == TiState::Running ? 0 : 1;
    rec_.addTry(r);
  }
}

}  // namespace schedlab
