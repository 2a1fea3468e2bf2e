#include "pg/Calibrator.h"

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "pg/ApiRequestCost.h"
#include "pg/ClientCost.h"
#include "pg/LiveStatements.h"
#include "pg/QueryBenchmarks.h"
#include "pg/ServerCpu.h"
#include "pg/SpeedProbe.h"
#include "util/Median.h"
#include "util/Threads.h"

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

// EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of a statement: {"Plan": {...}, "Planning Time": ms, ...}.
nlohmann::json explain(pqxx::transaction_base& tx, const std::string& statement) {
  auto r = tx.exec1("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement);
  return nlohmann::json::parse(r[0].as<std::string>())[0];
}

double planPages(const nlohmann::json& plan) {
  return plan.value("Shared Hit Blocks", 0.0) + plan.value("Shared Read Blocks", 0.0);
}

// A statement with its arguments written in as literals, as psycopg2 sends Airflow's SQL.
std::string shapeSql(pqxx::transaction_base& tx, const ShapeStatement& s, int dag, const History& h) {
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
    case ShapeStatement::Args::TaskInstance:
      put("$1", tx.quote(taskInstanceUuid(dag, h.runsPerDag(), 1)));
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
      nlohmann::json e = explain(tx, shapeSql(tx, s, d, h));
      p += s.times * planPages(e["Plan"]);
      plan += s.times * e.value("Planning Time", 0.0) / 1000.0;
    }
    tx.abort();
    pages.push_back(p);
    planning.push_back(plan);
  }
  return {median(pages), median(planning)};
}

struct ServerCost {
  double cpu = 0, exec = 0, plan = 0;  // seconds per execution of a unit
  double own = -1;                     // the server's own processes' meanwhile; < 0: not visible
};

// One unit of work as Airflow sends it: its statements with literal arguments, alone or in a
// transaction that commits or (for writes that must leave the history as loaded) rolls back.
// Stands for a job id no row holds yet, in a unit's SQL (each sending takes the next).
const std::string kNewJob = "'@new_job@'";
std::atomic<long long> nextJobId{2000000000};

struct SqlUnit {
  std::vector<std::string> statements;
  QueryShape::Transaction transaction = QueryShape::Transaction::None;
};

// A connection of the paced measurements, with its backend's CPU clock; kept for every unit
// measured on one layout and size.
struct PacedClient {
  std::unique_ptr<pqxx::connection> c;
  std::unique_ptr<BackendCpu> cpu;
  double used = 0;
  long long units = 0;
};

std::vector<PacedClient> connectClients(BenchDatabase& db, SchemaLayout layout, const History& h, int n) {
  std::vector<PacedClient> pool(static_cast<size_t>(std::max(1, n)));
  for (PacedClient& k : pool) {
    k.c = db.connect(layout, h);
    k.cpu = std::make_unique<BackendCpu>(*k.c);
  }
  return pool;
}

// Sends one unit on `c`, each statement followed by a pause of `pace` (the client's own work).
void sendUnit(pqxx::connection& c, const SqlUnit& u, std::chrono::duration<double> pace) {
  if (u.transaction == QueryShape::Transaction::None) {
    // A new LocalTaskJob each time: its id is one no row holds yet.
    const std::string job = std::to_string(nextJobId++);
    for (std::string q : u.statements) {
      for (size_t at = q.find(kNewJob); at != std::string::npos; at = q.find(kNewJob, at + job.size()))
        q.replace(at, kNewJob.size(), job);
      pqxx::nontransaction(c).exec(q);
      std::this_thread::sleep_for(pace);
    }
    return;
  }
  pqxx::work tx(c);
  std::this_thread::sleep_for(pace);
  for (const std::string& q : u.statements) {
    tx.exec(q);
    std::this_thread::sleep_for(pace);
  }
  if (u.transaction == QueryShape::Transaction::Commit)
    tx.commit();
  else
    tx.abort();
  std::this_thread::sleep_for(pace);
}

