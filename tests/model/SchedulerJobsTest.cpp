// SchedulerJobs alone on a manual clock: a scheduler process's crash and restart, the outage it
// leaves, and the orphans another scheduler adopts or resets.
#include <gtest/gtest.h>

#include "model/SchedulerProcess.h"
#include "support/FakeWorld.h"
#include "support/TestSupport.h"

using namespace schedlab;
using schedlab::test::FakeWorld;
using schedlab::test::load;

namespace {

const char* kTwoReplicas = R"(
run: {horizon: 3h}
scheduler: {replicas: 2, scheduler_health_check_threshold: 30s}
dags:
  - name: etl
    schedule: 10m
    tasks: [{shape: fan_out_in, width: 3}]
faults:
  - {kind: scheduler_crash, at: 1h, replica: 2, restart_after: 2m}
)";

TEST(SchedulerJobs, ACrashedProcessIsRestartedAsItsFaultSays) {
  FakeWorld w(load(kTwoReplicas)[0]);
  SchedulerJobs& jobs = w.jobs;
  jobs.start();
  const JobId firstJob = jobs.job(SchedulerId(1));
  w.rt.runUntil(3599);
  EXPECT_TRUE(jobs.alive(SchedulerId(1)));
  w.rt.runUntil(3600);
  EXPECT_FALSE(jobs.alive(SchedulerId(1)));
  EXPECT_TRUE(jobs.alive(SchedulerId(0)));
  ASSERT_EQ(jobs.crashes().size(), 1u);
  EXPECT_EQ(jobs.crashes()[CrashId(0)].scheduler, SchedulerId(1));
  EXPECT_EQ(jobs.crashes()[CrashId(0)].at, 3600);
  w.rt.runUntil(3600 + 119);
  EXPECT_FALSE(jobs.alive(SchedulerId(1)));
  w.rt.runUntil(3600 + 120);
  EXPECT_TRUE(jobs.alive(SchedulerId(1)));
  EXPECT_NE(jobs.job(SchedulerId(1)), firstJob);  // a new process, a new job row
  EXPECT_EQ(jobs.restarts(), 1);
  EXPECT_EQ(jobs.crashes()[CrashId(0)].backAt, 3720);
  // The other replica kept the instance scheduled throughout.
  EXPECT_EQ(jobs.unavailableSeconds(0, 7200), 0);
}

TEST(SchedulerJobs, ADeadJobsSentTriesAreAdoptedAndItsUnsentOnesReset) {
  FakeWorld w(load(kTwoReplicas)[0]);
  SchedulerJobs& jobs = w.jobs;
  WorkflowState& st = w.state;
  jobs.start();
  // Replica 2 (scheduler 1) queues the heads of two runs; one of them was sent to the broker.
  std::vector<TiId> heads;
  for (RunId r : st.createDueRuns(DagId(0), 1200, 2)) {
    st.startQueuedRuns(DagId(0), 1200);
    heads.push_back(st.run(r).firstTi);
    st.evaluate(r, 1200);
    st.markScheduled(heads.back(), 1200);
  }
  ASSERT_EQ(st.queueExecutable(SchedulerId(1), 512, 1200), heads);
  for (TiId ti : heads) st.ti(ti).queuedByJob = jobs.job(SchedulerId(1));
  st.ti(heads[0]).sent = true;
  w.rt.runUntil(3590);
  jobs.heartbeat(SchedulerId(1));
  w.rt.runUntil(3600);  // the crash
  ASSERT_FALSE(jobs.alive(SchedulerId(1)));
  // Replica 1 looks before the dead job's last heartbeat (3590 s) is older than the threshold.
  w.rt.runUntil(3600 + 1);
  jobs.heartbeat(SchedulerId(0));
  {
    QueryBatch batch = w.db.batch();
    SchedulerJobs::Sweep sweep = jobs.findOrphans(SchedulerId(0), batch);
    EXPECT_TRUE(sweep.adopt.empty() && sweep.reset.empty());
  }
  w.rt.runUntil(3600 + 60);
  jobs.heartbeat(SchedulerId(0));
  QueryBatch batch = w.db.batch();
  SchedulerJobs::Sweep sweep = jobs.findOrphans(SchedulerId(0), batch);
  EXPECT_EQ(sweep.adopt, std::vector<TiId>{heads[0]});
  EXPECT_EQ(sweep.reset, std::vector<TiId>{heads[1]});
  jobs.apply(sweep, SchedulerId(0));
  EXPECT_EQ(jobs.adopted(), 1);
  EXPECT_EQ(jobs.reset(), 1);
  EXPECT_EQ(st.ti(heads[0]).queuedByJob, jobs.job(SchedulerId(0)));
  EXPECT_EQ(st.ti(heads[1]).state, TiState::None);
  EXPECT_EQ(jobs.crashes()[CrashId(0)].adopted, 1);
  EXPECT_EQ(jobs.crashes()[CrashId(0)].reset, 1);
  EXPECT_EQ(jobs.crashes()[CrashId(0)].sweptAt, 3660);
}

}  // namespace

namespace {

TEST(SchedulerProcess, ARefusingDatabaseEndsThePassAndTheProcess) {
  FakeWorld w(load(R"(
dags: [{name: etl, schedule: 10m, tasks: [{id: t}]}]
faults: [{kind: db_failover, at: 1h, duration: 1m, mode: error}]
)")[0]);
  SchedulerJobs& jobs = w.jobs;
  jobs.start();
  SchedulerProcess process(jobs, SchedulerId(0), w.db);
  bool before = false, during = true, ran = false, restarted = false, sameProcess = true;
  double backAt = -1;
  w.rt.spawn("loop", [&] {
    process.begin();
    sameProcess = !process.begin();  // nothing died between: the same process, nothing to reset
    before = process.transaction([] {});
    w.rt.sleepUntil(3600);
    during = process.transaction([&] { ran = true; });
    restarted = process.begin();  // waits for the restart (5 s after the exit, as systemd would)
    backAt = w.rt.now();
  });
  w.rt.runUntil(3700);
  EXPECT_TRUE(sameProcess);
  EXPECT_TRUE(before);
  EXPECT_FALSE(during);
  EXPECT_FALSE(ran);
  EXPECT_EQ(jobs.exitsOnDbErrors(), 1);
  EXPECT_TRUE(restarted);
  EXPECT_GT(backAt, 3605);
  EXPECT_LT(backAt, 3600 + 5 + 5);
}

TEST(SchedulerProcess, ADeathDuringATransactionEndsThePassUnlessItIsTheLast) {
  FakeWorld w(load(R"(
dags: [{name: etl, schedule: 10m, tasks: [{id: t}]}]
faults: [{kind: scheduler_crash, at: 100s, restart_after: 10s}]
)")[0]);
  SchedulerJobs& jobs = w.jobs;
  jobs.start();
  SchedulerProcess process(jobs, SchedulerId(0), w.db);
  bool endPass = true, nextPass = false;
  w.rt.spawn("loop", [&] {
    process.begin();
    endPass = process.transaction([&] { w.rt.sleepUntil(101); });
    nextPass = process.transaction([&] { w.rt.sleepUntil(102); }, SchedulerProcess::OnDeath::NextPass);
  });
  w.rt.runUntil(105);
  EXPECT_FALSE(endPass);
  EXPECT_TRUE(nextPass);
  EXPECT_FALSE(jobs.alive(SchedulerId(0)));
}

}  // namespace
