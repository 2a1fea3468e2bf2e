#include "engine/Simulation.h"

#include <simgrid/plugins/load.h>
#include <simgrid/s4u.hpp>
#include <xbt/log.h>

#include <array>
#include <chrono>
#include <map>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "model/ArrivalProcess.h"
#include "model/Archiver.h"
#include "model/CeleryExecutor.h"
#include "model/DagFileProcessor.h"
#include "model/Random.h"
#include "model/SchedulerLoop.h"
#include "model/SlaMisses.h"
#include "results/LatencyStats.h"
#include "scenario/ScenarioJson.h"

namespace sg4 = simgrid::s4u;

namespace schedlab {

const char* const kTaskInstancesCsvHeader =
    "variant,dag_id,run_id,task_id,try,state,created_s,scheduled_s,queued_s,started_s,ended_s";
const char* const kTimeseriesCsvHeader =
    "variant,time_s,scheduler_loop_duration_s,queries_per_loop,db_utilization,queue_depth,running_tasks,"
    "busy_workers,db_size_bytes,task_instance_rows,db_cache_hit_ratio";

namespace {

using Clock = std::chrono::steady_clock;

double round6(double v) { return std::round(v * 1e6) / 1e6; }

std::string fmt(double v) {
  if (v < 0) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

nlohmann::json latencies(const LatencySamples& s) {
  std::vector<double> sorted = s.transition;  // sorted once for the summary and the CDF
  std::sort(sorted.begin(), sorted.end());
  nlohmann::json transition = toJson(summarizeSorted(sorted));
  transition["cdf"] = cdfJson(sorted);
  return {{"task_transition_latency_s", transition},
          {"schedule_delay_s", toJson(summarize(s.scheduleDelay))},
          {"dagrun_duration_s", toJson(summarize(s.dagrunDuration))},
          {"dagrun_done_after_due_s", toJson(summarize(s.dagrunDoneAfterDue))},
          {"trigger_to_start_s", toJson(summarize(s.triggerToStart))},
          {"trigger_to_done_s", toJson(summarize(s.triggerToDone))},
          {"queued_duration_s", toJson(summarize(s.queued))}};
}

// A metadata DB's running totals when the warm-up ended.
struct DbAtWarmup {
  double busySeconds = 0, pagesTouched = 0, pagesFromDisk = 0;
};

// What the metadata DBs did and hold: queries (total and by type), CPU utilisation and buffer
// cache hit ratio after the warm-up, rows per table and size, each as {"end", "max"}.
void dbMetrics(nlohmann::json& m, const std::vector<MetadataDb*>& dbs, const std::vector<DbAtWarmup>& atWarmup,
               double window) {
  long long total = 0;
  double busy = 0, pages = 0, fromDisk = 0;
  int cores = 0;
  std::array<long long, kQueryTypeCount> count{};
  std::array<double, kQueryTypeCount> seconds{};
  for (size_t k = 0; k < dbs.size(); ++k) {
    const MetadataDb& db = *dbs[k];
    total += db.queriesTotal();
    busy += db.busySeconds() - atWarmup[k].busySeconds;
    pages += db.pagesTouched() - atWarmup[k].pagesTouched;
    fromDisk += db.pagesFromDisk() - atWarmup[k].pagesFromDisk;
    cores += db.cores();
    for (size_t i = 0; i < kQueryTypeCount; ++i) {
      count[i] += db.countByType()[i];
      seconds[i] += db.secondsByType()[i];
    }
  }
  m["db_queries_total"] = total;
  m["db_cpu_utilization"] = round6(busy / (window * cores));
  // As PostgreSQL's pg_stat_database reports it: blks_hit / (blks_hit + blks_read).
  m["db_cache_hit_ratio"] = round6(pages > 0 ? 1.0 - fromDisk / pages : 1.0);
  m["db_pages_read_from_disk"] = std::round(fromDisk);
  nlohmann::json byType = nlohmann::json::object();
  for (size_t i = 0; i < kQueryTypeCount; ++i)
    if (count[i] > 0) byType[std::string(kQueries[i].name)] = {{"count", count[i]}, {"db_seconds", round6(seconds[i])}};
  m["db_queries_by_type"] = byType;
  nlohmann::json rows = nlohmann::json::object();
  double sizeEnd = 0, sizeMax = 0;
  for (size_t t = 0; t < kTableNames.size(); ++t) {
    double end = 0, max = 0;
    for (auto* db : dbs) {
      end += db->rows(static_cast<Table>(t));
      max += db->maxRows(static_cast<Table>(t));
    }
    rows[std::string(kTableNames[t])] = {{"end", end}, {"max", max}};
  }
  for (auto* db : dbs) {
    sizeEnd += db->sizeBytes();
    sizeMax += db->maxSizeBytes();
  }
  m["db_rows"] = rows;
  m["db_size_bytes"] = {{"end", std::round(sizeEnd)}, {"max", std::round(sizeMax)}};
}

std::string runId(const DagRun& run, const Scenario& sc) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s__%.0f_%d", run.external ? "manual" : "scheduled",
                run.executionDate - sc.run.start, run.ordinal);
  return buf;
}

}  // namespace