// The backends' CPU per unit (and pg_stat_statements' execution and planning of it) with the
// units sent as Airflow's arrive: each statement followed by the client's own work (a pause of
// plan.serverCpuPace), from plan.serverCpuClients connections at once, the units in turn, for
// plan.serverCpuSeconds. A backend woken for each statement after others ran finds its caches
// cold: paced, a statement costs the server up to twice what a tight loop of it does.
// The server's own processes' CPU over the same span (serverPid > 0, the server on this machine)
// is owed to the units too: the WAL writer flushes each write's commit record (commits are
// asynchronous on the throwaway server), 17-24 us of its CPU a commit here and nothing for reads.
ServerCost pacedServerCost(std::vector<PacedClient>& pool, StatementStats& stats, const std::vector<SqlUnit>& units,
                           const CalibrationPlan& plan, int serverPid) {
  // NOWAIT locks fail rather than wait when another client holds them: one client for those.
  bool nowait = false;
  for (const SqlUnit& u : units)
    for (const std::string& q : u.statements) nowait |= q.find("NOWAIT") != std::string::npos;
  const size_t n = nowait ? 1 : pool.size();
  for (PacedClient& k : pool) k.used = 0, k.units = 0;
  const auto pace = std::chrono::duration<double>(plan.serverCpuPace);
  const auto none = std::chrono::duration<double>(0);
  // Client i sends the units i, i + n, …: the clients' rows differ (their DAGs do), so their
  // writes do not wait for each other's locks.
  auto unitsOf = [&](size_t i) {
    std::vector<const SqlUnit*> mine;
    for (size_t j = i % units.size(); j < units.size(); j += n) mine.push_back(&units[j]);
    return mine;
  };
  for (size_t i = 0; i < n; ++i)
    for (const SqlUnit* u : unitsOf(i)) sendUnit(*pool[i].c, *u, none);  // caches warm first
  stats.reset();
  // The server's own processes at the start (none: not visible, or a server elsewhere).
  const std::map<int, double> own0 = serverPid > 0 ? serverOwnProcesses(serverPid) : std::map<int, double>{};
  runOnThreads(n, [&](size_t i) {
    PacedClient& k = pool[i];
    const std::vector<const SqlUnit*> mine = unitsOf(i);
    const auto start = std::chrono::steady_clock::now();
    const double cpu0 = k.cpu->seconds();
    do {
      sendUnit(*k.c, *mine[static_cast<size_t>(k.units) % mine.size()], pace);
      ++k.units;
    } while (k.units < 5 ||
             std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < plan.serverCpuSeconds);
    k.used = k.cpu->seconds() - cpu0;
  });
  const double own = own0.empty() ? -1 : serverOwnSecondsSince(serverPid, own0);
  const StatementStats::Totals t = stats.totals();
  double used = 0;
  long long sent = 0;
  for (size_t i = 0; i < n; ++i) {
    used += pool[i].used;
    sent += pool[i].units;
  }
  const double per = 1.0 / static_cast<double>(sent);
  return {used * per, t.execSeconds * per, t.planSeconds * per, own < 0 ? -1 : own * per};
}

// The DAGs the measurements go round: every DAG of the history, so that a unit's rows are about
// as cold as a live scheduler's, which reads about DAG after DAG. (Eight DAGs gone round again and
// again kept their pages in the CPU's caches: a trigger-rule read cost 17 % less so, median of six
// alternations, one-core quick calibration; the other types 0-5 %.)
std::vector<int> everyDag(const History& h) {
  std::vector<int> dags;
  for (int d = 1; d <= h.dags; ++d) dags.push_back(d);
  return dags;
}

// A shape's SQL for each DAG of the history.
std::vector<SqlUnit> shapeUnits(pqxx::connection& c, const QueryShape& shape, const History& h) {
  pqxx::nontransaction quoting(c);
  std::vector<SqlUnit> units;
  for (int d : everyDag(h)) {
    SqlUnit u{{}, shape.transaction};
    for (const ShapeStatement& s : shape.statements)
      for (int k = 0; k < s.times; ++k) u.statements.push_back(shapeSql(quoting, s, d, h));
    units.push_back(std::move(u));
  }
  return units;
}

