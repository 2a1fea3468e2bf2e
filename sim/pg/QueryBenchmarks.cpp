#include "pg/QueryBenchmarks.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <random>
#include <regex>

#include "pg/Pgbench.h"

namespace schedlab {
namespace {

// A shape's statements prepared on one connection, run with fresh random arguments each time.
class PreparedShape {
 public:
  PreparedShape(pqxx::connection& c, const QueryShape& shape, const History& h, unsigned seed)
      : c_(c), shape_(shape), runs_(std::to_string(h.runsPerDag())), dag_(1, h.dags), job_(1, 1000), rng_(seed) {
    for (size_t i = 0; i < shape.statements.size(); ++i) {
      names_.push_back(shape.name + "_" + std::to_string(i));
      c_.prepare(names_.back(), shape.statements[i].sql);
    }
  }

  ~PreparedShape() {
    for (const auto& name : names_) {
      try {
        c_.unprepare(name);
      } catch (...) {
        // The connection is gone: so are its prepared statements.
      }
    }
  }
  PreparedShape(const PreparedShape&) = delete;
  PreparedShape& operator=(const PreparedShape&) = delete;

  // One execution of the shape; returns the rows the last statement returned or changed.
  long long run() {
    const std::string dag = "dag_" + std::to_string(dag_(rng_));
    const std::string job = std::to_string(job_(rng_));
    if (shape_.transaction == QueryShape::Transaction::None) {
      pqxx::nontransaction tx(c_);
      return execute(tx, dag, job);
    }
    pqxx::work tx(c_);
    long long rows = execute(tx, dag, job);
    if (shape_.transaction == QueryShape::Transaction::Commit) tx.commit();
    else tx.abort();
    return rows;
  }

 private:
  long long execute(pqxx::transaction_base& tx, const std::string& dag, const std::string& job) {
    long long rows = 0;
    for (size_t i = 0; i < names_.size(); ++i) {
      const ShapeStatement& s = shape_.statements[i];
      for (int k = 0; k < s.times; ++k) {
        pqxx::result r;
        switch (s.args) {
          case ShapeStatement::Args::None: r = tx.exec_prepared(names_[i]); break;
          case ShapeStatement::Args::Dag: r = tx.exec_prepared(names_[i], dag); break;
          case ShapeStatement::Args::DagRun: r = tx.exec_prepared(names_[i], dag, runs_); break;
          case ShapeStatement::Args::Job: r = tx.exec_prepared(names_[i], job); break;
        }
        rows = r.columns() > 0 ? static_cast<long long>(r.size()) : static_cast<long long>(r.affected_rows());
      }
    }
    return rows;
  }

  pqxx::connection& c_;
  const QueryShape& shape_;
  std::vector<std::string> names_;
  std::string runs_;
  std::uniform_int_distribution<int> dag_, job_;
  std::mt19937 rng_;
};

}  // namespace

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

namespace {

std::string benchmarkName(SchemaLayout layout, long long size, const std::string& shape) {
  return std::string(layoutName(layout)) + "/tis:" + std::to_string(size) + "/" + shape;
}

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

void registerQueryBenchmarks(BenchDatabase& db, const QueryBenchmarkPlan& plan) {
  auto anySelected = [&](SchemaLayout layout, long long size) {
    for (const QueryShape& shape : queryShapes(layout))
      if (wanted(plan, shape) && selected(plan.benchmarkFilter, benchmarkName(layout, size, shape.name))) return true;
    return false;
  };
  for (SchemaLayout layout : plan.layouts) {
    for (long long size : plan.sizes) {
      if (!anySelected(layout, size)) continue;
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
          benchmark::RegisterBenchmark(name.c_str(), [&db, layout, h, &shape](benchmark::State& state) {
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
    if (plan.pgbenchSeconds <= 0) continue;
    benchmark::RegisterBenchmark("pgbench/select_1_prepared", [&db, seconds = plan.pgbenchSeconds](benchmark::State& state) {
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
