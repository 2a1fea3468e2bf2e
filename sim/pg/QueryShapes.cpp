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

// Airflow 3.1's statements (airflow-core/src/airflow/ at a6352d9fe4: jobs/scheduler_job_runner.py,
// models/{dag,dagrun,dag_version,serialized_dag}.py, dag_processing/collection.py and the
// Execution API's routes, api_fastapi/execution_api/routes/{task_instances,xcoms}.py), on the 3.1
// layout. $1 of a TaskInstance statement is the id of the running task instance (task_01 of the
// DAG's newest run) the other statements of the shape name by key.
const std::string kRun3 = "run_id = 'scheduled__' || $2::text";
const std::string kRunTis3 = "SELECT * FROM task_instance WHERE dag_id = $1 AND " + kRun3;
const std::string kLatestVersion3 = "SELECT * FROM dag_version WHERE dag_id = $1 ORDER BY created_at DESC LIMIT 1";
// The DAG's latest version's id as airflow-3.1-populate.sql makes it (Airflow sends it as a literal).
const std::string kLatestVersionId3 =
    "('00000002-0000-7000-8000-' || lpad(to_hex(substr($1, 5)::int), 12, '0'))::uuid";

// Deferral's INSERT of a time trigger and the try set deferred on it.
const std::string kInsertTrigger3 =
    "INSERT INTO trigger (classpath, kwargs, created_date) VALUES "
    "('airflow.providers.standard.triggers.temporal.DateTimeTrigger', 'gAAAAAB' || repeat('0', 128), now())";
const std::string kDeferTi3 =
    "UPDATE task_instance SET state = 'deferred', trigger_id = currval('trigger_id_seq'), next_method = "
    "'execute_complete', next_kwargs = '{}', trigger_timeout = now() + interval '1 hour' WHERE id = $1";
// The asset DAG $1 is scheduled on (airflow-3.1-populate.sql: DAG d on asset (d - 1) % 20 + 1).
const std::string kAssetOf3 = "((substr($1, 5)::int - 1) % 20 + 1)";

// _create_dag_runs_asset_triggered's SELECT of the events a run consumes, for a run triggered at
// the asset's `events`-th event (one a minute) with no asset-triggered run before it.
std::string assetEventsForRun3(int events) {
  const std::string triggered = "timestamptz '2020-01-01' + " + std::to_string(events) + " * interval '1 minute'";
  return "WITH anon_1 AS (SELECT max(dag_run.run_after) AS previous_dag_run_run_after FROM dag_run WHERE "
         "dag_run.dag_id = $1 AND dag_run.run_type = 'asset_triggered' AND dag_run.run_after < " +
         triggered +
         ") SELECT asset_event.* FROM asset_event, anon_1 WHERE (asset_event.asset_id IN (SELECT "
         "dag_schedule_asset_reference.asset_id FROM dag_schedule_asset_reference WHERE "
         "dag_schedule_asset_reference.dag_id = $1) OR (EXISTS (SELECT 1 FROM asset_alias_asset_event, asset_alias "
         "WHERE asset_event.id = asset_alias_asset_event.event_id AND asset_alias.id = asset_alias_asset_event.alias_id "
         "AND (EXISTS (SELECT 1 FROM dag_schedule_asset_alias_reference WHERE asset_alias.id = "
         "dag_schedule_asset_alias_reference.alias_id AND dag_schedule_asset_alias_reference.dag_id = $1))))) AND "
         "asset_event.timestamp <= " +
         triggered +
         " AND asset_event.timestamp > coalesce(anon_1.previous_dag_run_run_after, timestamptz '0001-01-01') ORDER "
         "BY asset_event.timestamp ASC, asset_event.id ASC";
}