// A catalog type's own statements (LiveStatements) for each of `dags`, about its newest (running)
// run and a task instance in it, each statement committed on its own as a live run sends it: the
// writes change the history as Airflow's do (a new job each time, states set again and again, the
// dead row versions that leaves); only a new run is rolled back, so that it stays new.
std::vector<SqlUnit> catalogUnits(pqxx::connection& c, QueryType type, const History& h, const std::vector<int>& dags) {
  pqxx::nontransaction quoting(c);
  const int run = h.runsPerDag();
  auto taskId = [](int t) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "task_%02d", t);
    return std::string(buf);
  };
  // The populated history's run r: execution_date 2020-01-01 + r hours.
  auto runDate = [](int r) { return timestampLiteral(1577836800.0 + 3600.0 * r); };
  std::vector<std::string> allTasks;
  for (int t = 1; t <= h.tasks; ++t) allTasks.push_back(taskId(t));
  std::vector<SqlUnit> units;
  for (int d : dags) {
    const std::string dag = "dag_" + std::to_string(d);
    const bool newRun = type == QueryType::DagRunInsert;
    SqlUnit u{{}, newRun ? QueryShape::Transaction::Rollback : QueryShape::Transaction::None};
    for (const LiveStatement& s : liveStatements(type)) {
      std::vector<std::string> params;
      for (LiveParam p : s.params) {
        switch (p) {
          case LiveParam::DagId:
            params.push_back(dag);
            break;
          case LiveParam::Run:
            params.push_back(runDate(newRun ? run + 1 : run));
            break;
          case LiveParam::PreviousRun:
            params.push_back(runDate(run - 1));
            break;
          case LiveParam::RunId:
            params.push_back("scheduled__" + std::to_string(newRun ? run + 1 : run));
            break;
          case LiveParam::RunState:
            params.push_back("running");
            break;
          case LiveParam::TaskId:
            params.push_back(taskId(5));
            break;
          case LiveParam::Upstream:
            params.push_back(textArray({taskId(1), taskId(2), taskId(3)}));
            break;
          case LiveParam::TaskIds:
            params.push_back(textArray(allTasks));
            break;
          case LiveParam::TryNumber:
            params.push_back("2");
            break;
          case LiveParam::JobId:
            params.push_back("@new_job@");
            break;
          case LiveParam::EndState:
            params.push_back("success");
            break;
          case LiveParam::DagIds:
            params.push_back(textArray({dag, dag, dag}));
            break;
          case LiveParam::TaskIdList:
            params.push_back(textArray({taskId(2), taskId(3), taskId(4)}));
            break;
          case LiveParam::RunList:
            params.push_back(textArray({runDate(run), runDate(run), runDate(run)}));
            break;
        }
      }
      u.statements.push_back(withLiterals(quoting, s.sql, params));
    }
    units.push_back(std::move(u));
  }
  return units;
}

// The catalog types whose batches a connection sends after idling: a task runner's (its start
// after its slot waited, its end after its task ran, its job's heartbeat) and a DAG-file
// processor's first statement of a pass.
constexpr QueryType kSentAfterIdle[] = {QueryType::WorkerStart, QueryType::WorkerFinish, QueryType::WorkerHeartbeat,
                                        QueryType::SyncDag};

// The backends' CPU per unit sent `idle` seconds after its connection's previous one: each
// connection of `pool` sends a unit once to warm up, then, the connections' sends spread over
// the idle period, `rounds` times sleeps `idle` and sends one (its statements `pace` apart). The
// units go round so that no connection sends one twice, nor one another sent (while there are
// enough): a task runner's start touches a task instance of its own, rows no other has just read.
double afterIdleUnitCost(std::vector<PacedClient>& pool, const std::vector<SqlUnit>& units, double idle, double pace,
                         int rounds) {
  const size_t n = pool.size();
  const size_t warm = n * static_cast<size_t>(rounds);
  for (size_t i = 0; i < n; ++i)
    sendUnit(*pool[i].c, units[(warm + i) % units.size()], std::chrono::duration<double>(0));
  runOnThreads(n, [&](size_t i) {
    PacedClient& k = pool[i];
    k.used = 0, k.units = 0;
    std::this_thread::sleep_for(std::chrono::duration<double>(idle * static_cast<double>(i) / static_cast<double>(n)));
    for (int r = 0; r < rounds; ++r) {
      std::this_thread::sleep_for(std::chrono::duration<double>(idle));
      const double cpu0 = k.cpu->seconds();
      sendUnit(*k.c, units[(i + static_cast<size_t>(r) * n) % units.size()], std::chrono::duration<double>(pace));
      k.used += k.cpu->seconds() - cpu0;
      ++k.units;
    }
  });
  double used = 0;
  long long sent = 0;
  for (const PacedClient& k : pool) used += k.used, sent += k.units;
  return sent > 0 ? used / static_cast<double>(sent) : 0;
}

// What a task runner sends first on a connection of its own, as a live run's worker slot does: its
// start, its job's heartbeat and its end.
constexpr QueryType kTaskRunnerFirst[] = {QueryType::WorkerStart, QueryType::WorkerHeartbeat, QueryType::WorkerFinish};

