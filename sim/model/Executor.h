// What runs the task instances the schedulers queue: Airflow's BaseExecutor as the model needs it.
// A scheduler hands it queued task instances (executor.heartbeat()) and collects how many tries
// ended since it last looked (_process_executor_events); the executor owns its hosts, slots,
// queues and their metrics, and runs each try through the shared TaskRunner.
//
// Adding an executor: a class implementing this interface in a file pair of its own, a case in
// makeExecutor and executorHosts (Executor.cpp), and its section in the scenario loader.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/Ids.h"
#include "model/LoopTrace.h"
#include "model/SimContext.h"
#include "results/RunResult.h"

namespace schedlab {

// A worker host an executor may use, in the runtime's numbering (the platform has one per entry).
struct WorkerHost {
  std::string name;
  int cores;
  // The shares of its cores' speed it can be set to (setComputeSpeed), the first at start.
  std::vector<double> speeds = {1.0};
};

class Executor {
 public:
  virtual ~Executor() = default;

  // Spawns its actors (worker slots, autoscalers, heartbeats, its own faults).
  // REQUIRES: called once, before the runtime runs.
  virtual void start() = 0;
  // executor.heartbeat() of scheduler `scheduler` (once per loop): the queued task instances `tis`
  // leave it at `now`. Returns the SQL statements the scheduler sent for it (the heartbeat's share
  // of its loop's queries), also added to `loop` when the loop is traced (loops.csv).
  // REQUIRES: called from that scheduler's actor; it queued `tis`.
  virtual int send(SchedulerId scheduler, const std::vector<TiId>& tis, double now, LoopRecord* loop) = 0;
  // Tries ended since scheduler `scheduler` last asked (_process_executor_events); resets the count.
  virtual int takeEvents(SchedulerId scheduler) = 0;

  // Its hosts, in the runtime's numbering (as executorHosts listed them for the platform).
  virtual const std::vector<WorkerHost>& hosts() const = 0;
  // For the time series: tries waiting for a slot, and hosts running at least one try.
  virtual size_t queueDepth() const = 0;
  virtual int busyWorkers() const = 0;

  // Its results. REQUIRES: markWarmup once when the warm-up ends; sample at each sample time,
  // in order; contribute once, at the end.
  virtual void markWarmup(double now) = 0;
  virtual void sample(double now, RunResult& out) = 0;
  virtual void contribute(double end, RunResult& out) const = 0;
};

// The executor `ctx.scenario.executor` describes.
std::unique_ptr<Executor> makeExecutor(SimContext& ctx);
// Every host that executor may use, before it exists (the runtime's platform is built first).
std::vector<WorkerHost> executorHosts(const ExecutorConfig& config);

// When zombie detection fails a running try whose job last heartbeat at `lastBeat`: at its first
// check (every zombie_detection_interval) after scheduler_zombie_task_threshold.
double zombieFailedAt(const SchedulerConfig& scheduler, double lastBeat);
// A try whose end was lost (its process exited, its job no longer heartbeating at `lastBeat`): at
// zombieFailedAt the scheduler fails it (retried while it has retries), unless it ended or a later
// try runs by then; `failed(scheduler)` then counts the event for the scheduler that queued it.
void failZombieWhenDue(SimContext& ctx, TiId ti, int tryNumber, double lastBeat,
                       std::function<void(SchedulerId)> failed);

// The LocalTaskJob heartbeats of every running try (1.10, 2.x: `airflow tasks run` on a worker or
// in a pod), each job_heartbeat_sec, summed into one batch per instance and period: the same DB
// work without one event per task per period. Never returns.
void runJobHeartbeats(SimContext& ctx);

}  // namespace schedlab
