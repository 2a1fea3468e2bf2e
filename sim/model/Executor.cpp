#include "model/Executor.h"

#include "model/CeleryExecutor.h"
#include "model/MockExecutor.h"

namespace schedlab {

std::unique_ptr<Executor> makeExecutor(SimContext& ctx) {
  switch (ctx.scenario.executor.kind) {
    case ExecutorKind::Celery:
      return std::make_unique<CeleryExecutor>(ctx);
    case ExecutorKind::Mock:
      return std::make_unique<MockExecutor>(ctx);
  }
  return nullptr;
}

std::vector<WorkerHost> executorHosts(const ExecutorConfig& config) {
  switch (config.kind) {
    case ExecutorKind::Celery:
      return workerHostsOf(config);
    case ExecutorKind::Mock:
      return {};
  }
  return {};
}

}  // namespace schedlab
