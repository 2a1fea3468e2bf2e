#include "pg/QueryBenchmarks.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "pg/Pgbench.h"
#include "pg/PreparedShape.h"

namespace schedlab {

long long runShapeOnce(pqxx::connection& c, const QueryShape& shape, const History& h, int iterations) {
  PreparedShape p(c, shape, h, 1);
  long long rows = 0;
  for (int i = 0; i < iterations; ++i) rows = p.run();
  return rows;
}

History historyOf(long long taskInstances) {
  History h;
  h.taskInstances = taskInstances;
  return h;
}

std::string benchmarkName(SchemaLayout layout, long long size, const std::string& shape) {
  return std::string(layoutName(layout)) + "/tis:" + std::to_string(size) + "/" + shape;
}

namespace {

// Whether Google Benchmark's filter (a regex, "-" before it negates; empty or "all": everything)
// selects a benchmark of this name.
bool selected(const std::string& filter, const std::string& name) {
  if (filter.empty() || filter == "all") return true;
  if (filter[0] == '-') return !std::regex_search(name, std::regex(filter.substr(1)));
  return std::regex_search(name, std::regex(filter));
}

bool wanted(const QueryBenchmarkPlan& plan, const QueryShape& shape) {
  return plan.filter.empty() || shape.name.find(plan.filter) != std::string::npos || shape.name == "select_1";
}

}  // namespace

std::vector<long long> parseHistorySizes(const std::string& text) {
  std::vector<long long> sizes;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);  // 1e6 as well as 1000000
    if (item.empty() || *end != '\0' || v < 1000 || v > 1e9)
      throw std::invalid_argument("'" + item + "' is not a number of task instances between 1000 and 1e9");
    sizes.push_back(static_cast<long long>(v));
  }
  std::sort(sizes.begin(), sizes.end());
  return sizes;
}

void registerQueryBenchmarks(BenchDatabase& db, const QueryBenchmarkPlan& plan) {
  auto anySelected = [&](SchemaLayout layout, long long size) {
    for (const QueryShape& shape : queryShapes(layout))
      if (wanted(plan, shape) && selected(plan.benchmarkFilter, benchmarkName(layout, size, shape.name))) return true;
    return false;
  };
  std::optional<std::pair<SchemaLayout, long long>> firstLoaded;  // where the harness check runs
  for (SchemaLayout layout : plan.layouts) {
    for (long long size : plan.sizes) {
      if (!anySelected(layout, size)) continue;
      if (!firstLoaded) firstLoaded = {layout, size};
      std::fprintf(stderr, "loading %s with %lld task instances\n", layoutName(layout), size);
      if (db.load(layout, historyOf(size)) && plan.afterLoad) plan.afterLoad(layout, historyOf(size));
    }
  }
  for (int round = 0; round < plan.rounds; ++round) {
    for (SchemaLayout layout : plan.layouts) {
      for (long long size : plan.sizes) {
        if (!anySelected(layout, size)) continue;
        const History h = historyOf(size);
        for (const QueryShape& shape : queryShapes(layout)) {
          if (!wanted(plan, shape)) continue;
          std::string name = benchmarkName(layout, size, shape.name);
          benchmark::RegisterBenchmark(name.c_str(),
                                       [&db, layout, h, &shape](benchmark::State& state) {
                                         auto c = db.connect(layout, h);
                                         PreparedShape prepared(*c, shape, h, 42);
                                         prepared.run();  // plans and caches warm before the clock starts
                                         long long rows = 0;
                                         for (auto _ : state) rows = prepared.run();
                                         state.counters["rows"] = static_cast<double>(rows);
                                         state.counters["table_rows"] = static_cast<double>(h.taskInstances);
                                       })
              ->MinTime(plan.minTime)
              ->Unit(benchmark::kMicrosecond)
              ->UseRealTime();
        }
      }
    }
    if (plan.pgbenchSeconds <= 0 || !firstLoaded) continue;
    // The harness check: this harness's prepared SELECT 1 for as long as pgbench's, right before
    // it, so both see the machine at the same moment (its speed drifts within minutes).
    const SchemaLayout layout = firstLoaded->first;
    const History h = historyOf(firstLoaded->second);
    const QueryShape& select1 = queryShapes(layout).front();
    benchmark::RegisterBenchmark("harness/select_1_prepared",
                                 [&db, layout, h, &select1](benchmark::State& state) {
                                   auto c = db.connect(layout, h);
                                   PreparedShape prepared(*c, select1, h, 42);
                                   prepared.run();
                                   for (auto _ : state) prepared.run();
                                 })
        ->MinTime(plan.pgbenchSeconds)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark("pgbench/select_1_prepared",
                                 [&db, seconds = plan.pgbenchSeconds](benchmark::State& state) {
                                   double tps = 0;
                                   for (auto _ : state) {
                                     tps = pgbenchSelect1Tps(db.connectionString(), seconds);
                                     state.SetIterationTime(1.0 / tps);
                                   }
                                   state.counters["tps"] = tps;
                                 })
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace schedlab
