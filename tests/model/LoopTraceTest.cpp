// loops.csv (run.loops_csv): one row per airflow2 scheduler loop or airflow1 processor pass, whose
// statements add up to what the DB counted of the loop's own query types.
#include <gtest/gtest.h>

#include "support/TestSupport.h"
#include "util/TempDir.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

const char* kRuns = R"(
run: {horizon: 20m, seed: 4, loops_csv: true, task_instances_csv: false}
executor: {workers: 2, worker_concurrency: 8}
dags:
  - name: etl
    count: 4
    schedule: 5m
    tasks: [{shape: layered, width: 3, depth: 2, duration: {exponential: 20s}}]
variants:
  - name: airflow2
  - name: airflow1
    scheduler: {model: airflow1}
)";

struct Trace {
  RunResult result;
  std::vector<std::map<std::string, std::string>> rows;  // loops.csv's rows, by column
};

Trace traced(const Scenario& sc, const TempDir& dir) {
  SimulationOptions options;
  options.loopsPath = (dir.path() / (sc.variant + ".csv")).string();
  Trace t{simulateIsolated(sc, options), {}};
  std::ostringstream csv;
  writeLoopsCsv(csv, {t.result});
  std::istringstream in(csv.str());
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::stringstream hs(line);
  for (std::string c; std::getline(hs, c, ',');) header.push_back(c);
  while (std::getline(in, line)) {
    std::map<std::string, std::string> row;
    std::stringstream ls(line);
    size_t k = 0;
    for (std::string c; std::getline(ls, c, ',');) row[header.at(k++)] = c;
    EXPECT_EQ(k, header.size());
    t.rows.push_back(row);
  }
  return t;
}

double sum(const Trace& t, const std::string& column) {
  double s = 0;
  for (const auto& r : t.rows) s += std::stod(r.at(column));
  return s;
}

long long counted(const Trace& t, const std::string& type) {
  const auto& byType = t.result.metrics["db_queries_by_type"];
  return byType.contains(type) ? byType[type]["count"].get<long long>() : 0;
}

}  // namespace

TEST(LoopTrace, Airflow2LoopsAddUpToTheSchedulersStatements) {
  const TempDir dir("schedlab-loops");
  const Trace t = traced(load(kRuns)[0], dir);
  ASSERT_FALSE(t.rows.empty());
  EXPECT_EQ(t.rows.size(), t.result.metrics["scheduler_loop_duration_s"]["count"].get<size_t>());
  // Types only the loop sends: its rows hold every one of them.
  for (const char* type : {"next_dagruns_to_examine", "update_state_select_tis", "pool_state_counts", "bulk_queue_tis",
                           "executor_events", "dags_needing_dagruns"})
    EXPECT_EQ(sum(t, std::string("statements.") + type), counted(t, type)) << type;
  EXPECT_EQ(sum(t, "statements.worker_start"), 0);  // the workers' are not the loop's
  double total = 0;
  for (const std::string& c : t.result.loopColumns) total += sum(t, c);
  EXPECT_EQ(total, sum(t, "statements"));
  // Every try is queued by a loop, and every loop's time is its own.
  EXPECT_EQ(sum(t, "tis_queued"), t.result.metrics["tasks_succeeded"].get<double>() +
                                      t.result.metrics["tasks_in_flight_at_end"].get<double>());
  EXPECT_NEAR(sum(t, "duration_s") / static_cast<double>(t.rows.size()),
              t.result.metrics["scheduler_loop_duration_s"]["mean"].get<double>(), 1e-6);
  EXPECT_GT(sum(t, "db_seconds"), 0);
  EXPECT_GT(sum(t, "runs_examined"), 0);
}

TEST(LoopTrace, Airflow1PassesHoldTheProcessorsStatements) {
  const TempDir dir("schedlab-loops");
  const Trace t = traced(load(kRuns)[1], dir);
  ASSERT_FALSE(t.rows.empty());
  // A pass the horizon cuts short has sent its statements but written no row: at most one
  // pass per DAG-file processor (2) is missing, each no bigger than the biggest row.
  for (const char* type : {"sync_dag", "verify_integrity", "update_state_select_tis", "ti_merge_scheduled"}) {
    const std::string column = std::string("statements.") + type;
    double biggest = 0;
    for (const auto& r : t.rows) biggest = std::max(biggest, std::stod(r.at(column)));
    const double rows = sum(t, column), all = static_cast<double>(counted(t, type));
    EXPECT_LE(rows, all) << type;
    EXPECT_GE(rows, all - 2 * biggest) << type;
  }
  EXPECT_EQ(sum(t, "statements.find_scheduled_tis"), 0);  // the main loop's, not a pass's
  EXPECT_EQ(sum(t, "tis_queued"), 0);
  EXPECT_EQ(sum(t, "tis_scheduled"), sum(t, "statements.ti_merge_scheduled"));
}
