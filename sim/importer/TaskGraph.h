// A DAG's task graph where the source has none (1.10 without serialized DAGs): inferred from the
// order its tasks ran in within its runs.
#pragma once

#include "importer/Deployment.h"

namespace schedlab {

// Most tasks and runs the inference reads (its cost is tasks² × runs, then tasks³ for the reduction).
inline constexpr size_t kInferMaxTasks = 400, kInferMaxRuns = 200;

// Sets `dag.tasks` to every task seen in its runs, in order of their median start within a run,
// with task A upstream of task B when, in every one of the newest runs where both started, A ended
// before B was queued (or, without a queued time, started): then only direct edges are kept (A → B goes when A → C →
// B). A DAG of more than kInferMaxTasks tasks gets no edges. Marks the graph inferred.
void inferTaskGraph(ObservedDag& dag);

}  // namespace schedlab
