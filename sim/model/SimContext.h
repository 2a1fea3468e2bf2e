// What every actor of one simulation run shares: the scenario, the DB server, the workflow state,
// the recorder and the executor. One per run; actors hold a reference.
#pragma once

#include <simgrid/s4u.hpp>

#include <vector>

#include "model/MetadataDb.h"
#include "model/TriggerHub.h"
#include "model/WorkflowState.h"
#include "results/MetricsRecorder.h"
#include "scenario/Scenario.h"

namespace schedlab {

class CeleryExecutor;

struct SimContext {
  const Scenario& scenario;
  std::vector<MetadataDb*> instanceDb;  // per scheduler instance; instances sharing a DB share the pointer
  MetricsRecorder& recorder;
  WorkflowState& state;
  TriggerHub& hub;
  CeleryExecutor* executor = nullptr;

  MetadataDb& db(int instance) const { return *instanceDb[static_cast<size_t>(instance)]; }
  static double now() { return simgrid::s4u::Engine::get_clock(); }
  uint64_t seed() const { return scenario.run.seed; }
};

}  // namespace schedlab
