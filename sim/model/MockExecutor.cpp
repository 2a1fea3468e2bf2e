#include "model/MockExecutor.h"

#include <cmath>

#include "model/WorkflowState.h"
#include "results/MetricSchema.h"

namespace schedlab {

MockExecutor::MockExecutor(SimContext& ctx) : ctx_(ctx), events_(static_cast<size_t>(ctx.state.schedulerCount()), 0) {}

int MockExecutor::send(SchedulerId /*scheduler*/, const std::vector<TiId>& tis, double /*now*/, LoopRecord* loop) {
  if (tis.empty()) return 0;
  WorkflowState& st = ctx_.state;
  MetadataDb& db = ctx_.db(st.dag(st.dagOf(tis.front())).instance);
  // MockExecutor.heartbeat: one session, each queued TI set to success (merge, then UPDATE).
  QueryBatch b = db.batch();
  b.add(QueryType::MockExecutorSetState, 1, 1, static_cast<int>(tis.size()), {.tis = tis});
  db.execute(b, ctx_.scenario.scheduler.clientCostPerQuery);
  if (loop) loop->add(b);
  const double at = ctx_.now();
  for (TiId ti : tis) {
    const SchedulerId by = st.ti(ti).queuedBy;
    st.markRunning(ti, at);
    st.markFinished(ti, at, true);
    events_[by]++;
  }
  return b.queries();
}

int MockExecutor::takeEvents(SchedulerId scheduler) {
  const int n = events_[scheduler];
  events_[scheduler] = 0;
  return n;
}

void MockExecutor::contribute(double /*end*/, RunResult& out) const {
  // As the benchmark script reports it: task instances that succeeded over the time from the
  // first DAG run's creation to the last one's end.
  const WorkflowState& st = ctx_.state;
  const double window = st.lastRunEnded() - st.firstRunCreated();
  const double succeeded = static_cast<double>(ctx_.recorder.tasksSucceeded);
  out.metrics[metric::kSchedulerThroughput.name()] =
      st.firstRunCreated() >= 0 && window > 0 ? nlohmann::json(roundMetric(succeeded / window)) : nlohmann::json();
}

}  // namespace schedlab
