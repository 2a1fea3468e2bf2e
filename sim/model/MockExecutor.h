// Airflow's MockExecutor, as its scheduler benchmarks use it (scripts/perf/
// scheduler_dag_execution_timing.py in 2.x): no workers and no broker. At the executor's heartbeat
// every task instance the scheduler queued succeeds at once, its state written by the scheduler
// itself (ti.set_state in the heartbeat's session), and its end is an executor event for the
// same loop. What remains is the scheduler's own throughput: its loop, its queries, its DB.
// Task durations, CPU and failure probabilities do not apply.
#pragma once

#include <vector>

#include "model/Executor.h"
#include "model/SimContext.h"

namespace schedlab {

class MockExecutor final : public Executor {
 public:
  explicit MockExecutor(SimContext& ctx);
  void start() override {}
  // Sets `tis` running and succeeded at `now`: one merge and UPDATE per task instance, sent by
  // the scheduler that queued them. Returns those statements.
  // REQUIRES: called from that scheduler's actor; the TIs are queued.
  int send(SchedulerId scheduler, const std::vector<TiId>& tis, double now, LoopRecord* loop) override;
  int takeEvents(SchedulerId scheduler) override;

  const std::vector<WorkerHost>& hosts() const override { return hosts_; }
  size_t queueDepth() const override { return 0; }
  int busyWorkers() const override { return 0; }
  void markWarmup(double) override {}
  void sample(double, RunResult&) override {}
  // scheduler_throughput_tis_per_s.
  void contribute(double end, RunResult& out) const override;

 private:
  SimContext& ctx_;
  std::vector<WorkerHost> hosts_;  // none
  IdTable<SchedulerId, int> events_;
};

}  // namespace schedlab
