// The queries Airflow's scheduler, DAG-file processors and workers issue against the metadata DB,
// one named type each (see README "Query catalog" for where each comes from in Airflow's code).
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace schedlab {

// task_instance_history (3.x: a row per try retried): only airflow3 runs write it; asset_event
// (2.4+): only runs with DAGs scheduled on assets.
enum class Table {
  TaskInstance,
  DagRun,
  Job,
  Xcom,
  Log,
  Dag,
  SlotPool,
  TaskReschedule,
  TaskInstanceHistory,
  AssetEvent,
  Count
};

inline constexpr std::array<std::string_view, static_cast<size_t>(Table::Count)> kTableNames = {
    "task_instance",         "dag_run",    "job", "xcom", "log", "dag", "slot_pool", "task_reschedule",
    "task_instance_history", "asset_event"};

enum class QueryType {
  // Airflow 1.10 main loop (SchedulerJob._execute_helper).
  TisWithoutDagrun,   // _change_state_for_tis_without_dagrun: join + bulk UPDATE (x2 per loop)
  FindScheduledTis,   // _find_executable_task_instances: SELECT SCHEDULED TIs
  SelectPools,        // SELECT all pools
  ConcurrencyCounts,  // GROUP BY dag_id, task_id over RUNNING+QUEUED
  PoolOpenSlots,      // one sum per pool
  LockAndQueueTis,    // SELECT ... FOR UPDATE, UPDATE -> QUEUED (chunks of max_tis_per_query)
  // Airflow 1.10 DAG-file processor (DagFileProcessor.process_file).
  SyncDag,                  // dag.sync_to_db
  GetPausedDags,            // get_paused_dag_ids
  CreateDagRunChecks,       // create_dag_run: running runs; below max_active_runs also max(execution_date), last run
  FindRunningDagRuns,       // DagRun.find(dag_id, RUNNING)
  VerifyIntegrity,          // SELECT the run's TIs (INSERT missing ones)
  UpdateStateSelectTis,     // update_state: SELECT the run's TIs
  UpdateStateUnfinished,    // pre-AIRFLOW-3607: second SELECT of unfinished TIs
  TiCurrentState,           // ut.current_state() in the deadlock check
  TriggerRuleDep,           // pre-AIRFLOW-3607: one aggregate per TI checked
  NotPreviouslySkippedDep,  // 1.10.12: SELECT all finished TIs of the run, per TI checked
  PrevDagrunDep,            // depends_on_past: SELECT the previous run's TI, per TI checked
  SchedulableTisSelect,     // SELECT TIs in SCHEDULEABLE_STATES
  DagRunUpdate,             // UPDATE dag_run + commit
  TiLockForSchedule,        // refresh_from_db(lock_for_update=True), per TI set to SCHEDULED
  TiMergeScheduled,         // session.merge(ti) -> SCHEDULED
  DagRunInsert,             // INSERT dag_run + its TIs
  // Airflow 2.x scheduler loop.
  DagsNeedingDagruns,     // SELECT dag ... FOR UPDATE SKIP LOCKED
  StartQueuedDagruns,     // _start_queued_dagruns
  NextDagrunsToExamine,   // SELECT dag_run ... FOR UPDATE SKIP LOCKED
  UpdateStateChanges,     // update_state's batched SELECT of changed TIs
  ScheduleTis,            // dag_run.schedule_tis: one bulk UPDATE per run
  PoolSlotsLock,          // SELECT slot_pool FOR UPDATE NOWAIT (critical section)
  PoolStateCounts,        // GROUP BY pool, state over running/queued TIs
  ScheduledTisForUpdate,  // SCHEDULED TIs LIMIT max_tis FOR UPDATE SKIP LOCKED
  BulkQueueTis,           // UPDATE task_instance SET state='queued'
  // Both models.
  ExecutorEvents,       // _process_executor_events (per event in 1.10, one bulk SELECT in 2.x)
  SchedulerHeartbeat,   // UPDATE job.latest_heartbeat
  AdoptOrResetOrphans,  // at start (and 2.x every orphaned_tasks_check_interval): dead jobs failed,
                        // their TIs locked, reset ones UPDATEd to NONE
  // Worker side (LocalTaskJob and the raw task).
  WorkerStart,      // job INSERT, TI SELECT FOR UPDATE, running deps, log INSERT, TI -> RUNNING
  WorkerFinish,     // TI SELECT FOR UPDATE, UPDATE -> SUCCESS/FAILED, log INSERT, job UPDATE
  WorkerHeartbeat,  // every job_heartbeat_sec: ~3 SELECTs + 1 UPDATE
  MiniScheduler,    // 2.x: SELECT dag_run FOR UPDATE, the run's TIs, UPDATE downstream
  // Cleanup (the community db-cleanup DAG / `airflow db clean`).
  ArchiveDelete,  // DELETE ... WHERE <age column> < cutoff, costed per row deleted
  // The mock executor's heartbeat (Airflow's MockExecutor, for scheduler benchmarks): per queued
  // TI, ti.set_state(SUCCESS) in the scheduler's session: session.merge (SELECT by key), UPDATE.
  MockExecutorSetState,
  // A try's Variable.get and connection lookup (the secrets backend chain ends in the metastore):
  // one SELECT by key, from the worker (1.10/2.x) or from the API server (3.x's GET routes).
  VariableGet,
  ConnectionGet,
  // Airflow 3.1's Execution API (api_fastapi/execution_api/routes/): the SQL the API server runs
  // for a running try, which 2.x's workers sent themselves.
  ApiTiRun,        // PATCH /task-instances/{id}/run: TI FOR UPDATE, UPDATE -> running, its dag_run,
                   // its XCom keys, its reschedule count, the DAG version
  ApiTiState,      // PATCH .../state: TI FOR UPDATE, the TI with its dag_run, the outcome's read, UPDATE
  ApiTiHeartbeat,  // PUT .../heartbeat: TI FOR UPDATE, UPDATE last_heartbeat_at
  ApiXcomSet,      // POST /xcoms/...: the dag_run id, DELETE the old value, INSERT the new one
  ApiTiRetry,      // PATCH .../state of a failed try with retries left: TI FOR UPDATE, the TI with its
                   // dag_run, its history count, INSERT task_instance_history, DELETE its reschedules,
                   // UPDATE to a new id (up_for_retry)
  // Airflow 3.1's standalone DAG processor, per DAG file parsed (dag_processing/collection.py):
  // the dag row FOR UPDATE and its UPDATE, the run info's dag_run read, the serialized DAG's
  // update-interval or hash check, the latest dag_version.
  DagProcessorParse,
  // Airflow 3.1's scheduler, besides the 2.x loop's statements.
  DeadlineScan,          // every loop: SELECT deadline WHERE deadline_time < now AND callback_state IS NULL
  DagrunCreateVersions,  // a run created: the DAG's bundle version, its latest dag_version, the log template
  VerifyDagVersion,      // a run examined: the latest dag_version, does the run's TIs (or history) have it
  // Deferral (Airflow >= 2.2; models/trigger.py, jobs/triggerer_job_runner.py).
  WorkerDefer,           // 2.x: the try defers: TI FOR UPDATE, INSERT trigger, UPDATE TI -> deferred, log, job
  ApiTiDefer,            // 3.x: PATCH .../state deferred: api_ti_state's statements and the INSERT trigger
  TriggererLoad,         // a triggerer loop: count its triggers, the unassigned ones SKIP LOCKED, ids_for_triggerer
  TriggerAssign,         // assign_unassigned's UPDATE trigger SET triggerer_id
  TriggerEventSubmit,    // submit_event: the deferred TIs of the trigger, UPDATE -> scheduled, the trigger row
  TriggerCleanUnused,    // clean_unused: UPDATE TIs no longer deferred, DELETE triggers nobody needs
  TriggererHeartbeat,    // UPDATE job.latest_heartbeat of the triggerer's job
  CheckTriggerTimeouts,  // the scheduler's check_trigger_timeouts: UPDATE deferred TIs past trigger_timeout
  // Assets (2.4+ datasets; models/asset.py, assets/manager.py, scheduler_job_runner.py).
  AssetEventRegister,    // a success's outlet: INSERT asset_event, the DAGs scheduled on it, INSERT the queue row
  AdrqSelect,            // every loop: SELECT the whole asset_dag_run_queue (dags_needing_dagruns)
  AssetEventsForRun,     // an asset-triggered run: SELECT its window's asset events as ORM objects; reads
                         // idx_asset_id_timestamp whole (rows scanned: the table's, returned: the events)
  AssetRunEventsInsert,  // INSERT dagrun_asset_event, a row per event consumed
  AdrqDelete,            // DELETE the DAG's asset_dag_run_queue rows
  // KEDA's postgresql trigger for a Celery pool (the Helm chart's workers.keda.query): a count of
  // the running and queued task instances, every pollingInterval, from KEDA, not from Airflow.
  KedaCount,
  Count
};

struct QueryInfo {
  std::string_view name;
  Table table;
  int statements;  // SQL statements one query of this type sends (round trips)
  bool schedulerSide;
  bool apiServer = false;     // an Execution API route's SQL: the API server sends it, never a scheduler loop
  bool dagProcessor = false;  // airflow3's standalone DAG processor sends it, never a scheduler loop
  bool airflow3Only = false;  // only airflow3 sends it: a calibration costs it in its "airflow3" section
  bool taskRead = false;      // a try's lookup (a Variable, a connection), never a loop's
  // Deferral's and assets' statements: only scenarios that defer or use assets send them;
  // measured on the 3.1 layout (a calibration from before costs each as a stand-in, QueryCostModel).
  bool deferralOrAssets = false;
  bool autoscaler = false;  // an autoscaler's query (KEDA's): neither Airflow's nor a loop's
  // A statements.<type> column of loops.csv: a scheduler loop's types but airflow3's, deferral's
  // and assets' own (counted in its statements, and by type in db_queries_by_type), so the columns
  // stay one set for all.
  bool loopColumn() const {
    return !apiServer && !dagProcessor && !airflow3Only && !taskRead && !deferralOrAssets && !autoscaler;
  }
};

inline constexpr std::array<QueryInfo, static_cast<size_t>(QueryType::Count)> kQueries = {{
    {"tis_without_dagrun", Table::TaskInstance, 1, true},
    {"find_scheduled_tis", Table::TaskInstance, 1, true},
    {"select_pools", Table::SlotPool, 1, true},
    {"concurrency_counts", Table::TaskInstance, 1, true},
    {"pool_open_slots", Table::TaskInstance, 1, true},
    {"lock_and_queue_tis", Table::TaskInstance, 2, true},
    {"sync_dag", Table::Dag, 2, true},
    {"get_paused_dags", Table::Dag, 1, true},
    {"create_dag_run_checks", Table::DagRun, 1, true},
    {"find_running_dagruns", Table::DagRun, 1, true},
    {"verify_integrity", Table::TaskInstance, 1, true},
    {"update_state_select_tis", Table::TaskInstance, 1, true},
    {"update_state_unfinished", Table::TaskInstance, 1, true},
    {"ti_current_state", Table::TaskInstance, 1, true},
    {"trigger_rule_dep", Table::TaskInstance, 1, true},
    {"not_previously_skipped_dep", Table::TaskInstance, 1, true},
    {"prev_dagrun_dep", Table::TaskInstance, 1, true},
    {"schedulable_tis_select", Table::TaskInstance, 1, true},
    {"dagrun_update", Table::DagRun, 1, true},
    {"ti_lock_for_schedule", Table::TaskInstance, 1, true},
    {"ti_merge_scheduled", Table::TaskInstance, 1, true},
    {"dagrun_insert", Table::DagRun, 2, true},
    {"dags_needing_dagruns", Table::Dag, 1, true},
    {"start_queued_dagruns", Table::DagRun, 1, true},
    {"next_dagruns_to_examine", Table::DagRun, 1, true},
    {"update_state_changes", Table::TaskInstance, 1, true},
    {"schedule_tis", Table::TaskInstance, 1, true},
    {"pool_slots_lock", Table::SlotPool, 1, true},
    {"pool_state_counts", Table::TaskInstance, 1, true},
    {"scheduled_tis_for_update", Table::TaskInstance, 1, true},
    {"bulk_queue_tis", Table::TaskInstance, 1, true},
    {"executor_events", Table::TaskInstance, 1, true},
    {"scheduler_heartbeat", Table::Job, 1, true},
    {"adopt_or_reset_orphans", Table::TaskInstance, 3, true},
    {"worker_start", Table::TaskInstance, 5, false},
    {"worker_finish", Table::TaskInstance, 4, false},
    {"worker_heartbeat", Table::Job, 4, false},
    {"mini_scheduler", Table::TaskInstance, 3, false},
    {"archive_delete", Table::TaskInstance, 1, false},
    {"mock_executor_set_state", Table::TaskInstance, 2, true},
    {"variable_get", Table::Dag, 1, false, false, false, false, true},
    {"connection_get", Table::Dag, 1, false, false, false, false, true},
    {"api_ti_run", Table::TaskInstance, 6, false, true},
    {"api_ti_state", Table::TaskInstance, 4, false, true},
    {"api_ti_heartbeat", Table::TaskInstance, 2, false, true},
    {"api_xcom_set", Table::Xcom, 3, false, true},
    {"api_ti_retry", Table::TaskInstance, 6, false, true, false, true},
    {"dag_processor_parse", Table::Dag, 5, false, false, true},
    {"deadline_scan", Table::DagRun, 1, true, false, false, true},
    {"dagrun_create_versions", Table::Dag, 3, true, false, false, true},
    {"verify_dag_version", Table::TaskInstance, 2, true, false, false, true},
    {"worker_defer", Table::TaskInstance, 5, false, false, false, false, false, true},
    {"api_ti_defer", Table::TaskInstance, 5, false, true, false, false, false, true},
    {"triggerer_load", Table::TaskInstance, 3, false, false, false, false, false, true},
    {"trigger_assign", Table::TaskInstance, 1, false, false, false, false, false, true},
    {"trigger_event_submit", Table::TaskInstance, 3, false, false, false, false, false, true},
    {"trigger_clean_unused", Table::TaskInstance, 2, false, false, false, false, false, true},
    {"triggerer_heartbeat", Table::Job, 1, false, false, false, false, false, true},
    {"check_trigger_timeouts", Table::TaskInstance, 1, true, false, false, false, false, true},
    {"asset_event_register", Table::AssetEvent, 3, false, false, false, false, false, true},
    {"adrq_select", Table::Dag, 1, true, false, false, false, false, true},
    {"asset_events_for_run", Table::AssetEvent, 1, true, false, false, false, false, true},
    {"asset_run_events_insert", Table::AssetEvent, 1, true, false, false, false, false, true},
    {"adrq_delete", Table::Dag, 1, true, false, false, false, false, true},
    {"keda_count", Table::TaskInstance, 1, false, false, false, false, false, false, true},
}};

inline const QueryInfo& queryInfo(QueryType t) { return kQueries[static_cast<size_t>(t)]; }
inline constexpr size_t kQueryTypeCount = static_cast<size_t>(QueryType::Count);

// The type of that name in the catalog (as calibrations and results spell it), if any.
inline std::optional<QueryType> queryTypeNamed(std::string_view name) {
  for (size_t i = 0; i < kQueryTypeCount; ++i)
    if (kQueries[i].name == name) return static_cast<QueryType>(i);
  return std::nullopt;
}

}  // namespace schedlab
