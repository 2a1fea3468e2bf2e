// A Celery-like executor: the scheduler sends queued task instances to the broker, on their
// task's queue; worker pools (executor.pools) of identical hosts serve some of the queues, each
// host with worker_concurrency slots that take messages in FIFO order, run the tries and write
// their state to the metadata DB as Airflow's LocalTaskJob does. A try's CPU work runs on its
// host's cores, shared with the host's other tries.
#pragma once

#include <string>
#include <vector>

#include "model/Broker.h"
#include "model/SimContext.h"

namespace schedlab {

// One worker host of a pool, as the runtime numbers them (ModelRun::workerHosts).
struct WorkerHost {
  std::string name;
  int cores;
};
std::vector<WorkerHost> workerHostsOf(const ExecutorConfig& executor);

class CeleryExecutor {
 public:
  explicit CeleryExecutor(SimContext& ctx);
  // Creates the worker slots and the heartbeat load; call before the runtime runs.
  void start();
  // executor.heartbeat(): queued TIs leave for the broker; visible to workers after its latency.
  void send(const std::vector<int>& tis, double now);
  // Finished tries the scheduler has not processed yet (_process_executor_events), then reset.
  int takeEvents(int instance);

  size_t queueDepth() const { return broker_.depth(); }
  int busyWorkers() const;

  // Per pool (executor.pools order): its hosts (runtime numbering) and the tries it ran.
  struct Pool {
    const WorkerPoolConfig* config;
    std::vector<int> queues;  // broker queue ids it serves
    SemaphorePtr available;   // released once per message sent to one of its queues
    int firstHost;            // its hosts are firstHost .. firstHost + workers - 1
    std::vector<int> running;  // per host: tries running
    long long triesRun = 0;
  };
  const std::vector<Pool>& pools() const { return pools_; }

 private:
  void slotLoop(int pool, int worker);
  void runTask(int pool, int worker, int ti);
  void heartbeatLoop();

  SimContext& ctx_;
  Broker broker_;
  std::vector<Pool> pools_;
  std::vector<int> events_;
};

}  // namespace schedlab
