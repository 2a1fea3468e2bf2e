// Deferral: a deferrable sensor or a `defer:` task leaves its worker slot for the triggerer, comes
// back when its trigger fires (or fails at its trigger_timeout), and nothing is lost or run twice.
#include <gtest/gtest.h>

#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

// Runs every 10 minutes: a sensor whose event comes 5-15 minutes after it starts, then a job of
// 30 s of work, a 10-minute wait and 30 s more, on one worker of 2 slots. `sensor` and `job` are
// the two tasks' extra keys.
std::string partner(const std::string& sensor, const std::string& job, const std::string& extra = "") {
  return R"(
run: {horizon: 3h, seed: 3, task_instances_csv: false}
executor: {workers: 1, worker_concurrency: 2}
dags:
  - name: partner
    schedule: 10m
    max_active_runs: 32
    tasks:
      - {id: wait, kind: sensor, poke_interval: 1m, timeout: 30m, duration: {uniform: [5m, 15m]})" +
         sensor + R"(}
      - {id: job, duration: 11m)" +
         job + R"(}
)" + extra;
}

void expectNothingLostOrRunTwice(const nlohmann::json& m) {
  EXPECT_EQ(m["tasks_lost"], 0);
  EXPECT_EQ(m["tasks_run_twice_at_once"], 0);
}

}  // namespace

TEST(Deferral, DeferredTriesFreeTheirSlotsSoRunsNoLongerQueueBehindWaiting) {
  const auto poke = simulate(load(partner("", ""))[0]).metrics;
  const auto deferred = simulate(load(partner(", mode: deferrable", ", defer: {after: 30s, for: 10m}"))[0]).metrics;
  expectNothingLostOrRunTwice(poke);
  expectNothingLostOrRunTwice(deferred);
  EXPECT_FALSE(poke.contains("deferred_tries"));  // no triggerer without deferral
  // Two slots held 10 + 11 minutes per run every 10 minutes: poking queues runs behind each other.
  EXPECT_GT(poke["queued_duration_s"]["p95"].get<double>(), 300);
  EXPECT_LT(deferred["queued_duration_s"]["p95"].get<double>(), 5);
  EXPECT_GT(deferred["tasks_succeeded"].get<long long>(), poke["tasks_succeeded"].get<long long>());
  // Each run's two tries deferred once (those still waiting at the horizon too).
  EXPECT_GE(deferred["deferred_tries"].get<long long>(), 2 * deferred["dagruns_succeeded"].get<long long>());
  EXPECT_EQ(deferred["trigger_timeouts"], 0);
  // The event to the resumed try's start: the sensor's next poll (up to a minute), the triggerer's
  // loop (a second), the scheduler and the worker's start.
  const auto& delay = deferred["trigger_delay_s"];
  EXPECT_GT(delay["p50"].get<double>(), 1);
  EXPECT_LT(delay["max"].get<double>(), 65);
  EXPECT_GT(deferred["triggerer_occupancy"].get<double>(), 0);
  EXPECT_LT(deferred["triggerer_occupancy"].get<double>(), 0.01);  // ~2 of 1,000
  // Deferral's statements: the worker's write, the triggerer's loop every second, the timeout check.
  const auto& types = deferred["db_queries_by_type"];
  EXPECT_EQ(types["worker_defer"]["count"], 5 * deferred["deferred_tries"].get<long long>());
  EXPECT_GT(types["triggerer_load"]["count"].get<long long>(), 3 * (3 * 3600 - 100));
  EXPECT_GE(types["check_trigger_timeouts"]["count"].get<long long>(), 700);  // every 15 s of 3 h
}

