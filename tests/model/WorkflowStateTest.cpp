// WorkflowState alone on a manual clock (FakeWorld: no scheduler, no executor running): runs,
// dependency evaluation, the executable-TI choice, retries.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

#include "support/FakeWorld.h"
#include "support/TestSupport.h"

using namespace schedlab;
using schedlab::test::FakeWorld;
using schedlab::test::load;

namespace {

const char* kChain = R"(
run: {horizon: 2h}
scheduler: {parallelism: 2}
dags:
  - name: etl
    schedule: 10m
    max_active_runs: 1
    tasks:
      - {id: a, duration: 1m, retries: 1, retry_delay: 2m}
      - {id: b}
      - {id: c, deps: [a]}
)";

// The TI of `task` (its index in the DAG's sorted tasks) in run `r`.
TiId tiOf(WorkflowState& st, RunId r, int task) { return st.run(r).firstTi + task; }

constexpr DagId kDag{0};
constexpr SchedulerId kScheduler{0};
constexpr InstanceId kInstance{0};

// One try of a ready TI as a scheduler and a worker would make it: scheduled, queued and started
// at `start`, ended at `end`.
void runTry(WorkflowState& st, TiId ti, double start, double end, bool success) {
  st.markScheduled(ti, start);
  ASSERT_EQ(st.queueExecutable(kScheduler, 512, start), std::vector<TiId>{ti});
  st.markRunning(ti, start);
  st.markFinished(ti, end, success);
}

TEST(WorkflowState, RunsFallDueAtTheEndOfTheirIntervalUnderMaxActiveRuns) {
  FakeWorld w(load(kChain)[0]);
  WorkflowState& st = w.state;
  EXPECT_FALSE(st.hasDueRun(kDag, 599));
  EXPECT_TRUE(st.hasDueRun(kDag, 600));
  const std::vector<RunId> created = st.createDueRuns(kDag, 1800, 10);
  ASSERT_EQ(created.size(), 1u);  // three intervals ended, one active run allowed
  EXPECT_EQ(st.startQueuedRuns(kDag, 1800), 1);
  EXPECT_EQ(st.run(created[0]).state, RunState::Running);
  EXPECT_TRUE(st.createDueRuns(kDag, 1800, 10).empty());
}

TEST(WorkflowState, ATaskIsReadyOnceItsUpstreamSucceeded) {
  FakeWorld w(load(kChain)[0]);
  WorkflowState& st = w.state;
  const RunId r = w.startDueRun(kDag, 600);
  const TiId a = tiOf(st, r, 0), b = tiOf(st, r, 1), c = tiOf(st, r, 2);
  EXPECT_EQ(st.evaluate(r, 600).ready, std::vector<TiId>{a});
  st.markScheduled(a, 600);
  EXPECT_EQ(st.queueExecutable(kScheduler, 512, 600), std::vector<TiId>{a});
  EXPECT_EQ(st.ti(a).state, TiState::Queued);
  EXPECT_EQ(st.activeTasks(kScheduler), 1);
  st.markRunning(a, 601);
  st.markFinished(a, 661, true);
  std::vector<TiId> next = st.readyDownstream(a, 661);
  std::sort(next.begin(), next.end());
  EXPECT_EQ(next, (std::vector<TiId>{b, c}));
  EXPECT_EQ(st.activeTasks(kScheduler), 0);
}

TEST(WorkflowState, AFailedTryWithRetriesWaitsItsRetryDelay) {
  FakeWorld w(load(kChain)[0]);
  WorkflowState& st = w.state;
  const RunId r = w.startDueRun(kDag, 600);
  const TiId a = tiOf(st, r, 0);
  st.evaluate(r, 600);
  runTry(st, a, 601, 661, false);
  EXPECT_EQ(st.ti(a).state, TiState::UpForRetry);
  EXPECT_TRUE(st.evaluate(r, 661 + 119).ready.empty());
  EXPECT_EQ(st.evaluate(r, 661 + 120).ready, std::vector<TiId>{a});
  // The second failure is the last: the run fails, its downstream never runs.
  runTry(st, a, 782, 842, false);
  EXPECT_EQ(st.ti(a).state, TiState::Failed);
  st.evaluate(r, 842);
  EXPECT_EQ(st.run(r).state, RunState::Failed);
}

TEST(WorkflowState, ParallelismCapsTheExecutableChoice) {
  FakeWorld w(load(R"(
scheduler: {parallelism: 2}
dags:
  - name: wide
    schedule: 10m
    tasks: [{shape: fan_out_in, width: 5}]
)")[0]);
  WorkflowState& st = w.state;
  const RunId r = w.startDueRun(kDag, 600);
  const TiId head = tiOf(st, r, 0);
  st.evaluate(r, 600);
  runTry(st, head, 600, 610, true);
  const std::vector<TiId> middle = st.readyDownstream(head, 610);
  ASSERT_EQ(middle.size(), 5u);
  for (TiId ti : middle) st.markScheduled(ti, 610);
  EXPECT_EQ(st.scheduledCount(kInstance), 5);
  EXPECT_EQ(st.queueExecutable(kScheduler, 512, 610).size(), 2u);
  EXPECT_EQ(st.openSlots(kScheduler), 0);
  EXPECT_EQ(st.scheduledCount(kInstance), 3);
}

}  // namespace

