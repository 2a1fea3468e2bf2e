#include "live/LiveRun.h"

#include <sched.h>
#include <sys/resource.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <thread>

#include <pqxx/pqxx>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>

#include "live/LiveQueryService.h"
#include "live/LiveRuntime.h"
#include "live/StartProbe.h"
#include "live/WaitEventSampler.h"
#include "model/ModelRun.h"
#include "pg/AirflowSchema.h"
#include "pg/LiveStatements.h"
#include "pg/ServerCpu.h"
#include "pg/SpeedProbe.h"
#include "results/MetricSchema.h"

namespace schedlab {
namespace {

// The database's own counters of pages found in shared buffers and read from outside them.
struct BlockCounters {
  double hit = 0, read = 0;
};
BlockCounters blockCounters(pqxx::connection& c) {
  pqxx::nontransaction tx(c);
  tx.exec("SELECT pg_stat_clear_snapshot()");
  auto r = tx.exec1("SELECT blks_hit, blks_read FROM pg_stat_database WHERE datname = current_database()");
  return {r[0].as<double>(), r[1].as<double>()};
}

// dag.schedule_interval as 1.10 stores it (airflow.utils.sqlalchemy.Interval): JSON of a
// timedelta's days and seconds, or of the cron string or preset; null when externally triggered.
std::string scheduleIntervalColumn(const Schedule& s) {
  switch (s.kind()) {
    case Schedule::Kind::None:
      return "null";
    case Schedule::Kind::Once:
      return "\"@once\"";
    case Schedule::Kind::Cron:
      return nlohmann::json(s.text()).dump();
    case Schedule::Kind::Interval: {
      const double period = s.nominalPeriod();
      const auto days = static_cast<long long>(std::floor(period / 86400));
      const auto seconds = static_cast<long long>(std::floor(period - 86400.0 * days));
      const auto micros = std::llround((period - 86400.0 * days - seconds) * 1e6);
      return nlohmann::json{{"type", "timedelta"},
                            {"attrs", {{"days", days}, {"seconds", seconds}, {"microseconds", micros}}}}
          .dump();
    }
  }
  return "null";
}

// Tables, the default pool, the DAGs and the scheduler's job, plus the initial history.
long long prepareSchema(BenchDatabase& db, const std::string& schema, const Scenario& sc,
                        const std::map<std::string, double>& initialRows,
                        const std::vector<std::pair<std::string, const DagDef*>>& dags) {
  auto c = db.connectTo(schema);
  createSchema(*c, SchemaLayout::Airflow110);
  auto it = initialRows.find("task_instance");
  if (it != initialRows.end() && it->second >= 1) {
    History h;
    h.taskInstances = static_cast<long long>(it->second);
    populate(*c, SchemaLayout::Airflow110, h);
  } else {
    pqxx::nontransaction(*c).exec("INSERT INTO slot_pool (pool, slots) VALUES ('default_pool', " +
                                  std::to_string(sc.scheduler.defaultPoolSlots) + ")");
  }
  pqxx::nontransaction tx(*c);
  for (const auto& [pool, slots] : sc.scheduler.pools)
    tx.exec_params("INSERT INTO slot_pool (pool, slots) VALUES ($1, $2) ON CONFLICT (pool) DO NOTHING", pool, slots);
  for (const auto& [id, def] : dags)
    tx.exec_params(
        "INSERT INTO dag (dag_id, is_paused, is_subdag, is_active, fileloc, schedule_interval) VALUES ($1, false, "
        "false, true, $2, $3) ON CONFLICT (dag_id) DO NOTHING",
        id, "/dags/" + id + ".py", scheduleIntervalColumn(def->schedule));
  long long next = tx.exec1("SELECT coalesce(max(id), 0) + 1 FROM job")[0].as<long long>();
  tx.exec("INSERT INTO job (id, state, job_type, start_date, latest_heartbeat, hostname) VALUES (" +
          std::to_string(next) + ", 'running', 'SchedulerJob', now(), now(), 'scheduler')");
  tx.exec("ANALYZE");
  return next + 1;
}

// A variant's name as part of an unquoted SQL identifier: lower-case letters, digits and '_'.
std::string schemaWord(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  return out.substr(0, 20);  // with the prefix, the index and the DB's number: within PostgreSQL's 63
}

double schemaBytes(pqxx::connection& c, const std::string& schema) {
  pqxx::nontransaction tx(c);
  return tx
      .exec_params1(
          "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON "
          "n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'",
          schema)[0]
      .as<double>();
}

// The run's task_instance tables as PostgreSQL's statistics count them (summed over `schemas`):
// its row versions live and dead, its updates and of them the heap-only ones (HOT: no index
// entry written; an update that changes `state`, which several indexes hold, never is one), and
// the autovacuums it had: the state of the table the run's statement costs were measured in.
// (Every state change leaves a dead version and an entry in each index; a read by key cost the
// same after 8,000 of them as on a vacuumed table, 4 connections at 1 ms, the README says.)
nlohmann::json taskInstanceTable(pqxx::connection& c, const std::vector<std::string>& schemas) {
  pqxx::nontransaction tx(c);
  tx.exec("SELECT pg_stat_clear_snapshot()");
  long long live = 0, dead = 0, updates = 0, hot = 0, autovacuums = 0;
  for (const auto& schema : schemas) {
    const pqxx::result r = tx.exec_params(
        "SELECT n_live_tup, n_dead_tup, n_tup_upd, n_tup_hot_upd, autovacuum_count FROM pg_stat_user_tables "
        "WHERE schemaname = $1 AND relname = 'task_instance'",
        schema);
    if (r.empty()) continue;
    live += r[0][0].as<long long>();
    dead += r[0][1].as<long long>();
    updates += r[0][2].as<long long>();
    hot += r[0][3].as<long long>();
    autovacuums += r[0][4].as<long long>();
  }
  return {{"live_tuples", live},
          {"dead_tuples", dead},
          {"updates", updates},
          {"hot_updates", hot},
          {"autovacuums", autovacuums}};
}

}  // namespace

// How often the wait-event sampler reads pg_stat_activity.
constexpr double kWaitSampleInterval = 0.1;
// The start yardstick's connections (StartProbe.h), spread over the run, at least a second apart.
constexpr int kStartProbes = 24;

std::vector<std::string> liveUnsupported(const Scenario& sc) {
  std::vector<std::string> why;
  if (sc.scheduler.model != SchedulerModel::Airflow1)
    why.push_back("scheduler.model: live runs send Airflow 1.10's queries; use airflow1");
  if (sc.archiving.enabled) why.push_back("archiving.enabled: live runs do not archive");
  if (sc.executor.hasPods())
    why.push_back(
        "executor.kind: live runs have Celery-like workers, not pods (simulate kubernetes with schedlab run)");
  for (const Fault& f : sc.faults)
    if (f.kind == Fault::Kind::SchedulerCrash)
      why.push_back("faults." + f.name + ": live runs do not crash schedulers (simulate it with schedlab run)");
  if (sc.scheduler.hotStandby) why.push_back("scheduler.hot_standby: live runs have one scheduler process");
  if (!sc.metadb.otherClients.empty())
    why.push_back(
        "metadb.other_clients: a live server's other clients are real (the harness's own statements, "
        "results' sim.harness_clients)");
  for (const DagDef& d : sc.dags)
    for (const TaskDef& t : d.tasks)
      if (t.variableReads > 0 || t.connectionReads > 0) {
        why.push_back("dags." + d.name + "." + t.id +
                      ": variable_reads and connection_reads are not run live (1.10's schema here has no variable "
                      "or connection table)");
        return why;
      }
  return why;
}

std::vector<std::string> liveClusterSettings(const Scenario& sc) {
  // A connection per worker slot, per parsing process, the main loop, the heartbeats and the
  // tool's own, with room to spare.
  int actors = 0;
  for (const auto& p : sc.executor.pools) actors += p.maxWorkers * p.workerConcurrency;
  actors += static_cast<int>(sc.instances.size()) * (sc.scheduler.parsingProcesses + 2) + 1 + kStartProbes;
  return {"max_connections=" + std::to_string(std::max(100, actors + 20))};
}

LiveCpus liveCpus(const std::vector<Scenario>& variants) {
  if (variants.empty()) return {};
  const int cores = variants.front().metadb.cores;
  for (const Scenario& v : variants)
    if (v.metadb.cores != cores) return {};
  return liveCpus(cores);
}

LiveCpus liveCpus(int dbCores) {
  const int machine = static_cast<int>(std::thread::hardware_concurrency());
  if (dbCores < 1 || dbCores >= machine) return {};
  auto list = [](int first, int last) {
    return first == last ? std::to_string(first) : std::to_string(first) + "-" + std::to_string(last);
  };
  return {list(0, dbCores - 1), list(dbCores, machine - 1), dbCores, machine - 1};
}

void pinThisProcess(const LiveCpus& cpus) {
  if (cpus.self.empty()) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c = cpus.selfFirst; c <= cpus.selfLast; ++c) CPU_SET(c, &set);
  if (::sched_setaffinity(0, sizeof set, &set) != 0)
    throw std::runtime_error("cannot run schedlab on CPUs " + cpus.self + ": " + std::strerror(errno));
}

