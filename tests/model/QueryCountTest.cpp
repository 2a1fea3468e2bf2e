// Queries per scheduler pass for a small DAG, as Airflow's code issues them
// (../reference: SchedulerJob / DagFileProcessor in 1.10.12, _run_scheduler_loop in 2.x).
#include <gtest/gtest.h>

#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

// One running DAG run whose first task, a sensor, waits forever; five tasks wait behind it.
std::string steadyRun(const std::string& scheduler) {
  return R"(
run: {horizon: 10m, warmup: 2m}
scheduler: )" +
         scheduler + R"(
triggers: [{name: never, rate: 0/h}]
dags:
  - name: d
    schedule: 1d
    start_date: -1d
    catchup: false
    max_active_runs: 1
    tasks:
      - {id: wait, kind: sensor, waits_for: never, poke_interval: 10s}
      - {shape: chain, count: 5}
)";
}

nlohmann::json metricsOf(const std::string& scheduler) { return variantJson(simulate(load(steadyRun(scheduler))[0])); }

}  // namespace

TEST(QueryCount, Airflow1PerTask) {
  auto v = metricsOf("{model: airflow1, query_mode: per_task}");
  // Per file: sync_to_db (2), get_paused_dag_ids (1), create_dag_run at max_active_runs (1),
  // DagRun.find RUNNING (1).                                                      = 5
  // Per running run: verify_integrity (1), update_state's two SELECTs (2), the deadlock check
  // on the running sensor: current_state (1) and no TriggerRuleDep (no upstream), UPDATE dag_run
  // (1), SELECT schedulable TIs (1), TriggerRuleDep for the 5 waiting tasks (5).  = 11
  EXPECT_EQ(v["metrics_by_dag"]["d"]["db_queries_per_pass"]["p50"], 16);
  EXPECT_EQ(v["metrics_by_dag"]["d"]["db_queries_per_pass"]["max"], 16);
}

TEST(QueryCount, Airflow1PerDag) {
  auto v = metricsOf("{model: airflow1, query_mode: per_dag}");
  // AIRFLOW-3607 as merged (1.10.13): per run verify_integrity, one update_state SELECT and the
  // UPDATE, and _get_ready_tis's current_state() of each schedulable TI not ready (the 5 waiting).
  EXPECT_EQ(v["metrics_by_dag"]["d"]["db_queries_per_pass"]["p50"], 5 + 3 + 5);
}

TEST(QueryCount, Airflow1NotPreviouslySkippedDepAddsAQueryPerTask) {
  auto v = metricsOf("{model: airflow1, query_mode: per_task, not_previously_skipped_dep: true}");
  // 1.10.12's NotPreviouslySkippedDep: one SELECT of finished TIs per schedulable TI (5), and
  // one in the deadlock check for the TI it looks at (the running sensor).
  EXPECT_EQ(v["metrics_by_dag"]["d"]["db_queries_per_pass"]["p50"], 16 + 5 + 1);
}

TEST(QueryCount, Airflow2Loop) {
  auto v = metricsOf("{model: airflow2}");
  // Per examined run: update_state's SELECT of TIs and its batched SELECT (2); nothing to schedule.
  EXPECT_EQ(v["metrics_by_dag"]["d"]["db_queries_per_pass"]["p50"], 2);
  // Per loop: dags_needing_dagruns (1), next_dagruns_to_examine (1), the run (2), the critical
  // section: slot_pool FOR UPDATE NOWAIT, pool counts, SCHEDULED TIs (3); the heartbeat every
  // 5th loop (1 s idle sleep, scheduler_heartbeat_sec 5).
  auto perLoop = v["metrics"]["db_queries_per_loop"];
  EXPECT_EQ(perLoop["p50"], 7);
  EXPECT_EQ(perLoop["max"], 8);
  EXPECT_NEAR(perLoop["mean"].get<double>(), 7.2, 0.05);
}
