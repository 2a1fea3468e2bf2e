#include "pg/Calibrator.h"

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "pg/ClientCost.h"
#include "pg/QueryBenchmarks.h"

namespace fs = std::filesystem;

namespace schedlab {
namespace {

// Google Benchmark's console output on stderr (progress), every result kept: one per round.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  CollectingReporter() {
    SetOutputStream(&std::cerr);
    SetErrorStream(&std::cerr);
  }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.error_occurred || r.run_type != Run::RT_Iteration) continue;
      samples[r.run_name.function_name].push_back(r.GetAdjustedRealTime() /
                                                  benchmark::GetTimeUnitMultiplier(r.time_unit));
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, std::vector<double>> samples;  // seconds per execution, per round
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of a statement: {"Plan": {...}, "Planning Time": ms, ...}.
nlohmann::json explain(pqxx::transaction_base& tx, const std::string& statement) {
  auto r = tx.exec1("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement);
  return nlohmann::json::parse(r[0].as<std::string>())[0];
}

double planPages(const nlohmann::json& plan) {
  return plan.value("Shared Hit Blocks", 0.0) + plan.value("Shared Read Blocks", 0.0);
}

// A statement with its arguments written in as literals, as psycopg2 sends Airflow's SQL.
std::string withLiterals(pqxx::transaction_base& tx, const ShapeStatement& s, int dag, const History& h) {
  std::string sql = s.sql;
  auto put = [&](const std::string& param, const std::string& literal) {
    for (size_t at = sql.find(param); at != std::string::npos; at = sql.find(param, at + literal.size()))
      sql.replace(at, param.size(), literal);
  };
  switch (s.args) {
    case ShapeStatement::Args::None:
      break;
    case ShapeStatement::Args::Dag:
      put("$1", tx.quote("dag_" + std::to_string(dag)));
      break;
    case ShapeStatement::Args::DagRun:
      put("$1", tx.quote("dag_" + std::to_string(dag)));
      put("$2", tx.quote(std::to_string(h.runsPerDag())));
      break;
    case ShapeStatement::Args::Job:
      put("$1", std::to_string(dag));
      break;
  }
  return sql;
}

struct ShapeCosts {
  double pages = 0;            // 8 KiB pages touched (shared hit + read)
  double planningSeconds = 0;  // parse analysis and planning of the literal SQL
};

// What one execution of the shape touches and costs to plan, median over a few DAGs; writes
// rolled back.
ShapeCosts shapeCosts(pqxx::connection& c, const QueryShape& shape, const History& h) {
  std::vector<double> pages, planning;
  for (int d : {3, 41, 97, 150, 199}) {
    d = 1 + (d - 1) % h.dags;
    pqxx::work tx(c);
    double p = 0, plan = 0;
    for (const ShapeStatement& s : shape.statements) {
      nlohmann::json e = explain(tx, withLiterals(tx, s, d, h));
      p += s.times * planPages(e["Plan"]);
      plan += s.times * e.value("Planning Time", 0.0) / 1000.0;
    }
    tx.abort();
    pages.push_back(p);
    planning.push_back(plan);
  }
  return {median(pages), median(planning)};
}

void measureLoaded(BenchDatabase& db, SchemaLayout layout, const History& h, CalibrationMeasurements& m) {
  auto c = db.connect(layout, h);
  for (const QueryShape& shape : queryShapes(layout)) {
    const std::string key = measurementKey(layout, h.taskInstances, shape.name);
    ShapeCosts costs = shapeCosts(*c, shape, h);
    m.pages[key] = costs.pages;
    m.planning[key] = costs.planningSeconds;
  }
  pqxx::nontransaction tx(*c);
  for (const auto& row : tx.exec("SELECT c.relname, greatest(c.reltuples, 0), pg_total_relation_size(c.oid) "
                                 "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                 "WHERE n.nspname = current_schema() AND c.relkind = 'r'")) {
    std::string key = measurementKey(layout, h.taskInstances, row[0].as<std::string>());
    m.tableRows[key] = row[1].as<double>();
    m.tableBytes[key] = row[2].as<double>();
  }
}

// Drops every file of the cluster from the OS page cache (the server is stopped).
void evictFromPageCache(const fs::path& dataDir) {
  for (const auto& entry : fs::recursive_directory_iterator(dataDir / "base")) {
    if (!entry.is_regular_file()) continue;
    int fd = ::open(entry.path().c_str(), O_RDONLY);
    if (fd < 0) continue;
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
  }
}

// Seconds per page read from disk: 2,000 random task-instance lookups by job_id right after a
// restart with the cluster's files dropped from the page cache, I/O time over pages read.
std::vector<double> coldPageReads(BenchDatabase& db, SchemaLayout layout, const History& h, int rounds) {
  std::vector<double> out;
  for (int round = 0; round < rounds; ++round) {
    db.restartCluster({"track_io_timing=on"}, [&] { evictFromPageCache(db.cluster()->dataDirectory()); });
    auto c = db.connect(layout, h);
    pqxx::nontransaction tx(*c);
    int runs = h.runsPerDag();
    nlohmann::json plan = explain(
        tx, "SELECT count(*) FROM task_instance WHERE job_id = ANY (ARRAY(SELECT d * 100000 + (1 + (random() * " +
                std::to_string(std::max(0, runs - 1)) + ")::int) * 100 + 1 + (random() * " +
                std::to_string(h.tasks - 1) + ")::int FROM generate_series(1, " + std::to_string(h.dags) +
                ") d, generate_series(1, 10)))")["Plan"];
    double read = plan.value("Shared Read Blocks", 0.0), ms = plan.value("I/O Read Time", 0.0);
    if (read > 0 && ms > 0) out.push_back(ms / 1000.0 / read);
  }
  return out;
}

}  // namespace

std::string measurementKey(SchemaLayout layout, long long size, const std::string& what) {
  return benchmarkName(layout, size, what);  // measurements are keyed as the benchmarks are named
}

CalibrationMeasurements measureCalibration(BenchDatabase& db, const CalibrationPlan& plan) {
  CalibrationMeasurements m;
  m.sizes = plan.sizes;
  m.server = db.serverVersion();
  QueryBenchmarkPlan bench;
  bench.sizes = plan.sizes;
  bench.minTime = plan.minTime;
  bench.rounds = plan.rounds;
  bench.pgbenchSeconds = plan.pgbenchSeconds;
  const long long middle = plan.sizes[plan.sizes.size() / 2];
  bench.afterLoad = [&](SchemaLayout layout, const History& h) {
    measureLoaded(db, layout, h, m);
    // The client's side once, on the history Airflow 1.10's scheduler reads.
    if (plan.clientRepeat > 0 && layout == SchemaLayout::Airflow110 && h.taskInstances == middle)
      m.clientCost = measureClientCost(db.connectionString(), db.schemaOf(layout, h), plan.clientRepeat);
  };

  std::vector<std::string> args = {"schedlab"};
  if (!plan.benchmarkOut.empty()) {
    args.push_back("--benchmark_out=" + plan.benchmarkOut);
    args.push_back("--benchmark_out_format=json");
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  benchmark::Initialize(&argc, argv.data());
  benchmark::ClearRegisteredBenchmarks();
  registerQueryBenchmarks(db, bench);
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::ClearRegisteredBenchmarks();

  // Each figure is the median over the rounds. The harness check compares the harness's SELECT 1
  // with pgbench's, each run for the same time and side by side, median of the rounds.
  for (const auto& [name, v] : reporter.samples) m.latency[name] = median(v);
  const double pgbench = median(reporter.samples["pgbench/select_1_prepared"]);
  const double harness = median(reporter.samples["harness/select_1_prepared"]);
  m.pgbenchTps = pgbench > 0 ? 1.0 / pgbench : 0;
  m.harnessTps = harness > 0 ? 1.0 / harness : 0;
  // Contention: several clients at once, against the model fed with the single-client figures.
  m.contentionSize = plan.sizes[plan.sizes.size() / 2];
  m.dbCores = plan.dbCores > 0 ? plan.dbCores : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (!plan.contentionClients.empty()) {
    std::map<std::string, double> single;
    for (const QueryShape& s : queryShapes(SchemaLayout::Airflow110))
      single[s.name] = m.latency[measurementKey(SchemaLayout::Airflow110, m.contentionSize, s.name)];
    m.contention = checkContention(db, historyOf(m.contentionSize), plan.contentionClients, plan.contentionSeconds,
                                   single, single["select_1"], m.dbCores);
  }
  if (db.cluster()) m.coldPageRead = coldPageReads(db, SchemaLayout::Airflow110, historyOf(plan.sizes.back()), 3);
  return m;
}

}  // namespace schedlab
