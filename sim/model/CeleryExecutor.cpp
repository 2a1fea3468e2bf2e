#include "model/CeleryExecutor.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>

#include "model/Random.h"

namespace schedlab {

using State = CeleryExecutor::Worker::State;

// A pool's hosts: max_workers, twice over when deploys replace them (old and new side by side).
static int hostsOf(const ExecutorConfig& executor, const WorkerPoolConfig& p) {
  return executor.deployAt.empty() ? p.maxWorkers : 2 * p.maxWorkers;
}

std::vector<WorkerHost> workerHostsOf(const ExecutorConfig& executor) {
  std::vector<WorkerHost> hosts;
  for (const auto& p : executor.pools)
    for (int w = 0; w < hostsOf(executor, p); ++w) hosts.push_back({p.name + "-" + std::to_string(w + 1), p.cores});
  return hosts;
}


CeleryExecutor::CeleryExecutor(SimContext& ctx)
    : ctx_(ctx), events_(static_cast<size_t>(ctx.state.schedulerCount()), 0), tries_(workerHostsOf(ctx.scenario.executor).size()) {
  // Every queue a task names, in the order the DAGs name them, so queue ids do not depend on pools.
  for (const auto& d : ctx.scenario.dags)
    for (const auto& t : d.tasks) broker_.queueId(t.queue);
  int host = 0;
  for (const auto& cfg : ctx.scenario.executor.pools) {
    Pool p;
    p.config = &cfg;
    p.autoscaler = Autoscaler::make(cfg.autoscaler);
    p.available = ctx.rt.semaphore(0);
    p.killable = (cfg.autoscaler.policy != AutoscalerConfig::Policy::Fixed && !cfg.autoscaler.graceful) ||
                 (!ctx.scenario.executor.deployAt.empty() && !ctx.scenario.executor.deployGraceful);
    for (const Fault& f : ctx.scenario.faults)
      p.killable |= f.kind == Fault::Kind::WorkerCrash && f.pool == cfg.name;
    for (size_t q = 0; q < broker_.queueCount(); ++q)
      if (cfg.serves(broker_.queueName(static_cast<int>(q)))) p.queues.push_back(static_cast<int>(q));
    p.workers.resize(static_cast<size_t>(hostsOf(ctx.scenario.executor, cfg)));
    for (auto& w : p.workers) {
      w.host = host++;
      w.wake = ctx.rt.semaphore(0);
    }
    // The pool's first `workers` hosts are up from the start.
    for (int w = 0; w < cfg.workers; ++w) {
      p.workers[static_cast<size_t>(w)].state = State::Up;
      p.workers[static_cast<size_t>(w)].launchedAt = 0;
      p.workers[static_cast<size_t>(w)].life = 1;
    }
    p.cpuAt.assign(p.workers.size(), 0);
    p.peakOn = cfg.workers;
    pools_.push_back(std::move(p));
  }
}

void CeleryExecutor::start() {
  for (size_t p = 0; p < pools_.size(); ++p) {
    for (int w = 0; w < pools_[p].config->maxWorkers; ++w)
      for (int slot = 0; slot < pools_[p].config->workerConcurrency; ++slot)
        ctx_.rt.spawn("worker", [this, p, w] { slotLoop(static_cast<int>(p), w); });
    if (pools_[p].config->autoscaler.policy != AutoscalerConfig::Policy::Fixed)
      ctx_.rt.spawn("autoscaler", [this, p] { autoscaleLoop(static_cast<int>(p)); });
  }
  ctx_.rt.spawn("job-heartbeats", [this] { heartbeatLoop(); });
  for (double at : ctx_.scenario.executor.deployAt)
    ctx_.rt.spawn("deploy", [this, at] {
      ctx_.rt.sleepUntil(at);
      deploy();
    });
  for (const Fault& f : ctx_.scenario.faults) {
    if (f.kind != Fault::Kind::WorkerCrash) continue;
    ctx_.rt.spawn("worker-crash", [this, &f] {
      ctx_.rt.sleepUntil(f.at);
      crash(f.pool, f.count);
    });
  }
}

double CeleryExecutor::outageEnd(double t) const {
  const ExecutorConfig& e = ctx_.scenario.executor;
  double end = -1;
  if (e.outageAt >= 0 && t >= e.outageAt && t < e.outageAt + e.outageDuration) end = e.outageAt + e.outageDuration;
  for (const Fault& f : ctx_.scenario.faults)
    if (f.kind == Fault::Kind::BrokerOutage && t >= f.at && t < f.at + f.duration) end = std::max(end, f.at + f.duration);
  return end;
}

void CeleryExecutor::send(const std::vector<int>& tis, double now) {
  const ExecutorConfig& e = ctx_.scenario.executor;
  // During a broker outage the executor's sends wait (Celery retries publishing) until it ends.
  const double sentAt = std::max(now, outageEnd(now));
  for (int ti : tis) {
    ctx_.state.ti(ti).sent = true;
    post(ti, sentAt + e.brokerLatency);
  }
}

void CeleryExecutor::post(int ti, double visibleAt) {
  const int queue = broker_.queueId(ctx_.state.taskDef(ti).queue);
  broker_.push(queue, ti, visibleAt);
  for (auto& p : pools_)
    if (std::find(p.queues.begin(), p.queues.end(), queue) != p.queues.end()) p.available->release();
}

int CeleryExecutor::takeEvents(int instance) {
  int n = events_[instance];
  events_[instance] = 0;
  return n;
}

int CeleryExecutor::busyWorkers() const {
  int n = 0;
  for (const auto& p : pools_)
    for (const auto& w : p.workers) n += w.running > 0;
  return n;
}

int CeleryExecutor::workersOn(const Pool& pool) {
  int n = 0;
  for (const auto& w : pool.workers) n += w.state != State::Off;
  return n;
}

int CeleryExecutor::workersUp(const Pool& pool) {
  int n = 0;
  for (const auto& w : pool.workers) n += w.state == State::Up;
  return n;
}

int CeleryExecutor::inFlight(const Pool& pool) {
  int n = 0;
  for (const auto& w : pool.workers) n += w.running;
  return n;
}

int CeleryExecutor::visibleFor(const Pool& pool) const {
  size_t n = 0;
  for (int q : pool.queues) n += broker_.depth(q);
  return static_cast<int>(n);
}

double CeleryExecutor::billedSeconds(const Pool& pool, double now) const {
  double s = 0;
  for (const auto& w : pool.workers) s += w.billedSeconds + (w.state != State::Off ? now - w.launchedAt : 0);
  return s;
}

void CeleryExecutor::slotLoop(int pool, int worker) {
  Pool& p = pools_[static_cast<size_t>(pool)];
  Worker& w = p.workers[static_cast<size_t>(worker)];
  while (true) {
    if (w.state != State::Up) {
      w.parked++;
      w.wake->acquire();
      w.parked--;
      continue;
    }
    p.available->acquire();
    if (w.state != State::Up) {  // stopped while waiting: the message is for another slot
      p.available->release();
      continue;
    }
    // Another pool serving the same queue may have taken the message already.
    std::optional<Broker::Message> m = broker_.take(p.queues);
    if (!m) continue;
    const double takenAt = ctx_.now();
    w.running++;
    p.triesRun++;
    if (m->visibleAt > ctx_.now()) ctx_.rt.sleepUntil(m->visibleAt);
    for (double end = outageEnd(ctx_.now()); end >= 0; end = outageEnd(ctx_.now())) ctx_.rt.sleepUntil(end);
    if (w.state != State::Up) {  // the host went while the message was on its way: it goes back
      w.running--;
      p.triesRun--;
      post(m->ti, ctx_.now());
      continue;
    }
    runTask(pool, worker, m->ti, takenAt);
    w.running--;
    if (w.state == State::Draining && w.running == 0) turnOff(p, worker);
  }
}

bool CeleryExecutor::pause(const std::shared_ptr<Try>& t, double seconds) {
  if (!t) {
    ctx_.rt.sleepFor(seconds);
    return true;
  }
  if (t->killed) return false;
  // acquireTimeout: true when the time passed; a release means the try was killed.
  return t->stop->acquireTimeout(seconds) && !t->killed;
}

void CeleryExecutor::runTask(int pool, int worker, int tiIdx, double takenAt) {
  Pool& p = pools_[static_cast<size_t>(pool)];
  const int host = p.workers[static_cast<size_t>(worker)].host;
  WorkflowState& st = ctx_.state;
  const int instance = st.dags()[st.run(st.ti(tiIdx).run).dag].instance;
  MetadataDb& db = ctx_.db(instance);
  std::shared_ptr<Try> t;
  if (p.killable) {
    t = std::make_shared<Try>(Try{.ti = tiIdx, .pool = pool, .takenAt = takenAt, .stop = ctx_.rt.semaphore(0)});
    tries_[static_cast<size_t>(host)].push_back(t);
  }
  // Whatever happens, the host no longer lists the try at its end.
  struct Unlist {
    std::vector<std::shared_ptr<Try>>* list;
    const std::shared_ptr<Try>* t;
    ~Unlist() {
      if (*t) list->erase(std::find(list->begin(), list->end(), *t));
    }
  } unlist{&tries_[static_cast<size_t>(host)], &t};
  // `airflow tasks run`: fork (or a new interpreter), then LocalTaskJob's start-up queries.
  if (!pause(t, p.config->taskStartOverhead)) return;
  if (const MetadataDb::Failover* f = db.refusing()) {
    // `airflow tasks run` cannot reach the DB and exits; Celery reports the task failed and the
    // scheduler fails the try (up_for_retry while it has retries) once the DB is back.
    ctx_.rt.sleepUntil(f->end);
    if (st.ti(tiIdx).state != TiState::Queued) return;
    const int queuedBy = st.ti(tiIdx).queuedBy;
    st.markRunning(tiIdx, ctx_.now(), host, false);
    st.markFinished(tiIdx, ctx_.now(), false);
    failedOnDbErrors_++;
    events_[static_cast<size_t>(queuedBy)]++;
    return;
  }
  QueryBatch start = db.batch();
  start.add(QueryType::WorkerStart, 1, 1, 1, {.tis = std::span<const int>(&tiIdx, 1)});
  db.execute(start);
  if (t && t->killed) return;
  db.addRows(Table::Job, 1);
  db.addRows(Table::Log, 1);
  // A message delivered again runs the task again: its killed try was left running.
  if (st.ti(tiIdx).state == TiState::Running && st.ti(tiIdx).killedAt >= 0) {
    st.restartRunning(tiIdx, ctx_.now(), host);
  } else if (st.ti(tiIdx).state == TiState::Queued) {
    st.markRunning(tiIdx, ctx_.now(), host);
  } else {
    // check_and_change_state_before_execution refuses: the TI is no longer queued (a scheduler
    // reset it, or another message of it already runs). The message is spent.
    staleMessages_++;
    p.triesRun--;
    return;
  }
  if (t) t->started = true;
  // The invariant every run is checked for: one execution of a task instance at a time,
  // whatever schedulers, crashes, adoptions and redeliveries did.
  if (++executing_[tiIdx] > 1) runTwice_++;
  struct Executing {
    std::unordered_map<int, int>& map;
    int ti;
    ~Executing() {
      if (--map[ti] == 0) map.erase(ti);
    }
  } executing{executing_, tiIdx};

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
        if (!pause(t, d)) return;
      } else {
        if (td.cpu < 1 && !pause(t, (1 - td.cpu) * d)) return;
        if (!t) {
          ctx_.rt.compute(host, td.cpu * d);
        } else {
          t->work = ctx_.rt.startCompute(host, td.cpu * d);
          if (!ctx_.rt.wait(t->work) || t->killed) return;
          t->work.reset();
        }
      }
      break;
    }
    case OperatorKind::Sensor: {
      if (td.rescheduleMode) {
        // One poke: the event already happened (or an arrival is pending), else up_for_reschedule.
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
          break;
        }
        if (now - ti.firstPokeAt > td.sensorTimeout) {
          success = false;  // AirflowSensorTimeout: a poke after the timeout fails the sensor
          break;
        }
        QueryBatch poke = db.batch();
        poke.add(QueryType::WorkerFinish, 1, 1, 1, {.tis = std::span<const int>(&tiIdx, 1), .rescheduled = true});
        if (t) t->finishing = true;
        db.execute(poke);
        db.addRows(Table::TaskReschedule, 1);
        const int queuedBy = ti.queuedBy;
        st.markRescheduled(tiIdx, ctx_.now(), now + td.pokeInterval);
        events_[static_cast<size_t>(queuedBy)]++;
        return;
      }
      if (td.waitsFor.empty()) {
        // An event of this run's own (the user's next step) happens `duration` after the sensor
        // starts; the sensor sees it at its first poke after that.
        double eventIn = td.duration.sample(rng);
        if (eventIn > td.sensorTimeout) {
          if (!pause(t, td.sensorTimeout)) return;
          success = false;
        } else {
          if (!pause(t, std::ceil(eventIn / td.pokeInterval - 1e-12) * td.pokeInterval)) return;
          success = true;
        }
        break;
      }
      // A sensor waiting for a stream's arrival is not interrupted: a killed one ends at its
      // arrival or timeout and then does nothing (below).
      int stream = ctx_.hub.streamIndex(td.waitsFor);
      double arrival = ctx_.hub.waitForArrival(stream, ctx_.now(), td.pokeInterval, td.sensorTimeout);
      if (t && t->killed) return;
      if (arrival < 0) {
        success = false;  // sensor timeout
      } else {
        st.run(ti.run).arrival = arrival;
        success = true;
      }
      break;
    }
    case OperatorKind::TriggerDagRun: {
      if (!pause(t, td.duration.sample(rng))) return;
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
  if (db.refusing()) {
    // Its end cannot be written: the task process exits with the TI still running and its job
    // no longer heartbeating, so zombie detection fails it (a retry) once the threshold passed.
    const double zombieAt = zombieFailedAt(ctx_.now());
    endsLostOnDbErrors_++;
    ctx_.rt.spawn("zombie", [this, pool, tiIdx, zombieAt, tryNumber = ti.tryNumber] {
      ctx_.rt.sleepUntil(zombieAt);
      TaskInstance& z = ctx_.state.ti(tiIdx);
      if (z.state != TiState::Running || z.tryNumber != tryNumber) return;
      pools_[static_cast<size_t>(pool)].zombies++;
      const int by = z.queuedBy;
      ctx_.state.markFinished(tiIdx, ctx_.now(), false);
      events_[static_cast<size_t>(by)]++;
    });
    return;
  }
  // The try's end is written whether or not its host dies meanwhile.
  if (t) t->finishing = true;
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
      int running = 0;
      for (int r = 0; r < ctx_.scenario.scheduler.replicas; ++r)
        running += ctx_.state.runningTasks(i * ctx_.scenario.scheduler.replicas + r);
      if (running == 0) continue;
      QueryBatch b = ctx_.db(i).batch();
      b.add(QueryType::WorkerHeartbeat, 1, 1, running);
      ctx_.db(i).execute(b);
    }
  }
}





}  // namespace schedlab