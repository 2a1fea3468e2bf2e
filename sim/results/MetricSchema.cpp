#include "results/MetricSchema.h"

#include <cstdio>
#include <unordered_map>

namespace schedlab {

// One metric a row: the schema reads as a table, so it is kept out of clang-format.
// clang-format off
namespace metric {
const Metric kTaskTransitionLatency{"task_transition_latency_s", Unit::Seconds, Better::Lower, Shape::Summary, kRunScope | kDagScope | kInstanceScope | kFaultScope, true,
    "end of a task's last upstream to its start; also `cdf`"};
const Metric kScheduleDelay{"schedule_delay_s", Unit::Seconds, Better::Lower, Shape::Summary, kRunScope | kDagScope | kInstanceScope, true,
    "`dagrun.schedule_delay`: end of a run's interval to its start"};
const Metric kDagrunDuration{"dagrun_duration_s", Unit::Seconds, Better::Lower, Shape::Summary, kRunScope | kDagScope | kInstanceScope, true,
    "a run's first start to its end"};
const Metric kDagrunDoneAfterDue{"dagrun_done_after_due_s", Unit::Seconds, Better::Lower, Shape::Summary, kRunScope | kDagScope | kInstanceScope, true,
    "end of a run's data interval (or its trigger) to its end"};
const Metric kTriggerToStart{"trigger_to_start_s", Unit::Seconds, Better::Lower, Shape::Summary, kRunScope | kDagScope | kInstanceScope, true,
    "a trigger-stream arrival to the start of the first task doing its work"};
const Metric kTriggerToDone{"trigger_to_done_s", Unit::Seconds, Better::Lower, Shape::Summary, kRunScope | kDagScope | kInstanceScope, true,
    "a trigger-stream arrival to the end of the DAG run handling it"};
const Metric kQueuedDuration{"queued_duration_s", Unit::Seconds, Better::Lower, Shape::Summary, kRunScope | kDagScope | kInstanceScope, true,
    "queued to running"};
const Metric kSchedulerLoopDuration{"scheduler_loop_duration_s", Unit::Seconds, Better::Lower, Shape::Summary, kRunScope | kInstanceScope, true,
    "`scheduler.scheduler_loop_duration` (airflow2); one pass of the DAG-file processors (airflow1)"};
const Metric kSchedulerThroughput{"scheduler_throughput_tis_per_s", Unit::PerSecond, Better::Higher, Shape::Scalar, kRunScope, true,
    "executor mock: task instances that succeeded ÷ the first DAG run's creation to the last one's end"};
const Metric kApiRequestLatency{"api_request_latency_s", Unit::Seconds, Better::Lower, Shape::Summary, kRunScope, true,
    "airflow3: an Execution API request sent to its response (answered ones, per attempt); also `by_route`"};
const Metric kApiServerUtilization{"api_server_utilization", Unit::Ratio, Better::Lower, Shape::Scalar, kRunScope, true,
    "airflow3: API server CPU busy over its usable cores (min(workers, cores) per instance), after the warm-up"};
const Metric kTriesFailedOnHeartbeats{"tries_failed_on_heartbeats", Unit::Count, Better::Lower, Shape::Scalar, kRunScope | kFaultScope, true,
    "airflow3: tries their supervisor killed after `[workers] max_failed_heartbeats` failed heartbeats in a row"};
const Metric kTriggerDelay{"trigger_delay_s", Unit::Seconds, Better::Lower, Shape::Summary, kRunScope, true,
    "a deferred try's trigger event (its moment, its sensor's event or arrival) to its resumption on a worker"};
const Metric kTriggererOccupancy{"triggerer_occupancy", Unit::Ratio, Better::Lower, Shape::Scalar, kRunScope, true,
    "triggers held over `[triggerer] capacity` × triggerers, time-averaged after the warm-up"};
const Metric kDeferredTries{"deferred_tries", Unit::Count, Better::Neither, Shape::Scalar, kRunScope, true,
    "tries that deferred to the triggerer after the warm-up (a change either way beyond the tolerance fails `check`)"};
const Metric kTriggerTimeouts{"trigger_timeouts", Unit::Count, Better::Lower, Shape::Scalar, kRunScope, false,
    "deferred tries failed by `check_trigger_timeouts` (their trigger_timeout passed)"};
const Metric kAssetEvents{"asset_events", Unit::Count, Better::Neither, Shape::Scalar, kRunScope, true,
    "asset events written (a success's outlets) after the warm-up (a change either way beyond the tolerance fails `check`)"};
const Metric kAssetTriggeredRuns{"asset_triggered_runs", Unit::Count, Better::Neither, Shape::Scalar, kRunScope, true,
    "`asset.triggered_dagruns`: runs created for DAGs scheduled on assets, after the warm-up"};
const Metric kAssetEventsPerRun{"asset_events_per_run", Unit::Count, Better::Neither, Shape::Summary, kRunScope, false,
    "asset events an asset-triggered run consumed (read as objects by the scheduler, a row each written)"};
const Metric kTriggersOrphaned{"triggers_orphaned", Unit::Count, Better::Lower, Shape::Scalar, kFaultScope, false,
    "triggerer_crash: the triggers its triggerer held, taken by another once its job counted as dead"};
const Metric kApiRequestsPerTry{"api_requests_per_try", Unit::Count, Better::Lower, Shape::Scalar, kRunScope, false,
    "airflow3: Execution API requests (attempts, retries included) per try started"};
const Metric kDagProcessingTotalParseTime{"dag_processing_total_parse_time_s", Unit::Seconds, Better::Lower, Shape::Summary, kRunScope, false,
    "airflow3: `dag_processing.total_parse_time`, a DAG processor's pass over its files"};
const Metric kDagFileParses{"dag_file_parses", Unit::Count, Better::Neither, Shape::Scalar, kRunScope, false,
    "airflow3: DAG files the DAG processors parsed (each written to the DB)"};
const Metric kApiRequestFailures{"api_request_failures", Unit::Count, Better::Lower, Shape::Scalar, kRunScope, false,
    "airflow3: attempts not answered within `[workers] execution_api_timeout`, or refused (an outage)"};
const Metric kWorkerHours{"worker_hours", Unit::Hours, Better::Lower, Shape::Scalar, kRunScope | kPoolScope, true,
    "worker hosts billed, from launch to termination"};
const Metric kDbCoreHours{"db_core_hours", Unit::Hours, Better::Lower, Shape::Scalar, kRunScope, true,
    "metadata-DB cores × horizon, all DBs"};
const Metric kDbCpuUtilization{"db_cpu_utilization", Unit::Ratio, Better::Lower, Shape::Scalar, kRunScope | kInstanceScope, true,
    "DB CPU busy over its cores, after the warm-up (simulated: the ends of the backends started in it included, which come when their connections close)"};
const Metric kDbQueriesTotal{"db_queries_total", Unit::Statements, Better::Lower, Shape::Scalar, kRunScope | kInstanceScope, true,
    "every statement the DBs served"};
const Metric kCost{"cost", Unit::Currency, Better::Lower, Shape::Scalar, kRunScope | kPoolScope, true,
    "priced worker, scheduler and DB hours, in the prices' units"};
const Metric kDbSizeBytes{"db_size_bytes", Unit::Bytes, Better::Lower, Shape::EndMax, kRunScope | kInstanceScope, true,
    "DB size, indexes included"};
const Metric kTasksLost{"tasks_lost", Unit::Count, Better::Lower, Shape::Scalar, kRunScope, true,
    "created − succeeded − failed − in flight: always 0"};
const Metric kTasksFailed{"tasks_failed", Unit::Count, Better::Lower, Shape::Scalar, kRunScope, true,
    "tries ended failed or upstream_failed"};
const Metric kTasksKilledByScaleIn{"tasks_killed_by_scale_in", Unit::Count, Better::Lower, Shape::Scalar, kRunScope | kPoolScope, true,
    "tries killed by a hard scale-in"};
const Metric kTasksKilledByDeploy{"tasks_killed_by_deploy", Unit::Count, Better::Lower, Shape::Scalar, kRunScope | kPoolScope, true,
    "tries killed by a hard deploy"};
const Metric kDagrunsRecreatedByCatchup{"dagruns_recreated_by_catchup", Unit::Count, Better::Lower, Shape::Scalar, kRunScope | kDagScope, true,
    "scheduled runs created again for a date already run (keep-last-run)"};
const Metric kSlaMisses{"sla_misses", Unit::Count, Better::Lower, Shape::Scalar, kRunScope | kDagScope | kFaultScope, true,
    "task and run SLA deadlines missed, as `manage_slas` judges them"};
const Metric kSchedulerUnavailable{"scheduler_unavailable_s", Unit::Seconds, Better::Lower, Shape::Scalar, kRunScope | kFaultScope, true,
    "seconds an instance had no scheduler running, summed"};
const Metric kTasksRunTwiceAtOnce{"tasks_run_twice_at_once", Unit::Count, Better::Lower, Shape::Scalar, kRunScope, true,
    "a task instance started while another execution of it ran: always 0"};
const Metric kTasksSucceeded{"tasks_succeeded", Unit::Count, Better::Higher, Shape::Scalar, kRunScope, true,
    "tries ended success"};
const Metric kDbQueriesPerLoop{"db_queries_per_loop", Unit::Statements, Better::Lower, Shape::Summary, kRunScope | kInstanceScope, false,
    "scheduler-side statements per loop"};
const Metric kDbQueriesPerPass{"db_queries_per_pass", Unit::Statements, Better::Lower, Shape::Summary, kDagScope, false,
    "statements issued for the DAG per loop"};
const Metric kDbQueriesByType{"db_queries_by_type", Unit::Statements, Better::Neither, Shape::Object, kRunScope | kInstanceScope, false,
    "per statement type: `count`, `db_seconds` (the cost model's DB time) and `response_seconds` (sent to answered: round trips, waits for a core, service, disk, and on a connection's first statement its backend's start; live: measured, the connect included, and `db_cpu_seconds`, their backends' CPU)"};
const Metric kDbActiveBackendsByWaitEvent{"db_active_backends_by_wait_event", Unit::Count, Better::Neither, Shape::Object, kRunScope, false,
    "live only: the server's active client backends on average over the run (`pg_stat_activity` sampled every 0.1 s; the sampling backend's CPU left out of `db_cpu_utilization`), by what they waited for (`wait_event_type:wait_event`; `cpu`: nothing, running or ready to run)"};
const Metric kDbCpuSecondsByPart{"db_cpu_seconds_by_part", Unit::Seconds, Better::Neither, Shape::Object, kRunScope | kInstanceScope, false,
    "the DB's core-seconds by what they were for. Simulated (after the warm-up, as booked: work queued at the window's ends counts whole): `statements` (the cost model's, and a new backend's first statements' cold caches), `wake_ups` (connections' after idling), `connection_starts` (a backend's start, served at its connection's first statement, and its end, counted with it but served when the connection closes: with its actor, after the run; without `connections.start_s`, both served at the first statement), `server_processes` (the WAL writer's flushes of the statements' commits, as the calibration measured them per query type: `queries.<type>.server_processes_s`), `other_clients` (when `metadb.other_clients` are set: their statements, which `db_cpu_utilization` counts too). Live (throwaway server, the whole run): `statements` (their backends' CPU from the end of the connection's previous statement, wake-ups included), `server_processes` (WAL writer, checkpointer, background writer, autovacuum: those alive at the end), `other` (the rest: the postmaster, backends' starts and ends)"};
const Metric kDbCacheHitRatio{"db_cache_hit_ratio", Unit::Ratio, Better::Higher, Shape::Scalar, kRunScope | kInstanceScope, false,
    "pages found in memory over pages touched (`pg_stat_database`)"};
const Metric kDbPagesReadFromDisk{"db_pages_read_from_disk", Unit::Pages, Better::Lower, Shape::Scalar, kRunScope | kInstanceScope, false,
    "pages read from disk after the warm-up"};
const Metric kDbRows{"db_rows", Unit::Rows, Better::Neither, Shape::Object, kRunScope | kInstanceScope, false,
    "per table: `{\"end\", \"max\"}` rows"};
const Metric kCriticalSectionBusy{"critical_section_busy", Unit::Count, Better::Lower, Shape::Scalar, kRunScope, false,
    "airflow2: `scheduler.critical_section_busy`"};
const Metric kMetadb{"metadb", Unit::Text, Better::Neither, Shape::Text, kInstanceScope, false,
    "`shared` or `own`"};
const Metric kTasksCreated{"tasks_created", Unit::Count, Better::Neither, Shape::Scalar, kRunScope, false,
    "task instances created"};
const Metric kTasksUpstreamFailed{"tasks_upstream_failed", Unit::Count, Better::Lower, Shape::Scalar, kRunScope, false,
    "task instances ended upstream_failed"};
const Metric kTasksInFlightAtEnd{"tasks_in_flight_at_end", Unit::Count, Better::Neither, Shape::Scalar, kRunScope, false,
    "task instances not finished at the horizon"};
const Metric kDagrunsCreated{"dagruns_created", Unit::Count, Better::Neither, Shape::Scalar, kRunScope, false,
    "DAG runs created"};
const Metric kDagrunsSucceeded{"dagruns_succeeded", Unit::Count, Better::Higher, Shape::Scalar, kRunScope, false,
    "DAG runs ended success"};
const Metric kDagrunsFailed{"dagruns_failed", Unit::Count, Better::Lower, Shape::Scalar, kRunScope, false,
    "DAG runs ended failed"};
const Metric kTriggerArrivals{"trigger_arrivals", Unit::Count, Better::Neither, Shape::Scalar, kRunScope, false,
    "trigger-stream events"};
const Metric kSensorReschedules{"sensor_reschedules", Unit::Count, Better::Neither, Shape::Scalar, kRunScope, false,
    "reschedule-mode pokes that found nothing"};
const Metric kPodStartLatency{"pod_start_latency_s", Unit::Seconds, Better::Lower, Shape::Summary, kRunScope, true,
    "executor kubernetes: a try queued to its pod running it (the sum of the four `pod_*_s` parts)"};
const Metric kNodeHours{"node_hours", Unit::Hours, Better::Lower, Shape::Scalar, kRunScope | kPoolScope, true,
    "executor kubernetes: nodes billed, from launch to removal"};
const Metric kPodsKilledByScaleDown{"pods_killed_by_scale_down", Unit::Count, Better::Lower, Shape::Scalar, kRunScope | kPoolScope, true,
    "pods the cluster autoscaler killed with their node (`safe_to_evict` pools only)"};
const Metric kTasksStuckInQueued{"tasks_stuck_in_queued", Unit::Count, Better::Lower, Shape::Scalar, kRunScope, true,
    "tries queued longer than `task_queued_timeout`, revoked (failed, or requeued in 3.x)"};
const Metric kPodApi{"pod_api_s", Unit::Seconds, Better::Lower, Shape::Summary, kRunScope, false,
    "queued to its pod created: the executor's task queue (`worker_pods_creation_batch_size` per loop) and the API call"};
const Metric kPodPending{"pod_pending_s", Unit::Seconds, Better::Lower, Shape::Summary, kRunScope, false,
    "created to bound to a node: waiting for room, or for a node the cluster autoscaler boots"};
const Metric kPodImagePull{"pod_image_pull_s", Unit::Seconds, Better::Lower, Shape::Summary, kRunScope, false,
    "bound to its image present (0 when the node has it)"};
const Metric kPodContainerStart{"pod_container_start_s", Unit::Seconds, Better::Lower, Shape::Summary, kRunScope, false,
    "image present to the try running: the container and the interpreter starting"};
const Metric kPodsPending{"pods_pending", Unit::Count, Better::Lower, Shape::EndMax, kRunScope, false,
    "pods created and not bound to a node (over time: `pool_timeseries.csv` queue_depth)"};
const Metric kNodeHoursByPool{"node_hours_by_pool", Unit::Hours, Better::Lower, Shape::Object, kRunScope, false,
    "`node_hours` per node pool"};
const Metric kNodesMax{"nodes_max", Unit::Count, Better::Neither, Shape::Scalar, kPoolScope, false,
    "most nodes on at once"};
const Metric kPodsRun{"pods_run", Unit::Count, Better::Neither, Shape::Scalar, kRunScope | kPoolScope, false,
    "pods bound to its nodes"};
const Metric kNodeCpuUtilization{"node_cpu_utilization", Unit::Ratio, Better::Neither, Shape::Scalar, kPoolScope, false,
    "core-seconds computed over its cores × the time its nodes were on"};
const Metric kTriesByExecutor{"tries_by_executor", Unit::Count, Better::Neither, Shape::Object, kRunScope, false,
    "several executors (celery_kubernetes, a kind list): tries queued to each, `{\"celery\", \"kubernetes\"}`"};
const Metric kWorkerHoursByPool{"worker_hours_by_pool", Unit::Hours, Better::Lower, Shape::Object, kRunScope, false,
    "`worker_hours` per pool"};
const Metric kScaleEvents{"scale_events", Unit::Count, Better::Neither, Shape::Object, kRunScope | kPoolScope, false,
    "scaling actions: `{\"out\", \"in\"}`"};
const Metric kTasksKilledByWorkerCrash{"tasks_killed_by_worker_crash", Unit::Count, Better::Lower, Shape::Scalar, kRunScope | kPoolScope, false,
    "tries killed by a `worker_crash` fault"};
const Metric kTasksRedelivered{"tasks_redelivered", Unit::Count, Better::Lower, Shape::Scalar, kRunScope | kPoolScope, false,
    "killed tries run again from their message"};
const Metric kZombiesKilled{"zombies_killed", Unit::Count, Better::Lower, Shape::Scalar, kRunScope | kPoolScope, false,
    "killed tries failed by zombie detection, then retried"};
const Metric kWorkersMax{"workers_max", Unit::Count, Better::Neither, Shape::Scalar, kPoolScope, false,
    "most workers on at once"};
const Metric kTriesRun{"tries_run", Unit::Count, Better::Neither, Shape::Scalar, kPoolScope, false,
    "tries the pool's workers ran"};
const Metric kWorkerCpuUtilization{"worker_cpu_utilization", Unit::Ratio, Better::Neither, Shape::Scalar, kPoolScope, false,
    "core-seconds computed over its cores × the time its hosts were on"};
const Metric kWorkersLaunched{"workers_launched", Unit::Count, Better::Neither, Shape::Scalar, kPoolScope, false,
    "hosts launched"};
const Metric kWorkersTerminated{"workers_terminated", Unit::Count, Better::Neither, Shape::Scalar, kPoolScope, false,
    "hosts terminated"};
const Metric kByFault{"by_fault", Unit::Count, Better::Neither, Shape::Object, kRunScope, false,
    "per fault: `kind`, `during` and `after` windows, and its own figures"};
const Metric kOutageDetectedAfter{"outage_detected_after_s", Unit::Seconds, Better::Lower, Shape::Scalar, kRunScope | kFaultScope, false,
    "a scheduler crash to the heartbeat alert (null: never)"};
const Metric kSchedulerAlerts{"scheduler_alerts", Unit::Count, Better::Neither, Shape::Scalar, kRunScope, false,
    "heartbeat alerts fired"};
const Metric kSchedulerRestarts{"scheduler_restarts", Unit::Count, Better::Neither, Shape::Scalar, kRunScope, false,
    "scheduler processes restarted"};
const Metric kStandbyTakeovers{"standby_takeovers", Unit::Count, Better::Neither, Shape::Scalar, kRunScope, false,
    "hot standbys that took over"};
const Metric kOrphanedTasksAdopted{"orphaned_tasks_adopted", Unit::Count, Better::Neither, Shape::Scalar, kRunScope | kFaultScope, false,
    "`scheduler.orphaned_tasks.adopted`"};
const Metric kOrphanedTasksCleared{"orphaned_tasks_cleared", Unit::Count, Better::Neither, Shape::Scalar, kRunScope | kFaultScope, false,
    "`scheduler.orphaned_tasks.cleared`"};
const Metric kStaleMessages{"stale_messages", Unit::Count, Better::Neither, Shape::Scalar, kRunScope, false,
    "messages of a task instance no longer queued, refused by the worker"};
const Metric kSchedulerExitsOnDbErrors{"scheduler_exits_on_db_errors", Unit::Count, Better::Lower, Shape::Scalar, kRunScope, false,
    "schedulers that gave up on a refusing DB"};
const Metric kTasksFailedOnDbErrors{"tasks_failed_on_db_errors", Unit::Count, Better::Lower, Shape::Scalar, kRunScope, false,
    "tries that could not start (DB refusing)"};
const Metric kTaskEndsLostOnDbErrors{"task_ends_lost_on_db_errors", Unit::Count, Better::Lower, Shape::Scalar, kRunScope, false,
    "tries whose end could not be written (zombies)"};
const Metric kSchedulerHostHours{"scheduler_host_hours", Unit::Hours, Better::Lower, Shape::Scalar, kRunScope, false,
    "scheduler hosts (replicas and standbys) × horizon"};
const Metric kArchivingRuns{"archiving_runs", Unit::Count, Better::Neither, Shape::Scalar, kRunScope, false,
    "cleanup runs"};
const Metric kArchivingRowsDeleted{"archiving_rows_deleted", Unit::Rows, Better::Neither, Shape::Scalar, kRunScope, false,
    "rows the cleanup deleted"};
const Metric kSchedulerBackAfter{"scheduler_back_after_s", Unit::Seconds, Better::Lower, Shape::Scalar, kFaultScope, false,
    "a crash to a process running that scheduler again (null: never)"};
const Metric kOrphansTakenOverAfter{"orphans_taken_over_after_s", Unit::Seconds, Better::Lower, Shape::Scalar, kFaultScope, false,
    "a crash to its orphans adopted or reset"};
const Metric kSchedulerExits{"scheduler_exits", Unit::Count, Better::Lower, Shape::Scalar, kFaultScope, false,
    "a refusing failover: scheduler exits"};
const Metric kSchedulersBackAfter{"schedulers_back_after_s", Unit::Seconds, Better::Lower, Shape::Scalar, kFaultScope, false,
    "a refusing failover to every scheduler running again"};
}  // namespace metric
// clang-format on

const std::vector<const Metric*>& metricSchema() {
  static const std::vector<const Metric*> all = {&metric::kTaskTransitionLatency,
                                                 &metric::kScheduleDelay,
                                                 &metric::kDagrunDuration,
                                                 &metric::kDagrunDoneAfterDue,
                                                 &metric::kTriggerToStart,
                                                 &metric::kTriggerToDone,
                                                 &metric::kQueuedDuration,
                                                 &metric::kSchedulerLoopDuration,
                                                 &metric::kSchedulerThroughput,
                                                 &metric::kApiRequestLatency,
                                                 &metric::kApiServerUtilization,
                                                 &metric::kTriesFailedOnHeartbeats,
                                                 &metric::kTriggerDelay,
                                                 &metric::kTriggererOccupancy,
                                                 &metric::kDeferredTries,
                                                 &metric::kAssetEvents,
                                                 &metric::kAssetTriggeredRuns,
                                                 &metric::kPodStartLatency,
                                                 &metric::kNodeHours,
                                                 &metric::kPodsKilledByScaleDown,
                                                 &metric::kTasksStuckInQueued,
                                                 &metric::kWorkerHours,
                                                 &metric::kDbCoreHours,
                                                 &metric::kDbCpuUtilization,
                                                 &metric::kDbQueriesTotal,
                                                 &metric::kCost,
                                                 &metric::kDbSizeBytes,
                                                 &metric::kTasksLost,
                                                 &metric::kTasksFailed,
                                                 &metric::kTasksKilledByScaleIn,
                                                 &metric::kTasksKilledByDeploy,
                                                 &metric::kDagrunsRecreatedByCatchup,
                                                 &metric::kSlaMisses,
                                                 &metric::kSchedulerUnavailable,
                                                 &metric::kTasksRunTwiceAtOnce,
                                                 &metric::kTasksSucceeded,
                                                 &metric::kDbQueriesPerLoop,
                                                 &metric::kDbQueriesPerPass,
                                                 &metric::kDbQueriesByType,
                                                 &metric::kDbActiveBackendsByWaitEvent,
                                                 &metric::kDbCpuSecondsByPart,
                                                 &metric::kDbCacheHitRatio,
                                                 &metric::kDbPagesReadFromDisk,
                                                 &metric::kDbRows,
                                                 &metric::kCriticalSectionBusy,
                                                 &metric::kMetadb,
                                                 &metric::kTasksCreated,
                                                 &metric::kTasksUpstreamFailed,
                                                 &metric::kTasksInFlightAtEnd,
                                                 &metric::kDagrunsCreated,
                                                 &metric::kDagrunsSucceeded,
                                                 &metric::kDagrunsFailed,
                                                 &metric::kTriggerArrivals,
                                                 &metric::kSensorReschedules,
                                                 &metric::kWorkerHoursByPool,
                                                 &metric::kScaleEvents,
                                                 &metric::kTasksKilledByWorkerCrash,
                                                 &metric::kTasksRedelivered,
                                                 &metric::kZombiesKilled,
                                                 &metric::kWorkersMax,
                                                 &metric::kTriesRun,
                                                 &metric::kWorkerCpuUtilization,
                                                 &metric::kWorkersLaunched,
                                                 &metric::kWorkersTerminated,
                                                 &metric::kPodApi,
                                                 &metric::kPodPending,
                                                 &metric::kPodImagePull,
                                                 &metric::kPodContainerStart,
                                                 &metric::kPodsPending,
                                                 &metric::kNodeHoursByPool,
                                                 &metric::kNodesMax,
                                                 &metric::kPodsRun,
                                                 &metric::kNodeCpuUtilization,
                                                 &metric::kTriesByExecutor,
                                                 &metric::kByFault,
                                                 &metric::kOutageDetectedAfter,
                                                 &metric::kSchedulerAlerts,
                                                 &metric::kSchedulerRestarts,
                                                 &metric::kStandbyTakeovers,
                                                 &metric::kOrphanedTasksAdopted,
                                                 &metric::kOrphanedTasksCleared,
                                                 &metric::kStaleMessages,
                                                 &metric::kSchedulerExitsOnDbErrors,
                                                 &metric::kTasksFailedOnDbErrors,
                                                 &metric::kTaskEndsLostOnDbErrors,
                                                 &metric::kSchedulerHostHours,
                                                 &metric::kArchivingRuns,
                                                 &metric::kArchivingRowsDeleted,
                                                 &metric::kSchedulerBackAfter,
                                                 &metric::kOrphansTakenOverAfter,
                                                 &metric::kSchedulerExits,
                                                 &metric::kSchedulersBackAfter,
                                                 &metric::kApiRequestsPerTry,
                                                 &metric::kApiRequestFailures,
                                                 &metric::kDagProcessingTotalParseTime,
                                                 &metric::kDagFileParses,
                                                 &metric::kTriggerTimeouts,
                                                 &metric::kTriggersOrphaned,
                                                 &metric::kAssetEventsPerRun};
  return all;
}

const Metric* findMetric(std::string_view key) {
  static const std::unordered_map<std::string_view, const Metric*> byKey = [] {
    std::unordered_map<std::string_view, const Metric*> m;
    for (const Metric* x : metricSchema()) m.emplace(x->key, x);
    return m;
  }();
  auto it = byKey.find(key);
  return it == byKey.end() ? nullptr : it->second;
}

const Metric* metricOfPath(std::string_view path) {
  // The last component that names a metric: a summary's statistic or a per-table part follows it.
  while (!path.empty()) {
    const size_t dot = path.rfind('.');
    const std::string_view last = dot == std::string_view::npos ? path : path.substr(dot + 1);
    if (const Metric* m = findMetric(last)) return m;
    if (dot == std::string_view::npos) break;
    path = path.substr(0, dot);
  }
  return nullptr;
}

std::string runPath(const Metric& m, std::string_view part) {
  std::string p = "metrics.";
  p += m.key;
  if (!part.empty()) p.append(".").append(part);
  return p;
}

const char* unitName(Unit u) {
  switch (u) {
    case Unit::Seconds:
      return "s";
    case Unit::Ratio:
      return "0-1";
    case Unit::Count:
      return "count";
    case Unit::Statements:
      return "statements";
    case Unit::Rows:
      return "rows";
    case Unit::Pages:
      return "pages";
    case Unit::Bytes:
      return "bytes";
    case Unit::Hours:
      return "h";
    case Unit::Currency:
      return "price units";
    case Unit::PerSecond:
      return "/s";
    case Unit::Text:
      return "text";
  }
  return "?";
}

const char* betterName(Better b) {
  switch (b) {
    case Better::Lower:
      return "lower";
    case Better::Higher:
      return "higher";
    case Better::Neither:
      return "neither";
  }
  return "?";
}

namespace {
const char* shapeName(Shape s) {
  switch (s) {
    case Shape::Scalar:
      return "scalar";
    case Shape::Summary:
      return "summary";
    case Shape::EndMax:
      return "end_max";
    case Shape::Object:
      return "object";
    case Shape::Text:
      return "text";
  }
  return "?";
}

std::vector<std::string> scopeNames(unsigned scopes) {
  std::vector<std::string> out;
  if (scopes & kRunScope) out.push_back("metrics");
  if (scopes & kDagScope) out.push_back("metrics_by_dag");
  if (scopes & kInstanceScope) out.push_back("metrics_by_instance");
  if (scopes & kPoolScope) out.push_back("metrics_by_pool");
  if (scopes & kFaultScope) out.push_back("by_fault");
  return out;
}
}  // namespace

std::string formatValue(Unit u, double v) {
  char buf[48];
  switch (u) {
    case Unit::Seconds:
      if (v >= 7200)
        std::snprintf(buf, sizeof buf, "%.2f h", v / 3600);
      else if (v >= 100)
        std::snprintf(buf, sizeof buf, "%.0f s", v);
      else if (v >= 1)
        std::snprintf(buf, sizeof buf, "%.2f s", v);
      else
        std::snprintf(buf, sizeof buf, "%.1f ms", v * 1e3);
      break;
    case Unit::Ratio:
      std::snprintf(buf, sizeof buf, "%.1f%%", 100 * v);
      break;
    case Unit::PerSecond:
      std::snprintf(buf, sizeof buf, "%.1f /s", v);
      break;
    default:
      std::snprintf(buf, sizeof buf, "%g", v);
  }
  return buf;
}

nlohmann::json schemaJson() {
  nlohmann::json metrics = nlohmann::json::array();
  for (const Metric* m : metricSchema())
    metrics.push_back({{"key", m->key},
                       {"unit", unitName(m->unit)},
                       {"better", betterName(m->better)},
                       {"shape", shapeName(m->shape)},
                       {"scopes", scopeNames(m->scopes)},
                       {"gated", m->gated},
                       {"meaning", m->meaning}});
  return {{"metrics", metrics}};
}

std::string schemaMarkdown() {
  std::string out = "| metric | unit | better | shape | where | gated | meaning |\n|---|---|---|---|---|---|---|\n";
  for (const Metric* m : metricSchema()) {
    std::string where;
    for (const auto& s : scopeNames(m->scopes)) where += (where.empty() ? "" : ", ") + s;
    out += "| `" + std::string(m->key) + "` | " + unitName(m->unit) + " | " + betterName(m->better) + " | " +
           shapeName(m->shape) + " | " + where + " | " + (m->gated ? "yes" : "") + " | " + std::string(m->meaning) +
           " |\n";
  }
  return out;
}

}  // namespace schedlab
