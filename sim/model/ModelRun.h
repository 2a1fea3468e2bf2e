// One run of a scenario variant's model on a Runtime: the metadata DBs, the workflow state, the
// executor, the schedulers (a main loop and DAG-file processors for airflow1, the 2.x loop for
// airflow2), archiving, arrival streams, the warm-up and the time-series sampler; then the run's
// result, each component filling its own part. The simulator runs it on SimGrid
// (runSimulation), `schedlab live` on threads against a real PostgreSQL (runLive), so both
// measure the same model the same way.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/ApiServer.h"
#include "model/Archiver.h"
#include "model/Assets.h"
#include "model/DagFileProcessor.h"
#include "model/DagProcessor.h"
#include "model/DbMetrics.h"
#include "model/Executor.h"
#include "model/LoopTrace.h"
#include "model/MetadataDb.h"
#include "model/Runtime.h"
#include "model/SchedulerJobs.h"
#include "model/SimContext.h"
#include "model/TriggerHub.h"
#include "model/Triggerer.h"
#include "model/TryStream.h"
#include "model/WorkflowState.h"
#include "results/MetricsRecorder.h"
#include "results/RunResult.h"
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

  // With run.task_instances_csv: each try's row goes to `path` as it ends, not into the result's
  // memory (RunResult::triesFile). Throws std::runtime_error when `path` cannot be created.
  // REQUIRES: before start().
  void streamTries(const std::string& path);
  // With run.loops_csv: each scheduler loop's (or processor pass's) row goes to `path` as it ends
  // (RunResult::loopsFile). Throws std::runtime_error when `path` cannot be created.
  // REQUIRES: before start().
  void streamLoops(const std::string& path);
  // Spawns every actor on the runtime.
  void start();
  // The run's result at `end` (seconds); `run` says how it was run ("sim" in results.json).
  // REQUIRES: called once, after the runtime ran to `end`.
  RunResult results(double end, nlohmann::json run);
  // A mock-executor run without triggers ends early, as Airflow's benchmark does: at the first
  // sample time (run.sample_interval) by which every DAG run has finished and no DAG will create
  // another. doneAt(): that time, or -1 while the run goes on (or cannot end early).
  bool endsWhenDone() const;
  double doneAt() const { return doneAt_; }

  WorkflowState& state() { return state_; }
  Executor& executor() { return *executor_; }
  SchedulerJobs& jobs() { return *jobs_; }
  SimContext& context() { return ctx_; }
  MetricsRecorder& recorder() { return rec_; }
  const std::vector<MetadataDb*>& dbs() const { return usedDbs_; }

 private:
  void sample();

  const Scenario& sc_;
  Runtime& rt_;
  QueryCostModel costs_;
  std::vector<std::unique_ptr<MetadataDb>> ownedDbs_;
  std::vector<MetadataDb*> instanceDb_;  // per scheduler instance
  std::vector<MetadataDb*> usedDbs_;     // a shared DB nobody uses is left out of the metrics
  DbMetrics dbMetrics_;
  MetricsRecorder rec_;
  WorkflowState state_;
  TriggerHub hub_;
  SimContext ctx_;
  std::unique_ptr<Executor> executor_;
  std::unique_ptr<SchedulerJobs> jobs_;
  std::unique_ptr<Archiver> archiver_;
  std::unique_ptr<ApiServer> api_;                            // airflow3
  std::unique_ptr<Triggerer> triggerer_;                      // a deployed triggerer
  std::unique_ptr<AssetRegistry> assets_;                     // DAGs scheduled on assets
  std::vector<std::unique_ptr<DagProcessor>> dagProcessors_;  // airflow3
  std::vector<std::unique_ptr<DagFileProcessorManager>> processors_;
  std::unique_ptr<TryStream> tryStream_;
  std::unique_ptr<LoopStream> loopStream_;
  RunResult result_;  // filled as the run goes (time series), completed by results()
  double doneAt_ = -1;
};

}  // namespace schedlab
