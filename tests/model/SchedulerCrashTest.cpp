// Scheduler crashes (`faults: [{kind: scheduler_crash}]`): another scheduler adopts the orphans
// within scheduler_health_check_threshold + orphaned_tasks_check_interval, the heartbeat alert
// fires within its poll interval + threshold, a hot standby takes over after its detection
// delay, and whatever happens no task instance runs twice at once.
#include <gtest/gtest.h>

#include <map>

#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

// Long tries, so the crashed scheduler leaves some running when it dies.
std::string haScenario(const std::string& extra) {
  return R"(
run: {horizon: 5h, warmup: 1h, seed: 8}
scheduler: {model: airflow2, replicas: 2}
executor: {workers: 4, worker_concurrency: 8}
monitoring: {alert_poll_interval: 1m, alert_threshold: 5m}
dags:
  - name: etl
    count: 6
    schedule: 10m
    spread: 10m
    tasks:
      - {shape: layered, width: 3, depth: 3, duration: {exponential: 8m}}
)" + extra;
}

// task_instances.csv's last column: the scheduler that queued the try (or adopted it).
std::vector<std::string> queuedByColumn(const std::string& csv) {
  std::vector<std::string> out;
  std::istringstream in(csv);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line.substr(line.rfind(',') + 1));
  return out;
}

const double kCrash = 150 * 60 + 7;

}  // namespace

TEST(SchedulerCrash, AnotherSchedulerAdoptsTheOrphansWithinThresholdPlusCheckInterval) {
  auto out = simulate(load(haScenario("faults: [{kind: scheduler_crash, at: 9007s, replica: 2}]\n"))[0]);
  const auto& m = out.metrics;
  const auto& f = m["by_fault"]["scheduler_crash"];
  // Running tries of the dead scheduler's job: the executor of the other one adopts them.
  EXPECT_GT(f["orphaned_tasks_adopted"].get<long long>(), 0);
  EXPECT_EQ(f["orphaned_tasks_adopted"], m["orphaned_tasks_adopted"]);
  const double after = f["orphans_taken_over_after_s"];
  EXPECT_GT(after, 30);            // not before the job is dead (scheduler_health_check_threshold)
  EXPECT_LT(after, 30 + 300 + 5);  // by the next adopt_or_reset_orphaned_tasks (every 300 s) + a loop
  // The other scheduler carried on: the instance was never without one, and no alert fired.
  EXPECT_EQ(f["scheduler_unavailable_s"], 0.0);
  EXPECT_TRUE(f["outage_detected_after_s"].is_null());
  EXPECT_TRUE(f["scheduler_back_after_s"].is_null());  // nobody restarts it: no alert paged anyone
  EXPECT_EQ(m["tasks_lost"], 0);
  EXPECT_EQ(m["tasks_run_twice_at_once"], 0);
  // The dead scheduler queued nothing after its crash; its adopted tries carry the adopter's name.
  auto rows = parseTis(tisCsv(out));
  auto by = queuedByColumn(tisCsv(out));
  ASSERT_EQ(rows.size(), by.size());
  int adoptedRows = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (by[i] == "main#2") {
      EXPECT_LT(rows[i].queued, kCrash + 1) << rows[i].task;
    }
    if (by[i] == "main#1" && rows[i].queued >= 0 && rows[i].queued < kCrash && rows[i].ended > kCrash + 30)
      ++adoptedRows;
  }
  EXPECT_GT(adoptedRows, 0);
}

TEST(SchedulerCrash, TheAlertFiresWithinPollIntervalPlusThresholdAndThePagedPersonRestartsIt) {
  const std::string fault = "faults: [{kind: scheduler_crash, at: 9007s, restart_after_alert: 10m}]\n";
  auto out = simulate(load(haScenario(fault), {"scheduler.replicas=1"})[0]);
  const auto& m = out.metrics;
  const auto& f = m["by_fault"]["scheduler_crash"];
  const double detected = f["outage_detected_after_s"];
  // The last heartbeat was at most scheduler_heartbeat_sec (5 s) before the crash.
  EXPECT_GE(detected, 300 - 5);
  EXPECT_LE(detected, 300 + 60);
  EXPECT_EQ(m["outage_detected_after_s"], f["outage_detected_after_s"]);
  EXPECT_NEAR(f["scheduler_back_after_s"].get<double>(), detected + 600, 1e-6);
  EXPECT_NEAR(f["scheduler_unavailable_s"].get<double>(), detected + 600, 1e-6);
  EXPECT_NEAR(m["scheduler_unavailable_s"].get<double>(), detected + 600, 1e-6);
  EXPECT_EQ(m["scheduler_alerts"], 1);
  EXPECT_EQ(m["scheduler_restarts"], 1);
  // Nothing is queued while no scheduler runs; the work resumes after the restart.
  const double back = kCrash + detected + 600;
  int queuedAfter = 0;
  for (const auto& r : parseTis(tisCsv(out))) {
    EXPECT_FALSE(r.queued > kCrash + 1 && r.queued < back) << r.task << " queued at " << r.queued;
    queuedAfter += r.queued >= back;
  }
  EXPECT_GT(queuedAfter, 100);
  // The outage shows in the hour after the scheduler is back: tasks waited for it.
  EXPECT_GT(f["after"]["task_transition_latency_s"]["max"].get<double>(), 600);
  EXPECT_EQ(m["tasks_lost"], 0);
  EXPECT_EQ(m["tasks_run_twice_at_once"], 0);
}