TEST(Deferral, ATriggerThatDoesNotFireBeforeItsTimeoutFailsTheTry) {
  // The sensor's event comes after its 20-minute timeout: check_trigger_timeouts fails it.
  const auto m = simulate(load(R"(
run: {horizon: 2h, seed: 3, task_instances_csv: false}
dags:
  - name: late
    schedule: 30m
    tasks:
      - {id: wait, kind: sensor, mode: deferrable, poke_interval: 1m, timeout: 20m, duration: 1h}
      - {id: after, duration: 1m}
)")[0])
                     .metrics;
  expectNothingLostOrRunTwice(m);
  EXPECT_GE(m["trigger_timeouts"].get<long long>(), 3);
  EXPECT_EQ(m["trigger_timeouts"].get<long long>() + m["tasks_upstream_failed"].get<long long>(),
            m["tasks_failed"].get<long long>());
  EXPECT_EQ(m["tasks_succeeded"], 0);
  EXPECT_GE(m["tasks_upstream_failed"].get<long long>(), 3);
}

TEST(Deferral, AFullTriggererDelaysTriggersUntilOneLeaves) {
  const std::string sensor = ", mode: deferrable", job = ", defer: {after: 10s, for: 10m}";
  const auto roomy = simulate(load(partner(sensor, job))[0]).metrics;
  const auto full = simulate(load(partner(sensor, job, "triggerer: {capacity: 1}\n"))[0]).metrics;
  expectNothingLostOrRunTwice(full);
  // Two triggers of ~10 minutes every 10 minutes, one at a time: each waits for the one before.
  EXPECT_GT(full["trigger_delay_s"]["p95"].get<double>(), 2 * roomy["trigger_delay_s"]["p95"].get<double>());
  EXPECT_GT(full["triggerer_occupancy"].get<double>(), 0.5);
  EXPECT_LT(full["tasks_succeeded"].get<long long>(), roomy["tasks_succeeded"].get<long long>());
}

TEST(Deferral, AnArrivalWaitingSensorDefersAndResumesOnTheArrival) {
  const auto m = simulate(load(R"(
run: {horizon: 4h, seed: 9, task_instances_csv: false}
executor: {workers: 1, worker_concurrency: 2}
triggers:
  - {name: signups, kind: poisson, rate: 6/h}
dags:
  - name: onboarding
    schedule: 10m
    max_active_runs: 64
    tasks:
      - {id: wait_for_signup, kind: sensor, mode: deferrable, waits_for: signups, poke_interval: 30s, timeout: 3h}
      - {id: welcome, duration: 20s}
)")[0])
                     .metrics;
  expectNothingLostOrRunTwice(m);
  // Every arrival is taken by one waiting trigger, whose run then goes on.
  EXPECT_GT(m["trigger_arrivals"].get<long long>(), 15);
  EXPECT_GE(m["tasks_succeeded"].get<long long>(), 2 * (m["trigger_arrivals"].get<long long>() - 2));
  EXPECT_LT(m["trigger_delay_s"]["max"].get<double>(), 35);  // the next 30 s poll, the loops, the start
}

TEST(Deferral, Airflow3DefersThroughTheApiServer) {
  const auto m = simulate(load(partner(", mode: deferrable", ", defer: {after: 30s, for: 10m}",
                                       "scheduler: {model: airflow3}\n"))[0])
                     .metrics;
  expectNothingLostOrRunTwice(m);
  EXPECT_FALSE(m["db_queries_by_type"].contains("worker_defer"));
  EXPECT_EQ(m["db_queries_by_type"]["api_ti_defer"]["count"], 5 * m["deferred_tries"].get<long long>());
  EXPECT_GT(m["deferred_tries"].get<long long>(), 20);
}

TEST(Deferral, ACrashedTriggerersTriggersGoToAnotherOnceItsJobIsDead) {
  // Two triggerers of 2 triggers each (both hold some); the first dies at 1 h for 30 minutes. Its
  // triggers wait for its job's heartbeat to be 30 s old, then the second loads them as it has
  // room; nothing is lost, nothing runs twice. Whether an orphaned trigger's event comes before
  // it is loaded again depends on the run's timing, so four seeds are taken together.
  const std::string sensor = ", mode: deferrable", job = ", defer: {after: 10s, for: 10m}";
  const std::string two = "triggerer: {instances: 2, capacity: 2}\n";
  const std::string crash = "faults: [{kind: triggerer_crash, instance: 1, at: 1h, duration: 30m}]\n";
  double calmDelay = 0, crashDelay = 0;
  long long orphaned = 0;
  for (int seed = 1; seed <= 4; ++seed) {
    auto seeded = [seed](std::string yaml) {
      yaml.replace(yaml.find("seed: 3"), 7, "seed: " + std::to_string(seed));
      return yaml;
    };
    const auto calm = simulate(load(seeded(partner(sensor, job, two)))[0]).metrics;
    const auto m = simulate(load(seeded(partner(sensor, job, two + crash)))[0]).metrics;
    expectNothingLostOrRunTwice(m);
    orphaned += m["by_fault"]["triggerer_crash"]["triggers_orphaned"].get<long long>();
    calmDelay += calm["trigger_delay_s"]["mean"].get<double>();
    crashDelay += m["trigger_delay_s"]["mean"].get<double>();
    EXPECT_GE(m["tasks_succeeded"].get<long long>(), calm["tasks_succeeded"].get<long long>() - 4) << seed;
    EXPECT_EQ(m["trigger_timeouts"], 0) << seed;
  }
  EXPECT_GT(orphaned, 0);
  // Half the capacity for 30 minutes: triggers wait for room, and the runs catch up afterwards.
  EXPECT_GT(crashDelay, calmDelay);
}

TEST(Deferral, ALoneTriggerersTriggersWaitForItsRestart) {
  const std::string sensor = ", mode: deferrable", job = ", defer: {after: 10s, for: 10m}";
  const auto m =
      simulate(load(partner(sensor, job, "faults: [{kind: triggerer_crash, at: 1h, duration: 20m}]\n"))[0]).metrics;
  expectNothingLostOrRunTwice(m);
  EXPECT_GT(m["by_fault"]["triggerer_crash"]["triggers_orphaned"].get<long long>(), 0);
  // The triggers that fired while it was down resume when it is back, up to 20 minutes late, then
  // queue for the two worker slots together.
  EXPECT_GT(m["trigger_delay_s"]["max"].get<double>(), 15 * 60);
  EXPECT_LT(m["trigger_delay_s"]["max"].get<double>(), 20 * 60 + 600);
  EXPECT_EQ(m["trigger_timeouts"], 0);
}

TEST(Deferral, ARetryAfterAResumedTryFailedToStartStartsAfresh) {
  // The API server is down for 20 minutes from 1 h: resumed tries whose start call fails are
  // failed and retried 10 minutes later; the retry defers again (handle_failure clears
  // next_method) instead of taking the old resumption.
  const std::string sensor = ", mode: deferrable, retries: 2, retry_delay: 10m",
                    job = ", defer: {after: 10s, for: 10m}, retries: 2, retry_delay: 10m",
                    a3 = "scheduler: {model: airflow3}\n";
  const auto calm = simulate(load(partner(sensor, job, a3))[0]).metrics;
  const auto m =
      simulate(load(partner(sensor, job, a3 + "faults: [{kind: api_server_outage, at: 1h, duration: 20m}]\n"))[0])
          .metrics;
  expectNothingLostOrRunTwice(m);
  EXPECT_GT(m["api_request_failures"].get<long long>(), calm["api_request_failures"].get<long long>());
  EXPECT_GT(m["deferred_tries"].get<long long>(), calm["deferred_tries"].get<long long>());
}
