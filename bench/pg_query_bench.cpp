// Microbenchmarks of Airflow's metadata queries on a live PostgreSQL (the simulator's query
// catalog, both schema layouts, several history sizes), with Google Benchmark's flags and JSON
// output:
//   build/bench/pg_query_bench [--pg URL] [--sizes 10000,100000] [--layouts airflow1.10]
//                              [--shapes NAME] [--min-time S] [--rounds N] [--pgbench-seconds S]
//                              [--benchmark_out=FILE.json] [--benchmark_filter=…]
// Without --pg it starts a throwaway PostgreSQL of its own and removes it at the end.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "pg/QueryBenchmarks.h"

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace schedlab;
  std::string url;
  QueryBenchmarkPlan plan;
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* flag) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "pg_query_bench: %s needs a value\n", flag);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--pg")
      url = value("--pg");
    else if (a == "--sizes") {
      try {
        plan.sizes = parseHistorySizes(value("--sizes"));
      } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "pg_query_bench: --sizes: %s\n", e.what());
        return 2;
      }
    } else if (a == "--layouts") {
      plan.layouts.clear();
      for (auto& s : split(value("--layouts"))) {
        if (const auto layout = layoutNamed(s)) {
          plan.layouts.push_back(*layout);
        } else {
          std::fprintf(stderr, "pg_query_bench: --layouts: '%s' is not airflow1.10, airflow2.5 or airflow3.1\n",
                       s.c_str());
          return 2;
        }
      }
    } else if (a == "--shapes")
      plan.filter = value("--shapes");
    else if (a == "--min-time")
      plan.minTime = std::stod(value("--min-time"));
    else if (a == "--rounds")
      plan.rounds = std::max(1, std::stoi(value("--rounds")));
    else if (a == "--pgbench-seconds")
      plan.pgbenchSeconds = std::stod(value("--pgbench-seconds"));
    else
      rest.push_back(argv[i]);
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  if (benchmark::ReportUnrecognizedArguments(n, rest.data())) return 2;
  plan.benchmarkFilter = benchmark::GetBenchmarkFilter();
  try {
    BenchDatabase db(url);
    std::fprintf(stderr, "pg_query_bench: %s\n", db.describe().c_str());
    registerQueryBenchmarks(db, plan);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pg_query_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
