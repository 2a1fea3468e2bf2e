// Table growth and archiving: rows grow with runs, a cleanup bounds them, and deleting a DAG's
// last scheduled run makes the scheduler start that DAG over (the keep-last-run gotcha).
#include <gtest/gtest.h>

#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

std::string hourly(const std::string& archiving) {
  return R"(
run: {horizon: 8d, start: 2020-03-01, sample_interval: 1h}
scheduler: {model: airflow2}
executor: {workers: 1, worker_concurrency: 4}
)" + archiving +
         R"(
dags:
  - name: h
    schedule: "@hourly"
    start_date: 2020-03-01
    tasks: [{shape: chain, count: 3, duration: 1m}]
)";
}

nlohmann::json metrics(const std::string& yaml) { return simulate(load(yaml)[0]).metrics; }

}  // namespace

TEST(Archiving, RowsGrowWithRunsWithoutIt) {
  auto m = metrics(hourly(""));
  double runs = m["dagruns_created"];
  EXPECT_NEAR(runs, 8 * 24, 2);
  EXPECT_EQ(m["db_rows"]["task_instance"]["end"], 3 * runs);
  EXPECT_EQ(m["db_rows"]["dag_run"]["end"], runs);
  EXPECT_EQ(m["db_rows"]["task_instance"]["max"], m["db_rows"]["task_instance"]["end"]);
  EXPECT_GT(m["db_size_bytes"]["end"].get<double>(), 0);
}

TEST(Archiving, BoundsRowsToTheRetention) {
  auto m = metrics(hourly("archiving: {interval: 1d, retention: 2d}"));
  // At most retention + one interval of runs is ever kept: 3 days of 24 runs of 3 tasks.
  EXPECT_LE(m["db_rows"]["task_instance"]["max"].get<double>(), 3 * 24 * 3 + 3);
  EXPECT_LE(m["db_rows"]["task_instance"]["end"].get<double>(), 3 * 24 * 3 + 3);
  EXPECT_GE(m["db_rows"]["task_instance"]["end"].get<double>(), 2 * 24 * 3 - 3);
  EXPECT_EQ(m["archiving_runs"], 7);
  EXPECT_GT(m["db_queries_by_type"]["archive_delete"]["db_seconds"].get<double>(), 0);
  EXPECT_EQ(m["tasks_lost"], 0);
  EXPECT_EQ(m["dagruns_recreated_by_catchup"], 0);
}

TEST(Archiving, InitialHistoryIsDeletedByTheFirstCleanup) {
  std::string yaml =
      hourly("archiving: {interval: 1d, retention: 2d}\nmetadb: {initial_rows: {task_instance: 100000}}");
  auto m = metrics(yaml);
  EXPECT_GE(m["db_rows"]["task_instance"]["max"].get<double>(), 100000);
  EXPECT_LE(m["db_rows"]["task_instance"]["end"].get<double>(), 3 * 24 * 3 + 3);
}

namespace {

// A monthly and a daily DAG with catchup, both started two months before the simulation.
std::string gotcha(bool keepLast) {
  return std::string(R"(
run: {horizon: 30d, start: 2020-03-01}
scheduler: {model: airflow1, query_mode: per_dag, parsing_processes: 1, min_file_process_interval: 30s}
executor: {workers: 1, worker_concurrency: 16}
archiving: {interval: 1d, retention: 7d, keep_last_run: )") +
         (keepLast ? "true" : "false") + R"(}
dags:
  - {name: monthly, schedule: "@monthly", start_date: 2020-01-01, catchup: true, tasks: [{id: t, duration: 1m}]}
  - {name: weekly, schedule: "@weekly", start_date: 2020-01-05, catchup: true, tasks: [{id: t, duration: 1m}]}
  - {name: daily, schedule: "@daily", start_date: 2020-01-01, catchup: true, tasks: [{id: t, duration: 1m}]}
)";
}

}  // namespace

TEST(Archiving, LosingTheLastRunRecreatesMonthlyAndWeeklyRunsButNeverDaily) {
  auto v = variantJson(simulate(load(gotcha(false))[0]));
  // The monthly DAG's newest run (execution date Feb 1) is past a 7-day retention as soon as it
  // exists: every cleanup deletes all its runs and the scheduler catches up from January again.
  EXPECT_GE(v["metrics_by_dag"]["monthly"]["dagruns_recreated_by_catchup"].get<int>(), 2 * 20);
  EXPECT_GT(v["metrics_by_dag"]["weekly"]["dagruns_recreated_by_catchup"].get<int>(), 0);
  // A daily DAG's newest run is a day old: within the retention, so it never loses it.
  EXPECT_EQ(v["metrics_by_dag"]["daily"]["dagruns_recreated_by_catchup"], 0);
  EXPECT_EQ(v["metrics"]["tasks_lost"], 0);
}

TEST(Archiving, KeepLastRunPreventsTheGotcha) {
  auto v = variantJson(simulate(load(gotcha(true))[0]));
  EXPECT_EQ(v["metrics"]["dagruns_recreated_by_catchup"], 0);
  EXPECT_GT(v["metrics"]["archiving_rows_deleted"].get<double>(), 0);
}

TEST(Growth, BiggerTablesMakeTheLoopSlower) {
  // A calibration whose queries cost more per decade of table rows.
  auto dir = tempDir();
  std::ofstream(dir / "cal.json") << R"({"queries": {"default":
      {"fixed_s": 0.0002, "per_row_scanned_s": 0, "per_row_returned_s": 0, "per_decade_s": 0.0005}}})";
  auto loopMean = [&](const char* rows) {
    std::ofstream(dir / "s.yaml") << std::string(R"(
run: {horizon: 2h, warmup: 10m}
scheduler: {model: airflow2}
metadb: {calibration: cal.json, initial_rows: {task_instance: )") +
                                         rows + R"(}}
dags:
  - {name: d, schedule: 10m, count: 20, tasks: [{shape: chain, count: 5, duration: 30s}]}
)";
    auto s = loadScenario({(dir / "s.yaml").string(), {}, {}});
    return simulate(s[0]).metrics["scheduler_loop_duration_s"]["mean"].get<double>();
  };
  double small = loopMean("1000"), big = loopMean("100000000");
  EXPECT_GT(big, small * 1.2) << small << " vs " << big;
}