// The connection probe's work: kTaskRunnerFirst's units, connection i's about the history's i-th
// DAG (each statement after the per-type costs' pace), so that its backend builds the caches and
// touches the buffers a live task runner's does. Their per-type keys go to `keys`.
std::function<void(pqxx::connection&, int)> taskRunnerWork(pqxx::connection& c, SchemaLayout layout, const History& h,
                                                           double pace, std::vector<std::string>& keys) {
  auto units = std::make_shared<std::vector<std::vector<SqlUnit>>>();
  keys.clear();
  for (QueryType type : kTaskRunnerFirst) {
    if (liveStatements(type).empty()) continue;
    units->push_back(catalogUnits(c, type, h, everyDag(h)));
    keys.push_back(measurementKey(layout, h.taskInstances, "type:" + std::string(queryInfo(type).name)));
  }
  return [units, pace](pqxx::connection& k, int i) {
    for (const std::vector<SqlUnit>& u : *units)
      sendUnit(k, u[static_cast<size_t>(i) % u.size()], std::chrono::duration<double>(pace));
  };
}

// kSentAfterIdle's types, each unit sent after the longest idle time the connection probe used,
// from as many connections as it used there.
void measureAfterIdle(BenchDatabase& db, SchemaLayout layout, const History& h, const CalibrationPlan& plan,
                      const ConnectionProbePlan& probe, CalibrationMeasurements& m) {
  if (probe.idleSeconds.empty() || probe.clients.empty()) return;
  auto paused = db.pauseAutovacuum();
  auto c = db.connect(layout, h);
  std::vector<PacedClient> pool = connectClients(db, layout, h, probe.clients.back());
  m.afterIdleSeconds = probe.idleSeconds.back();
  const std::vector<int> dags = everyDag(h);  // each unit about rows of its own
  for (QueryType type : kSentAfterIdle) {
    if (liveStatements(type).empty()) continue;
    m.serverCpuAfterIdle[measurementKey(layout, h.taskInstances, "type:" + std::string(queryInfo(type).name))] =
        afterIdleUnitCost(pool, catalogUnits(*c, type, h, dags), m.afterIdleSeconds, plan.serverCpuPace, 2);
  }
}

// The backends' CPU per shape and per catalog type, paced as the scheduler sends them, and the
// server's speed meanwhile. REQUIRES: `c`'s backend is visible (BackendCpu).
void measureServerCpu(BenchDatabase& db, pqxx::connection& c, SchemaLayout layout, const History& h,
                      const CalibrationPlan& plan, CalibrationMeasurements& m) {
  auto paused = db.pauseAutovacuum();  // the tables just loaded are not analysed meanwhile
  StatementStats stats(c, db.serverName());
  // The server's speed while the per-type costs are measured, as a live run measures it.
  SpeedProbeThread speed(db.connectionString(), kSpeedProbeThreadPace);
  // And in bursts at their pace, as a live run sends them all through its run: on a throwaway
  // server only, as a live run does (its table would outlive the schemas a user's server drops).
  std::unique_ptr<SpeedProbeThread> bursts;
  if (db.cluster()) bursts = std::make_unique<SpeedProbeThread>(db.connectionString(), SpeedProbeBursts{});
  std::vector<PacedClient> pool = connectClients(db, layout, h, plan.serverCpuClients);
  auto record = [&](const std::string& key, const ServerCost& cost) {
    m.serverCpu[key] = cost.cpu;
    m.serverExec[key] = cost.exec;
    m.serverPlan[key] = cost.plan;
    if (cost.own >= 0) m.serverProcesses[key] = cost.own;
  };
  for (const QueryShape& shape : queryShapes(layout))
    record(measurementKey(layout, h.taskInstances, shape.name),
           pacedServerCost(pool, stats, shapeUnits(c, shape, h), plan, db.serverPid()));
  if (layout == SchemaLayout::Airflow110) {
    // What a rolled-back write's BEGIN and ROLLBACK cost, taken off the writes measured so.
    const ServerCost wrap =
        pacedServerCost(pool, stats, {{{}, QueryShape::Transaction::Rollback}}, plan, db.serverPid());
    record(measurementKey(layout, h.taskInstances, "transaction_rolled_back"), wrap);
    for (const QueryInfo& info : kQueries) {
      const QueryType type = static_cast<QueryType>(&info - kQueries.data());
      if (liveStatements(type).empty()) continue;
      std::vector<SqlUnit> units = catalogUnits(c, type, h, everyDag(h));
      ServerCost cost = pacedServerCost(pool, stats, units, plan, db.serverPid());
      if (units.front().transaction == QueryShape::Transaction::Rollback) {
        cost.cpu = std::max(0.0, cost.cpu - wrap.cpu);
        cost.exec = std::max(0.0, cost.exec - wrap.exec);
        cost.plan = std::max(0.0, cost.plan - wrap.plan);
        if (cost.own >= 0 && wrap.own >= 0) cost.own = std::max(0.0, cost.own - wrap.own);
      }
      record(measurementKey(layout, h.taskInstances, "type:" + std::string(info.name)), cost);
    }
  }
  speed.stop();
  if (bursts) bursts->stop();
  {
    // The clients' backends flush their counts as they end.
    pool.clear();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    pqxx::nontransaction tx(c);
    tx.exec("SELECT pg_stat_clear_snapshot()");
    const pqxx::result u = tx.exec(
        "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = "
        "'task_instance'");
    if (!u.empty())
      m.taskInstanceUpdates[std::string(layoutName(layout)) + "/tis:" + std::to_string(h.taskInstances)] = {
          u[0][0].as<long long>(), u[0][1].as<long long>()};
  }
  const SpeedProbeThread::Reading r = speed.reading();
  m.speedProbeDuring.cpuSeconds += r.cpuSeconds;
  m.speedProbeDuring.statements += r.statements;
  if (bursts) {
    const SpeedProbeThread::Reading b = bursts->reading();
    m.speedProbeBursts.cpuSeconds += b.cpuSeconds;
    m.speedProbeBursts.statements += b.statements;
    const std::vector<SpeedProbeThread::Reading> seconds = bursts->bySecond();
    m.speedProbeBurstSeconds.insert(m.speedProbeBurstSeconds.end(), seconds.begin(), seconds.end());
  }
}