TEST(SchedulerCrash, AHotStandbyTakesOverAfterItsDetectionDelayAndResetsWhatWasQueued) {
  // Airflow 1.10 with a backlog: the new process resets every queued TI (its executor knows
  // none), queues them again, and the workers refuse the old messages.
  const std::string yaml = backlogScenario("{model: airflow1, hot_standby: {poll_interval: 10s, takeover_after: 30s}}",
                                           "faults: [{kind: scheduler_crash, at: 9003s}]\n");
  auto out = simulate(load(yaml)[0]);
  const auto& m = out.metrics;
  const auto& f = m["by_fault"]["scheduler_crash"];
  const double back = f["scheduler_back_after_s"];
  EXPECT_GE(back, 30 - 5);       // the heartbeat is older than takeover_after ...
  EXPECT_LE(back, 30 + 10 + 1);  // ... at the controller's next poll
  EXPECT_DOUBLE_EQ(f["scheduler_unavailable_s"].get<double>(), back);
  EXPECT_EQ(m["standby_takeovers"], 1);
  EXPECT_EQ(m["scheduler_restarts"], 0);
  EXPECT_GT(f["orphaned_tasks_cleared"].get<long long>(), 10);
  EXPECT_GT(m["stale_messages"].get<long long>(), 0);
  EXPECT_EQ(m["tasks_run_twice_at_once"], 0);
  EXPECT_EQ(m["tasks_lost"], 0);
  EXPECT_EQ(m["tasks_failed"], 0);
}

TEST(SchedulerCrash, WithoutRestartOrStandbyTheSchedulerStaysDown) {
  auto out = simulate(load(haScenario("faults: [{kind: scheduler_crash, at: 9007s}]\n"), {"scheduler.replicas=1"})[0]);
  const auto& m = out.metrics;
  EXPECT_NEAR(m["scheduler_unavailable_s"].get<double>(), 5 * 3600 - kCrash, 1e-6);
  EXPECT_TRUE(m["by_fault"]["scheduler_crash"]["scheduler_back_after_s"].is_null());
  EXPECT_EQ(m["scheduler_alerts"], 1);  // it fires, and nobody is set to respond
  EXPECT_EQ(m["tasks_lost"], 0);        // what was not done is still in flight, not lost
  EXPECT_GT(m["tasks_in_flight_at_end"].get<long long>(), 0);
}

TEST(SchedulerCrash, CrashesAndStandbysAreValidated) {
  expectLoadError(haScenario("faults: [{kind: scheduler_crash, at: 1h, replica: 3}]\n"), "faults[0].replica");
  expectLoadError(haScenario("faults: [{kind: scheduler_crash, at: 1h, instance: fast}]\n"),
                  "faults[0].instance: unknown scheduler instance 'fast'");
  expectLoadError(haScenario("faults: [{kind: scheduler_crash, at: 1h, duration: 5m}]\n"), "faults[0].duration");
  expectLoadError(haScenario("faults: [{kind: scheduler_crash, at: 1h, restart_after: 1m, restart_after_alert: 1m}]\n"),
                  "give either restart_after");
  const std::string noMonitoring = R"(
run: {horizon: 2h}
dags: [{name: a, schedule: 10m, tasks: [{id: t, duration: 1s}]}]
faults: [{kind: scheduler_crash, at: 1h, restart_after_alert: 5m}]
)";
  expectLoadError(noMonitoring, "faults[0].restart_after_alert: needs an alert to respond to");
  std::string standbyWithReplicas = haScenario("");
  standbyWithReplicas.replace(standbyWithReplicas.find("replicas: 2}"), 12, "replicas: 2, hot_standby: {}}");
  expectLoadError(standbyWithReplicas, "scheduler.hot_standby: a hot standby backs a single active scheduler");
}
