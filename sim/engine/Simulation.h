// One simulation run of one scenario variant on SimGrid: builds the platform (metadata DB host,
// scheduler hosts, worker hosts), starts the actors, runs to the horizon and gathers its result.
//
// SimGrid allows one engine per process, so run() is meant to be called in a process of its own
// (see Isolated.h); the CLI runs each variant that way.
#pragma once

#include <functional>
#include <vector>

#include "results/RunResult.h"
#include "scenario/Scenario.h"
#include "util/Processes.h"

namespace schedlab {

struct SimulationProgress {
  double virtualSeconds = 0;   // simulated time reached
  double horizon = 0;          // of this many simulated seconds
  double eventsPerSecond = 0;  // SimGrid time steps per wall second so far
};

struct SimulationOptions {
  // When set: called about every 500 ms of wall time once the run has taken a wall second.
  std::function<void(const SimulationProgress&)> progress;
  // Non-empty: task_instances.csv rows are streamed to this file as tries end (RunResult::triesFile)
  // instead of being held in memory and carried back in the result.
  std::string triesPath;
  // Non-empty: loops.csv rows (run.loops_csv) are streamed to this file (RunResult::loopsFile).
  std::string loopsPath;
};

RunResult runSimulation(const Scenario& scenario, const SimulationOptions& options);

// Runs the variant in a process of its own (SimGrid's one engine per process) and returns its result.
RunResult simulateIsolated(const Scenario& scenario, const SimulationOptions& options);

// Runs each scenario (a variant each) in a process of its own, as many at once as `jobs` allows
// (see runIsolatedEach), and returns their results by index; `progress`: one line on stderr for
// them all. Each run is the same as alone: running them side by side changes no result.
// REQUIRES: options.size() == scenarios.size(), jobs.jobs >= 1.
std::vector<RunResult> simulateEachIsolated(const std::vector<Scenario>& scenarios,
                                            const std::vector<SimulationOptions>& options, JobLimit jobs,
                                            bool progress);

}  // namespace schedlab
