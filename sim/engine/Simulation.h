// One simulation run of one scenario variant on SimGrid: builds the platform (metadata DB host,
// scheduler hosts, worker hosts), starts the actors, runs to the horizon and gathers its result.
//
// SimGrid allows one engine per process, so run() is meant to be called in a process of its own
// (see Isolated.h); the CLI runs each variant that way.
#pragma once

#include "results/RunResult.h"
#include "scenario/Scenario.h"

namespace schedlab {

struct SimulationOptions {
  bool progress = false;  // a progress line on stderr after the first wall second
  // Non-empty: task_instances.csv rows are streamed to this file as tries end (RunResult::triesFile)
  // instead of being held in memory and carried back in the result.
  std::string triesPath;
  // Non-empty: loops.csv rows (run.loops_csv) are streamed to this file (RunResult::loopsFile).
  std::string loopsPath;
};

RunResult runSimulation(const Scenario& scenario, const SimulationOptions& options);

// Runs the variant in a process of its own (SimGrid's one engine per process) and returns its result.
RunResult simulateIsolated(const Scenario& scenario, const SimulationOptions& options);

}  // namespace schedlab
