// The faults' part of a run's results (metrics.by_fault.<name>): per fault, transitions and SLA
// deadlines during its window and in the window after, and what a scheduler crash or a refusing
// failover did to the schedulers.
#pragma once

#include "model/SchedulerJobs.h"
#include "model/SimContext.h"
#include "results/RunResult.h"

namespace schedlab {

// REQUIRES: the scenario has faults.
void addFaultMetrics(SimContext& ctx, const SchedulerJobs& jobs, double end, RunResult& out);

}  // namespace schedlab
