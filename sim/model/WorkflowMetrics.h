// The workflow's part of a run's results, from what the recorder and the workflow state saw:
// latencies (overall, per DAG definition, per scheduler instance), the scheduler loop, task and
// DAG-run counts, a typical run of each DAG (the report's Gantt chart) and one row per try.
#pragma once

#include <vector>

#include "model/Executor.h"
#include "model/SimContext.h"
#include "results/RunResult.h"

namespace schedlab {

// REQUIRES: the state has recorded its open tries (WorkflowState::recordOpenTries).
void addWorkflowMetrics(SimContext& ctx, RunResult& out);
void addSampleRuns(SimContext& ctx, RunResult& out);
// One row per recorded try; `hosts` names the runtime's worker hosts.
void addTaskTries(SimContext& ctx, const std::vector<WorkerHost>& hosts, RunResult& out);
// The task_instances.csv row of one recorded try.
TaskTryRow taskTryRow(SimContext& ctx, const std::vector<WorkerHost>& hosts, const TryRecord& r);
// The loop and task columns of the time-series row of the interval that ends now; starts the next.
void sampleWorkflow(SimContext& ctx, TimeSeriesRow& row);

// A run's id as Airflow writes it ("scheduled__<seconds from start>_<ordinal>").
std::string runId(const DagRun& run, const Scenario& sc);

}  // namespace schedlab
