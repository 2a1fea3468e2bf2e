#include "model/TaskRun.h"

#include <cmath>
#include <span>

#include "model/Assets.h"

namespace schedlab {

bool KillableTry::pause(double seconds) {
  if (killed) return false;
  // acquireTimeout: true when the time passed; a release means the try was killed.
  return stop->acquireTimeout(seconds) && !killed;
}

bool KillableTry::compute(Runtime& rt, int host, double coreSeconds) {
  work = rt.startCompute(host, coreSeconds);
  if (!rt.wait(work) || killed) return false;
  work.reset();
  return true;
}

WorkPtr KillableTry::startCompute(Runtime& rt, int host, double coreSeconds) {
  work = rt.startCompute(host, coreSeconds);
  return work;
}

Runtime::WaitResult KillableTry::waitCompute(Runtime& rt, const WorkPtr& w, double deadline) {
  const Runtime::WaitResult r = rt.waitUntil(w, deadline);
  if (r == Runtime::WaitResult::Done) {
    if (killed) return Runtime::WaitResult::Cancelled;
    work.reset();
  }
  return r;
}

void KillableTry::interrupt() {
  stop->release();
  if (work) work->cancel();
}

TaskRunner::TaskRunner(SimContext& ctx) : ctx_(ctx) {}

// airflow3: the Task SDK's supervisor of one try (execution_time/supervisor.py). It stands in for
// the executor's slot while the task works, and heartbeats through the API server at most every
// `[workers] min_heartbeat_interval`, one call at a time (the task's messages wait meanwhile, as
// its loop is synchronous). A heartbeat answered while the task instance no longer runs this try
// (404/409) stops the task; max_failed_heartbeats failed calls in a row kill it.
class TaskRunner::Supervisor final : public TrySlot, public TriggerHub::Heartbeat {
 public:
  enum class Stop { None, ServerSaidStop, FailedHeartbeats };

  Supervisor(SimContext& ctx, TrySlot& slot, MetadataDb& db, TiId ti)
      : ctx_(ctx), slot_(slot), db_(db), ti_(ti), rng_([&] {
          const TaskInstance& t = ctx.state.ti(ti);
          const DagRun& run = ctx.state.run(t.run);
          // Its own keyed stream: the task's durations and outcomes draw from theirs as before.
          return keyedRng(ctx.seed() ^ hashString("supervisor"), hashString(ctx.state.dag(run.dag).id),
                          static_cast<uint64_t>(run.ordinal), static_cast<uint64_t>(t.task),
                          static_cast<uint64_t>(t.tryNumber));
        }()) {}

  bool call(ApiRoute route, MetadataDb& db, const QueryBatch& sql) { return ctx_.api->call(route, db, sql, rng_); }
  // ti_run set the task instance running (its try number) and last_heartbeat_at: heartbeats
  // count from here.
  void runningSince(double t) {
    lastAttempt_ = lastBeat_ = t;
    tryNumber_ = ctx_.state.ti(ti_).tryNumber;
  }
  double lastBeat() const { return lastBeat_; }
  Stop stopped() const { return stop_; }
  // While a sensor waits for a stream's arrival (TriggerHub); none once its host died (the wait
  // then ends at the arrival or the timeout, as a killed try's does).
  double nextAt() const override {
    return slot_.killed() ? INFINITY : lastAttempt_ + ctx_.scenario.workers.minHeartbeatInterval;
  }
  bool beat() override { return slot_.killed() || heartbeat(); }

  int host() const override { return slot_.host(); }
  bool pause(double seconds) override {
    const double end = ctx_.now() + seconds;
    while (true) {
      const double next = lastAttempt_ + ctx_.scenario.workers.minHeartbeatInterval;
      if (next >= end) return waitUntil(end);
      if (!waitUntil(next) || !heartbeat()) return false;
    }
  }
  bool compute(double coreSeconds) override {
    const WorkPtr work = slot_.startCompute(coreSeconds);
    while (true) {
      switch (slot_.waitCompute(work, lastAttempt_ + ctx_.scenario.workers.minHeartbeatInterval)) {
        case Runtime::WaitResult::Done:
          return !slot_.killed();
        case Runtime::WaitResult::Cancelled:
          return false;
        case Runtime::WaitResult::TimedOut:
          if (!heartbeat()) {
            work->cancel();  // the task process is killed
            return false;
          }
      }
    }
  }
  WorkPtr startCompute(double coreSeconds) override { return slot_.startCompute(coreSeconds); }
  Runtime::WaitResult waitCompute(const WorkPtr& work, double deadline) override {
    return slot_.waitCompute(work, deadline);
  }
  bool killed() const override { return slot_.killed() || stop_ != Stop::None; }
  void started() override { slot_.started(); }
  void finishing() override { slot_.finishing(); }
  void ended(SchedulerId scheduler) override { slot_.ended(scheduler); }
  void endLost(TiId ti, int tryNumber, double lastBeat) override { slot_.endLost(ti, tryNumber, lastBeat); }

