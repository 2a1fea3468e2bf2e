// The life of a worker pool's hosts: the autoscaler's evaluations, launches (boot, billing),
// graceful and hard stops, deploys, and how a killed try comes back. Part of CeleryExecutor.
#include <algorithm>
#include <cmath>

#include "model/CeleryExecutor.h"

namespace schedlab {

using State = CeleryExecutor::Worker::State;

void CeleryExecutor::deploy() {
  // New workers first (they boot), then the old ones go: Ansible's launch-then-terminate.
  for (auto& p : pools_) {
    std::vector<int> old;
    for (size_t w = 0; w < p.workers.size(); ++w)
      if (p.workers[w].state == State::Booting || p.workers[w].state == State::Up) old.push_back(static_cast<int>(w));
    size_t launched = 0;
    for (size_t w = 0; w < p.workers.size() && launched < old.size(); ++w)
      if (p.workers[w].state == State::Off) {
        launch(p, static_cast<int>(w));
        ++launched;
      }
    for (int w : old) stop(p, w, ctx_.scenario.executor.deployGraceful, StopReason::Deploy);
  }
}

void CeleryExecutor::autoscaleLoop(int pool) {
  Pool& p = pools_[static_cast<size_t>(pool)];
  const WorkerPoolConfig& cfg = *p.config;
  while (true) {
    ctx_.rt.sleepFor(cfg.autoscaler.period);
    if (cfg.autoscaler.policy == AutoscalerConfig::Policy::Keda) {
      // KEDA's postgresql trigger asks the metadata DB (the Helm chart's workers.keda.query) every
      // pollingInterval and waits for the answer.
      MetadataDb& db = ctx_.db(InstanceId(0));
      QueryBatch b = db.batch();
      b.add(QueryType::KedaCount, 1, 1);
      db.execute(b);
    }
    const double now = ctx_.now();
    PoolLoad load;
    load.concurrency = cfg.workerConcurrency;
    load.visible = visibleFor(p);
    double computed = 0;
    int up = 0;
    for (size_t w = 0; w < p.workers.size(); ++w) {
      Worker& wk = p.workers[w];
      const double c = ctx_.rt.computedSeconds(wk.host);
      if (wk.state == State::Up) {
        computed += c - p.cpuAt[w];
        ++up;
      }
      p.cpuAt[w] = c;
      if (wk.state == State::Booting || wk.state == State::Up) load.current++;
      load.inFlight += wk.running;
    }
    load.cpu = up > 0 ? computed / (up * cfg.cores * cfg.autoscaler.period) : 0;
    const int target = std::clamp(p.autoscaler->desired(load), cfg.minWorkers, cfg.maxWorkers);
    if (target > load.current) {
      for (size_t w = 0, need = static_cast<size_t>(target - load.current); w < p.workers.size() && need > 0; ++w)
        if (p.workers[w].state == State::Off) {
          launch(p, static_cast<int>(w));
          --need;
        }
      p.scaleOut++;
      p.lastScaleAt = now;
      scaling_.push_back({now, pool, true, load.current, target, load});
    } else if (target < load.current && now - p.lastScaleAt >= cfg.autoscaler.cooldown) {
      // The default termination policy: the longest-running instances first, whatever they run.
      std::vector<int> victims;
      for (size_t w = 0; w < p.workers.size(); ++w)
        if (p.workers[w].state == State::Booting || p.workers[w].state == State::Up)
          victims.push_back(static_cast<int>(w));
      std::stable_sort(victims.begin(), victims.end(), [&](int a, int b) {
        return p.workers[static_cast<size_t>(a)].launchedAt < p.workers[static_cast<size_t>(b)].launchedAt;
      });
      victims.resize(static_cast<size_t>(load.current - target));
      for (int w : victims) stop(p, w, cfg.autoscaler.graceful, StopReason::ScaleIn);
      p.scaleIn++;
      p.lastScaleAt = now;
      scaling_.push_back({now, pool, false, load.current, target, load});
    }
  }
}

void CeleryExecutor::crash(const std::string& pool, int count) {
  // `count` up hosts die at once with their tries; each is replaced (booting) as an autoscaling
  // group or a supervisor replaces a failed instance.
  for (auto& p : pools_) {
    if (p.config->name != pool) continue;
    std::vector<int> dead;
    for (size_t w = 0; w < p.workers.size() && static_cast<int>(dead.size()) < count; ++w)
      if (p.workers[w].state == State::Up) dead.push_back(static_cast<int>(w));
    for (int w : dead) stop(p, w, false, StopReason::Crash);
    for (int w : dead) launch(p, w);  // a new instance in the dead one's place, booting
  }
}

void CeleryExecutor::launch(Pool& p, int worker) {
  Worker& w = p.workers[static_cast<size_t>(worker)];
  w.state = State::Booting;
  w.launchedAt = ctx_.now();
  const int life = ++w.life;
  p.launched++;
  p.peakOn = std::max(p.peakOn, workersOn(p));
  auto up = [this, &p, worker, life] {
    Worker& wk = p.workers[static_cast<size_t>(worker)];
    if (wk.life != life || wk.state != State::Booting) return;
    wk.state = State::Up;
    for (int k = wk.parked; k > 0; --k) wk.wake->release();
  };
  if (p.config->bootTime <= 0) {
    up();
    return;
  }
  ctx_.rt.spawn("boot", [this, up, boot = p.config->bootTime] {
    ctx_.rt.sleepFor(boot);
    up();
  });
}

void CeleryExecutor::turnOff(Pool& p, int worker) {
  Worker& w = p.workers[static_cast<size_t>(worker)];
  w.billedSeconds += ctx_.now() - w.launchedAt;
  w.state = State::Off;
  p.terminated++;
}

void CeleryExecutor::stop(Pool& p, int worker, bool graceful, StopReason why) {
  Worker& w = p.workers[static_cast<size_t>(worker)];
  if (w.state == State::Booting || w.running == 0) {
    turnOff(p, worker);
    return;
  }
  if (graceful) {
    // Celery's warm shutdown: no new messages, the running tries end, then the host goes.
    w.state = State::Draining;
    return;
  }
  // Hard: the host goes now with its tries. A copy of the list: the killed tries' actors remove
  // themselves from it as soon as they run again, which may be between two calls below.
  turnOff(p, worker);
  const std::vector<std::shared_ptr<Try>> victims = tries_[static_cast<size_t>(w.host)];
  const int pool = static_cast<int>(&p - pools_.data());
  for (const auto& t : victims) {
    if (t->finishing || t->killed) continue;
    t->killed = true;
    (why == StopReason::Deploy ? p.killedByDeploy : why == StopReason::Crash ? p.killedByCrash : p.killed)++;
    ctx_.rt.spawn("recover", [this, pool, ti = t->ti, takenAt = t->takenAt, started = t->started] {
      recover(pool, ti, takenAt, started);
    });
    t->interrupt();
  }
}

void CeleryExecutor::recover(int pool, TiId ti, double takenAt, bool started) {
  // Whichever comes first: the message visible again (acks_late), or the scheduler's zombie
  // detection of a try that was running (its job stopped heartbeating when its host died).
  const ExecutorConfig& e = ctx_.scenario.executor;
  const double killedAt = ctx_.now();
  const double redeliver = e.acksLate ? std::max(killedAt, takenAt + e.visibilityTimeout) : INFINITY;
  const double zombie = started ? zombieFailedAt(ctx_.scenario.scheduler, killedAt) : INFINITY;
  if (!std::isfinite(redeliver) && !std::isfinite(zombie)) return;  // left queued: nothing brings it back
  Pool& p = pools_[static_cast<size_t>(pool)];
  if (redeliver <= zombie) {
    ctx_.rt.sleepUntil(redeliver);
    p.redelivered++;
    ctx_.state.noteKilledTry(ti, killedAt);
    post(ti, ctx_.now());
    return;
  }
  ctx_.rt.sleepUntil(zombie);
  p.zombies++;
  // The scheduler fails the zombie (up_for_retry while it has retries); its try ends now.
  ctx_.state.markFinished(ti, ctx_.now(), false);
}

}  // namespace schedlab
