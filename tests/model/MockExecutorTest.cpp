// The mock executor alone on a manual clock: what the scheduler sends succeeds at once, written by
// the scheduler's own statements, and comes back as that scheduler's executor events.
#include <gtest/gtest.h>

#include "support/FakeWorld.h"
#include "support/TestSupport.h"

using namespace schedlab;
using schedlab::test::FakeWorld;
using schedlab::test::load;

TEST(MockExecutor, WhatIsSentSucceedsAtOnceOnTheSchedulersStatements) {
  FakeWorld w(load(R"(
scheduler: {client_cost_per_query: 1ms}
executor: {kind: mock}
dags:
  - name: perf
    schedule: 10m
    tasks: [{shape: no_structure, count: 3, duration: 1h}]
)")[0],
              0.002);
  WorkflowState& st = w.state;
  EXPECT_TRUE(w.executor.hosts().empty());
  w.db.startMeasuring();
  const RunId r = w.startDueRun(DagId(0), 600);
  w.rt.runUntil(600);
  for (TiId ti : st.evaluate(r, 600).ready) st.markScheduled(ti, 600);
  const std::vector<TiId> queued = st.queueExecutable(SchedulerId(0), 512, 600);
  ASSERT_EQ(queued.size(), 3u);
  int statements = -1;
  LoopRecord loop;
  w.rt.spawn("scheduler", [&] { statements = w.executor.send(SchedulerId(0), queued, 600, &loop); });
  w.rt.runUntil(601);
  // A merge and an UPDATE per task instance, each 2 ms of the DB and 1 ms of the scheduler.
  EXPECT_EQ(statements, 6);
  EXPECT_EQ(loop.statements, 6);  // the scheduler's loop counts them
  EXPECT_EQ(loop.byType[static_cast<size_t>(QueryType::MockExecutorSetState)], 6);
  for (TiId ti : queued) {
    EXPECT_EQ(st.ti(ti).state, TiState::Success);
    EXPECT_EQ(st.ti(ti).host, -1);                // no worker ran it
    EXPECT_NEAR(st.ti(ti).ended, 600.018, 1e-9);  // not its task's hour
    EXPECT_NEAR(st.ti(ti).started, st.ti(ti).ended, 1e-12);
  }
  EXPECT_EQ(w.db.countByType()[static_cast<size_t>(QueryType::MockExecutorSetState)], 6);
  EXPECT_EQ(w.executor.takeEvents(SchedulerId(0)), 3);
  EXPECT_EQ(w.executor.takeEvents(SchedulerId(0)), 0);
}

TEST(MockExecutor, AMeasuredClientCostIsTheCalibrationsPerQueryFigure) {
  // The same heartbeat with the client's cost measured per query (1.5 ms each, no per-row cost)
  // instead of 1 ms per statement: the scheduler spends 3 × 1.5 ms, the DB 6 × 2 ms.
  Scenario sc = load(R"(
scheduler: {client_cost_per_query: measured}
executor: {kind: mock}
dags: [{name: perf, schedule: 10m, tasks: [{shape: no_structure, count: 3}]}]
)")[0];
  nlohmann::json cal = nlohmann::json::parse(R"({"queries": {"default": {"fixed_s": 1e-4}}, "client_costs":
      {"queries": {}}})");
  for (const QueryInfo& q : kQueries)
    if (q.schedulerSide) cal["client_costs"]["queries"][std::string(q.name)] = {{"fixed_s", 1.5e-3}};
  const std::string path = test::writeScenario(cal.dump(), "cal.json");
  sc.metadb.calibration = path;
  FakeWorld w(sc, 0.002);
  WorkflowState& st = w.state;
  const RunId r = w.startDueRun(DagId(0), 600);
  w.rt.runUntil(600);
  for (TiId ti : st.evaluate(r, 600).ready) st.markScheduled(ti, 600);
  const std::vector<TiId> queued = st.queueExecutable(SchedulerId(0), 512, 600);
  w.rt.spawn("scheduler", [&] { w.executor.send(SchedulerId(0), queued, 600, nullptr); });
  w.rt.runUntil(601);
  EXPECT_NEAR(st.ti(queued[0]).ended, 600 + 3 * 1.5e-3 + 6 * 2e-3, 1e-9);
}
