#include "model/CeleryExecutor.h"

#include <cmath>

#include "model/Random.h"

namespace schedlab {

CeleryExecutor::CeleryExecutor(SimContext& ctx)
    : ctx_(ctx),
      available_(ctx.rt.semaphore(0)),
      runningOn_(static_cast<size_t>(ctx.scenario.executor.workers), 0),
      events_(ctx.scenario.instances.size(), 0) {}

void CeleryExecutor::start() {
  for (size_t w = 0; w < runningOn_.size(); ++w)
    for (int slot = 0; slot < ctx_.scenario.executor.workerConcurrency; ++slot)
      ctx_.rt.spawn("worker", [this, w] { slotLoop(static_cast<int>(w)); });
  ctx_.rt.spawn("job-heartbeats", [this] { heartbeatLoop(); });
}

void CeleryExecutor::send(const std::vector<int>& tis, double now) {
  for (int ti : tis) {
    broker_.push_back({ti, now + ctx_.scenario.executor.brokerLatency});
    available_->release();
  }
}

int CeleryExecutor::takeEvents(int instance) {
  int n = events_[instance];
  events_[instance] = 0;
  return n;
}

int CeleryExecutor::busyWorkers() const {
  int n = 0;
  for (int r : runningOn_) n += r > 0;
  return n;
}

void CeleryExecutor::slotLoop(int worker) {
  while (true) {
    available_->acquire();
    Message m = broker_.front();
    broker_.pop_front();
    if (m.visibleAt > ctx_.now()) ctx_.rt.sleepUntil(m.visibleAt);
    runningOn_[worker]++;
    runTask(worker, m.ti);
    runningOn_[worker]--;
  }
}

void CeleryExecutor::runTask(int worker, int tiIdx) {
  (void)worker;
  WorkflowState& st = ctx_.state;
  const int instance = st.dags()[st.run(st.ti(tiIdx).run).dag].instance;
  MetadataDb& db = ctx_.db(instance);
  // `airflow tasks run`: fork (or a new interpreter), then LocalTaskJob's start-up queries.
  ctx_.rt.sleepFor(ctx_.scenario.executor.taskStartOverhead);
  QueryBatch start = db.batch();
  start.add(QueryType::WorkerStart, 1, 1, 1, {.tis = std::span<const int>(&tiIdx, 1)});
  db.execute(start);
  db.addRows(Table::Job, 1);
  db.addRows(Table::Log, 1);
  st.markRunning(tiIdx, ctx_.now());

  TaskInstance& ti = st.ti(tiIdx);
  const TaskDef& td = st.taskDef(tiIdx);
  DagRun& run = st.run(ti.run);
  const Dag& dag = st.dags()[run.dag];
  // The arrival's work begins with the first task that is neither its sensor nor its hand-off.
  if (run.arrival >= 0 && !run.workStarted && td.kind == OperatorKind::Task) {
    run.workStarted = true;
    ctx_.recorder.triggerToStart(dag.def, ctx_.now(), ctx_.now() - run.arrival);
  }
  // Keyed draws: the same task of the same run gets the same duration in every variant.
  Rng rng = keyedRng(ctx_.seed(), hashString(dag.id), static_cast<uint64_t>(run.ordinal),
                     static_cast<uint64_t>(ti.task), static_cast<uint64_t>(ti.tryNumber));
  bool success = rng.uniform() >= td.failureProbability;
  switch (td.kind) {
    case OperatorKind::Task:
      ctx_.rt.sleepFor(td.duration.sample(rng));
      break;
    case OperatorKind::Sensor: {
      if (td.waitsFor.empty()) {
        // An event of this run's own (the user's next step) happens `duration` after the sensor
        // starts; the sensor sees it at its first poke after that.
        double eventIn = td.duration.sample(rng);
        if (eventIn > td.sensorTimeout) {
          ctx_.rt.sleepFor(td.sensorTimeout);
          success = false;
        } else {
          ctx_.rt.sleepFor(std::ceil(eventIn / td.pokeInterval - 1e-12) * td.pokeInterval);
          success = true;
        }
        break;
      }
      int stream = ctx_.hub.streamIndex(td.waitsFor);
      double arrival = ctx_.hub.waitForArrival(stream, ctx_.now(), td.pokeInterval, td.sensorTimeout);
      if (arrival < 0) {
        success = false;  // sensor timeout
      } else {
        st.run(ti.run).arrival = arrival;
        success = true;
      }
      break;
    }
    case OperatorKind::TriggerDagRun: {
      ctx_.rt.sleepFor(td.duration.sample(rng));
      if (!success) break;
      int target = -1;
      const Scenario& sc = ctx_.scenario;
      int targetDef = sc.dagIndex(td.triggerDag);
      // Replica i of a DAG triggers replica i of its target when the target is replicated too.
      for (size_t d = 0; d < st.dags().size(); ++d) {
        const Dag& cand = st.dags()[d];
        if (cand.def == targetDef && (cand.replica == dag.replica || target < 0)) target = static_cast<int>(d);
      }
      // trigger_dag: the run and its task instances are created, then INSERTed (the statements
      // name the run they write).
      double now = ctx_.now();
      DagRun& source = st.run(ti.run);
      const int created = st.createRun(target, sc.run.start + now, now, now, true, source.arrival);
      if (source.arrival >= 0) source.handedOff = true;
      QueryBatch insert = db.batch();
      insert.add(QueryType::DagRunInsert, static_cast<double>(sc.dags[targetDef].tasks.size()), 0, 1, {.run = created});
      db.execute(insert);
      break;
    }
  }
  QueryBatch finish = db.batch();
  finish.add(QueryType::WorkerFinish, 1, 1, 1, {.tis = std::span<const int>(&tiIdx, 1), .failed = !success});
  std::vector<int> downstream;
  bool mini = ctx_.scenario.scheduler.scheduleAfterTaskExecution && success;
  if (mini) {
    // The 2.x mini scheduler: lock the run, read its TIs, schedule the direct downstream tasks.
    double tasks = static_cast<double>(st.def(run.dag).tasks.size());
    finish.add(QueryType::MiniScheduler, tasks, tasks);
  }
  db.execute(finish);
  db.addRows(Table::Log, 1);
  if (success && ctx_.scenario.scheduler.model == SchedulerModel::Airflow2) {
    // 2.x pushes every task's return value to XCom (do_xcom_push defaults to true).
    db.addRows(Table::Xcom, 1);
    st.run(ti.run).xcoms++;
  }
  double now = ctx_.now();
  const int queuedBy = ti.queuedBy;
  st.markFinished(tiIdx, now, success);
  if (mini) {
    for (int d : st.readyDownstream(tiIdx, now)) st.markScheduled(d, now);
  }
  events_[static_cast<size_t>(queuedBy)]++;
}

void CeleryExecutor::heartbeatLoop() {
  // Every running LocalTaskJob heartbeats each job_heartbeat_sec; their queries are summed into
  // one batch per period: the same DB work, without one event per task per period.
  const double period = ctx_.scenario.scheduler.jobHeartbeatSec;
  const int instances = static_cast<int>(ctx_.scenario.instances.size());
  while (true) {
    ctx_.rt.sleepFor(period);
    for (int i = 0; i < instances; ++i) {
      int running = ctx_.state.runningTasks(i);
      if (running == 0) continue;
      QueryBatch b = ctx_.db(i).batch();
      b.add(QueryType::WorkerHeartbeat, 1, 1, running);
      ctx_.db(i).execute(b);
    }
  }
}

}  // namespace schedlab
