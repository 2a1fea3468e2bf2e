// Celery workers and pods together: 2.x's CeleryKubernetesExecutor (the tasks of one queue in pods)
// and Airflow >= 2.10's several executors (AIP-61: each task on its `executor:`, else the first
// listed). Each scheduler loop heartbeats both, each with the task instances routed to it; each
// keeps its own hosts, metrics and series, and `tries_by_executor` counts what each was sent.
// Parallelism stays one figure per scheduler: Airflow caps every executor and their sum by it.
#pragma once

#include <memory>
#include <vector>

#include "model/CeleryExecutor.h"
#include "model/Executor.h"
#include "model/KubernetesExecutor.h"

namespace schedlab {

class HybridExecutor final : public Executor {
 public:
  explicit HybridExecutor(SimContext& ctx);
  void start() override;
  // Both executors' heartbeats: Celery's, then the kubernetes executor's sync() (its API calls).
  int send(SchedulerId scheduler, const std::vector<TiId>& tis, double now, LoopRecord* loop) override;
  int takeEvents(SchedulerId scheduler) override;

  // Celery's hosts, then the nodes.
  const std::vector<WorkerHost>& hosts() const override { return hosts_; }
  size_t queueDepth() const override;
  int busyWorkers() const override;
  void markWarmup(double now) override;
  void sample(double now, RunResult& out) override;
  // Both executors' metrics; the counts both keep (stale messages, double runs, scale events…) summed.
  void contribute(double end, RunResult& out) const override;

 private:
  SimContext& ctx_;
  CeleryExecutor celery_;
  KubernetesExecutor pods_;
  std::vector<WorkerHost> hosts_;
  long long sentToCelery_ = 0, sentToPods_ = 0;
};

}  // namespace schedlab
