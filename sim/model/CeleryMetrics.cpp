// The Celery executor's part of a run's results: per pool its billed hours, size, tries, CPU,
// scaling and killed tries (metrics_by_pool), their totals, the pools' time series and scaling
// actions, its price, and the counts of what happened to tries (the TaskRunner's). Part of
// CeleryExecutor.
#include <cmath>

#include "model/CeleryExecutor.h"
#include "results/MetricSchema.h"

namespace schedlab {
void CeleryExecutor::markWarmup(double now) {
  for (const Pool& p : pools_)
    for (const Worker& w : p.workers) cpuAtWarmup_[static_cast<size_t>(w.host)] = ctx_.rt.computedSeconds(w.host);
  for (size_t p = 0; p < pools_.size(); ++p) billedAtWarmup_[p] = billedSeconds(pools_[p], now);
}

void CeleryExecutor::sample(double now, RunResult& out) {
  // Per pool: its workers, its queues, its tries and its CPU over the interval.
  for (size_t p = 0; p < pools_.size(); ++p) {
    const Pool& pool = pools_[p];
    double computed = 0;
    const double billed = billedSeconds(pool, now);
    for (const auto& w : pool.workers) {
      const double c = ctx_.rt.computedSeconds(w.host);
      computed += c - cpuAtSample_[static_cast<size_t>(w.host)];
      cpuAtSample_[static_cast<size_t>(w.host)] = c;
    }
    const double cpu =
        billed > billedAtSample_[p] ? computed / ((billed - billedAtSample_[p]) * pool.config->cores) : 0;
    billedAtSample_[p] = billed;
    out.poolSamples.push_back(
        {now, pool.config->name, workersOn(pool), workersUp(pool), visibleFor(pool), inFlight(pool), cpu});
  }
}

nlohmann::json CeleryExecutor::poolMetrics(size_t i, double end, RunResult& out) const {
  const Pool& pool = pools_[i];
  const WorkerPoolConfig& cfg = *pool.config;
  const double billed = billedSeconds(pool, end);
  const double hours = billed / 3600.0;
  double computed = 0;
  for (const auto& w : pool.workers)
    computed += ctx_.rt.computedSeconds(w.host) - cpuAtWarmup_[static_cast<size_t>(w.host)];
  const double billedWindow = billed - billedAtWarmup_[i];
  nlohmann::json p = {{metric::kWorkerHours.name(), roundMetric(hours)},
                      {metric::kWorkersMax.name(), pool.peakOn},
                      {metric::kTriesRun.name(), pool.triesRun},
                      // Core-seconds computed over the cores its hosts were up for, after the warm-up.
                      {metric::kWorkerCpuUtilization.name(),
                       billedWindow > 0 ? roundMetric(computed / (billedWindow * cfg.cores)) : 0.0},
                      {metric::kScaleEvents.name(), {{"out", pool.scaleOut}, {"in", pool.scaleIn}}},
                      {metric::kWorkersLaunched.name(), pool.launched},
                      {metric::kWorkersTerminated.name(), pool.terminated},
                      {metric::kTasksKilledByScaleIn.name(), pool.killed},
                      {metric::kTasksKilledByDeploy.name(), pool.killedByDeploy},
                      {metric::kTasksKilledByWorkerCrash.name(), pool.killedByCrash},
                      {metric::kTasksRedelivered.name(), pool.redelivered},
                      {metric::kZombiesKilled.name(), pool.zombies}};
  if (cfg.pricePerWorkerHour >= 0) {
    out.cost.add(hours * cfg.pricePerWorkerHour);
    p[metric::kCost.name()] = roundMetric(hours * cfg.pricePerWorkerHour);
  }
  return p;
}

void CeleryExecutor::contribute(double end, RunResult& out) const {
  double workerHours = 0;
  long long scaleOut = 0, scaleIn = 0, killed = 0, killedByDeploy = 0, killedByCrash = 0, zombies = 0, redelivered = 0;
  nlohmann::json hoursByPool = nlohmann::json::object();
  for (size_t i = 0; i < pools_.size(); ++i) {
    const Pool& pool = pools_[i];
    const double hours = billedSeconds(pool, end) / 3600.0;
    workerHours += hours;
    hoursByPool[pool.config->name] = roundMetric(hours);
    scaleOut += pool.scaleOut;
    scaleIn += pool.scaleIn;
    killed += pool.killed;
    killedByDeploy += pool.killedByDeploy;
    killedByCrash += pool.killedByCrash;
    zombies += pool.zombies;
    redelivered += pool.redelivered;
    out.metricsByPool[pool.config->name] = poolMetrics(i, end, out);
  }
  nlohmann::json& m = out.metrics;
  m[metric::kWorkerHours.name()] = roundMetric(workerHours);
  m[metric::kWorkerHoursByPool.name()] = hoursByPool;
  m[metric::kScaleEvents.name()] = {{"out", scaleOut}, {"in", scaleIn}};
  m[metric::kTasksKilledByScaleIn.name()] = killed;
  m[metric::kTasksKilledByDeploy.name()] = killedByDeploy;
  m[metric::kTasksKilledByWorkerCrash.name()] = killedByCrash;
  m[metric::kTasksRedelivered.name()] = redelivered;
  m[metric::kZombiesKilled.name()] = zombies;
  m[metric::kStaleMessages.name()] = runner_.staleMessages();
  m[metric::kTasksFailedOnDbErrors.name()] = runner_.failedOnDbErrors();
  m[metric::kTaskEndsLostOnDbErrors.name()] = runner_.endsLostOnDbErrors();
  // The invariant every run is checked for: no task instance runs twice at once, whatever the
  // schedulers, crashes, adoptions and redeliveries did.
  m[metric::kTasksRunTwiceAtOnce.name()] = runner_.runTwiceAtOnce();
  for (const ScalingRecord& r : scaling_)
    out.scaling.push_back({r.time, pools_[static_cast<size_t>(r.pool)].config->name, r.out, r.before, r.after,
                           r.load.visible, r.load.inFlight, r.load.cpu});
}

}  // namespace schedlab
