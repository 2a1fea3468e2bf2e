#include "pg/QueryShapes.h"

namespace schedlab {
namespace {

using A = ShapeStatement::Args;
using T = QueryShape::Transaction;

// Airflow 1.10.12's statements (airflow/jobs/scheduler_job.py, models/dagrun.py,
// ti_deps/deps/trigger_rule_dep.py), the same SQL as bench/pg/queries/*.sql.
const std::string kRun110 = "execution_date = timestamptz '2020-01-01' + $2::int * interval '1 hour'";
const std::string kTriggerRuleDep110 =
    "SELECT sum(CASE WHEN state = 'success' THEN 1 ELSE 0 END), sum(CASE WHEN state = 'skipped' THEN 1 ELSE 0 END), "
    "sum(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), sum(CASE WHEN state = 'upstream_failed' THEN 1 ELSE 0 END), "
    "count(task_id) FROM task_instance WHERE dag_id = $1 AND task_id IN ('task_01', 'task_02', 'task_03') AND " +
    kRun110 + " AND state IN ('success', 'failed', 'upstream_failed', 'skipped')";
const std::string kRunTis110 = "SELECT * FROM task_instance WHERE dag_id = $1 AND " + kRun110;

// One shape a row (name, statements, transaction, table, rows), kept out of clang-format.
// clang-format off
std::vector<QueryShape> airflow110() {
  return {
      {"select_1", {{"SELECT 1", A::None}}, T::None, "", 1},
      {"trigger_rule_dep", {{kTriggerRuleDep110, A::DagRun}}, T::None, "task_instance", 1},
      {"update_state_select_tis", {{kRunTis110, A::DagRun}}, T::None, "task_instance", 40},
      {"update_state_select_tis_10", {{kRunTis110 + " AND task_id <= 'task_10'", A::DagRun}}, T::None, "task_instance", 10},
      // One dependency pass over a 40-task run: before AIRFLOW-3607 a TriggerRuleDep aggregate
      // per task instance; after it one SELECT of the run's task instances.
      {"dep_pass_per_task", {{kTriggerRuleDep110, A::DagRun, 40}}, T::None, "task_instance", 40},
      {"dep_pass_per_dag", {{kRunTis110, A::DagRun}}, T::None, "task_instance", 40},
      {"ti_current_state",
       {{"SELECT state FROM task_instance WHERE dag_id = $1 AND task_id = 'task_05' AND " + kRun110, A::DagRun}},
       T::None, "task_instance", 1},
      {"find_scheduled_tis",
       {{"SELECT ti.* FROM task_instance ti LEFT OUTER JOIN dag_run dr ON dr.dag_id = ti.dag_id AND "
         "dr.execution_date = ti.execution_date LEFT OUTER JOIN dag d ON d.dag_id = ti.dag_id WHERE ti.state = "
         "'scheduled' AND (dr.run_id IS NULL OR dr.run_id NOT LIKE 'backfill\\_%') AND (d.dag_id IS NULL OR NOT "
         "d.is_paused)",
         A::None}},
       T::None, "task_instance", 1},
      {"concurrency_counts",
       {{"SELECT task_id, dag_id, count(*) FROM task_instance WHERE state IN ('running', 'queued') GROUP BY "
         "task_id, dag_id",
         A::None}},
       T::None, "task_instance", 1},
      {"ti_merge_scheduled",
       {{"UPDATE task_instance SET state = NULL WHERE dag_id = $1 AND task_id = 'task_07' AND " + kRun110, A::DagRun}},
       T::None, "task_instance", 1},
      {"find_running_dagruns",
       {{"SELECT * FROM dag_run WHERE dag_id = $1 AND state = 'running' AND external_trigger = false", A::Dag}},
       T::None, "dag_run", 1},
      {"create_dag_run_checks",
       {{"SELECT max(execution_date) FROM dag_run WHERE dag_id = $1 AND (external_trigger = false OR run_id LIKE "
         "'scheduled\\_\\_%')",
         A::Dag}},
       T::None, "dag_run", 1},
      {"scheduler_heartbeat", {{"UPDATE job SET latest_heartbeat = now() WHERE id = $1", A::Job}}, T::None, "job", 1},
      {"sync_dag", {{"SELECT * FROM dag WHERE dag_id = $1", A::Dag}}, T::None, "dag", 1},
      // The archiving DELETE of one old run's task instances, rolled back so every repetition
      // deletes the same rows.
      {"archive_delete_tis",
       {{"DELETE FROM task_instance WHERE dag_id = $1 AND execution_date = timestamptz '2020-01-01' + interval "
         "'1 hour'",
         A::Dag}},
       T::Rollback, "task_instance", 40, true},
  };
}

// Airflow 2.5.2's statements (airflow/jobs/scheduler_job.py, models/{dag,dagrun,pool}.py).
const std::string kRun2 = "run_id = 'scheduled__' || $2::text";
const std::string kRunTis2 = "SELECT * FROM task_instance WHERE dag_id = $1 AND " + kRun2;

std::vector<QueryShape> airflow2() {
  return {
      {"select_1", {{"SELECT 1", A::None}}, T::None, "", 1},
      {"dags_needing_dagruns",
       {{"SELECT dag_id FROM dag WHERE NOT is_paused AND is_active AND next_dagrun_create_after <= now() ORDER BY "
         "next_dagrun_create_after LIMIT 10 FOR UPDATE SKIP LOCKED",
         A::None}},
       T::Commit, "dag", 10},
      {"next_dagruns_to_examine",
       {{"SELECT dag_run.* FROM dag_run JOIN dag ON dag.dag_id = dag_run.dag_id WHERE dag_run.state = 'running' AND "
         "dag_run.run_type <> 'backfill' AND NOT dag.is_paused AND dag.is_active ORDER BY "
         "dag_run.last_scheduling_decision NULLS FIRST, dag_run.execution_date LIMIT 20 FOR UPDATE OF dag_run SKIP "
         "LOCKED",
         A::None}},
       T::Commit, "dag_run", 20},
      {"update_state_select_tis", {{kRunTis2, A::DagRun}}, T::None, "task_instance", 40},
      {"update_state_select_tis_10", {{kRunTis2 + " AND task_id <= 'task_10'", A::DagRun}}, T::None, "task_instance", 10},
      // schedule_tis: one bulk UPDATE per run, in the transaction Airflow commits after the run;
      // rolled back here so the tables stay as loaded.
      {"schedule_tis",
       {{"UPDATE task_instance SET state = 'scheduled' WHERE dag_id = $1 AND " + kRun2 +
             " AND task_id IN ('task_02', 'task_03', 'task_04')",
         A::DagRun}},
       T::Rollback, "task_instance", 3},
      {"pool_slots_lock", {{"SELECT pool, slots FROM slot_pool FOR UPDATE NOWAIT", A::None}}, T::Commit, "slot_pool", 1},
      {"pool_state_counts",
       {{"SELECT pool, state, sum(pool_slots) FROM task_instance WHERE state IN ('running', 'queued') GROUP BY pool, "
         "state",
         A::None}},
       T::None, "task_instance", 1},
      {"scheduled_tis_for_update",
       {{"SELECT task_instance.* FROM task_instance JOIN dag_run ON dag_run.dag_id = task_instance.dag_id AND "
         "dag_run.run_id = task_instance.run_id JOIN dag ON dag.dag_id = task_instance.dag_id WHERE "
         "task_instance.state = 'scheduled' AND dag_run.run_type <> 'backfill' AND NOT dag.is_paused ORDER BY "
         "-task_instance.priority_weight, dag_run.execution_date LIMIT 512 FOR UPDATE OF task_instance SKIP LOCKED",
         A::None}},
       T::Commit, "task_instance", 1},
      {"bulk_queue_tis",
       {{"UPDATE task_instance SET state = 'queued', queued_dttm = now(), queued_by_job_id = 1 WHERE dag_id = $1 "
         "AND " + kRun2 + " AND task_id IN ('task_02', 'task_03', 'task_04')",
         A::DagRun}},
       T::Rollback, "task_instance", 3},
      {"executor_events",
       {{"SELECT * FROM task_instance WHERE dag_id = $1 AND task_id = 'task_05' AND " + kRun2 + " AND map_index = -1",
         A::DagRun}},
       T::None, "task_instance", 1},
      {"scheduler_heartbeat", {{"UPDATE job SET latest_heartbeat = now() WHERE id = $1", A::Job}}, T::None, "job", 1},
      // The 2.x mini scheduler on a worker: lock the run, read its task instances.
      {"mini_scheduler",
       {{"SELECT id FROM dag_run WHERE dag_id = $1 AND " + kRun2 + " FOR UPDATE", A::DagRun}, {kRunTis2, A::DagRun}},
       T::Commit, "task_instance", 40},
      // The archiving DELETE of the oldest run (task instances and XComs go with it, ON DELETE
      // CASCADE), rolled back.
      {"archive_delete_run",
       {{"DELETE FROM dag_run WHERE dag_id = $1 AND run_id = 'scheduled__1'", A::Dag}},
       T::Rollback, "task_instance", 40, true},
  };
}
// clang-format on

}  // namespace

const std::vector<QueryShape>& queryShapes(SchemaLayout layout) {
  static const std::vector<QueryShape> a1 = airflow110(), a2 = airflow2();
  return layout == SchemaLayout::Airflow110 ? a1 : a2;
}

}  // namespace schedlab
