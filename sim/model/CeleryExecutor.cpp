#include "model/CeleryExecutor.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "model/Random.h"

namespace schedlab {

std::vector<WorkerHost> workerHostsOf(const ExecutorConfig& executor) {
  std::vector<WorkerHost> hosts;
  for (const auto& p : executor.pools)
    for (int w = 0; w < p.workers; ++w) hosts.push_back({p.name + "-" + std::to_string(w + 1), p.cores});
  return hosts;
}

CeleryExecutor::CeleryExecutor(SimContext& ctx) : ctx_(ctx), events_(ctx.scenario.instances.size(), 0) {
  // Every queue a task names, in the order the DAGs name them, so queue ids do not depend on pools.
  for (const auto& d : ctx.scenario.dags)
    for (const auto& t : d.tasks) broker_.queueId(t.queue);
  int host = 0;
  for (const auto& cfg : ctx.scenario.executor.pools) {
    Pool p{&cfg, {}, ctx.rt.semaphore(0), host, std::vector<int>(static_cast<size_t>(cfg.workers), 0)};
    for (size_t q = 0; q < broker_.queueCount(); ++q)
      if (cfg.serves(broker_.queueName(static_cast<int>(q)))) p.queues.push_back(static_cast<int>(q));
    host += cfg.workers;
    pools_.push_back(std::move(p));
  }
}

void CeleryExecutor::start() {
  for (size_t p = 0; p < pools_.size(); ++p)
    for (int w = 0; w < pools_[p].config->workers; ++w)
      for (int slot = 0; slot < pools_[p].config->workerConcurrency; ++slot)
        ctx_.rt.spawn("worker", [this, p, w] { slotLoop(static_cast<int>(p), w); });
  ctx_.rt.spawn("job-heartbeats", [this] { heartbeatLoop(); });
}

void CeleryExecutor::send(const std::vector<int>& tis, double now) {
  for (int ti : tis) {
    const int queue = broker_.queueId(ctx_.state.taskDef(ti).queue);
    broker_.push(queue, ti, now + ctx_.scenario.executor.brokerLatency);
    for (auto& p : pools_)
      if (std::find(p.queues.begin(), p.queues.end(), queue) != p.queues.end()) p.available->release();
  }
}

int CeleryExecutor::takeEvents(int instance) {
  int n = events_[instance];
  events_[instance] = 0;
  return n;
}

int CeleryExecutor::busyWorkers() const {
  int n = 0;
  for (const auto& p : pools_)
    for (int r : p.running) n += r > 0;
  return n;
}

void CeleryExecutor::slotLoop(int pool, int worker) {
  Pool& p = pools_[static_cast<size_t>(pool)];
  while (true) {
    p.available->acquire();
    // Another pool serving the same queue may have taken the message already.
    std::optional<Broker::Message> m = broker_.take(p.queues);
    if (!m) continue;
    if (m->visibleAt > ctx_.now()) ctx_.rt.sleepUntil(m->visibleAt);
    p.running[static_cast<size_t>(worker)]++;
    p.triesRun++;
    runTask(pool, worker, m->ti);
    p.running[static_cast<size_t>(worker)]--;
  }
}

void CeleryExecutor::runTask(int pool, int worker, int tiIdx) {
  const Pool& p = pools_[static_cast<size_t>(pool)];
  WorkflowState& st = ctx_.state;
  const int instance = st.dags()[st.run(st.ti(tiIdx).run).dag].instance;
  MetadataDb& db = ctx_.db(instance);
  // `airflow tasks run`: fork (or a new interpreter), then LocalTaskJob's start-up queries.
  ctx_.rt.sleepFor(p.config->taskStartOverhead);
  QueryBatch start = db.batch();
  start.add(QueryType::WorkerStart, 1, 1, 1, {.tis = std::span<const int>(&tiIdx, 1)});
  db.execute(start);
  db.addRows(Table::Job, 1);
  db.addRows(Table::Log, 1);
  st.markRunning(tiIdx, ctx_.now(), p.firstHost + worker);

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
    case OperatorKind::Task: {
      // Waiting on I/O first, then its CPU work on the host's cores.
      const double d = td.duration.sample(rng);
      if (td.cpu <= 0) {
        ctx_.rt.sleepFor(d);
      } else {
        if (td.cpu < 1) ctx_.rt.sleepFor((1 - td.cpu) * d);
        ctx_.rt.compute(p.firstHost + worker, td.cpu * d);
      }
      break;
    }
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