 private:
  bool waitUntil(double t) {
    const double d = t - ctx_.now();
    return d > 0 ? slot_.pause(d) : !slot_.killed();
  }
  // One heartbeat call; false when the task must stop.
  bool heartbeat() {
    lastAttempt_ = ctx_.now();
    QueryBatch beat = db_.batch();
    beat.add(QueryType::ApiTiHeartbeat, 1, 1, 1, {.tis = std::span<const TiId>(&ti_, 1)});
    if (call(ApiRoute::TiHeartbeat, db_, beat)) {
      failures_ = 0;
      WorkflowState& st = ctx_.state;
      if (st.tiState(ti_) != TiState::Running || st.ti(ti_).tryNumber != tryNumber_) {
        stop_ = Stop::ServerSaidStop;
        return false;
      }
      lastBeat_ = ctx_.now();
      return true;
    }
    if (++failures_ < ctx_.scenario.workers.maxFailedHeartbeats) return true;
    stop_ = Stop::FailedHeartbeats;
    return false;
  }

  SimContext& ctx_;
  TrySlot& slot_;
  MetadataDb& db_;
  const TiId ti_;
  int tryNumber_ = 0;
  Rng rng_;
  double lastAttempt_ = 0, lastBeat_ = 0;
  int failures_ = 0;
  Stop stop_ = Stop::None;
};

bool TaskRunner::send(TrySlot& slot, ApiRoute route, MetadataDb& db, const QueryBatch& sql) {
  if (!ctx_.api) {
    db.execute(sql);
    return true;
  }
  return static_cast<Supervisor&>(slot).call(route, db, sql);
}

TaskRunner::Outcome TaskRunner::run(TiId tiIdx, TrySlot& slot) {
  if (ctx_.api) return runOnApi(tiIdx, slot);
  const Outcome started = start(tiIdx, slot);
  if (started != Outcome::Ended) return started;
  const Executing executing(executing_, tiIdx, runTwice_);
  Rng rng = beginWork(tiIdx);
  bool success = rng.uniform() >= ctx_.state.taskDef(tiIdx).failureProbability;
  bool rescheduled = false;
  if (!work(tiIdx, slot, rng, success, rescheduled)) return Outcome::Killed;
  if (rescheduled) return Outcome::Ended;
  return finish(tiIdx, slot, success);
}

TaskRunner::Executing::Executing(std::unordered_map<TiId, int>& map, TiId ti, long long& twice) : map_(map), ti_(ti) {
  if (++map_[ti_] > 1) twice++;
}

TaskRunner::Executing::~Executing() {
  if (--map_[ti_] == 0) map_.erase(ti_);
}

bool TaskRunner::takeOver(TiId tiIdx, TrySlot& slot) {
  WorkflowState& st = ctx_.state;
  // A message delivered again runs the task again: its killed try was left running. (A stale
  // message's run may have finished: only the state is read then.)
  const TiState state = st.tiState(tiIdx);
  if (state == TiState::Running && st.ti(tiIdx).killedAt >= 0) {
    st.restartRunning(tiIdx, ctx_.now(), slot.host());
  } else if (state == TiState::Queued) {
    st.markRunning(tiIdx, ctx_.now(), slot.host());
  } else {
    // check_and_change_state_before_execution refuses (3.x: ti_run answers 409): the TI is no
    // longer queued (a scheduler reset it, or another message of it already runs). The message
    // is spent.
    staleMessages_++;
    return false;
  }
  return true;
}

TaskRunner::Outcome TaskRunner::failStart(TiId tiIdx, TrySlot& slot) {
  WorkflowState& st = ctx_.state;
  const SchedulerId queuedBy = st.ti(tiIdx).queuedBy;
  st.markRunning(tiIdx, ctx_.now(), slot.host(), false);
  st.markFinished(tiIdx, ctx_.now(), false);
  slot.ended(queuedBy);
  return Outcome::FailedToStart;
}

Rng TaskRunner::beginWork(TiId tiIdx) {
  WorkflowState& st = ctx_.state;
  const TaskInstance& ti = st.ti(tiIdx);
  const TaskDef& td = st.taskDef(tiIdx);
  DagRun& run = st.run(ti.run);
  const Dag& dag = st.dag(run.dag);
  // The arrival's work begins with the first task that is neither its sensor nor its hand-off.
  if (run.arrival >= 0 && !run.workStarted && td.kind == OperatorKind::Task) {
    run.workStarted = true;
    ctx_.recorder.triggerToStart(dag.def.value(), ctx_.now(), ctx_.now() - run.arrival);
  }
  // Keyed draws: the same task of the same run gets the same duration in every variant.
  return keyedRng(ctx_.seed(), hashString(dag.id), static_cast<uint64_t>(run.ordinal), static_cast<uint64_t>(ti.task),
                  static_cast<uint64_t>(ti.tryNumber));
}

TaskRunner::Outcome TaskRunner::start(TiId tiIdx, TrySlot& slot) {
  WorkflowState& st = ctx_.state;
  MetadataDb& db = ctx_.db(st.dag(st.dagOf(tiIdx)).instance);
  if (const MetadataDb::Failover* f = db.refusing()) {
    // `airflow tasks run` cannot reach the DB and exits; the executor reports the task failed and
    // the scheduler fails the try (up_for_retry while it has retries) once the DB is back.
    ctx_.rt.sleepUntil(f->end);
    if (slot.killed()) return Outcome::Killed;  // its pod was deleted meanwhile: its killer reports it
    if (st.tiState(tiIdx) != TiState::Queued) return Outcome::FailedToStart;
    failedOnDbErrors_++;
    return failStart(tiIdx, slot);
  }
  QueryBatch startup = db.batch();
  startup.add(QueryType::WorkerStart, 1, 1, 1, {.tis = std::span<const TiId>(&tiIdx, 1)});
  db.execute(startup);
  if (slot.killed()) return Outcome::Killed;
  db.addRows(Table::Job, 1);
  db.addRows(Table::Log, 1);
  if (!takeOver(tiIdx, slot)) return Outcome::Stale;
  slot.started();
  return Outcome::Ended;
}

bool TaskRunner::readConfiguration(TiId tiIdx, TrySlot& slot) {
  const TaskDef& td = ctx_.state.taskDef(tiIdx);
  if (td.variableReads == 0 && td.connectionReads == 0) return true;
  MetadataDb& db = ctx_.db(ctx_.state.dag(ctx_.state.dagOf(tiIdx)).instance);
  const struct {
    QueryType type;
    ApiRoute route;
    int count;
  } reads[] = {{QueryType::VariableGet, ApiRoute::VariableGet, td.variableReads},
               {QueryType::ConnectionGet, ApiRoute::ConnectionGet, td.connectionReads}};
  for (const auto& r : reads)
    for (int i = 0; i < r.count; ++i) {
      if (!ctx_.api && db.refusing()) return false;
      QueryBatch read = db.batch();
      read.add(r.type, 1, 1, 1, {.tis = std::span<const TiId>(&tiIdx, 1)});
      if (!send(slot, r.route, db, read) || slot.killed()) return false;
    }
  return true;
}

bool TaskRunner::work(TiId tiIdx, TrySlot& slot, Rng& rng, bool& success, bool& rescheduled) {
  const TaskDef& td = ctx_.state.taskDef(tiIdx);
  if (!readConfiguration(tiIdx, slot)) {
    if (slot.killed()) return false;
    success = false;  // the lookup raised in the task
    return true;
  }
  // A deferred try back from the triggerer (or failed by its trigger_timeout).
  std::optional<Triggerer::Resumption> resumed;
  if (td.deferrable() && ctx_.triggerer) resumed = ctx_.triggerer->resume(tiIdx, ctx_.now());
  switch (td.kind) {
    case OperatorKind::Task:
      if (td.defers) return deferrableTaskWork(tiIdx, slot, rng, resumed, success, rescheduled);
      return taskWork(tiIdx, slot, td.duration.sample(rng));
    case OperatorKind::Sensor:
      if (td.sensorMode == SensorMode::Reschedule) {
        rescheduled = pokeOnce(tiIdx, slot, rng, success);
        return true;
      }
      if (td.sensorMode == SensorMode::Deferrable) {
        if (resumed) {
          success = !resumed->timedOut;  // execute_complete, or the trigger's timeout
          return true;
        }
        rescheduled = deferSensor(tiIdx, slot, rng);
        return true;
      }
      return sensorWork(tiIdx, slot, rng, success);
    case OperatorKind::TriggerDagRun:
      return triggerDagRun(tiIdx, slot, rng, success);
  }
  return true;
}

bool TaskRunner::taskWork(TiId tiIdx, TrySlot& slot, double d) {
  // Waiting on I/O first, then its CPU work on the host's cores.
  const TaskDef& td = ctx_.state.taskDef(tiIdx);
  if (td.cpu <= 0) return slot.pause(d);
  if (td.cpu < 1 && !slot.pause((1 - td.cpu) * d)) return false;
  return slot.compute(td.cpu * d);
}

bool TaskRunner::deferrableTaskWork(TiId tiIdx, TrySlot& slot, Rng& rng,
                                    const std::optional<Triggerer::Resumption>& resumed, bool& success,
                                    bool& deferred) {
  const TaskDef& td = ctx_.state.taskDef(tiIdx);
  // The same draws on both parts (the keyed stream starts over): its duration, then its wait.
  const double d = td.duration.sample(rng);
  const double wait = td.deferFor.sample(rng);
  const double first = std::min(td.deferAfter, d);
  if (resumed) {
    if (resumed->timedOut) {
      success = false;  // TaskDeferralTimeout
      return true;
    }
    return taskWork(tiIdx, slot, d - first);
  }
  if (!taskWork(tiIdx, slot, first)) return false;
  Triggerer::Trigger trigger;
  trigger.kind = Triggerer::Trigger::Kind::Time;
  trigger.at = ctx_.now() + wait;
  deferred = defer(tiIdx, slot, trigger);
  return true;
}

bool TaskRunner::deferSensor(TiId tiIdx, TrySlot& slot, Rng& rng) {
  // A deferrable sensor defers at once with its poke interval and its timeout (from its start).
  const TaskDef& td = ctx_.state.taskDef(tiIdx);
  const double now = ctx_.now();
  Triggerer::Trigger trigger;
  trigger.pollInterval = td.pokeInterval;
  trigger.timeout = now + td.sensorTimeout;
  if (td.waitsFor.empty()) {
    trigger.kind = Triggerer::Trigger::Kind::Poll;  // its run's own event, `duration` after its start
    trigger.at = now + td.duration.sample(rng);
  } else {
    trigger.kind = Triggerer::Trigger::Kind::Stream;
    trigger.stream = ctx_.hub.streamIndex(td.waitsFor);
  }
  return defer(tiIdx, slot, trigger);
}

bool TaskRunner::defer(TiId tiIdx, TrySlot& slot, const Triggerer::Trigger& trigger) {
  // TaskDeferred: the trigger row and the task instance's deferred state in one transaction (3.x:
  // PATCH /state with the deferral); the try ends and its worker slot is free.
  WorkflowState& st = ctx_.state;
  TaskInstance& ti = st.ti(tiIdx);
  MetadataDb& db = ctx_.db(st.dag(st.run(ti.run).dag).instance);
  QueryBatch write = db.batch();
  write.add(ctx_.api ? QueryType::ApiTiDefer : QueryType::WorkerDefer, 1, 1, 1,
            {.tis = std::span<const TiId>(&tiIdx, 1)});
  slot.finishing();
  if (!send(slot, ApiRoute::TiState, db, write)) {
    // The deferral could not be written: the task instance stays running until the scheduler's
    // heartbeat check fails it.
    endsLostOnDbErrors_++;
    slot.endLost(tiIdx, ti.tryNumber, static_cast<Supervisor&>(slot).lastBeat());
    return true;
  }
  const SchedulerId queuedBy = ti.queuedBy;
  st.markDeferred(tiIdx, ctx_.now());
  ctx_.triggerer->deferred(tiIdx, trigger);
  slot.ended(queuedBy);
  return true;
}

bool TaskRunner::pokeOnce(TiId tiIdx, TrySlot& slot, Rng& rng, bool& success) {
  // One poke: the event already happened (or an arrival is pending), else up_for_reschedule.
  WorkflowState& st = ctx_.state;
  TaskInstance& ti = st.ti(tiIdx);
  const TaskDef& td = st.taskDef(tiIdx);
  const double now = ctx_.now();
  if (ti.firstPokeAt < 0) ti.firstPokeAt = now;
  double arrival = -1;
  bool met;
  if (td.waitsFor.empty()) {
    met = now >= ti.firstPokeAt + td.duration.sample(rng) - 1e-9;
  } else {
    arrival = ctx_.hub.takePending(ctx_.hub.streamIndex(td.waitsFor));
    met = arrival >= 0;
  }
  if (met) {
    if (arrival >= 0) st.run(ti.run).arrival = arrival;
    success = true;
    return false;
  }
  if (now - ti.firstPokeAt > td.sensorTimeout) {
    success = false;  // AirflowSensorTimeout: a poke after the timeout fails the sensor
    return false;
  }
  MetadataDb& db = ctx_.db(st.dag(st.run(ti.run).dag).instance);
  QueryBatch poke = db.batch();
  poke.add(ctx_.api ? QueryType::ApiTiState : QueryType::WorkerFinish, 1, 1, 1,
           {.tis = std::span<const TiId>(&tiIdx, 1), .rescheduled = true});
  slot.finishing();
  if (!send(slot, ApiRoute::TiState, db, poke)) {
    // The supervisor could not report the reschedule: the task instance stays running until the
    // scheduler's heartbeat check fails it.
    endsLostOnDbErrors_++;
    slot.endLost(tiIdx, ti.tryNumber, static_cast<Supervisor&>(slot).lastBeat());
    return true;
  }
  db.addRows(Table::TaskReschedule, 1);
  const SchedulerId queuedBy = ti.queuedBy;
  st.markRescheduled(tiIdx, ctx_.now(), now + td.pokeInterval);
  slot.ended(queuedBy);
  return true;
}

bool TaskRunner::sensorWork(TiId tiIdx, TrySlot& slot, Rng& rng, bool& success) {
  const TaskDef& td = ctx_.state.taskDef(tiIdx);
  if (td.waitsFor.empty()) {
    // An event of this run's own (the user's next step) happens `duration` after the sensor
    // starts; the sensor sees it at its first poke after that.
    const double eventIn = td.duration.sample(rng);
    if (eventIn > td.sensorTimeout) {
      if (!slot.pause(td.sensorTimeout)) return false;
      success = false;
    } else {
      if (!slot.pause(std::ceil(eventIn / td.pokeInterval - 1e-12) * td.pokeInterval)) return false;
      success = true;
    }
    return true;
  }
  // A sensor waiting for a stream's arrival is not interrupted: a killed one ends at its
  // arrival or timeout and then does nothing. Under airflow3 its supervisor heartbeats meanwhile,
  // and a heartbeat that says stop ends the wait.
  const int stream = ctx_.hub.streamIndex(td.waitsFor);
  TriggerHub::Heartbeat* beats = ctx_.api ? static_cast<Supervisor*>(&slot) : nullptr;
  const double arrival = ctx_.hub.waitForArrival(stream, ctx_.now(), td.pokeInterval, td.sensorTimeout, beats);
  if (arrival == TriggerHub::kStopped || slot.killed()) return false;
  if (arrival < 0) {
    success = false;  // sensor timeout
  } else {
    ctx_.state.run(ctx_.state.ti(tiIdx).run).arrival = arrival;
    success = true;
  }
  return true;
}

bool TaskRunner::triggerDagRun(TiId tiIdx, TrySlot& slot, Rng& rng, bool success) {
  WorkflowState& st = ctx_.state;
  const TaskDef& td = st.taskDef(tiIdx);
  if (!slot.pause(td.duration.sample(rng))) return false;
  if (!success) return true;
  const Scenario& sc = ctx_.scenario;
  const TaskInstance& ti = st.ti(tiIdx);
  const Dag& dag = st.dag(st.run(ti.run).dag);
  const DefId targetDef(sc.dagIndex(td.triggerDag));
  // Replica i of a DAG triggers replica i of its target when the target is replicated too.
  DagId target;
  for (DagId d : st.dags().ids()) {
    const Dag& cand = st.dag(d);
    if (cand.def == targetDef && (cand.replica == dag.replica || !target.valid())) target = d;
  }
  // trigger_dag: the run and its task instances are created, then INSERTed (the statements name
  // the run they write).
  const double now = ctx_.now();
  DagRun& source = st.run(ti.run);
  const RunId created = st.createRun(target, sc.run.start + now, now, now, true, source.arrival);
  if (source.arrival >= 0) source.handedOff = true;
  MetadataDb& db = ctx_.db(dag.instance);
  QueryBatch insert = db.batch();
  insert.add(QueryType::DagRunInsert, static_cast<double>(sc.dags[targetDef.index()].tasks.size()), 0, 1,
             {.run = created});
  send(slot, ApiRoute::DagRunTrigger, db, insert);  // a failed call leaves the run created: the model's
                                                    // runs exist before their INSERT either way
  return true;
}

TaskRunner::Outcome TaskRunner::finish(TiId tiIdx, TrySlot& slot, bool success) {
  WorkflowState& st = ctx_.state;
  TaskInstance& ti = st.ti(tiIdx);
  const DagRun& run = st.run(ti.run);
  MetadataDb& db = ctx_.db(st.dag(run.dag).instance);
  QueryBatch finish = db.batch();
  finish.add(QueryType::WorkerFinish, 1, 1, 1, {.tis = std::span<const TiId>(&tiIdx, 1), .failed = !success});
  // A success's outlets: their asset events and queue rows, in the same transaction.
  const int outlets = success && ctx_.assets ? static_cast<int>(st.taskDef(tiIdx).outlets.size()) : 0;
  if (outlets > 0) finish.add(QueryType::AssetEventRegister, 1, 1, outlets);
  const bool mini = ctx_.scenario.scheduler.scheduleAfterTaskExecution && success;
  if (mini) {
    // The 2.x mini scheduler: lock the run, read its TIs, schedule the direct downstream tasks.
    const double tasks = static_cast<double>(st.def(run.dag).tasks.size());
    finish.add(QueryType::MiniScheduler, tasks, tasks);
  }
  if (db.refusing()) {
    // Its end cannot be written: the task process exits with the TI still running and its job
    // no longer heartbeating, so zombie detection fails it (a retry) once the threshold passed.
    endsLostOnDbErrors_++;
    slot.endLost(tiIdx, ti.tryNumber, ctx_.now());
    return Outcome::EndLost;
  }
  // Killed before its end is written (during a trigger_dagrun's INSERT): its killer reports it.
  if (slot.killed()) return Outcome::Killed;
  // The try's end is written whether or not its host dies meanwhile.
  slot.finishing();
  db.execute(finish);
  db.addRows(Table::Log, 1);
  if (success && ctx_.scenario.scheduler.model == SchedulerModel::Airflow2) {
    // 2.x pushes every task's return value to XCom (do_xcom_push defaults to true).
    db.addRows(Table::Xcom, 1);
    st.run(ti.run).xcoms++;
  }
  const double now = ctx_.now();
  const SchedulerId queuedBy = ti.queuedBy;
  if (outlets > 0) {
    ctx_.assets->produced(tiIdx, now);
    db.addRows(Table::AssetEvent, outlets);
  }
  st.markFinished(tiIdx, now, success);
  if (mini) {
    for (TiId d : st.readyDownstream(tiIdx, now)) st.markScheduled(d, now);
  }
  slot.ended(queuedBy);
  return Outcome::Ended;
}

TaskRunner::Outcome TaskRunner::runOnApi(TiId tiIdx, TrySlot& slot) {
  WorkflowState& st = ctx_.state;
  MetadataDb& db = ctx_.db(st.dag(st.dagOf(tiIdx)).instance);
  Supervisor sup(ctx_, slot, db, tiIdx);
  // PATCH /run: the API server moves the task instance to running (409 unless it is queued).
  ctx_.api->tryStarted();
  QueryBatch start = db.batch();
  start.add(QueryType::ApiTiRun, 1, 1, 1, {.tis = std::span<const TiId>(&tiIdx, 1)});
  if (!sup.call(ApiRoute::TiRun, db, start)) {
    // The supervisor kills the task and the executor reports it failed; the scheduler fails the try.
    if (slot.killed()) return Outcome::Killed;
    if (st.tiState(tiIdx) != TiState::Queued) return Outcome::FailedToStart;
    return failStart(tiIdx, slot);
  }
  if (slot.killed()) return Outcome::Killed;
  if (!takeOver(tiIdx, slot)) return Outcome::Stale;  // 409 invalid_state
  sup.runningSince(ctx_.now());
  slot.started();
  const Executing executing(executing_, tiIdx, runTwice_);
  Rng rng = beginWork(tiIdx);
  bool success = rng.uniform() >= st.taskDef(tiIdx).failureProbability;
  bool rescheduled = false;
  if (!work(tiIdx, sup, rng, success, rescheduled)) {
    switch (sup.stopped()) {
      case Supervisor::Stop::None:
        return Outcome::Killed;
      case Supervisor::Stop::ServerSaidStop:
        return Outcome::Terminated;
      case Supervisor::Stop::FailedHeartbeats: {
        ctx_.api->tryFailedOnHeartbeats();
        const Outcome end = finishOnApi(tiIdx, sup, false);  // the killed task's end: failed
        return end == Outcome::Ended ? Outcome::Terminated : end;
      }
    }
  }
  if (rescheduled) return Outcome::Ended;
  return finishOnApi(tiIdx, sup, success);
}

TaskRunner::Outcome TaskRunner::finishOnApi(TiId tiIdx, Supervisor& sup, bool success) {
  WorkflowState& st = ctx_.state;
  TaskInstance& ti = st.ti(tiIdx);
  MetadataDb& db = ctx_.db(st.dag(st.run(ti.run).dag).instance);
  if (success) {
    // The return value pushed to XCom (do_xcom_push), then the state: two calls.
    QueryBatch xcom = db.batch();
    xcom.add(QueryType::ApiXcomSet, 1, 1, 1, {.tis = std::span<const TiId>(&tiIdx, 1)});
    if (sup.call(ApiRoute::XcomSet, db, xcom)) {
      db.addRows(Table::Xcom, 1);
      st.run(ti.run).xcoms++;
    } else {
      success = false;  // the push raised in the task: it fails
    }
    if (sup.killed()) return Outcome::Killed;  // its host died meanwhile: the executor recovers it
  }
  // A failed try with retries left goes through prepare_db_for_next_try: a history row, a new id.
  const bool retrying = !success && ti.tryNumber <= st.taskDef(tiIdx).retries;
  QueryBatch end = db.batch();
  end.add(retrying ? QueryType::ApiTiRetry : QueryType::ApiTiState, 1, 1, 1,
          {.tis = std::span<const TiId>(&tiIdx, 1), .failed = !success});
  // A success's outlets (the state call carries them): their events and queue rows, by the route.
  const int outlets = success && ctx_.assets ? static_cast<int>(st.taskDef(tiIdx).outlets.size()) : 0;
  if (outlets > 0) end.add(QueryType::AssetEventRegister, 1, 1, outlets);
  sup.finishing();
  if (!sup.call(ApiRoute::TiState, db, end)) {
    // Its end is lost: the task instance stays running until the scheduler finds its heartbeat
    // older than task_instance_heartbeat_timeout.
    endsLostOnDbErrors_++;
    sup.endLost(tiIdx, ti.tryNumber, sup.lastBeat());
    return Outcome::EndLost;
  }
  if (retrying) {
    db.addRows(Table::TaskInstanceHistory, 1);
    st.run(ti.run).historyRows++;
  }
  const SchedulerId queuedBy = ti.queuedBy;
  if (outlets > 0) {
    ctx_.assets->produced(tiIdx, ctx_.now());
    db.addRows(Table::AssetEvent, outlets);
  }
  st.markFinished(tiIdx, ctx_.now(), success);
  sup.ended(queuedBy);
  return Outcome::Ended;
}

}  // namespace schedlab
