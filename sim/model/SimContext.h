// What every actor of one run shares: the scenario, the runtime it runs on (SimGrid or live
// threads), the DB server, the workflow state, the recorder, the executor and the scheduler jobs. One per run;
// actors hold a reference.
#pragma once

#include <vector>

#include "model/MetadataDb.h"
#include "model/Runtime.h"
#include "model/TriggerHub.h"
#include "model/WorkflowState.h"
#include "results/MetricsRecorder.h"
#include "scenario/Scenario.h"

namespace schedlab {

class ApiServer;
class AssetRegistry;
class Executor;
class LoopStream;
class SchedulerJobs;
class Triggerer;

struct SimContext {
  const Scenario& scenario;
  Runtime& rt;
  IdTable<InstanceId, MetadataDb*> instanceDb;  // instances sharing a DB share the pointer
  MetricsRecorder& recorder;
  WorkflowState& state;
  TriggerHub& hub;
  Executor* executor = nullptr;
  SchedulerJobs* jobs = nullptr;
  LoopStream* loops = nullptr;      // loops.csv's rows, when run.loops_csv
  ApiServer* api = nullptr;         // airflow3: the API server every try calls instead of the DB
  Triggerer* triggerer = nullptr;   // where the scenario deploys one (scenario.triggerer.deployed)
  AssetRegistry* assets = nullptr;  // where a DAG is scheduled on assets

  MetadataDb& db(InstanceId instance) const { return *instanceDb[instance]; }
  double now() const { return rt.now(); }
  uint64_t seed() const { return scenario.run.seed; }
};

}  // namespace schedlab
