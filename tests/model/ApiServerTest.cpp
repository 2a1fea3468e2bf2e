// airflow3's API server: every try's DB work is an Execution API call; a call the server does not
// answer in time is retried as the Task SDK retries it, and failed heartbeats kill the try.
#include <gtest/gtest.h>

#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

// One DAG of three chained 4-8 minute tasks every 15 minutes, on airflow3.
std::string airflow3(const std::string& extra) {
  return R"(
run: {horizon: 2h, seed: 5, task_instances_csv: false}
scheduler: {model: airflow3}
executor: {workers: 1, worker_concurrency: 4}
dags:
  - name: chain
    schedule: 15m
    tasks:
      - {shape: chain, count: 3, duration: {uniform: [4m, 8m]}, retries: 2, retry_delay: 1m}
)" + extra;
}

}  // namespace

TEST(ApiServer, ATryCallsRunHeartbeatsXcomAndStateAndNeverTheDbItself) {
  const auto out = simulate(load(airflow3(""))[0]);
  const auto& m = out.metrics;
  EXPECT_EQ(m["tasks_failed"], 0);
  EXPECT_EQ(m["tries_failed_on_heartbeats"], 0);
  EXPECT_EQ(m["api_request_failures"], 0);
  const auto& byRoute = m["api_request_latency_s"]["by_route"];
  const long long started = byRoute["ti_run"]["count"], ended = m["tasks_succeeded"];
  ASSERT_GT(ended, 8);
  EXPECT_LE(started - ended, 2);  // the last run's tries still running at the horizon
  EXPECT_EQ(byRoute["ti_state"]["count"], ended);
  EXPECT_EQ(byRoute["xcom_set"]["count"], ended);
  // A heartbeat every 5 s of a 4-8 minute try: at least 47 each.
  const long long beats = byRoute["ti_heartbeat"]["count"];
  EXPECT_GE(beats, 47 * ended);
  EXPECT_NEAR(m["api_requests_per_try"].get<double>(), static_cast<double>(started + beats + 2 * ended) / started,
              1e-6);
  // The workers' statements are the API server's now: no LocalTaskJob, no worker_* statement.
  const auto& byType = m["db_queries_by_type"];
  for (const char* gone : {"worker_start", "worker_finish", "worker_heartbeat", "mini_scheduler"})
    EXPECT_FALSE(byType.contains(gone)) << gone;
  EXPECT_EQ(byType["api_ti_run"]["count"], 6 * started);
  EXPECT_EQ(byType["api_ti_heartbeat"]["count"], 2 * beats);
  EXPECT_EQ(m["db_rows"]["job"]["end"], 0);
  EXPECT_EQ(m["db_rows"]["log"]["end"], 0);
  // One core of one worker process; a request is the framework's measured cost plus the ORM's statements.
  EXPECT_GT(m["api_server_utilization"].get<double>(), 0);
  EXPECT_LT(m["api_server_utilization"].get<double>(), 0.01);
}

TEST(ApiServer, ACallNotAnsweredInTimeIsRetriedThenTheTryFailsToStart) {
  // Every request needs 6 s of the API server: no attempt is answered within the 5 s timeout.
  const auto out = simulate(load(airflow3("api_server: {request_cost: 6s}\n"))[0]);
  const auto& m = out.metrics;
  EXPECT_EQ(m["tasks_succeeded"], 0);
  EXPECT_GT(m["tasks_failed"].get<long long>(), 0);
  EXPECT_EQ(m["api_requests_per_try"], 5);  // execution_api_retries attempts of PATCH /run each
  EXPECT_EQ(m["api_request_latency_s"]["count"], 0);
  EXPECT_EQ(m["tries_failed_on_heartbeats"], 0);
}

TEST(ApiServer, ABusyUiCostsTriesTheirHeartbeatsAndTheyComeBackAsRetries) {
  const std::string busy = "api_server: {background_load: {rate: 60/s, cost: 20ms, start: 40m, end: 60m}}\n";
  const auto calm = simulate(load(airflow3(""))[0]);
  const auto out = simulate(load(airflow3(busy))[0]);
  const auto& m = out.metrics;
  // 1.2 cores of requests on one: heartbeats time out, three failed ones in a row kill a try.
  EXPECT_GT(m["tries_failed_on_heartbeats"].get<long long>(), 0);
  EXPECT_GT(m["api_request_failures"].get<long long>(), 0);
  EXPECT_GT(m["api_request_latency_s"]["max"].get<double>(),
            10 * calm.metrics["api_request_latency_s"]["max"].get<double>());
  EXPECT_GT(m["api_server_utilization"].get<double>(), 0.1);
  // Killed tries are retried once the UI calms down: nothing is lost.
  EXPECT_EQ(m["tasks_lost"], 0);
  EXPECT_EQ(m["tasks_in_flight_at_end"].get<long long>(), calm.metrics["tasks_in_flight_at_end"].get<long long>());
}