RunResult runLive(const Scenario& scenario, BenchDatabase& db, double duration, const std::string& loopsPath,
                  int variantIndex) {
  Scenario sc = scenario;
  sc.run.horizon = duration;
  sc.run.warmup = std::min(sc.run.warmup, duration / 2);

  // One schema per metadata DB: the shared one and each instance's own.
  std::vector<std::string> schemas;
  std::vector<long long> firstJobs;
  const size_t dbs = ModelRun::dbCount(sc);
  for (size_t k = 0; k < dbs; ++k) {
    std::vector<std::pair<std::string, const DagDef*>> dagIds;
    // Which instances use DB k: the shared one (0) or the k-th with its own.
    size_t own = 0;
    std::map<std::string, double> initial = sc.metadb.initialRows;
    for (size_t i = 0; i < sc.instances.size(); ++i) {
      const bool ownDb = sc.instances[i].ownMetadb;
      if (ownDb) ++own;
      if ((k == 0 && !ownDb) || (k > 0 && ownDb && own == k)) {
        if (k > 0) initial = sc.instances[i].initialRows;
        for (const auto& d : sc.dags) {
          if (d.instance != static_cast<int>(i)) continue;
          for (int r = 0; r < d.count; ++r)
            dagIds.emplace_back(d.count == 1 ? d.name : d.name + "__" + std::to_string(r + 1), &d);
        }
      }
    }
    schemas.push_back(db.freshSchema("live_" + std::to_string(variantIndex) + "_" + schemaWord(sc.variant) + "_" +
                                     std::to_string(k)));
    firstJobs.push_back(prepareSchema(db, schemas.back(), sc, initial, dagIds));
  }

  const int pid = db.serverPid();
  // The server's speed yardstick (SpeedProbe.h) right before the run and right after it, on
  // connections of their own whose CPU the run's DB CPU leaves out: against the calibration's, the
  // server's speed in this run's window.
  auto yardstick = [&] {
    if (pid <= 0) return -1.0;
    const int children = serverChildren(pid);
    const double s = probeServerSpeed(db.connectionString());
    awaitServerChildren(pid, children, 5.0);  // its backend reaped: none of its CPU is the run's
    return s;
  };
  const double speedBefore = yardstick();
  auto admin = db.connectTo(schemas[0]);
  const BlockCounters before = blockCounters(*admin);
  std::vector<LiveQueryService*> services;
  LiveRuntime rt;
  ModelRun model(sc, rt, [&](size_t k) {
    // The server's CPU is counted once, on the first DB.
    auto s =
        std::make_unique<LiveQueryService>(rt, db.connectionString(), schemas[k], sc.metadb, pid, k == 0, firstJobs[k]);
    services.push_back(s.get());
    return s;
  });
  for (auto* s : services) s->attach(model.state(), sc.run.start);
  if (!loopsPath.empty()) model.streamLoops(loopsPath);
  const int serverChildrenBefore = pid > 0 ? serverChildren(pid) : 0;
  // schedlab's own CPU (every thread's): the scheduler's side of a live run, which the simulator
  // models as delays that take no CPU; near all of its CPUs, the live client waits for them.
  auto processCpu = [] {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec); };
    return s(u.ru_utime) + s(u.ru_stime);
  };
  model.start();
  const auto wallStart = std::chrono::steady_clock::now();
  const double cpuStart = processCpu();
  // On a throwaway server only: a shared one's other sessions would count too. Every 0.1 s: each
  // sample costs the server about a millisecond, which the DB's busy time leaves out.
  std::unique_ptr<WaitEventSampler> waits;
  // And the speed yardstick all through the run, every 20 ms (1-2 % of a core): where the
  // server's speed moved within the window, its ends do not show it.
  std::unique_ptr<SpeedProbeThread> speedDuring, speedBursts;
  // And a backend's start, on connections of its own (closed after the run's DB CPU is read).
  std::unique_ptr<StartProbeThread> startProbe;
  const double startProbeEvery = std::max(1.0, duration / kStartProbes);
  if (pid > 0) {
    waits = std::make_unique<WaitEventSampler>(db.connectTo(schemas[0]), kWaitSampleInterval);
    services[0]->leaveOut([w = waits.get()] { return w->backendSeconds(); });
    speedDuring = std::make_unique<SpeedProbeThread>(db.connectionString(), kSpeedProbeThreadPace);
    services[0]->leaveOut([p = speedDuring.get()] { return p->backendSeconds(); });
    // And in bursts at the per-type costs' pace, as the calibration sends them all through those.
    speedBursts = std::make_unique<SpeedProbeThread>(db.connectionString(), SpeedProbeBursts{});
    services[0]->leaveOut([p = speedBursts.get()] { return p->backendSeconds(); });
    startProbe = std::make_unique<StartProbeThread>([&db, schema = schemas[0]] { return db.connectTo(schema); },
                                                    startProbeEvery, kStartProbes);
    services[0]->leaveOut([p = startProbe.get()] { return p->backendSeconds(); });
  }
  // Where the server's time goes: the run's statements, its own processes, the rest.
  const double busyAtStart = pid > 0 ? services[0]->busySeconds() : 0;
  const std::map<int, double> ownAtStart = pid > 0 ? serverOwnProcesses(pid) : std::map<int, double>{};
  // The bursts' whole seconds within the run's window (the ones after it saw its actors end: their
  // backends' exits made the bursts' statements up to twice as dear).
  const double burstsAt = speedBursts ? speedBursts->elapsed() : 0;
  const auto burstsFrom = static_cast<std::ptrdiff_t>(std::ceil(burstsAt));
  const auto burstsTo = static_cast<std::ptrdiff_t>(std::floor(burstsAt + duration));
  rt.run(duration);
  const double schedlabCpu = processCpu() - cpuStart;
  // The harness's statements took the DB's core too, beside the run's: as metadb.other_clients, a
  // statement every so often of its backend's CPU over the statements it sent (README, "The
  // DB-bound live check"). The bursts' as evenly spread.
  nlohmann::json harnessClients = nlohmann::json::array();
  if (pid > 0) {
    auto client = [&](double every, double cpu, double statements) {
      if (statements > 0) harnessClients.push_back({{"every_s", every}, {"cpu_s", roundMetric(cpu / statements)}});
    };
    client(kWaitSampleInterval, waits->backendSeconds(), static_cast<double>(waits->samples()));
    client(kSpeedProbeThreadPace, speedDuring->backendSeconds(),
           static_cast<double>(speedDuring->reading().statements));
    const SpeedProbeBursts bursts;
    client(bursts.every / bursts.statements, speedBursts->backendSeconds(),
           static_cast<double>(speedBursts->reading().statements) * bursts.statements /
               (bursts.statements - bursts.uncounted));
    // A start (~20 ms) runs a slice at a time beside the statements: as 1 ms pieces, evenly spread.
    if (const int starts = startProbe->starts(); starts > 0) {
      const double pieces = std::max(1.0, std::round(startProbe->backendSeconds() / starts / 0.001));
      client(startProbeEvery / pieces, startProbe->backendSeconds(), starts * pieces);
    }
  }
  std::map<std::string, double> waitEvents;
  if (waits) waitEvents = waits->stop();
  if (speedDuring) speedDuring->stop();
  if (speedBursts) speedBursts->stop();
  if (startProbe) startProbe->stop();
  // The actors' connections closed with their threads: their backends' ends count (the simulator
  // charges a connection's start and end together), once the server has reaped them.
  if (pid > 0) awaitServerChildren(pid, serverChildrenBefore, 5.0);
  const double busy = pid > 0 ? services[0]->busySeconds() - busyAtStart : 0;
  // Each of them alive at the end, from its CPU at the start; one that ended meanwhile is reaped
  // into the rest.
  const double own = pid > 0 ? serverOwnSecondsSince(pid, ownAtStart) : 0;
  const int startProbes = startProbe ? startProbe->starts() : 0;
  const double startProbeSeconds = startProbe ? startProbe->startSeconds() : 0;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();

  long long statements = 0, connections = 0, startsMeasured = 0;
  double startCpu = 0;
  std::array<double, kQueryTypeCount> seconds{}, cpu{};
  for (auto* s : services) {
    statements += s->statementsSent();
    connections += s->connectionsOpened();
    startsMeasured += s->startsMeasured();
    startCpu += s->startBackendSeconds();
    for (size_t i = 0; i < kQueryTypeCount; ++i) {
      seconds[i] += s->secondsByType()[i];
      cpu[i] += s->cpuSecondsByType()[i];
    }
  }
  // The results (the server's CPU among them) before the harness's own queries on its admin
  // connection, which are not the run's.
  RunResult out = model.results(duration, {{"wall_seconds", roundMetric(wall)},
                                           {"statements_sent", statements},
                                           {"connections_opened", connections},
                                           {"schedlab_cpu_seconds", roundMetric(schedlabCpu)},
                                           {"postgres", db.describe()},
                                           {"schemas", schemas}});
  // The start yardstick's backends end now, the run's DB CPU read (its CPU as at the close).
  if (startProbe) startProbe->close();
  const BlockCounters after = blockCounters(*admin);
  if (const double speedAfter = speedBefore > 0 ? yardstick() : -1; speedAfter > 0) {
    auto ns = [](double s) { return std::round(s * 1e9) / 1e9; };  // a statement's: ~100 us
    out.run["speed_probe_cpu_s"] = {{"before", ns(speedBefore)}, {"after", ns(speedAfter)}};
    if (const double during = speedDuring->reading().since({}); during > 0)
      out.run["speed_probe_cpu_s"]["during"] = ns(during);
    if (const double bursts = speedBursts->reading().since({}); bursts > 0)
      out.run["speed_probe_cpu_s"]["bursts"] = ns(bursts);
    // Where the speed moved within the run: its ~8 s parts apart (1.1-1.2 in steady runs here).
    const std::vector<SpeedProbeThread::Reading> seconds = speedBursts->bySecond();
    const auto size = static_cast<std::ptrdiff_t>(seconds.size());
    if (const double spread =
            speedSpread({seconds.begin() + std::min(burstsFrom, size), seconds.begin() + std::min(burstsTo, size)},
                        kSpreadStatements);
        spread > 0)
      out.run["speed_probe_cpu_s"]["bursts_spread"] = std::round(spread * 1000) / 1000;
  }
  // What a backend's start cost in this run (its own CPU up to its first answer, the postmaster's
  // fork left out), beside calibrate's connections.start_backend_s, measured beside readers keeping
  // its core as busy (README, "What a start costs in a live run").
  if (startsMeasured > 0)
    out.run["connection_start_backend_cpu_s"] = std::round(startCpu / static_cast<double>(startsMeasured) * 1e9) / 1e9;
  // The same on the start yardstick's connections, on average; and the harness's statements.
  if (startProbes > 0) out.run["start_probe_backend_cpu_s"] = std::round(startProbeSeconds / startProbes * 1e9) / 1e9;
  if (pid > 0) out.run["harness_clients"] = harnessClients;
  out.run["task_instance_table"] = taskInstanceTable(*admin, schemas);
  double bytes = 0;
  for (const auto& schema : schemas) bytes += schemaBytes(*admin, schema);
  // What the database measured, in place of what the model assumed.
  using namespace metric;
  nlohmann::json& m = out.metrics;
  for (auto& [name, entry] : m[kDbQueriesByType.name()].items()) {
    const auto type = queryTypeNamed(name);
    if (!type) continue;
    const size_t i = static_cast<size_t>(*type);
    entry["response_seconds"] = roundMetric(seconds[i]);
    if (pid > 0) entry["db_cpu_seconds"] = roundMetric(cpu[i]);
  }
  if (pid > 0) {
    double statementCpu = 0;
    for (double s : cpu) statementCpu += s;
    m[kDbCpuSecondsByPart.name()] = {{"statements", roundMetric(statementCpu)},
                                     {"server_processes", roundMetric(own)},
                                     {"other", roundMetric(std::max(0.0, busy - statementCpu - own))}};
  } else {
    m.erase(kDbCpuSecondsByPart.name());
  }
  const double hit = after.hit - before.hit, read = after.read - before.read;
  m[kDbCacheHitRatio.name()] = roundMetric(hit + read > 0 ? hit / (hit + read) : 1.0);
  if (waits) {
    nlohmann::json& w = m[kDbActiveBackendsByWaitEvent.name()] = nlohmann::json::object();
    for (const auto& [event, backends] : waitEvents) w[event] = roundMetric(backends);
    out.run["db_activity_samples"] = waits->samples();
  }
  m[kDbPagesReadFromDisk.name()] = read;
  m[kDbSizeBytes.name()] = {{"end", std::round(bytes)}, {"max", std::round(bytes)}};  // nothing was deleted
  // Measured for the whole server only.
  for (auto& [name, im] : out.metricsByInstance.items()) im.erase(kDbCpuSecondsByPart.name());
  if (pid == 0) {  // a server elsewhere: its CPU is not ours to read
    m.erase(kDbCpuUtilization.name());
    for (auto& [name, im] : out.metricsByInstance.items()) im.erase(kDbCpuUtilization.name());
  }
  return out;
}

}  // namespace schedlab
