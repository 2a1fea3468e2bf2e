#include "model/Executor.h"

#include <cmath>

#include "model/CeleryExecutor.h"
#include "model/HybridExecutor.h"
#include "model/KubernetesExecutor.h"
#include "model/MockExecutor.h"
#include "model/SchedulerNumbering.h"

namespace schedlab {

std::unique_ptr<Executor> makeExecutor(SimContext& ctx) {
  switch (ctx.scenario.executor.kind) {
    case ExecutorKind::Celery:
      return std::make_unique<CeleryExecutor>(ctx);
    case ExecutorKind::Mock:
      return std::make_unique<MockExecutor>(ctx);
    case ExecutorKind::Kubernetes:
      return std::make_unique<KubernetesExecutor>(ctx);
    case ExecutorKind::CeleryKubernetes:
    case ExecutorKind::Several:
      return std::make_unique<HybridExecutor>(ctx);
  }
  return nullptr;
}

std::vector<WorkerHost> executorHosts(const ExecutorConfig& config) {
  switch (config.kind) {
    case ExecutorKind::Celery:
      return workerHostsOf(config);
    case ExecutorKind::Mock:
      return {};
    case ExecutorKind::Kubernetes:
      return nodeHostsOf(config.kubernetes);
    case ExecutorKind::CeleryKubernetes:
    case ExecutorKind::Several: {
      std::vector<WorkerHost> hosts = workerHostsOf(config);
      for (WorkerHost& h : nodeHostsOf(config.kubernetes)) hosts.push_back(std::move(h));
      return hosts;
    }
  }
  return {};
}

double zombieFailedAt(const SchedulerConfig& s, double lastBeat) {
  return std::ceil((lastBeat + s.zombieTaskThreshold) / s.zombieDetectionInterval - 1e-9) * s.zombieDetectionInterval;
}

void failZombieWhenDue(SimContext& ctx, TiId ti, int tryNumber, double lastBeat,
                       std::function<void(SchedulerId)> failed) {
  const double zombieAt = zombieFailedAt(ctx.scenario.scheduler, lastBeat);
  ctx.rt.spawn("zombie", [&ctx, ti, tryNumber, zombieAt, failed = std::move(failed)] {
    ctx.rt.sleepUntil(zombieAt);
    if (ctx.state.tiState(ti) != TiState::Running) return;  // its run may have finished meanwhile
    TaskInstance& z = ctx.state.ti(ti);
    if (z.tryNumber != tryNumber) return;
    const SchedulerId by = z.queuedBy;
    ctx.state.markFinished(ti, ctx.now(), false);
    failed(by);
  });
}

void runJobHeartbeats(SimContext& ctx) {
  const double period = ctx.scenario.scheduler.jobHeartbeatSec;
  const SchedulerNumbering schedulers(ctx.scenario);
  while (true) {
    ctx.rt.sleepFor(period);
    for (InstanceId i : IdRange<InstanceId>(ctx.scenario.instances.size())) {
      int running = 0;
      for (int r = 0; r < schedulers.replicas(); ++r) running += ctx.state.runningTasks(schedulers.scheduler(i, r));
      if (running == 0) continue;
      QueryBatch b = ctx.db(i).batch();
      b.add(QueryType::WorkerHeartbeat, 1, 1, running);
      ctx.db(i).execute(b);
    }
  }
}

}  // namespace schedlab
