// A Celery-like executor: the scheduler sends queued task instances to a broker, and worker
// processes (worker_concurrency slots on each worker host) take them in FIFO order, run them and
// write their state to the metadata DB as Airflow's LocalTaskJob does.
#pragma once

#include <deque>
#include <vector>

#include "model/SimContext.h"

namespace schedlab {

class CeleryExecutor {
 public:
  explicit CeleryExecutor(SimContext& ctx);
  // Creates the worker slots and the heartbeat load; call before Engine::run.
  void start();
  // executor.heartbeat(): queued TIs leave for the broker; visible to workers after its latency.
  void send(const std::vector<int>& tis, double now);
  // Finished tries the scheduler has not processed yet (_process_executor_events), then reset.
  int takeEvents(int instance);

  size_t queueDepth() const { return broker_.size(); }
  int busyWorkers() const;

 private:
  struct Message {
    int ti;
    double visibleAt;
  };
  void slotLoop(int worker);
  void runTask(int worker, int ti);
  void heartbeatLoop();

  SimContext& ctx_;
  std::deque<Message> broker_;
  SemaphorePtr available_;
  std::vector<int> runningOn_;
  std::vector<int> events_;
};

}  // namespace schedlab
