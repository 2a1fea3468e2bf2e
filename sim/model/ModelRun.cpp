#include "model/ModelRun.h"

#include <algorithm>
#include <cmath>

#include "model/ArrivalProcess.h"
#include "model/DagFileProcessor.h"
#include "model/DagProcessor.h"
#include "model/FaultMetrics.h"
#include "model/SchedulerLoop.h"
#include "model/SlaMisses.h"
#include "model/WorkflowMetrics.h"
#include "results/MetricSchema.h"
#include "scenario/ScenarioJson.h"

namespace schedlab {

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

// The DBs some instance uses: a shared DB nobody uses is left out of the metrics.
std::vector<MetadataDb*> usedDbsOf(const Scenario& sc, const std::vector<std::unique_ptr<MetadataDb>>& dbs) {
  bool sharedUsed = false;
  for (const auto& inst : sc.instances) sharedUsed |= !inst.ownMetadb;
  std::vector<MetadataDb*> used;
  for (size_t h = 0; h < dbs.size(); ++h)
    if (h > 0 || sharedUsed) used.push_back(dbs[h].get());
  return used;
}
}  // namespace

ModelRun::ModelRun(const Scenario& sc, Runtime& rt, const ServiceFactory& services)
    : sc_(sc),
      rt_(rt),
      costs_([&] {
        QueryCostModel c =
            sc.metadb.calibration.empty() ? QueryCostModel::shipped() : QueryCostModel::fromFile(sc.metadb.calibration);
        // Airflow 3.1's schema and statements cost an airflow3 run where the calibration measured them.
        return sc.scheduler.model == SchedulerModel::Airflow3 ? c.airflow3() : c;
      }()),
      ownedDbs_([&] {
        std::vector<std::unique_ptr<MetadataDb>> dbs;
        dbs.push_back(std::make_unique<MetadataDb>(sc.metadb, costs_, sc.metadb.initialRows, services(0)));
        for (const auto& inst : sc.instances)
          if (inst.ownMetadb)
            dbs.push_back(std::make_unique<MetadataDb>(sc.metadb, costs_, inst.initialRows, services(dbs.size())));
        return dbs;
      }()),
      instanceDb_(instanceDbs(sc, ownedDbs_)),
      usedDbs_(usedDbsOf(sc, ownedDbs_)),
      dbMetrics_(usedDbs_),
      rec_(sc.run.warmup),
      state_(sc, instanceDb_, rec_),
      hub_(rt, streamNames(sc)),
      ctx_{sc, rt, IdTable<InstanceId, MetadataDb*>(instanceDb_), rec_, state_, hub_} {
  for (auto& db : ownedDbs_) db->slotPoolLock = rt.semaphore(1);
  std::vector<MetadataDb::Failover> failovers;
  for (size_t k = 0; k < sc.faults.size(); ++k) {
    const Fault& f = sc.faults[k];
    if (f.kind == Fault::Kind::DbFailover)
      failovers.push_back({f.at, f.at + f.duration, f.failsQueries, static_cast<int>(k)});
  }
  if (!failovers.empty())
    for (auto& db : ownedDbs_) db->setFailovers(rt, failovers);
  // A live DB service names task instances in its SQL, even a stale message's: keep them whole.
  state_.releaseFinishedRuns(
      std::none_of(ownedDbs_.begin(), ownedDbs_.end(), [](const auto& db) { return db->recordsSubjects(); }));
  rec_.recordTries = sc.run.taskInstancesCsv;
  rec_.keepTransitionTimes = !sc.faults.empty();  // addFaultMetrics' windows
  rec_.oneDagDef = sc.dags.size() == 1;
  rec_.sampleFrom = sc.run.warmup;  // the first runs after the warm-up: a nightly batch is due at once
  executor_ = makeExecutor(ctx_);
  ctx_.executor = executor_.get();
  jobs_ = std::make_unique<SchedulerJobs>(ctx_);
  ctx_.jobs = jobs_.get();
  archiver_ = std::make_unique<Archiver>(ctx_, usedDbs_);
  if (sc.scheduler.model == SchedulerModel::Airflow3) {
    // Its instances follow the executor's hosts among the runtime's compute hosts.
    api_ = std::make_unique<ApiServer>(ctx_, static_cast<int>(executorHosts(sc.executor).size()));
    ctx_.api = api_.get();
  }
  if (sc.triggerer.deployed) {
    triggerer_ = std::make_unique<Triggerer>(ctx_);
    ctx_.triggerer = triggerer_.get();
  }
  if (sc.usesAssets()) {
    assets_ = std::make_unique<AssetRegistry>(sc, state_);
    ctx_.assets = assets_.get();
  }
}

void ModelRun::streamTries(const std::string& path) {
  if (!sc_.run.taskInstancesCsv) return;
  tryStream_ = std::make_unique<TryStream>(ctx_, executor_->hosts(), path);
  rec_.tryStream = [this](const TryRecord& r) { tryStream_->add(r); };
}

void ModelRun::streamLoops(const std::string& path) {
  if (!sc_.run.loopsCsv) return;
  loopStream_ = std::make_unique<LoopStream>(sc_, path);
  ctx_.loops = loopStream_.get();
}

