// One run of a scenario variant's model on a Runtime: the metadata DBs, the workflow state, the
// executor, the schedulers (a main loop and DAG-file processors for airflow1, the 2.x loop for
// airflow2), archiving, arrival streams, the warm-up and the time-series sampler; then Results
// from what they recorded. The simulator runs it on SimGrid (runSimulation), `schedlab live` on
// threads against a real PostgreSQL (runLive), so both measure the same model the same way.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/Simulation.h"
#include "model/Archiver.h"
#include "model/CeleryExecutor.h"
#include "model/DagFileProcessor.h"
#include "model/MetadataDb.h"
#include "model/SchedulerJobs.h"
#include "model/Runtime.h"
#include "model/SimContext.h"
#include "model/TriggerHub.h"
#include "model/WorkflowState.h"
#include "results/MetricsRecorder.h"
#include "scenario/Scenario.h"

namespace schedlab {

class ModelRun {
 public:
  // The service for metadata DB `db`: 0 is the shared DB, k > 0 the own DB of the k-th scheduler
  // instance that has one (scenario order).
  using ServiceFactory = std::function<std::unique_ptr<QueryService>(size_t db)>;
  static size_t dbCount(const Scenario& sc);

  ModelRun(const Scenario& sc, Runtime& rt, const ServiceFactory& services);
  ModelRun(const ModelRun&) = delete;
  ModelRun& operator=(const ModelRun&) = delete;

  // Spawns every actor on the runtime.
  void start();
  // Results at `end` (seconds); `run` becomes the variant's "sim" object (how it was run).
  SimulationOutput results(double end, nlohmann::json run);

  WorkflowState& state() { return state_; }
  MetricsRecorder& recorder() { return rec_; }
  const std::vector<MetadataDb*>& dbs() const { return usedDbs_; }

  // A metadata DB's running totals when the warm-up ended.
  struct DbAtWarmup {
    double busySeconds = 0, pagesTouched = 0, pagesFromDisk = 0;
  };

 private:
  double total(const std::function<double(const MetadataDb&)>& figure) const;
  void sample();

  const Scenario& sc_;
  Runtime& rt_;
  QueryCostModel costs_;
  std::vector<std::unique_ptr<MetadataDb>> ownedDbs_;
  std::vector<MetadataDb*> instanceDb_;  // per scheduler instance
  std::vector<MetadataDb*> usedDbs_;     // a shared DB nobody uses is left out of the metrics
  MetricsRecorder rec_;
  WorkflowState state_;
  TriggerHub hub_;
  SimContext ctx_;
  std::unique_ptr<CeleryExecutor> executor_;
  std::unique_ptr<SchedulerJobs> jobs_;
  std::unique_ptr<Archiver> archiver_;
  std::vector<std::unique_ptr<DagFileProcessorManager>> processors_;
  std::vector<DbAtWarmup> atWarmup_;
  std::vector<double> workerCpuAtWarmup_;  // per worker host: core-seconds computed by the warm-up
  std::vector<double> poolBilledAtWarmup_;  // per pool: worker-seconds billed by the warm-up
  std::string poolRows_;  // pool_timeseries.csv rows, as sampled
  double totalCores_ = 0;
};

}  // namespace schedlab
