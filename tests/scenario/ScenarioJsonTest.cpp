// The resolved configuration (results.json "config") is the canonical Scenario: writing it and
// reading it back gives the same Scenario, for every shipped scenario and variant.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "scenario/ScenarioJson.h"
#include "scenario/ScenarioLoader.h"
#include "support/TestSupport.h"

using namespace schedlab;
using schedlab::test::load;

namespace {

// The config through text and back, with where it was read from (not part of the config) kept.
Scenario roundTrip(const Scenario& s) {
  Scenario back = scenarioFromJson(nlohmann::json::parse(toJson(s).dump()));
  back.sourcePath = s.sourcePath;
  for (size_t i = 0; i < back.slas.size() && i < s.slas.size(); ++i) {
    back.slas[i].line = s.slas[i].line;
    back.slas[i].column = s.slas[i].column;
  }
  return back;
}

void expectRoundTrip(const Scenario& s) {
  Scenario back = roundTrip(s);
  EXPECT_TRUE(back == s) << s.sourcePath << " variant " << s.variant << ": re-written as\n"
                         << toJson(back).dump(1) << "\nwas\n"
                         << toJson(s).dump(1);
}

std::vector<std::filesystem::path> yamlFiles(const std::string& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".yaml" && e.path().stem().string().rfind("bad-", 0) != 0) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ScenarioJson, EveryShippedScenarioAndVariantRoundTrips) {
  int variants = 0;
  for (const auto& dir : {SCHEDLAB_SCENARIOS, SCHEDLAB_TEST_DATA})
    for (const auto& file : yamlFiles(dir))
      for (const Scenario& s : loadScenario({file.string(), {}, {}})) {
        expectRoundTrip(s);
        ++variants;
      }
  EXPECT_GE(variants, 20);
}

TEST(ScenarioJson, EveryArrivalKindFaultAndShorthandRoundTrips) {
  const auto dir = std::filesystem::temp_directory_path() / "schedlab-scenario-json";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "arrivals.csv") << "time\n10\n1.5h\n";
  std::ofstream(dir / "s.yaml") << R"(
description: every form the reader knows
run: {horizon: 3h, start: 2021-03-01T06:00:00}
scheduler: {model: airflow2, replicas: 2, price_per_host_hour: 0.2}
monitoring: {alert_poll_interval: 30s, alert_threshold: 2m}
metadb: {cores: 4, cache: 1GiB, page_read_latency: 2ms, price_per_core_hour: 0.1,
         other_clients: [{every: 15s, cpu: 40ms}, {every: 100ms, cpu: 3ms}]}
executor:
  broker_outage: {at: 1h, duration: 5m}
  deploy: {at: [2h], shutdown: hard}
  pools:
    - {name: cpu, queues: [heavy], workers: 2, max_workers: 6, autoscaler: {policy: cpu_target, target: 0.5}}
    - {name: io, workers: 1, autoscaler: {policy: queue_depth, step: 2}, price_per_worker_hour: 0.4}
triggers:
  - {name: recorded, kind: trace, file: arrivals.csv, dag: etl}
  - {name: peaks, kind: burst, at: [30m], every: 1h, count: 5, dag: etl}
  - {name: daily, kind: profile, rates: [1/h, 1/h, 1/h, 1/h, 1/h, 1/h, 2/h, 2/h, 2/h, 2/h, 2/h, 2/h,
                                         3/h, 3/h, 3/h, 3/h, 3/h, 3/h, 1/h, 1/h, 1/h, 1/h, 1/h, 1/h]}
  - {name: signups, rate: 20/h, start: 10m, end: 2h}
dags:
  - name: etl
    schedule: "0 * * * *"
    sla: 20m
    task_defaults: {poke_interval: 20s, queue: heavy}
    tasks:
      - {id: wait, kind: sensor, waits_for: signups, mode: reschedule, timeout: 1h}
      - {id: mine, kind: sensor, duration: {uniform: [1m, 2m]}}
      - {id: go, kind: trigger_dagrun, trigger_dag: nightly, duration: {lognormal: {median: 1s, sigma: 0.3}}}
      - {id: crunch, deps: [wait], sla: 5m, duration: {empirical: [1s, 2s, 4s]}, cpu: 0.5}
  - name: nightly
    schedule: 1d
    start_date: -2d
    tasks: [{shape: fan_out_in, width: 3, duration: {exponential: 30s}}]
archiving: {enabled: false, interval: 2d}
faults:
  - {kind: worker_crash, at: 1h, pool: io}
  - {kind: db_failover, at: 90m, duration: 1m, mode: error, restart_after_alert: 5m}
  - {kind: scheduler_crash, at: 2h, replica: 2, restart_after: 1m}
