#include "engine/ModelRun.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "model/ArrivalProcess.h"
#include "model/DagFileProcessor.h"
#include "model/SchedulerLoop.h"
#include "model/SlaMisses.h"
#include "results/LatencyStats.h"
#include "scenario/ScenarioJson.h"

namespace schedlab {

const char* const kTaskInstancesCsvHeader =
    "variant,dag_id,run_id,task_id,try,state,created_s,scheduled_s,queued_s,started_s,ended_s,hostname,queued_by";
const char* const kPoolTimeseriesCsvHeader =
    "variant,time_s,pool,workers,workers_up,queue_depth,in_flight_tasks,worker_cpu_utilization";
const char* const kScalingCsvHeader = "variant,time_s,pool,action,workers_before,workers_after,queue_depth,in_flight_tasks,"
                                      "worker_cpu_utilization";

nlohmann::json SimulationOutput::toJson() const {
  return {{"variant", variant}, {"tis", taskInstancesCsv}, {"ts", timeseriesCsv}, {"pts", poolTimeseriesCsv},
          {"scaling", scalingCsv}};
}

SimulationOutput SimulationOutput::fromJson(const nlohmann::json& j) {
  return {j.at("variant"), j.at("tis").get<std::string>(), j.at("ts").get<std::string>(),
          j.at("pts").get<std::string>(), j.at("scaling").get<std::string>()};
}

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

// What the metadata DBs did and hold: queries (total and by type), CPU utilisation and buffer
// cache hit ratio after the warm-up, rows per table and size, each as {"end", "max"}.
void dbMetrics(nlohmann::json& m, const std::vector<MetadataDb*>& dbs, const std::vector<ModelRun::DbAtWarmup>& atWarmup,
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


size_t ModelRun::dbCount(const Scenario& sc) {
  size_t n = 1;
  for (const auto& inst : sc.instances) n += inst.ownMetadb;
  return n;
}

namespace {
std::vector<std::string> streamNames(const Scenario& sc) {
  std::vector<std::string> names;
  for (auto& t : sc.triggers) names.push_back(t.name);
  return names;
}

std::vector<MetadataDb*> instanceDbs(const Scenario& sc, const std::vector<std::unique_ptr<MetadataDb>>& dbs) {
  std::vector<MetadataDb*> out;
  size_t own = 0;
  for (const auto& inst : sc.instances) out.push_back(inst.ownMetadb ? dbs[++own].get() : dbs[0].get());
  return out;
}
}  // namespace

ModelRun::ModelRun(const Scenario& sc, Runtime& rt, const ServiceFactory& services)
    : sc_(sc),
      rt_(rt),
      costs_(sc.metadb.calibration.empty() ? QueryCostModel::shipped() : QueryCostModel::fromFile(sc.metadb.calibration)),
      ownedDbs_([&] {
        std::vector<std::unique_ptr<MetadataDb>> dbs;
        dbs.push_back(std::make_unique<MetadataDb>(sc.metadb, costs_, sc.metadb.initialRows, services(0)));
        for (const auto& inst : sc.instances)
          if (inst.ownMetadb)
            dbs.push_back(std::make_unique<MetadataDb>(sc.metadb, costs_, inst.initialRows, services(dbs.size())));
        return dbs;
      }()),
      instanceDb_(instanceDbs(sc, ownedDbs_)),
      rec_(sc.run.warmup),
      state_(sc, instanceDb_, rec_),
      hub_(rt, streamNames(sc)),
      ctx_{sc, rt, instanceDb_, rec_, state_, hub_} {
  bool sharedUsed = false;
  for (const auto& inst : sc.instances) sharedUsed |= !inst.ownMetadb;
  for (size_t h = 0; h < ownedDbs_.size(); ++h)
    if (h > 0 || sharedUsed) usedDbs_.push_back(ownedDbs_[h].get());
  atWarmup_.resize(usedDbs_.size());
  for (auto& db : ownedDbs_) db->slotPoolLock = rt.semaphore(1);
  std::vector<MetadataDb::Failover> failovers;
  for (size_t k = 0; k < sc.faults.size(); ++k) {
    const Fault& f = sc.faults[k];
    if (f.kind == Fault::Kind::DbFailover) failovers.push_back({f.at, f.at + f.duration, f.failsQueries, static_cast<int>(k)});
  }
  if (!failovers.empty())
    for (auto& db : ownedDbs_) db->setFailovers(rt, failovers);
  workerCpuAtWarmup_.assign(workerHostsOf(sc.executor).size(), 0);
  poolBilledAtWarmup_.assign(sc.executor.pools.size(), 0);
  totalCores_ = total([](const MetadataDb& d) { return d.cores(); });
  rec_.recordTries = sc.run.taskInstancesCsv;
  rec_.sampleFrom = sc.run.warmup;  // the first runs after the warm-up: a nightly batch is due at once
  executor_ = std::make_unique<CeleryExecutor>(ctx_);
  ctx_.executor = executor_.get();
  jobs_ = std::make_unique<SchedulerJobs>(ctx_);
  ctx_.jobs = jobs_.get();
  archiver_ = std::make_unique<Archiver>(ctx_, usedDbs_);
}

double ModelRun::total(const std::function<double(const MetadataDb&)>& figure) const {
  double sum = 0;
  for (const MetadataDb* d : usedDbs_) sum += figure(*d);
  return sum;
}

void ModelRun::start() {
  const Scenario& sc = sc_;
  SimContext& ctx = ctx_;
  executor_->start();
  jobs_->start();
  for (size_t i = 0; i < sc.instances.size(); ++i) {
    const int inst = static_cast<int>(i);
    if (sc.scheduler.model == SchedulerModel::Airflow2) {
      for (int r = 0; r < sc.scheduler.replicas; ++r)
        rt_.spawn("scheduler", [&ctx, inst, r] { runAirflow2Scheduler(ctx, inst, r); });
    } else {
      rt_.spawn("scheduler", [&ctx, inst] { runAirflow1MainLoop(ctx, inst); });
      // Lives as long as its actors: the runtime's end (never destroyed on SimGrid).
      processors_.push_back(std::make_unique<DagFileProcessorManager>(ctx, inst));
      processors_.back()->start();
    }
  }
  archiver_->start();
  // Arrival streams, each with its own random stream so every variant sees the same arrivals.
  for (size_t i = 0; i < sc.triggers.size(); ++i) {
    rt_.spawn("trigger-" + sc.triggers[i].name, [&ctx, i] {
      const TriggerStream& t = ctx.scenario.triggers[i];
      ArrivalProcess arrivals(t, ctx.scenario.run.start, ctx.seed(), ctx.scenario.run.horizon);
      int dag = t.dag.empty() ? -1 : ctx.scenario.dagIndex(t.dag);
      for (double at = arrivals.next(); std::isfinite(at); at = arrivals.next()) {
        ctx.rt.sleepUntil(at);
        ctx.recorder.triggerArrivals++;
        if (dag >= 0) {
          // An API trigger of the DAG itself (replica 0 of its definition): the API server
          // INSERTs the run and its task instances.
          for (size_t d = 0; d < ctx.state.dags().size(); ++d) {
            if (ctx.state.dags()[d].def != dag) continue;
            const int run = ctx.state.createRun(static_cast<int>(d), ctx.scenario.run.start + at, at, at, true, at);
            MetadataDb& db = ctx.db(ctx.state.dags()[d].instance);
            QueryBatch insert = db.batch();
            insert.add(QueryType::DagRunInsert, static_cast<double>(ctx.scenario.dags[dag].tasks.size()), 0, 1,
                       {.run = run});
            db.execute(insert);
            break;
          }
        } else {
          ctx.hub.arrive(static_cast<int>(i), at);
        }
      }
    });
  }
  // Warm-up end and time-series sampling.
  rt_.spawn("metrics", [this] {
    if (sc_.run.warmup > 0) rt_.sleepUntil(sc_.run.warmup);
    for (size_t i = 0; i < usedDbs_.size(); ++i) {
      usedDbs_[i]->startMeasuring();
      atWarmup_[i] = {usedDbs_[i]->busySeconds(), usedDbs_[i]->pagesTouched(), usedDbs_[i]->pagesFromDisk()};
    }
    for (size_t h = 0; h < workerCpuAtWarmup_.size(); ++h) workerCpuAtWarmup_[h] = rt_.computedSeconds(static_cast<int>(h));
    for (size_t p = 0; p < executor_->pools().size(); ++p)
      poolBilledAtWarmup_[p] = executor_->billedSeconds(executor_->pools()[p], rt_.now());
  });
  rt_.spawn("sampler", [this] { sample(); });
}

void ModelRun::sample() {
  const Scenario& sc = sc_;
  MetricsRecorder& rec = rec_;
  double lastBusy = 0, lastPages = 0, lastFromDisk = 0;
  std::vector<double> lastComputed(workerHostsOf(sc.executor).size(), 0), lastBilled(executor_->pools().size(), 0);
  for (double t = sc.run.sampleInterval; t <= sc.run.horizon + 1e-9; t += sc.run.sampleInterval) {
    rt_.sleepUntil(t);
    double busy = total([](const MetadataDb& d) { return d.busySeconds(); });
    TimeSeriesRow row;
    row.time = t;
    row.loopDuration = rec.intervalLoops > 0 ? rec.intervalLoopSeconds / rec.intervalLoops : 0;
    row.queriesPerLoop = rec.intervalLoops > 0 ? rec.intervalQueries / rec.intervalLoops : 0;
    row.dbUtilization = (busy - lastBusy) / (sc.run.sampleInterval * totalCores_);
    row.queueDepth = static_cast<double>(executor_->queueDepth());
    row.runningTasks = state_.runningTasks();
    row.busyWorkers = executor_->busyWorkers();
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
    // Per pool: its workers, its queues, its tries and its CPU over the interval.
    for (size_t p = 0; p < executor_->pools().size(); ++p) {
      const CeleryExecutor::Pool& pool = executor_->pools()[p];
      double computed = 0, billed = executor_->billedSeconds(pool, t);
      for (const auto& w : pool.workers) {
        const double c = rt_.computedSeconds(w.host);
        computed += c - lastComputed[static_cast<size_t>(w.host)];
        lastComputed[static_cast<size_t>(w.host)] = c;
      }
      const double cpu = billed > lastBilled[p] ? computed / ((billed - lastBilled[p]) * pool.config->cores) : 0;
      lastBilled[p] = billed;
      std::ostringstream row;
      row << sc.variant << ',' << fmt(t) << ',' << pool.config->name << ',' << CeleryExecutor::workersOn(pool) << ','
          << CeleryExecutor::workersUp(pool) << ',' << executor_->visibleFor(pool) << ','
          << CeleryExecutor::inFlight(pool) << ',' << fmt(cpu) << '\n';
      poolRows_ += row.str();
    }
  }
}

SimulationOutput ModelRun::results(double end, nlohmann::json run) {
  const Scenario& sc = sc_;
  WorkflowState& state = state_;
  MetricsRecorder& rec = rec_;
  const std::vector<MetadataDb*>& instanceDb = instanceDb_;
  const std::vector<DbAtWarmup>& atWarmup = atWarmup_;
  const size_t instances = sc.instances.size();
  const double totalCores = totalCores_;
  const double window = end - sc.run.warmup;
  state.recordOpenTries(end);
  long long inFlight = state.tisInFlight();
  long long failed = rec.tasksFailed + rec.tasksUpstreamFailed;
  nlohmann::json metrics = latencies(rec.all);
  metrics["scheduler_loop_duration_s"] = toJson(summarize(rec.loopDurations));
  metrics["db_queries_per_loop"] = toJson(summarize(rec.queriesPerLoop));
  dbMetrics(metrics, usedDbs_, atWarmup, window);
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
  metrics["sensor_reschedules"] = rec.sensorReschedules;
  if (sc.scheduler.model == SchedulerModel::Airflow2) metrics["critical_section_busy"] = rec.criticalSectionBusy;
  metrics["dagruns_recreated_by_catchup"] = rec.dagrunsRecreatedByCatchup;
  const std::vector<long long> slaMisses = countSlaMisses(state, sc.run.warmup, end);
  long long slaTotal = 0;
  for (long long m : slaMisses) slaTotal += m;
  metrics["sla_misses"] = slaTotal;
  // What the setup costs to keep up for the whole horizon: worker hosts and DB cores; with
  // prices, what those hours cost (each priced pool, plus the DB cores when they are priced).
  double workerHours = 0, cost = 0;
  bool priced = false;
  long long scaleOut = 0, scaleIn = 0, killed = 0, killedByDeploy = 0, killedByCrash = 0, zombies = 0, redelivered = 0;
  nlohmann::json byPool = nlohmann::json::object(), hoursByPool = nlohmann::json::object();
  for (size_t i = 0; i < executor_->pools().size(); ++i) {
    const CeleryExecutor::Pool& pool = executor_->pools()[i];
    const WorkerPoolConfig& cfg = *pool.config;
    const double billed = executor_->billedSeconds(pool, end);
    const double hours = billed / 3600.0;
    double computed = 0;
    for (const auto& w : pool.workers)
      computed += rt_.computedSeconds(w.host) - workerCpuAtWarmup_[static_cast<size_t>(w.host)];
    const double billedWindow = billed - poolBilledAtWarmup_[i];
    workerHours += hours;
    hoursByPool[cfg.name] = round6(hours);
    scaleOut += pool.scaleOut;
    scaleIn += pool.scaleIn;
    killed += pool.killed;
    killedByDeploy += pool.killedByDeploy;
    killedByCrash += pool.killedByCrash;
    zombies += pool.zombies;
    redelivered += pool.redelivered;
    nlohmann::json p = {{"worker_hours", round6(hours)},
                        {"workers_max", pool.peakOn},
                        {"tries_run", pool.triesRun},
                        // Core-seconds computed over the cores its hosts were up for, after the warm-up.
                        {"worker_cpu_utilization", billedWindow > 0 ? round6(computed / (billedWindow * cfg.cores)) : 0.0},
                        {"scale_events", {{"out", pool.scaleOut}, {"in", pool.scaleIn}}},
                        {"workers_launched", pool.launched},
                        {"workers_terminated", pool.terminated},
                        {"tasks_killed_by_scale_in", pool.killed},
                        {"tasks_killed_by_deploy", pool.killedByDeploy},
                        {"tasks_killed_by_worker_crash", pool.killedByCrash},
                        {"tasks_redelivered", pool.redelivered},
                        {"zombies_killed", pool.zombies}};
    if (cfg.pricePerWorkerHour >= 0) {
      priced = true;
      cost += hours * cfg.pricePerWorkerHour;
      p["cost"] = round6(hours * cfg.pricePerWorkerHour);
    }
    byPool[cfg.name] = p;
  }
  metrics["worker_hours"] = round6(workerHours);
  metrics["worker_hours_by_pool"] = hoursByPool;
  metrics["scale_events"] = {{"out", scaleOut}, {"in", scaleIn}};
  metrics["tasks_killed_by_scale_in"] = killed;
  metrics["tasks_killed_by_deploy"] = killedByDeploy;
  metrics["tasks_killed_by_worker_crash"] = killedByCrash;
  // What each fault cost: transitions and SLA deadlines during its window and in the hour after.
  if (!sc.faults.empty()) {
    nlohmann::json byFault = nlohmann::json::object();
    auto window = [&](double from, double to) {
      std::vector<double> samples;
      for (size_t k = 0; k < rec.all.transition.size(); ++k)
        if (rec.transitionAt[k] >= from && rec.transitionAt[k] < to) samples.push_back(rec.all.transition[k]);
      long long misses = 0;
      for (long long m : countSlaMisses(state, std::max(from, sc.run.warmup), std::min(to, end))) misses += m;
      return nlohmann::json{{"from_s", from}, {"to_s", std::min(to, end)},
                            {"task_transition_latency_s", toJson(summarize(samples))}, {"sla_misses", misses}};
    };
    for (size_t k = 0; k < sc.faults.size(); ++k) {
      const Fault& f = sc.faults[k];
      double to = f.at + f.duration;
      nlohmann::json extra = nlohmann::json::object();
      if (f.kind == Fault::Kind::SchedulerCrash) {
        // Its window lasts until a process runs the crashed scheduler again (or the run ends).
        const SchedulerJobs::Crash* crash = nullptr;
        for (const auto& c : jobs_->crashes())
          if (c.fault == static_cast<int>(k)) crash = &c;
        to = crash && crash->backAt >= 0 ? crash->backAt : end;
        extra = {{"scheduler_back_after_s", crash && crash->backAt >= 0 ? nlohmann::json(round6(crash->backAt - f.at))
                                                                         : nlohmann::json(nullptr)},
                 {"scheduler_unavailable_s", round6(jobs_->unavailableSecondsOf(static_cast<int>(k), end))},
                 {"outage_detected_after_s", crash && crash->alertAt >= 0 ? nlohmann::json(round6(crash->alertAt - f.at))
                                                                           : nlohmann::json(nullptr)},
                 {"orphans_taken_over_after_s", crash && crash->sweptAt >= 0 ? nlohmann::json(round6(crash->sweptAt - f.at))
                                                                              : nlohmann::json(nullptr)},
                 {"orphaned_tasks_adopted", crash ? crash->adopted : 0},
                 {"orphaned_tasks_cleared", crash ? crash->reset : 0}};
      }
      if (f.kind == Fault::Kind::DbFailover && f.failsQueries) {
        // Schedulers that exited on the errors (each restart that met the DB still away exits again).
        long long exits = 0;
        double back = -1;
        for (const auto& c : jobs_->crashes())
          if (c.fault == static_cast<int>(k)) {
            ++exits;
            back = std::max(back, c.backAt < 0 ? end : c.backAt);
          }
        extra = {{"mode", "error"}, {"scheduler_exits", exits},
                 {"scheduler_unavailable_s", round6(jobs_->unavailableSecondsOf(static_cast<int>(k), end))},
                 {"schedulers_back_after_s", exits > 0 && back < end ? nlohmann::json(round6(back - f.at)) : nlohmann::json(nullptr)}};
      }
      nlohmann::json j = {{"kind", faultKindName(f.kind)}, {"during", window(f.at, to)},
                          {"after", window(to, to + f.afterWindow)}};
      j.update(extra);
      byFault[f.name] = j;
    }
    metrics["by_fault"] = byFault;
  }
  // Scheduler processes: how long an instance had none, what the alert saw, what was orphaned.
  metrics["scheduler_unavailable_s"] = round6(jobs_->unavailableSeconds(0, end));
  {
    nlohmann::json detected = nullptr;
    for (const auto& c : jobs_->crashes())
      if (c.alertAt >= 0) {
        detected = round6(c.alertAt - c.at);
        break;
      }
    metrics["outage_detected_after_s"] = detected;  // of the first scheduler crash the alert caught
  }
  metrics["scheduler_alerts"] = static_cast<long long>(jobs_->alerts().size());
  metrics["scheduler_restarts"] = jobs_->restarts();
  metrics["standby_takeovers"] = jobs_->takeovers();
  metrics["orphaned_tasks_adopted"] = jobs_->adopted();
  metrics["orphaned_tasks_cleared"] = jobs_->reset();
  metrics["stale_messages"] = executor_->staleMessages();
  metrics["scheduler_exits_on_db_errors"] = jobs_->exitsOnDbErrors();
  metrics["tasks_failed_on_db_errors"] = executor_->failedOnDbErrors();
  metrics["task_ends_lost_on_db_errors"] = executor_->endsLostOnDbErrors();
  // The invariant every run is checked for: no task instance runs twice at once, whatever the
  // schedulers, crashes, adoptions and redeliveries did.
  metrics["tasks_run_twice_at_once"] = executor_->runTwiceAtOnce();
  metrics["tasks_redelivered"] = redelivered;
  metrics["zombies_killed"] = zombies;
  metrics["db_core_hours"] = round6(totalCores * end / 3600.0);
  // Scheduler hosts: every replica of every instance, and a hot standby's.
  const double schedulerHosts = static_cast<double>(instances) * (sc.scheduler.replicas + (sc.scheduler.hotStandby ? 1 : 0));
  metrics["scheduler_host_hours"] = round6(schedulerHosts * end / 3600.0);
  if (sc.scheduler.pricePerHostHour >= 0) {
    priced = true;
    cost += schedulerHosts * end / 3600.0 * sc.scheduler.pricePerHostHour;
  }
  if (priced)
    metrics["cost"] = round6(cost + (sc.metadb.pricePerCoreHour >= 0 ? totalCores * end / 3600.0 * sc.metadb.pricePerCoreHour : 0));
  if (sc.archiving.enabled) {
    metrics["archiving_runs"] = archiver_->runs();
    metrics["archiving_rows_deleted"] = archiver_->rowsDeleted();
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
    while (usedDbs_[h] != instanceDb[i]) ++h;
    dbMetrics(j, {usedDbs_[h]}, {atWarmup[h]}, window);
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
                 {"metrics_by_pool", byPool},
                 {"sample_runs", sampleRuns},
                 {"sim", run}};
  out.variant["sim"]["task_instances"] = static_cast<long long>(state.tiCount());
  // Where the query costs came from, so a result says which measurement it rests on.
  out.variant["sim"]["calibration"] = {{"origin", costs_.origin()},
                                       {"status", costs_.provenance().value("status", "")},
                                       {"date", costs_.provenance().value("date", "")},
                                       {"postgres", costs_.provenance().value("postgres", "")}};

  std::ostringstream tis;
  const std::vector<WorkerHost> hosts = workerHostsOf(sc.executor);
  // A scheduler by name: its instance's, with "#k" for the k-th of several replicas.
  auto schedulerName = [&](int id) -> std::string {
    if (id < 0) return "";
    const int replicas = sc.scheduler.replicas;
    const std::string& inst = sc.instances[static_cast<size_t>(id / replicas)].name;
    return replicas == 1 ? inst : inst + "#" + std::to_string(id % replicas + 1);
  };
  for (const TryRecord& r : rec.tries) {
    const Dag& dag = state.dags()[r.dag];
    tis << sc.variant << ',' << dag.id << ',' << runId(state.run(r.run), sc) << ','
        << sc.dags[dag.def].tasks[r.task].id << ',' << r.tryNumber << ',' << r.state << ',' << fmt(r.created)
        << ',' << fmt(r.scheduled) << ',' << fmt(r.queued) << ',' << fmt(r.started) << ',' << fmt(r.ended) << ','
        << (r.host >= 0 ? hosts[static_cast<size_t>(r.host)].name : "") << ',' << schedulerName(r.queuedBy) << '\n';
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
  out.poolTimeseriesCsv = poolRows_;
  std::ostringstream scaling;
  for (const auto& r : executor_->scaling())
    scaling << sc.variant << ',' << fmt(r.time) << ',' << executor_->pools()[static_cast<size_t>(r.pool)].config->name
            << ',' << (r.out ? "out" : "in") << ',' << r.before << ',' << r.after << ',' << r.load.visible << ','
            << r.load.inFlight << ',' << fmt(r.load.cpu) << '\n';
  out.scalingCsv = scaling.str();
  return out;
}

}  // namespace schedlab
