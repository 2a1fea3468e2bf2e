// Assets: a success's outlets write asset events that queue runs of the DAGs scheduled on them; a
// run starts once all of a DAG's assets are queued and reads the events of its window.
#include <gtest/gtest.h>

#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

// `ingest` updates raw_orders every 10 minutes, `fx` updates fx_rates every 30; `extra` adds DAGs.
std::string producers(const std::string& extra, const std::string& head = "") {
  return head + R"(
run: {horizon: 3h, seed: 7, task_instances_csv: false}
executor: {workers: 1, worker_concurrency: 4}
dags:
  - name: ingest
    schedule: 10m
    tasks:
      - {id: extract, duration: 1m}
      - {id: publish, duration: 10s, outlets: [raw_orders]}
  - name: fx
    schedule: 30m
    tasks:
      - {id: fetch, duration: 20s, outlets: [fx_rates]}
)" + extra;
}

long long runsOf(const nlohmann::json& byDag, const std::string& dag) {
  return byDag[dag]["dagrun_duration_s"]["count"].get<long long>();
}

}  // namespace

TEST(Assets, ARunPerEventOfItsAssetAndOnceAllOfItsAssetsHaveOne) {
  const auto out = simulate(load(producers(R"(
  - name: report
    schedule: {assets: [raw_orders]}
    tasks: [{id: build, duration: 30s}]
  - name: join
    schedule: {assets: [raw_orders, fx_rates]}
    tasks: [{id: merge, duration: 30s}]
)"))[0]);
  const auto& m = out.metrics;
  EXPECT_EQ(m["tasks_lost"], 0);
  EXPECT_EQ(m["tasks_run_twice_at_once"], 0);
  const long long ingests = runsOf(out.metricsByDag, "ingest"), fxs = runsOf(out.metricsByDag, "fx");
  EXPECT_EQ(m["asset_events"], ingests + fxs);
  // report: a run per raw_orders event (each run ends before the next event); join: per fx_rates
  // event, raw_orders having had one since.
  EXPECT_EQ(runsOf(out.metricsByDag, "report"), ingests);
  EXPECT_EQ(runsOf(out.metricsByDag, "join"), fxs);
  EXPECT_EQ(m["asset_triggered_runs"], ingests + fxs);
  // join's runs read 3 raw_orders events and 1 fx_rates event (its first, what came before it too).
  EXPECT_EQ(m["asset_events_per_run"]["max"], 4);
  // The scheduler reads the queue every loop; each asset run reads and links its events.
  const auto& types = m["db_queries_by_type"];
  EXPECT_GT(types["adrq_select"]["count"].get<long long>(), 3 * 3600 / 2);
  EXPECT_EQ(types["asset_events_for_run"]["count"], m["asset_triggered_runs"]);
  EXPECT_EQ(types["asset_event_register"]["count"], 3 * m["asset_events"].get<long long>());
}

TEST(Assets, ALateConsumersFirstRunReadsEveryEventSoFar) {
  const auto out = simulate(load(producers(R"(
  - name: report
    start_date: 2h
    schedule: {assets: [raw_orders]}
    tasks: [{id: build, duration: 30s}]
)"))[0]);
  // Deployed at 2 h: no run before, then its first reads the 12 events of the first two hours.
  EXPECT_EQ(out.metrics["asset_events_per_run"]["max"], 12);
  EXPECT_EQ(runsOf(out.metricsByDag, "report"), 6);
}

TEST(Assets, EventsWhileAtMaxActiveRunsWaitForANewerOneAsInAirflow) {
  // A 25-minute report, one run at a time: the queue row keeps its first event's time, the next run
  // reads up to it, and the events after it wait for a newer one, then go with it
  // (apache/airflow#56050): fewer runs, some reading several events.
  const auto out = simulate(load(producers(R"(
  - name: report
    max_active_runs: 1
    schedule: {assets: [raw_orders]}
    tasks: [{id: build, duration: 25m}]
)"))[0]);
  const long long runs = runsOf(out.metricsByDag, "report");
  EXPECT_LT(runs, runsOf(out.metricsByDag, "ingest") - 3);
  EXPECT_GE(out.metrics["asset_events_per_run"]["max"].get<double>(), 2);
}

TEST(Assets, Airflow1HasNoAssetsAndAnUnknownAssetIsAnError) {
  expectLoadError(producers("", "scheduler: {model: airflow1}\n"), "assets (datasets) came with Airflow 2.4");
  expectLoadError(producers(R"(
  - name: report
    schedule: {assets: [raw_order]}
    tasks: [{id: build}]
)"),
                  "no task has asset 'raw_order' among its outlets");
}

TEST(Assets, EventsAreRowsOfTheDatabase) {
  const auto out = simulate(load(producers(R"(
  - name: report
    schedule: {assets: [raw_orders]}
    tasks: [{id: build, duration: 30s}]
)"))[0]);
  EXPECT_EQ(out.metrics["db_rows"]["asset_event"]["end"], out.metrics["asset_events"]);
  // A scenario without assets has no such table.
  const auto plain = simulate(load(R"(
run: {horizon: 30m, task_instances_csv: false}
dags: [{name: d, schedule: 10m, tasks: [{id: t}]}]
)")[0]);
  EXPECT_FALSE(plain.metrics["db_rows"].contains("asset_event"));
}

TEST(Assets, ArchivingDeletesOldEventsAndALateRunNoLongerReadsThem) {
  // Cleanup every 30 minutes keeps an hour of events: deployed at 2 h, report's first run reads
  // only the raw_orders events of the last hour or so, not the 12 of the first two hours.
  const std::string archiving = R"(
archiving: {interval: 30m, retention: 1h, tables: [asset_event]}
)";
  const auto out = simulate(load(producers(R"(
  - name: report
    start_date: 2h
    schedule: {assets: [raw_orders]}
    tasks: [{id: build, duration: 30s}]
)",
                                           archiving))[0]);
  const auto& m = out.metrics;
  EXPECT_GE(m["asset_events_per_run"]["max"].get<double>(), 6);
  EXPECT_LE(m["asset_events_per_run"]["max"].get<double>(), 9);
  // Rows: what was written less what archiving deleted (only asset events: the only table named).
  EXPECT_GT(m["archiving_rows_deleted"].get<double>(), 0);
  EXPECT_EQ(m["db_rows"]["asset_event"]["end"].get<double>(),
            m["asset_events"].get<double>() - m["archiving_rows_deleted"].get<double>());
  EXPECT_EQ(m["tasks_lost"], 0);
}

TEST(Assets, AnAssetNamedTwiceIsAnError) {
  expectLoadError(producers(R"(
  - name: report
    schedule: {assets: [raw_orders, raw_orders]}
    tasks: [{id: build}]
)"),
                  "duplicate asset 'raw_orders'");
}

TEST(Assets, AnInstanceWithItsOwnDbSeesOnlyItsOwnAssets) {
  expectLoadError(producers(R"(
  - name: report
    schedule: {assets: [raw_orders]}
    tasks: [{id: build}]
instances:
  - {name: main}
  - {name: fast, dags: [report], metadb: own}
)"),
                  "asset 'raw_orders' is updated by DAG 'ingest' in the shared metadata DB but read in instance "
                  "'fast's own metadata DB");
}
