// Google Benchmark microbenchmarks of every query shape against a live PostgreSQL: one benchmark
// per layout, history size and shape, named "<layout>/tis:<size>/<shape>" (e.g.
// "airflow1.10/tis:100000/trigger_rule_dep"), one client, prepared statements
// (`pqxx::nontransaction` for statements that need no transaction, so no BEGIN/COMMIT round trip
// Airflow would not pay). Registered in layout and size order: each size is loaded once, when
// its first benchmark starts.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "pg/BenchDatabase.h"
#include "pg/QueryShapes.h"

namespace schedlab {

struct QueryBenchmarkPlan {
  std::vector<SchemaLayout> layouts = {SchemaLayout::Airflow110, SchemaLayout::Airflow2};
  std::vector<long long> sizes = {10000, 100000, 1000000};  // task instances
  double minTime = 0.5;                                      // seconds per benchmark
  std::string filter;  // only shapes whose name contains this (empty: all)
  // Called right after a layout and size is loaded, before its first benchmark (e.g. to count
  // pages on the freshly vacuumed tables).
  std::function<void(SchemaLayout, const History&)> afterLoad;
};

// Registers the plan's benchmarks with Google Benchmark; `db` must outlive the run.
void registerQueryBenchmarks(BenchDatabase& db, const QueryBenchmarkPlan& plan);

// Runs one shape `iterations` times on a connection (outside any benchmark), e.g. to warm up or
// to check the SQL; returns the rows the last execution returned or changed.
long long runShapeOnce(pqxx::connection& c, const QueryShape& shape, const History& h, int iterations = 1);

}  // namespace schedlab