SimulationOutput runSimulation(const Scenario& sc, const SimulationOptions& options) {
  xbt_log_control_set("root.thres:critical");
  int argc = 1;
  char name[] = "schedlab";
  char* argv[] = {name, nullptr};
  // The engine and everything actors still block on at the horizon are deliberately never
  // destroyed: SimGrid aborts when a semaphore in use is freed, and the simulation process ends
  // right after this run anyway (see Isolated.h).
  sg4::Engine& engine = *new sg4::Engine(&argc, argv);
  sg_host_load_plugin_init();

  // Platform: hosts only. Everything that crosses hosts is modelled as latency of its own
  // (broker latency, DB round trip), so no network routes are needed.
  auto* zone = sg4::create_full_zone("world");
  const size_t instances = sc.instances.size();
  // One shared metadata DB, plus one per instance that has its own.
  std::vector<sg4::Host*> dbHosts{zone->create_host("metadb", MetadataDb::kCoreSpeed)->set_core_count(sc.metadb.cores)->seal()};
  std::vector<int> dbOfInstance(instances, 0);
  for (size_t i = 0; i < instances; ++i) {
    if (!sc.instances[i].ownMetadb) continue;
    dbOfInstance[i] = static_cast<int>(dbHosts.size());
    dbHosts.push_back(zone->create_host("metadb-" + sc.instances[i].name, MetadataDb::kCoreSpeed)
                          ->set_core_count(sc.metadb.cores)
                          ->seal());
  }
  std::vector<sg4::Host*> schedulerHosts;
  for (size_t i = 0; i < instances; ++i)
    schedulerHosts.push_back(zone->create_host("scheduler-" + sc.instances[i].name, 1e9)->set_core_count(64)->seal());
  sg4::Host* streamsHost = zone->create_host("external", 1e9)->seal();
  std::vector<sg4::Host*> workers;
  for (int w = 0; w < sc.executor.workers; ++w)
    workers.push_back(zone->create_host("worker-" + std::to_string(w), 1e9)
                          ->set_core_count(sc.executor.workerConcurrency)
                          ->seal());
  zone->seal();

  QueryCostModel costs = sc.metadb.calibration.empty() ? QueryCostModel::shipped()
                                                       : QueryCostModel::fromFile(sc.metadb.calibration);
  std::vector<MetadataDb*> dbs;
  bool sharedUsed = false;
  for (size_t i = 0; i < instances; ++i) sharedUsed |= !sc.instances[i].ownMetadb;
  for (size_t h = 0; h < dbHosts.size(); ++h) {
    std::map<std::string, double> initial = sc.metadb.initialRows;
    if (h > 0) {
      for (size_t i = 0; i < instances; ++i)
        if (dbOfInstance[i] == static_cast<int>(h)) initial = sc.instances[i].initialRows;
    }
    dbs.push_back(new MetadataDb(dbHosts[h], sc.metadb, costs, initial));
  }
  std::vector<MetadataDb*> instanceDb;
  for (size_t i = 0; i < instances; ++i) instanceDb.push_back(dbs[static_cast<size_t>(dbOfInstance[i])]);
  // A shared DB nobody uses (every instance has its own) is left out of the metrics.
  std::vector<MetadataDb*> liveDbs;
  for (size_t h = 0; h < dbs.size(); ++h)
    if (h > 0 || sharedUsed) liveDbs.push_back(dbs[h]);
  MetricsRecorder rec(sc.run.warmup);
  rec.recordTries = sc.run.taskInstancesCsv;
  rec.sampleFrom = sc.run.warmup;  // the first runs after the warm-up: a nightly batch is due at once
  WorkflowState state(sc, instanceDb, rec);
  std::vector<std::string> streamNames;
  for (auto& t : sc.triggers) streamNames.push_back(t.name);
  TriggerHub& hub = *new TriggerHub(streamNames);
  SimContext ctx{sc, instanceDb, rec, state, hub};
  CeleryExecutor& executor = *new CeleryExecutor(ctx, workers);
  ctx.executor = &executor;

  executor.start();
  for (size_t i = 0; i < instances; ++i) {
    const int inst = static_cast<int>(i);
    if (sc.scheduler.model == SchedulerModel::Airflow2) {
      sg4::Actor::create("scheduler", schedulerHosts[i], [&ctx, inst] { runAirflow2Scheduler(ctx, inst); });
    } else {
      sg4::Actor::create("scheduler", schedulerHosts[i], [&ctx, inst] { runAirflow1MainLoop(ctx, inst); });
      (new DagFileProcessorManager(ctx, inst, schedulerHosts[i]))->start();
    }
  }
  Archiver& archiver = *new Archiver(ctx, liveDbs);
  archiver.start(streamsHost);
  // Arrival streams, each with its own random stream so every variant sees the same arrivals.
  for (size_t i = 0; i < sc.triggers.size(); ++i) {
    sg4::Actor::create("trigger-" + sc.triggers[i].name, streamsHost, [&ctx, i] {
      const TriggerStream& t = ctx.scenario.triggers[i];
      ArrivalProcess arrivals(t, ctx.scenario.run.start, ctx.seed(), ctx.scenario.run.horizon);
      int dag = t.dag.empty() ? -1 : ctx.scenario.dagIndex(t.dag);
      for (double at = arrivals.next(); std::isfinite(at); at = arrivals.next()) {
        sg4::this_actor::sleep_until(at);
        ctx.recorder.triggerArrivals++;
        if (dag >= 0) {
          // An API trigger of the DAG itself (replica 0 of its definition).
          for (size_t d = 0; d < ctx.state.dags().size(); ++d)
            if (ctx.state.dags()[d].def == dag) {
              ctx.state.createRun(static_cast<int>(d), ctx.scenario.run.start + at, at, at, true, at);
              break;
            }
        } else {
          ctx.hub.arrive(static_cast<int>(i), at);
        }
      }
    });
  }
  // Warm-up end and time-series sampling.
  std::vector<DbAtWarmup> atWarmup(liveDbs.size());
  // A figure summed over the metadata DBs.
  auto total = [&](auto figure) {
    double sum = 0;
    for (const MetadataDb* d : liveDbs) sum += figure(*d);
    return sum;
  };
  const double totalCores = total([](const MetadataDb& d) { return d.cores(); });
  sg4::Actor::create("metrics", streamsHost, [&] {
    if (sc.run.warmup > 0) sg4::this_actor::sleep_until(sc.run.warmup);
    for (size_t i = 0; i < liveDbs.size(); ++i) {
      liveDbs[i]->startMeasuring();
      atWarmup[i] = {liveDbs[i]->busySeconds(), liveDbs[i]->pagesTouched(), liveDbs[i]->pagesFromDisk()};
    }
  });
  sg4::Actor::create("sampler", streamsHost, [&] {
    double lastBusy = 0, lastPages = 0, lastFromDisk = 0;
    for (double t = sc.run.sampleInterval; t <= sc.run.horizon + 1e-9; t += sc.run.sampleInterval) {
      sg4::this_actor::sleep_until(t);
      double busy = total([](const MetadataDb& d) { return d.busySeconds(); });
      TimeSeriesRow row;
      row.time = t;
      row.loopDuration = rec.intervalLoops > 0 ? rec.intervalLoopSeconds / rec.intervalLoops : 0;
      row.queriesPerLoop = rec.intervalLoops > 0 ? rec.intervalQueries / rec.intervalLoops : 0;
      row.dbUtilization = (busy - lastBusy) / (sc.run.sampleInterval * totalCores);
      row.queueDepth = static_cast<double>(executor.queueDepth());
      row.runningTasks = state.runningTasks();
      row.busyWorkers = executor.busyWorkers();
      row.dbSizeBytes = total([](const MetadataDb& d) { return d.sizeBytes(); });
      row.taskInstanceRows = total([](const MetadataDb& d) { return d.rows(Table::TaskInstance); });
      double pages = total([](const MetadataDb& d) { return d.pagesTouched(); });
      double fromDisk = total([](const MetadataDb& d) { return d.pagesFromDisk(); });
      row.dbCacheHitRatio = pages > lastPages ? 1.0 - (fromDisk - lastFromDisk) / (pages - lastPages) : 1.0;
      lastPages = pages;
      lastFromDisk = fromDisk;
      rec.timeseries.push_back(row);
      rec.intervalLoopSeconds = rec.intervalLoops = rec.intervalQueries = 0;
      lastBusy = busy;
    }
  });

  // Progress on stderr once a run has taken more than a wall second.
  const auto wallStart = Clock::now();
  long long events = 0;
  auto lastPrint = wallStart;
  engine.on_time_advance_cb([&](double /*delta*/) {
    ++events;
    if (!options.progress || (events & 0x3ff) != 0) return;
    auto t = Clock::now();
    if (t - wallStart < std::chrono::seconds(1) || t - lastPrint < std::chrono::milliseconds(500)) return;
    lastPrint = t;
    double now = sg4::Engine::get_clock();
    double wall = std::chrono::duration<double>(t - wallStart).count();
    std::fprintf(stderr, "\r[%s] virtual %.1f%% (%.0f of %.0f s), %.0f events/s   ", sc.variant.c_str(),
                 100.0 * now / sc.run.horizon, now, sc.run.horizon, static_cast<double>(events) / wall);
    std::fflush(stderr);
  });

  engine.run_until(sc.run.horizon);
  const double wall = std::chrono::duration<double>(Clock::now() - wallStart).count();
  if (options.progress && wall >= 1.0) std::fprintf(stderr, "\n");

  // Gather results.
  const double end = sc.run.horizon;
  const double window = end - sc.run.warmup;
  state.recordOpenTries(end);
  long long inFlight = state.tisInFlight();
  long long failed = rec.tasksFailed + rec.tasksUpstreamFailed;
  nlohmann::json metrics = latencies(rec.all);
  metrics["scheduler_loop_duration_s"] = toJson(summarize(rec.loopDurations));
  metrics["db_queries_per_loop"] = toJson(summarize(rec.queriesPerLoop));
  dbMetrics(metrics, liveDbs, atWarmup, window);
  metrics["tasks_created"] = rec.tasksCreated;
  metrics["tasks_succeeded"] = rec.tasksSucceeded;
  metrics["tasks_failed"] = failed;
  metrics["tasks_upstream_failed"] = rec.tasksUpstreamFailed;
  metrics["tasks_in_flight_at_end"] = inFlight;
  metrics["tasks_lost"] = rec.tasksCreated - rec.tasksSucceeded - failed - inFlight;
  metrics["dagruns_created"] = rec.dagrunsCreated;
  metrics["dagruns_succeeded"] = rec.dagrunsSucceeded;
  metrics["dagruns_failed"] = rec.dagrunsFailed;
  metrics["trigger_arrivals"] = rec.triggerArrivals;
  metrics["dagruns_recreated_by_catchup"] = rec.dagrunsRecreatedByCatchup;
  const std::vector<long long> slaMisses = countSlaMisses(state, sc.run.warmup, end);
  long long slaTotal = 0;
  for (long long m : slaMisses) slaTotal += m;
  metrics["sla_misses"] = slaTotal;
  // What the setup costs to keep up for the whole horizon: worker hosts and DB cores.
  metrics["worker_hours"] = round6(sc.executor.workers * end / 3600.0);
  metrics["db_core_hours"] = round6(totalCores * end / 3600.0);
  // With prices: what those hours cost (workers, plus the DB cores when they are priced too).
  if (sc.executor.pricePerWorkerHour >= 0)
    metrics["cost"] = round6(sc.executor.workers * end / 3600.0 * sc.executor.pricePerWorkerHour +
                             (sc.metadb.pricePerCoreHour >= 0 ? totalCores * end / 3600.0 * sc.metadb.pricePerCoreHour : 0));
  if (sc.archiving.enabled) {
    metrics["archiving_runs"] = archiver.runs();
    metrics["archiving_rows_deleted"] = archiver.rowsDeleted();
  }

  // Per scheduler instance: its DAGs' latencies, its loop, its DB.
  nlohmann::json byInstance = nlohmann::json::object();
  for (size_t i = 0; i < instances; ++i) {
    LatencySamples pooled;
    for (size_t d = 0; d < sc.dags.size(); ++d) {
      if (sc.dags[d].instance != static_cast<int>(i)) continue;
      const LatencySamples& s = rec.byDagDef[static_cast<int>(d)];
      for (auto field : {&LatencySamples::transition, &LatencySamples::scheduleDelay, &LatencySamples::dagrunDuration,
                         &LatencySamples::dagrunDoneAfterDue, &LatencySamples::triggerToStart,
                         &LatencySamples::triggerToDone, &LatencySamples::queued})
        (pooled.*field).insert((pooled.*field).end(), (s.*field).begin(), (s.*field).end());
    }
    nlohmann::json j = latencies(pooled);
    j["metadb"] = sc.instances[i].ownMetadb ? "own" : "shared";
    j["scheduler_loop_duration_s"] = toJson(summarize(rec.loopDurationsByInstance[static_cast<int>(i)]));
    j["db_queries_per_loop"] = toJson(summarize(rec.queriesPerLoopByInstance[static_cast<int>(i)]));
    size_t h = 0;
    while (liveDbs[h] != instanceDb[i]) ++h;
    dbMetrics(j, {liveDbs[h]}, {atWarmup[h]}, window);
    byInstance[sc.instances[i].name] = j;
  }

  nlohmann::json byDag = nlohmann::json::object();
  for (size_t d = 0; d < sc.dags.size(); ++d) {
    const LatencySamples& s = rec.byDagDef[static_cast<int>(d)];
    nlohmann::json j = latencies(s);
    j["db_queries_per_pass"] = toJson(summarize(s.queriesPerPass));
    j["dagruns_recreated_by_catchup"] = rec.dagrunsRecreatedByDef[static_cast<int>(d)];
    j["sla_misses"] = slaMisses[d];
    byDag[sc.dags[d].name] = j;
  }

  // One finished run per DAG definition of several tasks, of median duration among the sampled
  // ones, with its tries: what a Gantt chart of "a typical run" needs.
  nlohmann::json sampleRuns = nlohmann::json::object();
  for (const auto& [def, count] : rec.sampledRunsByDef) {
    if (sc.dags[def].tasks.size() < 2) continue;
    std::vector<std::pair<double, int>> finished;
    for (int r : rec.sampledRuns) {
      const DagRun& run = state.run(r);
      if (state.dags()[run.dag].def == def && run.ended >= 0) finished.push_back({run.ended - run.created, r});
    }
    if (finished.empty()) continue;
    std::sort(finished.begin(), finished.end());
    const int chosen = finished[finished.size() / 2].second;
    nlohmann::json tries = nlohmann::json::array();
    for (const TryRecord& t : rec.sampleTries) {
      if (t.run != chosen) continue;
      tries.push_back({sc.dags[def].tasks[t.task].id, t.tryNumber, t.state, round6(t.created), round6(t.scheduled),
                       round6(t.queued), round6(t.started), round6(t.ended)});
    }
    sampleRuns[sc.dags[def].name] = {{"dag_id", state.dags()[state.run(chosen).dag].id},
                                     {"run_id", runId(state.run(chosen), sc)},
                                     {"duration_s", round6(finished[finished.size() / 2].first)},
                                     {"columns", {"task_id", "try", "state", "created_s", "scheduled_s", "queued_s",
                                                  "started_s", "ended_s"}},
                                     {"tries", tries}};
  }

  SimulationOutput out;
  out.variant = {{"name", sc.variant},
                 {"description", sc.description},
                 {"config", toJson(sc)},
                 {"metrics", metrics},
                 {"metrics_by_dag", byDag},
                 {"metrics_by_instance", byInstance},
                 {"sample_runs", sampleRuns},
                 {"sim",
                  {{"virtual_seconds", end},
                   {"wall_seconds", round6(wall)},
                   {"events", events},
                   {"events_per_second", std::round(static_cast<double>(events) / std::max(wall, 1e-9))},
                   {"task_instances", static_cast<long long>(state.tiCount())},
                   // Where the query costs came from, so a result says which measurement it rests on.
                   {"calibration",
                    {{"origin", costs.origin()},
                     {"status", costs.provenance().value("status", "")},
                     {"date", costs.provenance().value("date", "")},
                     {"postgres", costs.provenance().value("postgres", "")}}}}}};

  std::ostringstream tis;
  for (const TryRecord& r : rec.tries) {
    const Dag& dag = state.dags()[r.dag];
    tis << sc.variant << ',' << dag.id << ',' << runId(state.run(r.run), sc) << ','
        << sc.dags[dag.def].tasks[r.task].id << ',' << r.tryNumber << ',' << r.state << ',' << fmt(r.created)
        << ',' << fmt(r.scheduled) << ',' << fmt(r.queued) << ',' << fmt(r.started) << ',' << fmt(r.ended)
        << '\n';
  }
  out.taskInstancesCsv = tis.str();
  std::ostringstream ts;
  for (const TimeSeriesRow& r : rec.timeseries) {
    ts << sc.variant << ',' << fmt(r.time) << ',' << fmt(r.loopDuration) << ',' << fmt(r.queriesPerLoop) << ','
       << fmt(r.dbUtilization) << ',' << r.queueDepth << ',' << r.runningTasks << ',' << r.busyWorkers << ','
       << std::llround(r.dbSizeBytes) << ',' << std::llround(r.taskInstanceRows) << ',' << fmt(r.dbCacheHitRatio)
       << '\n';
  }
  out.timeseriesCsv = ts.str();
  return out;
}

}  // namespace schedlab
