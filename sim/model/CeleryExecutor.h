// A Celery-like executor: the scheduler sends queued task instances to the broker, on their
// task's queue; worker pools (executor.pools) of identical hosts serve some of the queues, each
// host with worker_concurrency slots that take messages in FIFO order, run the tries and write
// their state to the metadata DB as Airflow's LocalTaskJob does. A try's CPU work runs on its
// host's cores, shared with the host's other tries.
//
// Pools may scale (Autoscaler): new hosts boot for boot_time, billed from launch; scale-in picks
// the longest-running hosts, as a cloud autoscaling group's default termination policy does,
// blind to what they run. A graceful shutdown stops taking messages and ends with the last try;
// a hard one kills the running tries. A killed try's message is visible again
// visibility_timeout after it was taken (acks_late), and the scheduler's zombie detection marks
// a running try whose job stopped heartbeating failed after scheduler_zombie_task_threshold;
// whichever comes first recovers the task (a rerun, or a retry).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/Autoscaler.h"
#include "model/Broker.h"
#include "model/Executor.h"
#include "model/SimContext.h"
#include "model/TaskRun.h"

namespace schedlab {

// Every worker host a pool may have (max_workers of each), in the runtime's numbering.
std::vector<WorkerHost> workerHostsOf(const ExecutorConfig& executor);

class CeleryExecutor final : public Executor {
 public:
  explicit CeleryExecutor(SimContext& ctx);
  // Creates the worker slots, the autoscalers and the heartbeat load.
  void start() override;
  // Queued TIs leave for the broker; visible to workers after its latency. No statements.
  int send(SchedulerId scheduler, const std::vector<TiId>& tis, double now, LoopRecord* loop) override;
  int takeEvents(SchedulerId scheduler) override;

  const std::vector<WorkerHost>& hosts() const override { return hosts_; }
  size_t queueDepth() const override { return broker_.depth(); }
  int busyWorkers() const override;
  void markWarmup(double now) override;
  void sample(double now, RunResult& out) override;
  void contribute(double end, RunResult& out) const override;

  struct Worker {
    enum class State { Off, Booting, Up, Draining } state = State::Off;
    int host = -1;
    int life = 0;              // launches so far: timers of an earlier life do nothing
    double launchedAt = -1;    // billed from here while on
    double billedSeconds = 0;  // earlier lives
    int running = 0;           // tries taken and not ended
    int parked = 0;            // slots waiting for it to be up
    SemaphorePtr wake;
  };
  struct Pool {
    const WorkerPoolConfig* config;
    std::unique_ptr<Autoscaler> autoscaler;
    std::vector<int> queues;      // broker queue ids it serves
    SemaphorePtr available;       // released once per message sent to one of its queues
    std::vector<Worker> workers;  // max_workers of them
    bool killable = false;        // tries may be killed (hard shutdown): waits are interruptible
    double lastScaleAt = -1e300;
    long long triesRun = 0, scaleOut = 0, scaleIn = 0, launched = 0, terminated = 0;
    long long killed = 0, killedByDeploy = 0, killedByCrash = 0, redelivered = 0, zombies = 0;
    int peakOn = 0;             // most workers on (booting, up or draining) at once
    std::vector<double> cpuAt;  // per worker: computed core-seconds at the last evaluation
  };
  const std::vector<Pool>& pools() const { return pools_; }
  // Each scaling action: when, which pool, the size before and after, and what the policy saw.
  struct ScalingRecord {
    double time;
    int pool;
    bool out;
    int before, after;
    PoolLoad load;
  };
  const std::vector<ScalingRecord>& scaling() const { return scaling_; }
  static int inFlight(const Pool& pool);
  // Worker-seconds a pool was billed for up to `now`.
  double billedSeconds(const Pool& pool, double now) const;
  // Launched workers (booting, up or draining) and up ones.
  static int workersOn(const Pool& pool);
  static int workersUp(const Pool& pool);
  int visibleFor(const Pool& pool) const;

 private:
  // A try on a pool whose hosts can be killed: how to interrupt it.
  struct Try : KillableTry {
    TiId ti;
    int pool = -1;
    double takenAt = 0;
  };
  class Slot;  // a running try's TrySlot
  void slotLoop(int pool, int worker);
  void runTask(int pool, int worker, TiId ti, double takenAt);
  void autoscaleLoop(int pool);
  void launch(Pool& pool, int worker);
  enum class StopReason { ScaleIn, Deploy, Crash };
  void stop(Pool& pool, int worker, bool graceful, StopReason why);
  void deploy();
  void turnOff(Pool& pool, int worker);
  void recover(int pool, TiId ti, double takenAt, bool started);
  // When the broker outage covering `t` ends; -1 when there is none.
  double outageEnd(double t) const;
  void crash(const std::string& pool, int count);
  // A message on its task's queue, visible from `visibleAt`; the pools serving it are told.
  void post(TiId ti, double visibleAt);

  // metrics_by_pool.<pool>; adds a priced pool's cost to `out`.
  nlohmann::json poolMetrics(size_t pool, double end, RunResult& out) const;

  SimContext& ctx_;
  std::vector<WorkerHost> hosts_;
  TaskRunner runner_;
  Broker broker_;
  std::vector<Pool> pools_;
  IdTable<SchedulerId, int> events_;                      // per scheduler: tries ended since it last asked
  std::vector<std::vector<std::shared_ptr<Try>>> tries_;  // per runtime host: its running tries
  std::vector<ScalingRecord> scaling_;
  // Per runtime host: core-seconds computed by the warm-up and by the previous sample; per pool,
  // worker-seconds billed by then.
  std::vector<double> cpuAtWarmup_, cpuAtSample_, billedAtWarmup_, billedAtSample_;
};

}  // namespace schedlab