TEST(ApiServer, ACpuBoundTryHeartbeatsWhileItComputesAndItsHostCountsItsWork) {
  // The same tries computing all along (cpu: 1), two at a time on a 2-core host: each still
  // heartbeats every 5 s while it computes, and its host computes each one's whole duration.
  const auto out = simulate(load(R"(
run: {horizon: 2h, seed: 5, task_instances_csv: false}
scheduler: {model: airflow3}
executor: {workers: 1, worker_concurrency: 2}  # 2 cores per host
dags:
  - name: chain
    schedule: 15m
    tasks:
      - {shape: chain, count: 3, duration: 5m, cpu: 1}
)")[0]);
  const auto& m = out.metrics;
  EXPECT_EQ(m["tasks_failed"], 0);
  const long long ended = m["tasks_succeeded"];
  ASSERT_GE(ended, 15);
  const auto& byRoute = m["api_request_latency_s"]["by_route"];
  EXPECT_GE(byRoute["ti_heartbeat"]["count"].get<long long>(), 59 * ended);  // 5 minutes of 5-second beats
  // One core of the two busy all along (each run's tasks one after the other): 50 %, less the gaps.
  const double cpu = out.metricsByPool["default"]["worker_cpu_utilization"].get<double>();
  EXPECT_GT(cpu, 0.4);
  EXPECT_LE(cpu, 0.5 + 1e-9);
}

TEST(ApiServer, AnOutageKillsCpuBoundTriesToo) {
  // While they compute, each refused heartbeat call takes longer than the heartbeat interval: the
  // next wait's deadline has passed, and the work must go on (not count as done) until the kill.
  const auto out = simulate(load(R"(
run: {horizon: 2h, seed: 5, task_instances_csv: false}
scheduler: {model: airflow3}
executor: {workers: 1, worker_concurrency: 2}
faults: [{kind: api_server_outage, at: 45m, duration: 10m}]
dags:
  - name: chain
    schedule: 30m
    tasks:
      - {shape: chain, count: 3, duration: 10m, cpu: 1, retries: 2, retry_delay: 1m}
)")[0]);
  const auto& m = out.metrics;
  EXPECT_GT(m["by_fault"]["api_server_outage"]["during"]["tries_failed_on_heartbeats"].get<long long>(), 0);
  EXPECT_EQ(m["tasks_lost"], 0);
  // No try ends sooner than its 10 minutes of CPU: every success computed them all.
  EXPECT_LE(out.metricsByPool["default"]["worker_cpu_utilization"].get<double>(), 0.5 + 1e-9);
}

TEST(ApiServer, AnOutageKillsTheTriesWhoseHeartbeatsFailAndTheFaultReportsThem) {
  const auto out = simulate(load(airflow3("faults: [{kind: api_server_outage, at: 40m, duration: 10m}]\n"))[0]);
  const auto& m = out.metrics;
  const auto& fault = m["by_fault"]["api_server_outage"];
  EXPECT_EQ(fault["kind"], "api_server_outage");
  // Every call in the window is refused: the running tries fail three heartbeats in a row.
  const long long during = fault["during"]["tries_failed_on_heartbeats"];
  EXPECT_GT(during, 0);
  EXPECT_EQ(m["tries_failed_on_heartbeats"].get<long long>(),
            during + fault["after"]["tries_failed_on_heartbeats"].get<long long>());
  EXPECT_GT(m["api_request_failures"].get<long long>(), 0);
  // No try starts while it is down, and the killed ones are retried after it: nothing is lost.
  EXPECT_EQ(m["tasks_lost"], 0);
  EXPECT_GT(m["tasks_succeeded"].get<long long>(), 8);
}

TEST(ApiServer, ABrownoutSlowsEveryRequestForItsWindowOnly) {
  // A twentieth of its CPU for 30 minutes: a 5 ms request takes ~100 ms, and is fast again after.
  const auto calm = simulate(load(airflow3(""))[0]);
  const auto out =
      simulate(load(airflow3("faults: [{kind: api_server_brownout, at: 30m, duration: 30m, capacity: 0.05}]\n"))[0]);
  const auto& m = out.metrics;
  EXPECT_EQ(m["by_fault"]["api_server_brownout"]["kind"], "api_server_brownout");
  const double calmMax = calm.metrics["api_request_latency_s"]["max"], slowMax = m["api_request_latency_s"]["max"];
  EXPECT_GT(slowMax, 10 * calmMax);
  EXPECT_LT(slowMax, 40 * calmMax);
  // Most of the run is calm.
  EXPECT_NEAR(m["api_request_latency_s"]["p50"].get<double>(),
              calm.metrics["api_request_latency_s"]["p50"].get<double>(),
              0.02 * calm.metrics["api_request_latency_s"]["p50"].get<double>());
  EXPECT_EQ(m["tries_failed_on_heartbeats"], 0);
  EXPECT_EQ(m["tasks_lost"], 0);
}

TEST(ApiServer, TheDagProcessorParsesOffTheSchedulersLoopAndWritesEachFileToTheDb) {
  // 10 DAG files of 10 s each on 2 parsing processes: a pass takes 50 s (more than the 30 s
  // min_file_process_interval); two processors share the files, a pass of each takes 25 s, so
  // each file waits for its 30 s interval.
  auto parse = [](const std::string& processor) {
    return simulate(load(R"(
run: {horizon: 1h, warmup: 10m, seed: 5, task_instances_csv: false}
scheduler: {model: airflow3}
dag_processor: {)" + processor +
                         R"(parsing_processes: 2, dag_file_parse_cost: 10s}
dags: [{name: etl, count: 10, schedule: 1h, tasks: [{shape: chain, count: 2}]}]
)")[0]);
  };
  const auto one = parse(""), two = parse("instances: 2, ");
  // (Plus each parse's write to the DB, a few milliseconds.)
  EXPECT_NEAR(one.metrics["dag_processing_total_parse_time_s"]["mean"].get<double>(), 50, 0.1);
  EXPECT_NEAR(two.metrics["dag_processing_total_parse_time_s"]["mean"].get<double>(), 30, 0.1);
  const long long parses = one.metrics["dag_file_parses"];
  EXPECT_NEAR(parses, 720, 3);                                            // 2 every 10 s for an hour
  EXPECT_NEAR(two.metrics["dag_file_parses"].get<long long>(), 1200, 3);  // each file every 30 s
  // Each parse writes the dag row and reads what the serialized DAG needs: 5 statements, none a
  // scheduler loop's.
  EXPECT_GT(one.metrics["db_queries_by_type"]["dag_processor_parse"]["count"].get<long long>(), 5 * 500);
  EXPECT_EQ(one.metrics["scheduler_loop_duration_s"]["mean"], two.metrics["scheduler_loop_duration_s"]["mean"]);
}

TEST(ApiServer, TheSchedulerLooksUpDagVersionsAndScansDeadlinesAsAirflow31Does) {
  const auto out = simulate(load(airflow3(""))[0]);
  const auto& byType = out.metrics["db_queries_by_type"];
  // A run created reads its DAG's bundle version, latest version and log template (3 statements)
  // before its INSERT (2); a run examined checks its DAG's latest version (2) before its TIs (1).
  EXPECT_EQ(byType["dagrun_create_versions"]["count"].get<long long>() * 2,
            byType["dagrun_insert"]["count"].get<long long>() * 3);
  EXPECT_EQ(byType["verify_dag_version"]["count"].get<long long>(),
            2 * byType["update_state_select_tis"]["count"].get<long long>());
  // The deadline table every loop.
  EXPECT_GE(byType["deadline_scan"]["count"].get<long long>(),
            out.metrics["scheduler_loop_duration_s"]["count"].get<long long>());
  // None of it under airflow2.
  auto a2 = load(airflow3(""))[0];
  a2.scheduler.model = SchedulerModel::Airflow2;
  const auto two = simulate(a2);
  for (const char* only3 : {"dagrun_create_versions", "verify_dag_version", "deadline_scan"})
    EXPECT_FALSE(two.metrics["db_queries_by_type"].contains(only3)) << only3;
  EXPECT_FALSE(two.metrics["db_rows"].contains("task_instance_history"));
}

TEST(ApiServer, ARetriedTryLeavesAHistoryRowThatArchivingTakesWithItsRun) {
  const std::string failing = R"(
run: {horizon: 3h, seed: 5, task_instances_csv: false}
scheduler: {model: airflow3}
executor: {workers: 1, worker_concurrency: 4}
archiving: {enabled: true, retention: 1h, interval: 30m}
dags:
  - name: flaky
    schedule: 10m
    tasks:
      - {shape: chain, count: 3, duration: 30s, retries: 1, retry_delay: 10s, failure_probability: 0.3}
)";
  const auto out = simulate(load(failing)[0]);
  const auto& m = out.metrics;
  const long long retries = m["db_queries_by_type"]["api_ti_retry"]["count"].get<long long>() / 6;
  ASSERT_GT(retries, 5);
  // One history row per retried try while its run is kept; a failed try without retries left
  // ends through the plain state route.
  EXPECT_GT(m["db_rows"]["task_instance_history"]["max"].get<double>(), 0);
  EXPECT_LT(m["db_rows"]["task_instance_history"]["end"].get<double>(),
            static_cast<double>(retries));  // the old runs' went with them
  EXPECT_GT(m["tasks_failed"].get<long long>(), 0);
  // No per-try job or log rows to archive under 3.x: none are taken from the initial ones.
  EXPECT_EQ(m["db_rows"]["job"]["end"], 0);
  EXPECT_EQ(m["db_rows"]["log"]["end"], 0);
}

TEST(ApiServer, VariableAndConnectionReadsAreRequestsOfTheirOwnAndWorkerSqlUnder2x) {
  const std::string reads = R"(
run: {horizon: 1h, seed: 5, task_instances_csv: false}
scheduler: {model: airflow3}
executor: {workers: 1, worker_concurrency: 4}
dags:
  - name: etl
    schedule: 15m
    tasks: [{shape: chain, count: 2, duration: 1m, variable_reads: 2, connection_reads: 1}]
)";
  const auto out = simulate(load(reads)[0]);
  const auto& byRoute = out.metrics["api_request_latency_s"]["by_route"];
  const long long started = byRoute["ti_run"]["count"];
  ASSERT_GT(started, 4);
  EXPECT_EQ(byRoute["variable_get"]["count"], 2 * started);
  EXPECT_EQ(byRoute["connection_get"]["count"], started);
  EXPECT_EQ(out.metrics["db_queries_by_type"]["variable_get"]["count"], 2 * started);
  auto a2 = load(reads)[0];
  a2.scheduler.model = SchedulerModel::Airflow2;
  const auto two = simulate(a2);
  EXPECT_EQ(two.metrics["db_queries_by_type"]["connection_get"]["count"].get<long long>(),
            two.metrics["db_queries_by_type"]["worker_start"]["count"].get<long long>() / 5);
}

TEST(ApiServer, ASensorWaitingForAStreamHeartbeatsAndAStopEndsItsWait) {
  auto sensor = [](const std::string& extra) {
    return simulate(load(R"(
run: {horizon: 2h, seed: 5, task_instances_csv: false}
scheduler: {model: airflow3}
executor: {workers: 1, worker_concurrency: 4}
triggers: [{name: orders, kind: poisson, rate: 1/h}]
dags:
  - name: wait
    schedule: 10m
    tasks: [{id: s, kind: sensor, waits_for: orders, poke_interval: 10s, timeout: 20m}]
)" + extra)[0]);
  };
  const auto out = sensor("");
  const auto& byRoute = out.metrics["api_request_latency_s"]["by_route"];
  // Sensors waiting up to 20 minutes for one order an hour: a heartbeat every 5 s all along.
  ASSERT_TRUE(byRoute.contains("ti_heartbeat"));
  EXPECT_GT(byRoute["ti_heartbeat"]["count"].get<long long>(), 1000);
  // The API server down for 10 minutes: the waiting sensors' heartbeats fail and they are killed.
  const auto down = sensor("faults: [{kind: api_server_outage, at: 25m, duration: 10m}]\n");
  EXPECT_GT(down.metrics["tries_failed_on_heartbeats"].get<long long>(), 0);
}
