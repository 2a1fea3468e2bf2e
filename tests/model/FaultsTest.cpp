// Faults (`faults:`): a database failover delays but loses nothing, a worker crash's tries come
// back and are retried, a broker outage holds the work back; each fault's window is reported.
#include <gtest/gtest.h>

#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

std::string faultScenario(const std::string& faults) {
  return R"(
run: {horizon: 5h, warmup: 1h, seed: 8}
scheduler: {model: airflow2}
executor: {workers: 2, worker_concurrency: 8}
dags:
  - name: etl
    count: 4
    schedule: 10m
    task_defaults: {retries: 2, retry_delay: 1m}
    tasks:
      - {shape: layered, width: 3, depth: 4, duration: {lognormal: {median: 60s, sigma: 0.4}}}
)" + faults;
}

}  // namespace

TEST(Faults, ADbFailoverDelaysButLosesNothing) {
  auto calm = simulate(load(faultScenario(""))[0]);
  auto out = simulate(load(faultScenario("faults: [{kind: db_failover, at: 150m, duration: 10m}]\n"))[0]);
  const auto& m = out.metrics;
  EXPECT_EQ(m["tasks_lost"], 0);
  EXPECT_EQ(m["tasks_failed"], 0);
  EXPECT_EQ(m["dagruns_failed"], 0);
  // No try starts while the database is away: LocalTaskJob's start-up queries wait for it.
  for (const auto& r : parseTis(tisCsv(out)))
    if (r.started >= 0) {
      EXPECT_FALSE(r.started > 9000.001 && r.started < 9600) << r.task << " at " << r.started;
    }
  const auto& f = m["by_fault"]["db_failover"];
  EXPECT_EQ(f["kind"], "db_failover");
  EXPECT_DOUBLE_EQ(f["during"]["from_s"].get<double>(), 9000);
  EXPECT_DOUBLE_EQ(f["during"]["to_s"].get<double>(), 9600);
  // Tries that were to start during the window start at its end, 10 minutes late at most.
  const double after = f["after"]["task_transition_latency_s"]["p95"];
  const double calmP95 = calm.metrics["task_transition_latency_s"]["p95"];
  EXPECT_GT(after, 5 * calmP95);
  EXPECT_LT(f["after"]["task_transition_latency_s"]["max"].get<double>(), 600 + 5 * calmP95);
  EXPECT_EQ(m["tasks_succeeded"].get<long long>() > 0, true);
}

TEST(Faults, AWorkerCrashsTriesComeBackAsZombiesAndAreRetried) {
  auto out = simulate(load(faultScenario("faults: [{kind: worker_crash, at: 132m, count: 1}]\n"))[0]);
  const auto& m = out.metrics;
  const long long killed = m["tasks_killed_by_worker_crash"];
  EXPECT_GT(killed, 0);
  // The default visibility timeout (6 h) is longer than zombie detection (5 min): zombies.
  EXPECT_EQ(m["zombies_killed"], killed);
  EXPECT_EQ(m["tasks_redelivered"], 0);
  EXPECT_EQ(m["tasks_lost"], 0);
  EXPECT_EQ(m["tasks_failed"], 0);
  EXPECT_EQ(out.metricsByPool["default"]["workers_launched"], 1);  // its replacement
  long long retried = 0;
  for (const auto& r : parseTis(tisCsv(out)))
    if (r.state == "up_for_retry" && r.ended >= 7920 + 300 && r.ended < 7920 + 320) ++retried;
  EXPECT_EQ(retried, killed);  // failed by zombie detection 300-310 s after the crash
  EXPECT_EQ(m["by_fault"]["worker_crash"]["kind"], "worker_crash");
  EXPECT_DOUBLE_EQ(m["by_fault"]["worker_crash"]["during"]["to_s"].get<double>(), 7920 + 310);
}

