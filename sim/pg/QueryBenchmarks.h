// Google Benchmark microbenchmarks of every query shape against a live PostgreSQL: one benchmark
// per layout, history size and shape, named "<layout>/tis:<size>/<shape>" (e.g.
// "airflow1.10/tis:100000/trigger_rule_dep"), one client, prepared statements
// (`pqxx::nontransaction` for statements that need no transaction, so no BEGIN/COMMIT round trip
// Airflow would not pay). Every layout and size is loaded first; then the whole list runs
// `rounds` times over, each round ending with pgbench's rate for a prepared SELECT 1
// ("pgbench/select_1_prepared", time per transaction), so a drift of the machine's speed hits
// every size and the yardstick alike.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "pg/BenchDatabase.h"
#include "pg/QueryShapes.h"

namespace schedlab {

struct QueryBenchmarkPlan {
  std::vector<SchemaLayout> layouts = {SchemaLayout::Airflow110, SchemaLayout::Airflow2, SchemaLayout::Airflow3};
  std::vector<long long> sizes = {10000, 100000, 1000000};  // task instances
  double minTime = 0.5;                                     // seconds per benchmark
  int rounds = 1;
  double pgbenchSeconds = 0;  // length of each round's pgbench run; 0: none
  std::string filter;         // only shapes whose name contains this (empty: all)
  // Google Benchmark's --benchmark_filter: layouts and sizes none of whose benchmarks it selects
  // are not even loaded (a bench gate run filtered to other suites costs nothing here).
  std::string benchmarkFilter;
  // Called right after a layout and size is loaded (e.g. to count pages on the freshly
  // vacuumed tables).
  std::function<void(SchemaLayout, const History&)> afterLoad;
};

History historyOf(long long taskInstances);
// History sizes as "1e4,100000,1e6" (task instances, 1000 to 1e9 each), ascending. Throws
// std::invalid_argument naming the item that is not one.
std::vector<long long> parseHistorySizes(const std::string& text);

// "<layout>/tis:<size>/<shape>", e.g. "airflow1.10/tis:100000/trigger_rule_dep".
std::string benchmarkName(SchemaLayout layout, long long size, const std::string& shape);

// Loads every layout and size of the plan (progress on stderr) and registers its benchmarks with
// Google Benchmark; `db` must outlive the run.
void registerQueryBenchmarks(BenchDatabase& db, const QueryBenchmarkPlan& plan);

// Runs one shape `iterations` times on a connection (outside any benchmark), e.g. to warm up or
// to check the SQL; returns the rows the last execution returned or changed.
long long runShapeOnce(pqxx::connection& c, const QueryShape& shape, const History& h, int iterations = 1);

}  // namespace schedlab
