// `schedlab live` runs the model against a real PostgreSQL: the tables end up holding the runs
// and task instances the results report, with the states the model gave them.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "live/LiveRun.h"
#include "live/StartProbe.h"
#include "live/WaitEventSampler.h"
#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

TEST(LiveRun, TheTablesHoldTheRunsAndTaskInstancesTheResultsReport) {
  auto scenarios = load(R"(
run: {seed: 3}
scheduler: {model: airflow1, scheduler_idle_sleep_time: 0.5s, dag_file_parse_cost: 20ms}
executor: {workers: 1, worker_concurrency: 4, task_start_overhead: 50ms}
dags:
  - name: pair
    count: 2
    schedule: 2s
    tasks:
      - {shape: chain, count: 3, duration: 0.3s}
)");
  BenchDatabase db("", liveClusterSettings(scenarios[0]));
  RunResult out = runLive(scenarios[0], db, 8.0);
  const auto& m = out.metrics;
  const long long succeeded = m["tasks_succeeded"], created = m["tasks_created"], runs = m["dagruns_created"];
  EXPECT_GT(succeeded, 6);
  EXPECT_EQ(m["tasks_lost"], 0);
  EXPECT_GT(m["scheduler_loop_duration_s"]["count"].get<long long>(), 3);
  EXPECT_EQ(out.run["schemas"].size(), 1u);
  // schedlab's own CPU while it ran: some, and no more than its threads could use in the 8 s.
  const double client = out.run["schedlab_cpu_seconds"];
  EXPECT_GT(client, 0);
  EXPECT_LT(client, 8.0 * std::thread::hardware_concurrency());
  // Where the server's CPU went: its statements (some), its own processes and the rest, which
  // together are its CPU over the run (no warm-up here; its cores: the scenario's).
  ASSERT_TRUE(m.contains("db_cpu_seconds_by_part"));
  const auto& parts = m["db_cpu_seconds_by_part"];
  EXPECT_GT(parts["statements"].get<double>(), 0);
  EXPECT_GT(parts["server_processes"].get<double>(), 0);  // the WAL writer wrote the runs' rows
  EXPECT_GE(parts["other"].get<double>(), 0);
  const double busy = m["db_cpu_utilization"].get<double>() * 8.0 * scenarios[0].metadb.cores;
  EXPECT_NEAR(
      parts["statements"].get<double>() + parts["server_processes"].get<double>() + parts["other"].get<double>(), busy,
      0.05 * busy + 0.01);
  EXPECT_EQ(out.metricsByInstance.dump().find("db_cpu_seconds_by_part"), std::string::npos);  // the server's only
  // Each actor's thread opened its own connection: the scheduler's, its parsing processes', the
  // worker slots' that ran a try.
  EXPECT_GE(out.run["connections_opened"].get<long long>(), 3);
  // The server's speed yardstick before and after the run: a statement's CPU each, some and less
  // than 10 ms (the throwaway server is on this machine).
  ASSERT_TRUE(out.run.contains("speed_probe_cpu_s"));
  // And all through it, from threads of their own: every 20 ms, and in bursts 1 ms apart.
  for (const char* when : {"before", "after", "during", "bursts"}) {
    ASSERT_TRUE(out.run["speed_probe_cpu_s"].contains(when)) << when;
    const double s = out.run["speed_probe_cpu_s"][when];
    EXPECT_GT(s, 0) << when;
    EXPECT_LT(s, 0.01) << when;
  }

  // The task_instance table's row versions: every try changed its row's state, an indexed
  // column, so none of those updates was heap-only, and each left a dead version.
  ASSERT_TRUE(out.run.contains("task_instance_table"));
  const auto& table = out.run["task_instance_table"];
  EXPECT_GE(table["updates"].get<long long>(), 2 * succeeded);  // running, then success
  EXPECT_LT(table["hot_updates"].get<long long>(), table["updates"].get<long long>() / 10);
  EXPECT_GT(table["dead_tuples"].get<long long>(), 0);
  EXPECT_GT(table["live_tuples"].get<long long>(), 0);  // the runs' task instances, inserted
  EXPECT_TRUE(table["autovacuums"].is_number_integer());

  auto c = db.connectTo(out.run["schemas"][0]);
  pqxx::nontransaction tx(*c);
  // Rows are written by the queries the model sends; the run can end between a query and the
  // model's bookkeeping of it, so a few may be ahead of the results, never behind.
  const long long dbRuns = tx.exec1("SELECT count(*) FROM dag_run")[0].as<long long>();
  const long long dbTis = tx.exec1("SELECT count(*) FROM task_instance")[0].as<long long>();
  const long long dbSuccess = tx.exec1("SELECT count(*) FROM task_instance WHERE state = 'success'")[0].as<long long>();
  EXPECT_GE(dbRuns, runs - 2);
  EXPECT_LE(dbRuns, runs);
  EXPECT_EQ(dbTis, 3 * dbRuns);
  EXPECT_GE(dbSuccess, succeeded);
  EXPECT_LE(dbSuccess, succeeded + 4);
  EXPECT_LE(dbTis, created);
  // Each try that started left a LocalTaskJob row and a log line.
  EXPECT_GE(tx.exec1("SELECT count(*) FROM job WHERE job_type = 'LocalTaskJob'")[0].as<long long>(), succeeded);
  EXPECT_GE(tx.exec1("SELECT count(*) FROM log WHERE event = 'success'")[0].as<long long>(), succeeded);
  // The DB measured its own time and size.
  EXPECT_GT(m["db_queries_by_type"]["worker_start"]["response_seconds"].get<double>(), 0);
  // Its backends' CPU per type: some of each statement's response time, never more than all of it.
  const double cpu = m["db_queries_by_type"]["worker_start"]["db_cpu_seconds"];
  EXPECT_GT(cpu, 0);
  EXPECT_LT(cpu, m["db_queries_by_type"]["worker_start"]["response_seconds"].get<double>());
  EXPECT_GT(m["db_cpu_utilization"].get<double>(), 0);
  // The start yardstick's 8 starts (one a second) and the harness's statements as other clients:
  // the wait sampler, the probe every 20 ms, the bursts and the starts.
  EXPECT_GT(out.run["start_probe_backend_cpu_s"].get<double>(), 0);
  ASSERT_EQ(out.run["harness_clients"].size(), 4u);
  for (const auto& client : out.run["harness_clients"]) {
    EXPECT_GT(client["cpu_s"].get<double>(), 0);
    EXPECT_LT(client["cpu_s"].get<double>(), client["every_s"].get<double>());
  }
  EXPECT_DOUBLE_EQ(out.run["harness_clients"][0]["every_s"].get<double>(), 0.1);
  // What the backends waited for, sampled every 0.1 s through the 8 s: averages of active
  // backends, each at most all of the run's connections.
  EXPECT_GE(out.run["db_activity_samples"].get<long long>(), 50);
  ASSERT_TRUE(m["db_active_backends_by_wait_event"].is_object());
  for (const auto& [event, backends] : m["db_active_backends_by_wait_event"].items()) {
    EXPECT_GT(backends.get<double>(), 0) << event;
    EXPECT_LT(backends.get<double>(), 100) << event;
  }
  // The statements went with their arguments written in, as psycopg2 sends them: planned each time.
  const double planned =
      tx.exec1("SELECT coalesce(sum(calls), 0) FROM public.pg_stat_statements WHERE query LIKE 'INSERT INTO log%'")[0]
          .as<double>();
  EXPECT_GE(planned, succeeded);
  EXPECT_GT(m["db_size_bytes"]["end"].get<double>(), 0);
}