void measureLoaded(BenchDatabase& db, SchemaLayout layout, const History& h, const CalibrationPlan& plan,
                   CalibrationMeasurements& m) {
  auto c = db.connect(layout, h);
  for (const QueryShape& shape : queryShapes(layout)) {
    const std::string key = measurementKey(layout, h.taskInstances, shape.name);
    ShapeCosts costs = shapeCosts(*c, shape, h);
    m.pages[key] = costs.pages;
    m.planning[key] = costs.planningSeconds;
  }
  if (plan.serverCpuSeconds > 0 && BackendCpu(*c).visible()) measureServerCpu(db, *c, layout, h, plan, m);
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
  m.speedProbeStart = probeServerSpeed(db.connectionString());
  QueryBenchmarkPlan bench;
  bench.sizes = plan.sizes;
  bench.layouts = plan.layouts;
  bench.minTime = plan.minTime;
  bench.rounds = plan.rounds;
  bench.pgbenchSeconds = plan.pgbenchSeconds;
  const long long middle = plan.sizes[plan.sizes.size() / 2];
  bench.afterLoad = [&](SchemaLayout layout, const History& h) {
    measureLoaded(db, layout, h, plan, m);
    if (plan.serverCpuSeconds > 0 && layout == SchemaLayout::Airflow110 && h.taskInstances == plan.sizes.back()) {
      ConnectionProbePlan probe = plan.connections;
      if (!probe.idleSeconds.empty()) probe.idleSeconds.front() = plan.serverCpuPace;  // the per-type costs' pace
      if (!probe.work) {  // a task runner's first statements
        auto c = db.connect(layout, h);
        probe.work = taskRunnerWork(*c, layout, h, plan.serverCpuPace, m.connectionWork);
      }
      m.connections = probeConnections(db, layout, h, probe);
      if (m.connections.setupSeconds >= 0) measureAfterIdle(db, layout, h, plan, probe, m);
    }
    // The client's side once, on the history Airflow 1.10's scheduler reads.
    if (plan.clientRepeat > 0 && layout == SchemaLayout::Airflow110 && h.taskInstances == middle) {
      m.clientCost = measureClientCost(db.connectionString(), db.schemaOf(layout, h), plan.clientRepeat);
      try {
        m.apiRequestCost = measureApiRequestCost(plan.apiRequests, plan.apiRounds);
      } catch (const std::runtime_error& e) {  // the DB's and the scheduler's costs still stand
        std::fprintf(stderr,
                     "calibrate: the calibration gets no api_server (airflow3 runs then need "
                     "api_server.request_cost): %s\n",
                     e.what());
      }
    }
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
  m.speedProbeEnd = probeServerSpeed(db.connectionString());
  if (db.cluster()) m.coldPageRead = coldPageReads(db, SchemaLayout::Airflow110, historyOf(plan.sizes.back()), 3);
  return m;
}

}  // namespace schedlab