slas:
  - {name: fast, metric: metrics_by_dag.etl.task_transition_latency_s.p95, max: 3s}
  - {name: busy, metric: metrics.db_cpu_utilization, min: 1%}
)";
  Scenario s = loadScenario({(dir / "s.yaml").string(), {}, {}}).at(0);
  expectRoundTrip(s);

  // Canonical: the shorthands are gone from the loaded form.
  ASSERT_EQ(s.faults.size(), 4u);
  EXPECT_EQ(s.faults[0].kind, Fault::Kind::BrokerOutage);
  EXPECT_EQ(s.faults[0].name, "broker_outage");
  EXPECT_EQ(s.faults[0].at, 3600);
  EXPECT_EQ(s.dags[0].tasks[2].pokeInterval, TaskDef{}.pokeInterval);  // task_defaults' sensor key
  EXPECT_EQ(s.dags[0].tasks[0].pokeInterval, 20);
  std::filesystem::remove_all(dir);
}

TEST(ScenarioJson, Airflow3WithItsApiServerWorkersAndFaultsRoundTrips) {
  const Scenario s = load(R"(
scheduler: {model: airflow3, task_instance_heartbeat_timeout: 2m, replicas: 2}
api_server: {instances: 2, workers: 4, cores: 8, request_cost: 2ms, client_cost_per_statement: 1ms,
             price_per_host_hour: 0.3, background_load: {rate: 10/s, cost: 30ms, start: 1h, end: 2h}}
workers: {min_heartbeat_interval: 10s, execution_api_timeout: 3s, max_failed_heartbeats: 20}
faults:
  - {kind: api_server_outage, at: 1h, duration: 5m}
  - {kind: api_server_brownout, at: 2h, duration: 10m, capacity: 0.3}
dags: [{name: etl, schedule: 10m, tasks: [{shape: chain, count: 3}]}]
)")[0];
  expectRoundTrip(s);
  const nlohmann::json j = toJson(s);
  EXPECT_EQ(j["scheduler"]["task_instance_heartbeat_timeout_s"], 120);
  EXPECT_FALSE(j["scheduler"].contains("schedule_after_task_execution"));
  EXPECT_EQ(j["api_server"]["background_load"]["end_s"], 7200);
  EXPECT_EQ(j["faults"][1]["capacity"], 0.3);
  // Without airflow3 the configuration has no API server (and stays as it always was).
  EXPECT_FALSE(toJson(load("dags: [{name: etl, schedule: 10m, tasks: [{id: t}]}]\n")[0]).contains("api_server"));
}

TEST(ScenarioJson, TheShorthandPoolIsAPool) {
  Scenario s = load(
      "executor: {workers: 3, worker_concurrency: 8, task_start: interpreter}\n"
      "dags: [{name: a, tasks: [{id: t}]}]\n")[0];
  ASSERT_EQ(s.executor.pools.size(), 1u);
  const WorkerPoolConfig& p = s.executor.pools[0];
  EXPECT_EQ(p.name, "default");
  EXPECT_TRUE(p.queues.empty());
  EXPECT_EQ(p.workers, 3);
  EXPECT_EQ(p.maxWorkers, 3);
  EXPECT_EQ(p.workerConcurrency, 8);
  EXPECT_EQ(p.cores, 8);
  EXPECT_EQ(p.taskStartOverhead, 1.5);
  const auto config = toJson(s);
  EXPECT_FALSE(config["executor"].contains("workers"));
  EXPECT_EQ(config["executor"]["pools"][0]["workers"], 3);
}

TEST(ScenarioJson, TriggerStreamsKeepTheirKind) {
  Scenario s = load(
      "triggers: [{name: b, kind: burst, at: [1h], count: 4, dag: a}]\n"
      "dags: [{name: a, tasks: [{id: t}]}]\n")[0];
  const auto t = toJson(s)["triggers"][0];
  EXPECT_EQ(t["kind"], "burst");
  EXPECT_EQ(t["at_s"], nlohmann::json::array({3600.0}));
  EXPECT_EQ(t["count"], 4);
  EXPECT_FALSE(t.contains("rate_per_s"));
}

TEST(ScenarioJson, EqualityNoticesAChange) {
  Scenario s = load("dags: [{name: a, tasks: [{id: t}, {id: u}]}]\n")[0];
  Scenario other = roundTrip(s);
  ASSERT_TRUE(other == s);
  other.dags[0].tasks[1].upstream.clear();
  EXPECT_FALSE(other == s);
}

TEST(ScenarioJson, AMissingFieldIsNamed) {
  auto config = toJson(load("dags: [{name: a, tasks: [{id: t}]}]\n")[0]);
  config["dags"][0]["tasks"][0].erase("retries");
  try {
    scenarioFromJson(config);
    FAIL() << "read a config without retries";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("dags[0].tasks[0].retries: missing"), std::string::npos) << e.what();
  }
  config = toJson(load("dags: [{name: a, tasks: [{id: t}]}]\n")[0]);
  config["executor"]["pools"][0]["autoscaler"]["policy"] = "magic";
  EXPECT_THROW(scenarioFromJson(config), std::invalid_argument);
}

TEST(ScenarioJson, AStepOnlyForQueueDepth) {
  EXPECT_THROW(load("executor: {pools: [{name: p, workers: 1, autoscaler: {policy: keda, step: 2}}]}\n"
                    "dags: [{name: a, tasks: [{id: t}]}]\n"),
               ScenarioError);
}

}  // namespace
