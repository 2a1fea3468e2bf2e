// Assets (datasets in 2.4-2.x, assets in 3.x): a task's success with `outlets` writes an asset event
// per asset and queues a run of every DAG scheduled on it (asset_dag_run_queue, one row per DAG and
// asset, its first event's time kept: INSERT ... ON CONFLICT DO NOTHING). The scheduler loads the
// whole queue every loop (DagModel.dags_needing_dagruns) and creates a run of each DAG whose assets
// all have a queued row (below its max_active_runs), reading the events the run consumes: every
// event of its assets after its previous asset-triggered run, up to the newest queued row's time
// (_create_dag_runs_asset_triggered), then deletes the DAG's queue rows. Owns its metrics.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "model/Ids.h"
#include "model/WorkflowState.h"
#include "results/RunResult.h"
#include "scenario/Scenario.h"

namespace schedlab {

class AssetRegistry {
 public:
  AssetRegistry(const Scenario& sc, WorkflowState& state);

  // Task instance `ti` succeeded now: its outlets' events. Returns how many.
  int produced(TiId ti, double now);
  // asset_dag_run_queue's rows now.
  long long queuedRows() const { return queuedRows_; }
  // The asset-scheduled DAGs of `instance` whose assets all have a queued row.
  std::vector<DagId> ready(InstanceId instance) const;
  // A run of `dag` is created now: the events it consumes (its window), its queue rows deleted.
  // REQUIRES: `dag` is ready.
  long long consume(DagId dag, double now);
  // Archiving: the events older than `cutoff` that tasks of an instance `inDb` accepts wrote are
  // deleted (a later run no longer reads them). Returns how many.
  long long archive(double cutoff, const std::function<bool(InstanceId)>& inDb);

  // REQUIRES: markWarmup once when the warm-up ends; contribute once, at the end.
  void markWarmup();
  void contribute(RunResult& out) const;

 private:
  struct Consumer {  // an asset-scheduled DAG
    DagId dag;
    InstanceId instance;
    std::vector<int> assets;
    std::vector<double> queuedAt;  // per asset: its queue row's time; < 0: none
    double previousRunAfter = -1e300;
    double deployedAt = 0;  // its start_date (simulation seconds): rows are queued for it from then
  };
  const WorkflowState& state_;
  std::map<std::string, int> index_;
  std::vector<std::vector<double>> events_;         // per asset: event times, in order
  std::vector<std::vector<InstanceId>> writtenBy_;  // per asset and event: the instance whose DB has it
  std::vector<std::vector<int>> consumersOf_;       // per asset: indices into consumers_
  std::vector<Consumer> consumers_;
  std::vector<int> consumerOfDag_;  // per DagId: index into consumers_, or -1
  long long queuedRows_ = 0, eventCount_ = 0, eventsAtWarmup_ = 0, runs_ = 0, runsAtWarmup_ = 0;
  std::vector<double> consumedPerRun_;
  double warmup_;  // events per run: after it
};

}  // namespace schedlab