void ModelRun::start() {
  const Scenario& sc = sc_;
  SimContext& ctx = ctx_;
  executor_->start();
  jobs_->start();
  for (InstanceId inst : IdRange<InstanceId>(sc.instances.size())) {
    if (sc.scheduler.model != SchedulerModel::Airflow1) {  // airflow2, airflow3: the 2.x loop
      for (int r = 0; r < sc.scheduler.replicas; ++r)
        rt_.spawn("scheduler", [&ctx, inst, r] { runAirflow2Scheduler(ctx, inst, r); });
      if (sc.scheduler.model == SchedulerModel::Airflow3)
        for (int p = 0; p < sc.scheduler.dagProcessorInstances; ++p) {
          dagProcessors_.push_back(std::make_unique<DagProcessor>(ctx, inst, p, sc.scheduler.dagProcessorInstances));
          dagProcessors_.back()->start();
        }
    } else {
      rt_.spawn("scheduler", [&ctx, inst] { runAirflow1MainLoop(ctx, inst); });
      // Lives as long as its actors: the runtime's end (never destroyed on SimGrid).
      processors_.push_back(std::make_unique<DagFileProcessorManager>(ctx, inst));
      processors_.back()->start();
    }
  }
  archiver_->start();
  // Clients other than Airflow's, on each DB: a statement every `every`, from the first interval on.
  for (auto& db : ownedDbs_)
    for (const OtherDbClient& c : sc.metadb.otherClients)
      rt_.spawn("other-client", [this, db = db.get(), c] {
        for (long k = 1; k * c.every <= sc_.run.horizon + 1e-9; ++k) {
          rt_.sleepUntil(static_cast<double>(k) * c.every);
          db->serveOtherClient(c.cpu);
        }
      });
  if (api_) api_->start();
  if (triggerer_) triggerer_->start();
  // Arrival streams, each with its own random stream so every variant sees the same arrivals.
  for (size_t i = 0; i < sc.triggers.size(); ++i) {
    rt_.spawn("trigger-" + sc.triggers[i].name, [&ctx, i] {
      const TriggerStream& t = ctx.scenario.triggers[i];
      ArrivalProcess arrivals(t, ctx.scenario.run.start, ctx.seed(), ctx.scenario.run.horizon);
      const DefId def(t.dag.empty() ? -1 : ctx.scenario.dagIndex(t.dag));
      for (double at = arrivals.next(); std::isfinite(at); at = arrivals.next()) {
        ctx.rt.sleepUntil(at);
        ctx.recorder.triggerArrivals++;
        if (def.valid()) {
          // An API trigger of the DAG itself (replica 0 of its definition): the API server
          // INSERTs the run and its task instances.
          for (DagId d : ctx.state.dags().ids()) {
            if (ctx.state.dag(d).def != def) continue;
            const RunId run = ctx.state.createRun(d, ctx.scenario.run.start + at, at, at, true, at);
            MetadataDb& db = ctx.db(ctx.state.dag(d).instance);
            QueryBatch insert = db.batch();
            insert.add(QueryType::DagRunInsert, static_cast<double>(ctx.scenario.dags[def.index()].tasks.size()), 0, 1,
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
    dbMetrics_.markWarmup();
    executor_->markWarmup(rt_.now());
    if (api_) api_->markWarmup();
    if (triggerer_) triggerer_->markWarmup();
    if (assets_) assets_->markWarmup();
  });
  rt_.spawn("sampler", [this] { sample(); });
}

void ModelRun::sample() {
  const double interval = sc_.run.sampleInterval;
  for (double t = interval; t <= sc_.run.horizon + 1e-9; t += interval) {
    rt_.sleepUntil(t);
    TimeSeriesRow row;
    row.time = t;
    sampleWorkflow(ctx_, row);
    dbMetrics_.sample(interval, row);
    row.queueDepth = static_cast<double>(executor_->queueDepth());
    row.busyWorkers = executor_->busyWorkers();
    result_.timeseries.push_back(row);
    executor_->sample(t, result_);
    if (api_) api_->sample(t, result_);
    if (endsWhenDone() && state_.allRunsDone()) {
      doneAt_ = t;
      return;
    }
  }
}

bool ModelRun::endsWhenDone() const { return sc_.executor.kind == ExecutorKind::Mock && sc_.triggers.empty(); }

RunResult ModelRun::results(double end, nlohmann::json run) {
  state_.recordOpenTries(end);
  RunResult& out = result_;
  if (tryStream_) out.triesFile = tryStream_->close();
  if (loopStream_) {
    ctx_.loops = nullptr;
    out.loopsFile = loopStream_->close();
    out.loopColumns = loopTypeColumns();
  }
  out.variant = sc_.variant;
  out.description = sc_.description;
  out.config = toJson(sc_);
  // Each component its own part; the cost is theirs summed.
  addWorkflowMetrics(ctx_, out);
  dbMetrics_.contribute(sc_, instanceDb_, end, out);
  addSlaMetrics(state_, sc_, end, out);
  executor_->contribute(end, out);
  if (api_) api_->contribute(end, out);
  if (triggerer_) triggerer_->contribute(end, out);
  if (assets_) assets_->contribute(out);
  if (!dagProcessors_.empty()) {
    std::vector<const DagProcessor*> processors;
    for (const auto& p : dagProcessors_) processors.push_back(p.get());
    DagProcessor::contribute(processors, out);
  }
  jobs_->contribute(end, out);
  if (!sc_.faults.empty()) addFaultMetrics(ctx_, *jobs_, end, out);
  archiver_->contribute(out);
  if (out.cost.priced()) out.metrics[metric::kCost.name()] = std::round(out.cost.total() * 1e6) / 1e6;
  addSampleRuns(ctx_, out);
  addTaskTries(ctx_, executor_->hosts(), out);
  out.run = std::move(run);
  out.run["task_instances"] = static_cast<long long>(state_.tiCount());
  // Where the query costs came from, so a result says which measurement it rests on.
  out.run["calibration"] = {{"origin", costs_.origin()},
                            {"status", costs_.provenance().value("status", "")},
                            {"date", costs_.provenance().value("date", "")},
                            {"postgres", costs_.provenance().value("postgres", "")}};
  return std::move(result_);
}

}  // namespace schedlab