TEST(Faults, ADbFailoverRefusingConnectionsEndsTheSchedulersAndFailsWhatCannotReachIt) {
  // A backlog, so that tries start and end while the database refuses connections.
  auto failover = [](const char* mode) {
    return backlogScenario("{model: airflow2}", std::string("faults: [{name: failover, kind: db_failover, at: 9003s, "
                                                            "duration: 90s, mode: ") +
                                                    mode + "}]\n");
  };
  auto out = simulate(load(failover("error"))[0]);
  const auto& m = out.metrics;
  const auto& f = m["by_fault"]["failover"];
  EXPECT_EQ(f["mode"], "error");
  // run_with_db_retries gives up after 3 attempts (a few seconds): the scheduler exits, its
  // supervisor restarts it 5 s later, it exits again while the database is away ...
  EXPECT_GT(f["scheduler_exits"].get<long long>(), 5);
  EXPECT_EQ(m["scheduler_exits_on_db_errors"], f["scheduler_exits"]);
  EXPECT_EQ(m["scheduler_restarts"], f["scheduler_exits"]);
  // ... and is back within a restart delay and its retries of the database's return.
  const double back = f["schedulers_back_after_s"];
  EXPECT_GE(back, 90);
  EXPECT_LE(back, 90 + 5 + 3 + 1);
  EXPECT_GT(f["scheduler_unavailable_s"].get<double>(), 30);
  EXPECT_LE(f["scheduler_unavailable_s"].get<double>(), back + 1e-6);
  // Tries that could not start failed (and were retried); tries whose end could not be written
  // were failed as zombies 300-310 s later (and retried). Nothing is lost or run twice.
  EXPECT_GT(m["tasks_failed_on_db_errors"].get<long long>(), 0);
  EXPECT_GT(m["task_ends_lost_on_db_errors"].get<long long>(), 0);
  EXPECT_EQ(m["zombies_killed"], m["task_ends_lost_on_db_errors"]);
  EXPECT_EQ(m["tasks_lost"], 0);
  EXPECT_EQ(m["tasks_failed"], 0);
  EXPECT_EQ(m["tasks_run_twice_at_once"], 0);
  int zombies = 0;
  for (const auto& r : parseTis(tisCsv(out))) {
    EXPECT_FALSE(r.started > 9003.001 && r.started < 9093) << r.task << " started at " << r.started;
    zombies += r.state == "up_for_retry" && r.ended >= 9003 + 300 && r.ended <= 9093 + 310;
  }
  EXPECT_GE(zombies, m["task_ends_lost_on_db_errors"].get<int>());
  // Waiting instead of failing: no exit, nothing failed.
  auto waited = simulate(load(failover("wait"))[0]);
  EXPECT_EQ(waited.metrics["scheduler_exits_on_db_errors"], 0);
  EXPECT_EQ(waited.metrics["zombies_killed"], 0);
}

TEST(Faults, FaultsAreValidated) {
  expectLoadError(faultScenario("faults: [{kind: meteor, at: 1h}]\n"), "faults[0].kind: 'meteor' is not one of");
  expectLoadError(faultScenario("faults: [{kind: db_failover, at: 1h}]\n"),
                  "faults[0].duration: a db_failover needs a duration");
  expectLoadError(faultScenario("faults: [{kind: worker_crash, at: 1h, pool: gpu}]\n"),
                  "faults[0].pool: unknown worker pool 'gpu'");
  expectLoadError(faultScenario("faults: [{kind: broker_outage, duration: 5m}]\n"),
                  "faults[0].at: a fault needs a time");
  // Each fault's metrics are reported under its name: a second fault of the same name is refused,
  // the executor's broker_outage shorthand included.
  expectLoadError(faultScenario("faults: [{kind: broker_outage, at: 1h, duration: 5m},\n"
                                "         {name: broker_outage, kind: db_failover, at: 2h, duration: 1m}]\n"),
                  "faults[1].name: duplicate fault name 'broker_outage'");
  expectLoadError(faultScenario("faults: [{kind: db_failover, at: 1h, duration: 1m, mode: sometimes}]\n"),
                  "faults[0].mode: 'sometimes' is not one of");
  expectLoadError(faultScenario("faults: [{kind: db_failover, at: 1h, duration: 1m, restart_after: 5s}]\n"),
                  "faults[0].restart_after");
  auto s = load(faultScenario(
      "faults: [{kind: broker_outage, at: 1h, duration: 5m}, {kind: broker_outage, at: 2h, duration: 5m}]\n"))[0];
  ASSERT_EQ(s.faults.size(), 2u);
  EXPECT_EQ(s.faults[1].name, "broker_outage_2");
}

TEST(Faults, ABrokerOutageHoldsTheWorkBackAndItsWindowsAreReported) {
  auto out =
      simulate(load(faultScenario("faults: [{name: redis_down, kind: broker_outage, at: 152m, duration: 15m}]\n"))[0]);
  const auto& m = out.metrics;
  for (const auto& r : parseTis(tisCsv(out)))
    if (r.started >= 0) {
      EXPECT_FALSE(r.started > 9120.001 && r.started < 10020) << r.task << " at " << r.started;
    }
  const auto& f = m["by_fault"]["redis_down"];
  EXPECT_EQ(f["kind"], "broker_outage");
  EXPECT_GT(f["after"]["task_transition_latency_s"]["max"].get<double>(), 300);
  EXPECT_EQ(m["tasks_lost"], 0);
}
