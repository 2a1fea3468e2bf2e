// The Celery executor alone on a manual clock: sends through the broker, workers take messages,
// run tries and report their ends; a broker outage holds what is sent.
#include <gtest/gtest.h>

#include "support/FakeWorld.h"
#include "support/TestSupport.h"

using namespace schedlab;
using schedlab::test::FakeWorld;
using schedlab::test::load;

namespace {

const char* kOneWorker = R"(
run: {horizon: 2h}
executor: {workers: 1, worker_concurrency: 2, broker_latency: 5ms, task_start_overhead: 400ms}
dags:
  - name: etl
    schedule: 10m
    tasks: [{shape: fan_out_in, width: 3, duration: 1m}]
)";

// The executor started, the clock at 600 s and the first run's ready TIs queued.
std::vector<TiId> startAndQueue(FakeWorld& w) {
  w.executor.start();
  const RunId r = w.startDueRun(DagId(0), 600);
  w.rt.runUntil(600);
  return w.queueReady(r, 600);
}

TEST(CeleryExecutor, AWorkerRunsWhatIsSentAndReportsItsEnd) {
  FakeWorld w(load(kOneWorker)[0]);
  WorkflowState& st = w.state;
  const std::vector<TiId> queued = startAndQueue(w);
  ASSERT_EQ(queued.size(), 1u);
  w.executor.send(SchedulerId(0), queued, w.rt.now(), nullptr);
  EXPECT_TRUE(st.ti(queued[0]).sent);
  EXPECT_EQ(w.executor.queueDepth(), 1u);
  w.rt.runUntil(600.5);  // the broker's 5 ms, then the 400 ms start
  EXPECT_EQ(w.executor.queueDepth(), 0u);
  EXPECT_EQ(st.ti(queued[0]).state, TiState::Running);
  EXPECT_EQ(w.executor.busyWorkers(), 1);
  w.rt.runUntil(700);
  EXPECT_EQ(st.ti(queued[0]).state, TiState::Success);
  EXPECT_GE(w.executor.takeEvents(SchedulerId(0)), 1);
  EXPECT_EQ(w.executor.takeEvents(SchedulerId(0)), 0);  // taken once
}

TEST(CeleryExecutor, ABrokerOutageHoldsWhatIsSentUntilItEnds) {
  Scenario sc = load(std::string(kOneWorker) + "faults: [{kind: broker_outage, at: 595s, duration: 1m}]\n")[0];
  FakeWorld w(sc);
  WorkflowState& st = w.state;
  const std::vector<TiId> queued = startAndQueue(w);
  w.executor.send(SchedulerId(0), queued, w.rt.now(), nullptr);
  w.rt.runUntil(654);
  EXPECT_NE(st.ti(queued[0]).state, TiState::Running);
  w.rt.runUntil(656);
  EXPECT_EQ(st.ti(queued[0]).state, TiState::Running);  // 655 s + 5 ms + 400 ms
}

}  // namespace
