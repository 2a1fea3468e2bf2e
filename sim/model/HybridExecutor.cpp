#include "model/HybridExecutor.h"

#include "results/MetricSchema.h"

namespace schedlab {

HybridExecutor::HybridExecutor(SimContext& ctx)
    : ctx_(ctx),
      celery_(ctx),
      pods_(ctx, static_cast<int>(celery_.hosts().size()), /*jobHeartbeats=*/false),
      hosts_(celery_.hosts()) {
  hosts_.insert(hosts_.end(), pods_.hosts().begin(), pods_.hosts().end());
}

void HybridExecutor::start() {
  celery_.start();  // it sends every try's LocalTaskJob heartbeats, pods' included
  pods_.start();
}

int HybridExecutor::send(SchedulerId scheduler, const std::vector<TiId>& tis, double now, LoopRecord* loop) {
  std::vector<TiId> toCelery, toPods;
  for (TiId ti : tis)
    (ctx_.scenario.executor.executorOf(ctx_.state.taskDef(ti)) == ExecutorKind::Kubernetes ? toPods : toCelery)
        .push_back(ti);
  sentToCelery_ += static_cast<long long>(toCelery.size());
  sentToPods_ += static_cast<long long>(toPods.size());
  const int statements = celery_.send(scheduler, toCelery, now, loop);
  return statements + pods_.send(scheduler, toPods, ctx_.now(), loop);
}

int HybridExecutor::takeEvents(SchedulerId scheduler) {
  return celery_.takeEvents(scheduler) + pods_.takeEvents(scheduler);
}

size_t HybridExecutor::queueDepth() const { return celery_.queueDepth() + pods_.queueDepth(); }

int HybridExecutor::busyWorkers() const { return celery_.busyWorkers() + pods_.busyWorkers(); }

void HybridExecutor::markWarmup(double now) {
  celery_.markWarmup(now);
  pods_.markWarmup(now);
}

void HybridExecutor::sample(double now, RunResult& out) {
  celery_.sample(now, out);
  pods_.sample(now, out);
}

void HybridExecutor::contribute(double end, RunResult& out) const {
  celery_.contribute(end, out);
  RunResult pods;
  pods_.contribute(end, pods);
  for (auto& [key, value] : pods.metrics.items()) {
    nlohmann::json& mine = out.metrics[key];
    if (mine.is_null()) {
      mine = value;
    } else if (key == metric::kScaleEvents.name()) {
      for (const char* way : {"out", "in"}) mine[way] = mine[way].get<long long>() + value[way].get<long long>();
    } else if (mine.is_number_integer() && value.is_number_integer()) {
      mine = mine.get<long long>() + value.get<long long>();  // counts both runners keep
    }
  }
  for (auto& [pool, scope] : pods.metricsByPool.items()) out.metricsByPool[pool] = scope;
  out.scaling.insert(out.scaling.end(), pods.scaling.begin(), pods.scaling.end());
  if (pods.cost.priced()) out.cost.add(pods.cost.total());
  out.metrics[metric::kTriesByExecutor.name()] = {{executorKindName(ExecutorKind::Celery), sentToCelery_},
                                                  {executorKindName(ExecutorKind::Kubernetes), sentToPods_}};
}

}  // namespace schedlab