TEST(WorkflowState, WithoutCatchupAnOldStartDateBeginsAtTheLatestInterval) {
  // Thirty years of five-minute and one-minute intervals before the run's start: without
  // catchup the first run is the interval that ends at the start (2020-03-01T00:00Z).
  FakeWorld w(load(R"(
run: {horizon: 1h, start: 2020-03-01}
dags:
  - {name: cron, schedule: "*/5 * * * *", start_date: 1990-01-01, catchup: false, tasks: [{id: t}]}
  - {name: every_minute, schedule: 1m, start_date: 1990-01-01, catchup: false, tasks: [{id: t}]}
  - {name: caught_up, schedule: "@daily", start_date: 2020-02-27, catchup: true, tasks: [{id: t}]}
)")[0]);
  const double start = 1583020800;
  EXPECT_EQ(w.state.dag(DagId(0)).nextExecution, start - 300);
  EXPECT_EQ(w.state.dag(DagId(0)).nextDueAt, 0);
  EXPECT_EQ(w.state.dag(DagId(1)).nextExecution, start - 60);
  EXPECT_EQ(w.state.dag(DagId(1)).nextDueAt, 0);
  EXPECT_EQ(w.state.dag(DagId(2)).nextExecution, start - 3 * 86400);  // from its start_date
  EXPECT_EQ(w.state.dag(DagId(2)).nextDueAt, -2 * 86400);
}

TEST(WorkflowState, AnOnceDagRunsOnceAndAnEndDateBoundsTheRuns) {
  FakeWorld w(load(R"(
dags:
  - name: once
    schedule: "@once"
    start_date: -1h
    tasks: [{id: a}]
  - name: bounded
    schedule: 1h
    start_date: -3h
    end_date: -1h
    tasks: [{id: a}]
)")[0]);
  WorkflowState& st = w.state;
  const double t0 = w.scenario.run.start;
  // @once: one run, its execution date the start_date, due at once.
  const std::vector<RunId> once = st.createDueRuns(DagId(0), 0, 10);
  ASSERT_EQ(once.size(), 1u);
  EXPECT_EQ(st.run(once[0]).executionDate, t0 - 3600);
  EXPECT_FALSE(st.hasDueRun(DagId(0), 1e9));
  // Hourly from -3h to the end date -1h: three runs, all due by the start, none after.
  const std::vector<RunId> bounded = st.createDueRuns(DagId(1), 0, 10);
  ASSERT_EQ(bounded.size(), 3u);
  EXPECT_EQ(st.run(bounded.back()).executionDate, t0 - 3600);
  EXPECT_FALSE(st.hasDueRun(DagId(1), 1e9));
  EXPECT_FALSE(st.allRunsDone());  // the runs are still queued
  EXPECT_EQ(st.firstRunCreated(), 0);
}

TEST(WorkflowState, FinishedRunsGiveTheirTaskInstancesBackAndDependsOnPastStillReadsThem) {
  FakeWorld w(load(R"(
run: {horizon: 10d}
dags:
  - name: daily
    schedule: 1m
    depends_on_past: true
    max_active_runs: 1
    tasks:
      - {id: a}
      - {id: b, deps: [a]}
)")[0]);
  WorkflowState& st = w.state;
  // Enough runs to fill more than one page of task instances, each run after the previous ended.
  const int runs = static_cast<int>(TaskInstanceStore::kPageSize) / 2 + 50;
  RunId first, last;
  for (int k = 0; k < runs; ++k) {
    const double t = 60.0 * (k + 1);
    const RunId r = w.startDueRun(kDag, t);
    if (k == 0) first = r;
    last = r;
    for (int task = 0; task < 2; ++task) {
      const RunEvaluation ev = st.evaluate(r, t);
      // depends_on_past: ready only because the same task of the previous run succeeded, and
      // from the second page on that run's task instances are read from what was kept.
      ASSERT_EQ(ev.ready, std::vector<TiId>{tiOf(st, r, task)}) << "run " << k << " task " << task;
      runTry(st, tiOf(st, r, task), t, t + 1, true);
    }
    ASSERT_TRUE(st.evaluate(r, t + 2).finished);
  }
  EXPECT_EQ(st.releasedTiPages(), 1u);  // the second page is not full yet
  EXPECT_EQ(st.tiState(tiOf(st, first, 1)), TiState::Success);
  EXPECT_EQ(st.dagOf(tiOf(st, first, 0)), kDag);
  // A released one's run and task come from the runs' first ids.
  for (int k : {0, 1, 777, 2047}) {
    const RunId r(first.index() + static_cast<size_t>(k));
    for (int task = 0; task < 2; ++task) {
      EXPECT_EQ(st.tiRun(tiOf(st, r, task)), r) << k;
      EXPECT_EQ(st.tiTask(tiOf(st, r, task)), task) << k;
    }
  }
  EXPECT_EQ(st.taskDef(tiOf(st, first, 1)).id, "b");
  EXPECT_THROW(st.ti(tiOf(st, first, 0)), std::logic_error);
  EXPECT_EQ(st.ti(tiOf(st, last, 1)).state, TiState::Success);  // not released yet: whole
}