std::vector<QueryShape> airflow3() {
  return {
      {"select_1", {{"SELECT 1", A::None}}, T::None, "", 1},
      {"dags_needing_dagruns",
       {{"SELECT dag_id FROM dag WHERE NOT is_paused AND NOT is_stale AND next_dagrun_create_after <= now() ORDER "
         "BY next_dagrun_create_after LIMIT 10 FOR UPDATE SKIP LOCKED",
         A::None}},
       T::Commit, "dag", 10},
      {"queued_dagruns_to_start",
       {{"SELECT dag_run.* FROM dag_run JOIN dag ON dag.dag_id = dag_run.dag_id AND NOT dag.is_paused AND NOT "
         "dag.is_stale WHERE dag_run.state = 'queued' ORDER BY dag_run.last_scheduling_decision NULLS FIRST, "
         "dag_run.run_after LIMIT 20 FOR UPDATE OF dag_run SKIP LOCKED",
         A::None}},
       T::Commit, "dag_run", 20},
      // get_running_dag_runs_to_examine loads the runs' task instances with them
      // (joinedload(DagRun.task_instances)): the locked page of runs joined to their rows, costed
      // per task instance returned (20 runs of 40).
      {"next_dagruns_to_examine",
       {{"SELECT dr.*, ti.* FROM (SELECT dag_run.* FROM dag_run JOIN dag ON dag.dag_id = dag_run.dag_id WHERE "
         "dag_run.state = 'running' AND NOT dag.is_paused AND NOT dag.is_stale AND dag_run.run_after <= now() ORDER "
         "BY dag_run.last_scheduling_decision NULLS FIRST, dag_run.run_after LIMIT 20 FOR UPDATE OF dag_run SKIP "
         "LOCKED) dr LEFT OUTER JOIN task_instance ti ON dr.dag_id = ti.dag_id AND dr.run_id = ti.run_id",
         A::None}},
       T::Commit, "dag_run", 800, false, true},
      {"update_state_select_tis", {{kRunTis3, A::DagRun}}, T::None, "task_instance", 40},
      {"update_state_select_tis_10", {{kRunTis3 + " AND task_id <= 'task_10'", A::DagRun}}, T::None, "task_instance", 10},
      {"schedule_tis",
       {{"UPDATE task_instance SET state = 'scheduled', scheduled_dttm = now() WHERE dag_id = $1 AND " + kRun3 +
             " AND task_id IN ('task_02', 'task_03', 'task_04')",
         A::DagRun}},
       T::Rollback, "task_instance", 3},
      {"pool_slots_lock", {{"SELECT pool, slots, include_deferred FROM slot_pool FOR UPDATE NOWAIT", A::None}},
       T::Commit, "slot_pool", 1},
      {"pool_state_counts",
       {{"SELECT pool, state, sum(pool_slots) FROM task_instance WHERE state IN ('running', 'queued', 'deferred') "
         "GROUP BY pool, state",
         A::None}},
       T::None, "task_instance", 1},
      {"scheduled_tis_for_update",
       {{"SELECT task_instance.* FROM task_instance JOIN dag_run ON dag_run.dag_id = task_instance.dag_id AND "
         "dag_run.run_id = task_instance.run_id JOIN dag ON dag.dag_id = task_instance.dag_id WHERE "
         "task_instance.state = 'scheduled' AND dag_run.state = 'running' AND NOT dag.is_paused ORDER BY "
         "-task_instance.priority_weight, dag_run.run_after, task_instance.map_index LIMIT 16 FOR UPDATE OF "
         "task_instance SKIP LOCKED",
         A::None}},
       T::Commit, "task_instance", 1},
      {"bulk_queue_tis",
       {{"UPDATE task_instance SET state = 'queued', queued_dttm = now(), queued_by_job_id = 1 WHERE dag_id = $1 "
         "AND " + kRun3 + " AND task_id IN ('task_02', 'task_03', 'task_04')",
         A::DagRun}},
       T::Rollback, "task_instance", 3},
      {"executor_events",
       {{"SELECT * FROM task_instance WHERE dag_id = $1 AND task_id = 'task_05' AND " + kRun3 + " AND map_index = -1",
         A::DagRun}},
       T::None, "task_instance", 1},
      {"scheduler_heartbeat", {{"UPDATE job SET latest_heartbeat = now() WHERE id = $1", A::Job}}, T::None, "job", 1},
      // Every loop (3.1): the deadlines passed and not handled yet.
      {"deadline_scan",
       {{"SELECT * FROM deadline WHERE deadline_time < now() AND callback_state IS NULL", A::None}},
       T::None, "dag_run", 1},
      // A run created (_create_orm_dagrun): the DAG's bundle version, its latest version, the log
      // template; the run and its task instances are INSERTed as in 2.x.
      {"dagrun_create_versions",
       {{"SELECT bundle_version FROM dag WHERE dag_id = $1", A::Dag},
        {kLatestVersion3, A::Dag},
        {"SELECT max(id) FROM log_template", A::None}},
       T::None, "dag", 1},
      // A run examined with no bundle version (_verify_integrity_if_dag_changed): the DAG's latest
      // version, and whether the run's task instances (or their history) already have it.
      {"verify_dag_version",
       {{kLatestVersion3, A::Dag},
        {"SELECT dag_version_id FROM task_instance WHERE dag_id = $1 AND dag_version_id = " + kLatestVersionId3 +
             " AND " + kRun3 + " UNION SELECT dag_version_id FROM task_instance_history WHERE dag_id = $1 AND "
             "dag_version_id = " + kLatestVersionId3 + " AND " + kRun3,
         A::DagRun}},
       T::None, "task_instance", 1},
      // The Execution API's routes, each in the transaction its request commits (rolled back here).
      {"api_ti_run",
       {{"SELECT state, dag_id, run_id, task_id, map_index, try_number, max_tries, next_method, hostname, unixname, "
         "pid, next_kwargs FROM task_instance WHERE id = $1 FOR UPDATE",
         A::TaskInstance},
        {"UPDATE task_instance SET pid = 4242, hostname = 'worker-1', unixname = 'airflow', start_date = now(), "
         "end_date = NULL, state = 'running', last_heartbeat_at = now() WHERE id = $1",
         A::TaskInstance},
        {"SELECT * FROM dag_run WHERE dag_id = $1 AND " + kRun3, A::DagRun},
        {"SELECT key FROM xcom WHERE dag_id = $1 AND task_id = 'task_01' AND " + kRun3 + " AND map_index = -1",
         A::DagRun},
        {"SELECT count(id) FROM task_reschedule WHERE ti_id = $1", A::TaskInstance},
        {kLatestVersion3, A::Dag}},
       T::Rollback, "task_instance", 1},
      {"api_ti_state",
       {{"SELECT state, try_number, max_tries, dag_id FROM task_instance WHERE id = $1 FOR UPDATE", A::TaskInstance},
        {"SELECT task_instance.*, dag_run.* FROM task_instance JOIN dag_run ON dag_run.dag_id = task_instance.dag_id "
         "AND dag_run.run_id = task_instance.run_id WHERE task_instance.id = $1",
         A::TaskInstance},
        // register_asset_changes_in_db's read, sent for a task without outlets too (an empty IN).
        {"SELECT asset.* FROM asset WHERE EXISTS (SELECT 1 FROM asset_active WHERE asset_active.name = asset.name "
         "AND asset_active.uri = asset.uri) AND (asset.name, asset.uri) IN (SELECT NULL, NULL WHERE 1 != 1)",
         A::None},
        {"UPDATE task_instance SET state = 'success', end_date = now(), duration = 60, rendered_map_index = NULL "
         "WHERE id = $1",
         A::TaskInstance}},
       T::Rollback, "task_instance", 1},
      // A failed try with retries left (prepare_db_for_next_try): its history row, its
      // reschedules dropped, a new id for the next try.
      {"api_ti_retry",
       {{"SELECT state, try_number, max_tries, dag_id FROM task_instance WHERE id = $1 FOR UPDATE", A::TaskInstance},
        {"SELECT task_instance.*, dag_run.* FROM task_instance JOIN dag_run ON dag_run.dag_id = task_instance.dag_id "
         "AND dag_run.run_id = task_instance.run_id WHERE task_instance.id = $1",
         A::TaskInstance},
        {"SELECT count(*) FROM task_instance_history WHERE dag_id = $1 AND task_id = 'task_01' AND " + kRun3 +
             " AND map_index = -1 AND try_number = 1",
         A::DagRun},
        {"INSERT INTO task_instance_history (task_instance_id, task_id, dag_id, run_id, map_index, try_number, "
         "start_date, end_date, duration, state, max_tries, hostname, unixname, pool, pool_slots, queue, "
         "priority_weight, operator, queued_dttm, scheduled_dttm, queued_by_job_id, pid, executor, updated_at, "
         "dag_version_id) SELECT id, task_id, dag_id, run_id, map_index, try_number, start_date, now(), 60, 'failed', "
         "max_tries, hostname, unixname, pool, pool_slots, queue, priority_weight, operator, queued_dttm, "
         "scheduled_dttm, queued_by_job_id, pid, executor, now(), dag_version_id FROM task_instance WHERE id = $1",
         A::TaskInstance},
        {"DELETE FROM task_reschedule WHERE ti_id = $1", A::TaskInstance},
        {"UPDATE task_instance SET id = gen_random_uuid(), state = 'up_for_retry', end_date = now(), duration = 60 "
         "WHERE id = $1",
         A::TaskInstance}},
       T::Rollback, "task_instance", 1},
      {"api_ti_heartbeat",
       {{"SELECT state, hostname, pid FROM task_instance WHERE id = $1 FOR UPDATE", A::TaskInstance},
        {"UPDATE task_instance SET last_heartbeat_at = now() WHERE id = $1", A::TaskInstance}},
       T::Rollback, "task_instance", 1},
      {"api_xcom_set",
       {{"SELECT id FROM dag_run WHERE dag_id = $1 AND " + kRun3, A::DagRun},
        {"DELETE FROM xcom WHERE key = 'return_value' AND " + kRun3 +
             " AND task_id = 'task_01' AND dag_id = $1 AND map_index = -1",
         A::DagRun},
        {"INSERT INTO xcom (dag_run_id, task_id, map_index, key, dag_id, run_id, value, timestamp) SELECT id, "
         "'task_01', -1, 'return_value', dag_id, run_id, '\"ok\"', now() FROM dag_run WHERE dag_id = $1 AND " + kRun3,
         A::DagRun}},
       T::Rollback, "xcom", 1},
      // GET /variables/{key} and /connections/{id}: the metastore's lookup by key at the end of the
      // secrets backend chain (Variable.get, Connection.get_connection_from_secrets).
      {"api_variable_get", {{"SELECT * FROM variable WHERE key = 'var_' || substr($1, 5)", A::Dag}}, T::None,
       "dag", 1},
      {"api_connection_get",
       {{"SELECT * FROM connection WHERE conn_id = 'conn_' || (substr($1, 5)::int % 50 + 1)", A::Dag}}, T::None, "dag",
       1},
      // A DAG file's result written by the DAG processor (update_dag_parsing_results_in_db): the dag
      // row locked and updated, its latest run read for the next run's info, the serialized DAG's
      // hash and the latest version compared (an unchanged DAG writes no version).
      {"dag_processor_parse",
       {{"SELECT * FROM dag WHERE dag_id IN ($1) FOR UPDATE", A::Dag},
        {"UPDATE dag SET last_parsed_time = now(), last_parse_duration = 0.4, is_stale = false WHERE dag_id = $1",
         A::Dag},
        {"SELECT * FROM dag_run WHERE dag_id = $1 AND run_type <> 'manual' ORDER BY logical_date DESC LIMIT 1",
         A::Dag},
        {"SELECT serialized_dag.dag_hash, serialized_dag.last_updated FROM serialized_dag JOIN dag_version ON "
         "dag_version.id = serialized_dag.dag_version_id WHERE serialized_dag.dag_id = $1 ORDER BY "
         "dag_version.created_at DESC LIMIT 1",
         A::Dag},
        {kLatestVersion3, A::Dag}},
       T::Rollback, "dag", 1},
      // The archiving DELETE of the oldest run (its task instances, their history, XComs and
      // deadlines go with it, ON DELETE CASCADE), rolled back.
      {"archive_delete_run",
       {{"DELETE FROM dag_run WHERE dag_id = $1 AND run_id = 'scheduled__1'", A::Dag}},
       T::Rollback, "task_instance", 40, true},
      // Deferral (models/trigger.py, jobs/triggerer_job_runner.py, the state route's deferred
      // branch). A 2.x worker's defer_task on these tables: the try locked, its trigger INSERTed,
      // the try set deferred, its log row, its job's row.
      {"worker_defer",
       {{"SELECT * FROM task_instance WHERE id = $1 FOR UPDATE", A::TaskInstance},
        {kInsertTrigger3, A::None},
        {kDeferTi3, A::TaskInstance},
        {"INSERT INTO log (dttm, dag_id, task_id, map_index, event, run_id, owner, try_number) VALUES (now(), $1, "
         "'task_01', -1, 'deferred', 'scheduled__1', 'airflow', 1)",
         A::Dag},
        {"UPDATE job SET latest_heartbeat = now(), state = 'success', end_date = now() WHERE id = $1", A::Job}},
       T::Rollback, "task_instance", 1},
      // PATCH .../state with state deferred: the route's reads, the trigger, the try set deferred.
      {"api_ti_defer",
       {{"SELECT state, try_number, max_tries, dag_id FROM task_instance WHERE id = $1 FOR UPDATE", A::TaskInstance},
        {"SELECT task_instance.*, dag_run.* FROM task_instance JOIN dag_run ON dag_run.dag_id = task_instance.dag_id "
         "AND dag_run.run_id = task_instance.run_id WHERE task_instance.id = $1",
         A::TaskInstance},
        {kInsertTrigger3, A::None},
        {kDeferTi3, A::TaskInstance}},
       T::Rollback, "task_instance", 1},
      // A triggerer loop's load_triggers (triggerer job 1, capacity 1000): its count, the
      // unassigned triggers of deadlines, of deferred tries (by priority) and of assets, each
      // SKIP LOCKED, then ids_for_triggerer.
      {"triggerer_load",
       {{"SELECT count(trigger.id) FROM trigger WHERE trigger.triggerer_id = 1", A::None},
        {"SELECT trigger.id FROM trigger WHERE EXISTS (SELECT 1 FROM deadline WHERE trigger.id = deadline.trigger_id) "
         "ORDER BY trigger.created_date LIMIT 1000 FOR UPDATE SKIP LOCKED",
         A::None},
        {"SELECT trigger.id FROM trigger JOIN task_instance ON trigger.id = task_instance.trigger_id WHERE "
         "trigger.triggerer_id IS NULL OR trigger.triggerer_id NOT IN (SELECT job.id FROM job WHERE job.end_date IS "
         "NULL AND job.latest_heartbeat > now() - interval '30 seconds' AND job.job_type = 'TriggererJob') ORDER BY "
         "coalesce(task_instance.priority_weight, 0) DESC, trigger.created_date LIMIT 1000 FOR UPDATE SKIP LOCKED",
         A::None},
        {"SELECT trigger.id FROM trigger WHERE EXISTS (SELECT 1 FROM asset_trigger WHERE trigger.id = "
         "asset_trigger.trigger_id) ORDER BY trigger.created_date LIMIT 1000 FOR UPDATE SKIP LOCKED",
         A::None},
        {"SELECT trigger.id FROM trigger WHERE trigger.triggerer_id = 1", A::None}},
       T::Commit, "task_instance", 1},
      // assign_unassigned's UPDATE of the triggers it took.
      {"trigger_assign",
       {{"UPDATE trigger SET triggerer_id = 1 WHERE trigger.id IN (1, 3, 5, 7, 9)", A::None}},
       T::Rollback, "trigger", 5},
      // submit_event of trigger 3: its deferred try (read, set scheduled), the trigger, its assets
      // and its deadline (lazy loads).
      {"trigger_event_submit",
       {{"SELECT * FROM task_instance WHERE trigger_id = 3 AND state = 'deferred'", A::None},
        {"UPDATE task_instance SET next_kwargs = '{\"event\": null}', trigger_id = NULL, state = 'scheduled', "
         "scheduled_dttm = now() WHERE trigger_id = 3 AND state = 'deferred'",
         A::None},
        {"SELECT * FROM trigger WHERE trigger.id = 3", A::None},
        {"SELECT asset.* FROM asset, asset_trigger WHERE 3 = asset_trigger.trigger_id AND asset.id = "
         "asset_trigger.asset_id",
         A::None},
        {"SELECT * FROM deadline WHERE 3 = deadline.trigger_id", A::None}},
       T::Rollback, "task_instance", 1},
      // clean_unused: tries no longer deferred let go of their trigger; triggers nobody needs go.
      {"trigger_clean_unused",
       {{"UPDATE task_instance SET trigger_id = NULL WHERE state <> 'deferred' AND trigger_id IS NOT NULL", A::None},
        {"DELETE FROM trigger WHERE trigger.id IN (SELECT trigger.id FROM trigger LEFT OUTER JOIN task_instance ON "
         "trigger.id = task_instance.trigger_id WHERE NOT (EXISTS (SELECT 1 FROM asset_trigger WHERE trigger.id = "
         "asset_trigger.trigger_id)) AND NOT (EXISTS (SELECT 1 FROM deadline WHERE trigger.id = deadline.trigger_id)) "
         "GROUP BY trigger.id HAVING count(task_instance.trigger_id) = 0)",
         A::None}},
       T::Rollback, "task_instance", 1},
      // The scheduler's check_trigger_timeouts: no deferred try past its timeout, as usual.
      {"check_trigger_timeouts",
       {{"UPDATE task_instance SET state = 'scheduled', next_method = '__fail__', next_kwargs = '{\"error\": "
         "\"Trigger timeout\"}', trigger_id = NULL WHERE state = 'deferred' AND trigger_timeout < timestamptz "
         "'2020-01-01'",
         A::None}},
       T::Rollback, "task_instance", 1},
      // Assets (assets/manager.py register_asset_change, models/dag.py dags_needing_dagruns,
      // scheduler_job_runner.py _create_dag_runs_asset_triggered). A success's outlet: the asset
      // with its DAGs, the event, the DAGs scheduled by name or URI, their queue rows.
      {"asset_event_register",
       {{"SELECT asset.*, asset_active.*, dag_schedule_asset_reference.*, dag.* FROM asset LEFT OUTER JOIN "
         "asset_active ON asset.name = asset_active.name AND asset.uri = asset_active.uri LEFT OUTER JOIN "
         "dag_schedule_asset_reference ON asset.id = dag_schedule_asset_reference.asset_id LEFT OUTER JOIN dag ON "
         "dag.dag_id = dag_schedule_asset_reference.dag_id WHERE asset.name = 'asset_' || " + kAssetOf3 +
             " AND asset.uri = 's3://bucket/asset_' || " + kAssetOf3,
         A::Dag},
        {"INSERT INTO asset_event (asset_id, extra, source_task_id, source_dag_id, source_run_id, source_map_index, "
         "timestamp) VALUES (" + kAssetOf3 + ", '{}', 'task_40', $1, 'scheduled__1', -1, now())",
         A::Dag},
        {"SELECT dag.* FROM dag LEFT OUTER JOIN dag_schedule_asset_name_reference ON dag.dag_id = "
         "dag_schedule_asset_name_reference.dag_id LEFT OUTER JOIN dag_schedule_asset_uri_reference ON dag.dag_id = "
         "dag_schedule_asset_uri_reference.dag_id WHERE dag_schedule_asset_name_reference.name = 'asset_' || " +
             kAssetOf3 + " OR dag_schedule_asset_uri_reference.uri = 's3://bucket/asset_' || " + kAssetOf3,
         A::Dag},
        {"INSERT INTO asset_dag_run_queue (asset_id, target_dag_id, created_at) SELECT asset_id, dag_id, now() FROM "
         "dag_schedule_asset_reference WHERE asset_id = " + kAssetOf3 + " ON CONFLICT DO NOTHING",
         A::Dag}},
       T::Rollback, "asset_event", 1},
      // Every loop: the whole queue (a row per DAG and asset queued; 100 here), and 10 of it for
      // the cost per row.
      {"adrq_select", {{"SELECT * FROM asset_dag_run_queue", A::None}}, T::None, "asset_dag_run_queue", 100},
      {"adrq_select_10", {{"SELECT * FROM asset_dag_run_queue LIMIT 10", A::None}}, T::None, "asset_dag_run_queue",
       10},
      // An asset-triggered run's events: every event of its assets (or aliases) since its previous
      // such run. The OR keeps PostgreSQL from seeking by asset: it reads idx_asset_id_timestamp
      // whole for the window, so the cost grows with every asset's events (per row of the table);
      // 100 and 10 events returned for the cost per event.
      {"asset_events_for_run", {{assetEventsForRun3(100), A::Dag}}, T::None, "asset_event", 100, false, false, true},
      {"asset_events_for_run_10", {{assetEventsForRun3(10), A::Dag}}, T::None, "asset_event", 10, false, false, true},
      // The run's consumed events: one multi-row INSERT of 100 (SQLAlchemy's executemany), per row.
      {"asset_run_events_insert",
       {{"INSERT INTO dagrun_asset_event (dag_run_id, event_id) SELECT (SELECT id FROM dag_run WHERE dag_id = $1 AND " +
             kRun3 + "), e FROM generate_series(1, 100) e",
         A::DagRun}},
       T::Rollback, "asset_event", 100, true},
      {"adrq_delete", {{"DELETE FROM asset_dag_run_queue WHERE target_dag_id = $1", A::Dag}}, T::Rollback,
       "asset_dag_run_queue", 1},
  };
}
// clang-format on

}  // namespace

const std::vector<QueryShape>& queryShapes(SchemaLayout layout) {
  static const std::vector<QueryShape> a1 = airflow110(), a2 = airflow2(), a3 = airflow3();
  switch (layout) {
    case SchemaLayout::Airflow110:
      return a1;
    case SchemaLayout::Airflow2:
      return a2;
    case SchemaLayout::Airflow3:
      break;
  }
  return a3;
}

}  // namespace schedlab
