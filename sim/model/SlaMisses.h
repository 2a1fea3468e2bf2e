// Airflow's SLA misses, judged after the run: a task with `sla` misses when it has not succeeded
// by its run's scheduled time plus the SLA (1.10's manage_slas: following_schedule(execution
// date) + sla, i.e. the end of the data interval), and a DAG with `sla` when its run has not
// finished by then. Only scheduled runs count (Airflow ignores manual ones), and only deadlines
// that fell after the warm-up and within the horizon.
#pragma once

#include <vector>

#include "model/WorkflowState.h"
#include "results/RunResult.h"

namespace schedlab {

// Misses per DAG definition (index into Scenario::dags): task misses plus run misses.
std::vector<long long> countSlaMisses(WorkflowState& state, double warmup, double horizon);
// sla_misses over the run and per DAG definition (metrics_by_dag), up to `end`.
void addSlaMetrics(WorkflowState& state, const Scenario& sc, double end, RunResult& out);

}  // namespace schedlab
