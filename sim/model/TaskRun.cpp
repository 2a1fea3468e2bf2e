#include "model/TaskRun.h"

#include <cmath>
#include <span>

namespace schedlab {

TaskRunner::TaskRunner(SimContext& ctx) : ctx_(ctx) {}

TaskRunner::Outcome TaskRunner::run(TiId tiIdx, TrySlot& slot) {
  const Outcome started = start(tiIdx, slot);
  if (started != Outcome::Ended) return started;
  // The invariant every run is checked for: one execution of a task instance at a time,
  // whatever schedulers, crashes, adoptions and redeliveries did.
  if (++executing_[tiIdx] > 1) runTwice_++;
  struct Executing {
    std::unordered_map<TiId, int>& map;
    TiId ti;
    ~Executing() {
      if (--map[ti] == 0) map.erase(ti);
    }
  } executing{executing_, tiIdx};

  WorkflowState& st = ctx_.state;
  TaskInstance& ti = st.ti(tiIdx);
  const TaskDef& td = st.taskDef(tiIdx);
  DagRun& run = st.run(ti.run);
  const Dag& dag = st.dag(run.dag);
  // The arrival's work begins with the first task that is neither its sensor nor its hand-off.
  if (run.arrival >= 0 && !run.workStarted && td.kind == OperatorKind::Task) {
    run.workStarted = true;
    ctx_.recorder.triggerToStart(dag.def.value(), ctx_.now(), ctx_.now() - run.arrival);
  }
  // Keyed draws: the same task of the same run gets the same duration in every variant.
  Rng rng = keyedRng(ctx_.seed(), hashString(dag.id), static_cast<uint64_t>(run.ordinal),
                     static_cast<uint64_t>(ti.task), static_cast<uint64_t>(ti.tryNumber));
  bool success = rng.uniform() >= td.failureProbability;
  bool rescheduled = false;
  if (!work(tiIdx, slot, rng, success, rescheduled)) return Outcome::Killed;
  if (rescheduled) return Outcome::Ended;
  return finish(tiIdx, slot, success);
}

TaskRunner::Outcome TaskRunner::start(TiId tiIdx, TrySlot& slot) {
  WorkflowState& st = ctx_.state;
  MetadataDb& db = ctx_.db(st.dag(st.dagOf(tiIdx)).instance);
  if (const MetadataDb::Failover* f = db.refusing()) {
    // `airflow tasks run` cannot reach the DB and exits; the executor reports the task failed and
    // the scheduler fails the try (up_for_retry while it has retries) once the DB is back.
    ctx_.rt.sleepUntil(f->end);
    if (st.tiState(tiIdx) != TiState::Queued) return Outcome::FailedToStart;
    const SchedulerId queuedBy = st.ti(tiIdx).queuedBy;
    st.markRunning(tiIdx, ctx_.now(), slot.host(), false);
    st.markFinished(tiIdx, ctx_.now(), false);
    failedOnDbErrors_++;
    slot.ended(queuedBy);
    return Outcome::FailedToStart;
  }
  QueryBatch startup = db.batch();
  startup.add(QueryType::WorkerStart, 1, 1, 1, {.tis = std::span<const TiId>(&tiIdx, 1)});
  db.execute(startup);
  if (slot.killed()) return Outcome::Killed;
  db.addRows(Table::Job, 1);
  db.addRows(Table::Log, 1);
  // A message delivered again runs the task again: its killed try was left running. (A stale
  // message's run may have finished: only the state is read then.)
  const TiState state = st.tiState(tiIdx);
  if (state == TiState::Running && st.ti(tiIdx).killedAt >= 0) {
    st.restartRunning(tiIdx, ctx_.now(), slot.host());
  } else if (state == TiState::Queued) {
    st.markRunning(tiIdx, ctx_.now(), slot.host());
  } else {
    // check_and_change_state_before_execution refuses: the TI is no longer queued (a scheduler
    // reset it, or another message of it already runs). The message is spent.
    staleMessages_++;
    return Outcome::Stale;
  }
  slot.started();
  return Outcome::Ended;
}

bool TaskRunner::work(TiId tiIdx, TrySlot& slot, Rng& rng, bool& success, bool& rescheduled) {
  const TaskDef& td = ctx_.state.taskDef(tiIdx);
  switch (td.kind) {
    case OperatorKind::Task:
      return taskWork(tiIdx, slot, rng);
    case OperatorKind::Sensor:
      if (td.rescheduleMode) {
        rescheduled = pokeOnce(tiIdx, slot, rng, success);
        return true;
      }
      return sensorWork(tiIdx, slot, rng, success);
    case OperatorKind::TriggerDagRun:
      return triggerDagRun(tiIdx, slot, rng, success);
  }
  return true;
}

bool TaskRunner::taskWork(TiId tiIdx, TrySlot& slot, Rng& rng) {
  // Waiting on I/O first, then its CPU work on the host's cores.
  const TaskDef& td = ctx_.state.taskDef(tiIdx);
  const double d = td.duration.sample(rng);
  if (td.cpu <= 0) return slot.pause(d);
  if (td.cpu < 1 && !slot.pause((1 - td.cpu) * d)) return false;
  return slot.compute(td.cpu * d);
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
  poke.add(QueryType::WorkerFinish, 1, 1, 1, {.tis = std::span<const TiId>(&tiIdx, 1), .rescheduled = true});
  slot.finishing();
  db.execute(poke);
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
  // arrival or timeout and then does nothing.
  const int stream = ctx_.hub.streamIndex(td.waitsFor);
  const double arrival = ctx_.hub.waitForArrival(stream, ctx_.now(), td.pokeInterval, td.sensorTimeout);
  if (slot.killed()) return false;
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
  db.execute(insert);
  return true;
}

TaskRunner::Outcome TaskRunner::finish(TiId tiIdx, TrySlot& slot, bool success) {
  WorkflowState& st = ctx_.state;
  TaskInstance& ti = st.ti(tiIdx);
  const DagRun& run = st.run(ti.run);
  MetadataDb& db = ctx_.db(st.dag(run.dag).instance);
  QueryBatch finish = db.batch();
  finish.add(QueryType::WorkerFinish, 1, 1, 1, {.tis = std::span<const TiId>(&tiIdx, 1), .failed = !success});
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
    slot.endLost(tiIdx, ti.tryNumber);
    return Outcome::EndLost;
  }
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
  st.markFinished(tiIdx, now, success);
  if (mini) {
    for (TiId d : st.readyDownstream(tiIdx, now)) st.markScheduled(d, now);
  }
  slot.ended(queuedBy);
  return Outcome::Ended;
}

}  // namespace schedlab