namespace {

// The client backends on `c`'s server now.
int clientBackends(pqxx::connection& c) {
  pqxx::nontransaction tx(c);
  return tx.exec1("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")[0].as<int>();
}

// The client backends on `c`'s server once no more than `count` are left, or after 2 s.
int clientBackendsOnceAtMost(pqxx::connection& c, int count) {
  int n = clientBackends(c);
  for (int i = 0; i < 100 && n > count; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    n = clientBackends(c);
  }
  return n;
}

}  // namespace

TEST(LiveRun, TheWaitSamplersOwnBackendIsReadAndStopsAtItsStop) {
  BenchDatabase db("", {});
  auto c = db.connectTo("public");
  const int before = clientBackends(*c);
  WaitEventSampler sampler(db.connectTo("public"), 0.01);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const double running = sampler.backendSeconds();
  EXPECT_GT(running, 0);  // its backend ran its samples
  sampler.stop();
  EXPECT_GE(sampler.samples(), 10);
  const double stopped = sampler.backendSeconds();
  EXPECT_GE(stopped, running);
  // Its backend ends with its connection: what it ran stays as read at the stop.
  EXPECT_EQ(clientBackendsOnceAtMost(*c, before), before);
  EXPECT_EQ(sampler.backendSeconds(), stopped);
}

TEST(LiveRun, TheStartYardsticksConnectionsStayOpenUntilItsClose) {
  BenchDatabase db("", {});
  auto c = db.connectTo("public");
  const int before = clientBackends(*c);
  StartProbeThread probe([&db] { return db.connectTo("public"); }, 0.05, 3);
  for (int i = 0; i < 100 && probe.starts() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  probe.stop();
  ASSERT_EQ(probe.starts(), 3);  // at most `most`
  EXPECT_GT(probe.startSeconds(), 0);
  EXPECT_LT(probe.startSeconds() / 3, 0.5);  // a backend's start: milliseconds of CPU
  const double open = probe.backendSeconds();
  EXPECT_GE(open, probe.startSeconds());
  EXPECT_EQ(clientBackends(*c), before + 3);  // stopped, its connections stay open
  probe.close();
  EXPECT_EQ(clientBackendsOnceAtMost(*c, before), before);
  EXPECT_GE(probe.backendSeconds(), open);  // as read at the close
}

TEST(LiveRun, RefusesWhatItDoesNotRunLive) {
  const auto sc = load(R"(
run: {horizon: 1m}
scheduler: {model: airflow1}
dags: [{name: etl, schedule: 1m, tasks: [{id: t, duration: 1s, variable_reads: 2}]}]
)")[0];
  const auto why = liveUnsupported(sc);
  ASSERT_EQ(why.size(), 1u);
  EXPECT_NE(why[0].find("dags.etl.t: variable_reads"), std::string::npos) << why[0];
  // A live server's other clients are real ones: the scenario's are refused, not left out.
  const auto others = load(R"(
scheduler: {model: airflow1}
metadb: {other_clients: [{every: 1s, cpu: 1ms}]}
dags: [{name: etl, schedule: 1m, tasks: [{id: t, duration: 1s}]}]
)")[0];
  const auto whyOthers = liveUnsupported(others);
  ASSERT_EQ(whyOthers.size(), 1u);
  EXPECT_EQ(whyOthers[0].rfind("metadb.other_clients: ", 0), 0u) << whyOthers[0];
}
