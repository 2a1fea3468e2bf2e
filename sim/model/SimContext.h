// What every actor of one simulation run shares: the scenario, the DB server, the workflow state,
// the recorder and the executor. One per run; actors hold a reference.
#pragma once

#include <simgrid/s4u.hpp>

#include "model/MetadataDb.h"
#include "model/TriggerHub.h"
#include "model/WorkflowState.h"
#include "results/MetricsRecorder.h"
#include "scenario/Scenario.h"

namespace schedlab {

class CeleryExecutor;

struct SimContext {
  const Scenario& scenario;
  MetadataDb& db;
  MetricsRecorder& recorder;
  WorkflowState& state;
  TriggerHub& hub;
  CeleryExecutor* executor = nullptr;

  static double now() { return simgrid::s4u::Engine::get_clock(); }
  uint64_t seed() const { return scenario.run.seed; }
};

}  // namespace schedlab
