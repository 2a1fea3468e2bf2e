#include "model/CeleryExecutor.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>

#include "util/Random.h"

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
    : ctx_(ctx),
      hosts_(workerHostsOf(ctx.scenario.executor)),
      runner_(ctx),
      events_(static_cast<size_t>(ctx.state.schedulerCount()), 0),
      tries_(hosts_.size()),
      cpuAtWarmup_(tries_.size(), 0),
      cpuAtSample_(tries_.size(), 0),
      billedAtWarmup_(ctx.scenario.executor.pools.size(), 0),
      billedAtSample_(ctx.scenario.executor.pools.size(), 0) {
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
    for (const Fault& f : ctx.scenario.faults) p.killable |= f.kind == Fault::Kind::WorkerCrash && f.pool == cfg.name;
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
  // airflow3 has no LocalTaskJob: each try's supervisor heartbeats through the API server.
  if (ctx_.scenario.scheduler.model != SchedulerModel::Airflow3)
    ctx_.rt.spawn("job-heartbeats", [this] { runJobHeartbeats(ctx_); });
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
  double end = -1;
  for (const Fault& f : ctx_.scenario.faults)
    if (f.kind == Fault::Kind::BrokerOutage && t >= f.at && t < f.at + f.duration)
      end = std::max(end, f.at + f.duration);
  return end;
}

int CeleryExecutor::send(SchedulerId /*scheduler*/, const std::vector<TiId>& tis, double now, LoopRecord* /*loop*/) {
  const ExecutorConfig& e = ctx_.scenario.executor;
  // During a broker outage the executor's sends wait (Celery retries publishing) until it ends.
  const double sentAt = std::max(now, outageEnd(now));
  ctx_.rt.atomically([&] {
    for (TiId ti : tis) {
      ctx_.state.ti(ti).sent = true;
      post(ti, sentAt + e.brokerLatency);
    }
  });
  return 0;
}

void CeleryExecutor::post(TiId ti, double visibleAt) {
  const int queue = broker_.queueId(ctx_.state.taskDef(ti).queue);
  broker_.push(queue, ti, visibleAt);
  for (auto& p : pools_)
    if (std::find(p.queues.begin(), p.queues.end(), queue) != p.queues.end()) p.available->release();
}

int CeleryExecutor::takeEvents(SchedulerId scheduler) {
  int n = events_[scheduler];
  events_[scheduler] = 0;
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

// The Celery side of a running try: on a pool whose hosts may be killed, its Try handle
// interrupts its waits and its CPU work.
class CeleryExecutor::Slot final : public TrySlot {
 public:
  Slot(CeleryExecutor& e, int pool, int host, std::shared_ptr<Try> t)
      : e_(e), pool_(pool), host_(host), t_(std::move(t)) {}
  int host() const override { return host_; }
  bool pause(double seconds) override {
    if (t_) return t_->pause(seconds);
    e_.ctx_.rt.sleepFor(seconds);
    return true;
  }
  bool compute(double coreSeconds) override {
    if (t_) return t_->compute(e_.ctx_.rt, host_, coreSeconds);
    e_.ctx_.rt.compute(host_, coreSeconds);
    return true;
  }
  WorkPtr startCompute(double coreSeconds) override {
    return t_ ? t_->startCompute(e_.ctx_.rt, host_, coreSeconds) : e_.ctx_.rt.startCompute(host_, coreSeconds);
  }
  Runtime::WaitResult waitCompute(const WorkPtr& work, double deadline) override {
    return t_ ? t_->waitCompute(e_.ctx_.rt, work, deadline) : e_.ctx_.rt.waitUntil(work, deadline);
  }
  bool killed() const override { return t_ && t_->killed; }
  void started() override {
    if (t_) t_->started = true;
  }
  void finishing() override {
    if (t_) t_->finishing = true;
  }
  void ended(SchedulerId scheduler) override { e_.events_[scheduler]++; }
  void endLost(TiId ti, int tryNumber, double lastBeat) override {
    // The task process exits with the TI still running and its job no longer heartbeating.
    CeleryExecutor& e = e_;
    const int pool = pool_;
    failZombieWhenDue(e.ctx_, ti, tryNumber, lastBeat, [&e, pool](SchedulerId by) {
      e.pools_[static_cast<size_t>(pool)].zombies++;
      e.events_[by]++;
    });
  }

 private:
  CeleryExecutor& e_;
  int pool_, host_;
  std::shared_ptr<Try> t_;
};

void CeleryExecutor::runTask(int pool, int worker, TiId tiIdx, double takenAt) {
  Pool& p = pools_[static_cast<size_t>(pool)];
  const int host = p.workers[static_cast<size_t>(worker)].host;
  std::shared_ptr<Try> t;
  if (p.killable) {
    t = std::make_shared<Try>();
    t->ti = tiIdx;
    t->pool = pool;
    t->takenAt = takenAt;
    t->stop = ctx_.rt.semaphore(0);
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
  Slot slot(*this, pool, host, t);
  // `airflow tasks run`: fork (or a new interpreter), then the try itself.
  if (!slot.pause(p.config->taskStartOverhead)) return;
  if (runner_.run(tiIdx, slot) == TaskRunner::Outcome::Stale) p.triesRun--;
}

}  // namespace schedlab