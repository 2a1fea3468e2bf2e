#include "scenario/yaml/Sections.h"

namespace schedlab::yaml {

void readSchedulerSection(const Context& ctx, Fields& top, Scenario& s) {
  Fields f(ctx, top.raw("scheduler"), "scheduler");
  auto& c = s.scheduler;
  c.model = f.choice<SchedulerModel>("model", c.model,
                                     {{"airflow1", SchedulerModel::Airflow1},
                                      {"airflow2", SchedulerModel::Airflow2},
                                      {"airflow3", SchedulerModel::Airflow3}});
  const bool a1 = c.model == SchedulerModel::Airflow1, a3 = c.model == SchedulerModel::Airflow3;
  // Airflow 3 renamed or moved some options, and removed others: its keys are refused under the
  // older models and the older keys under airflow3, each naming what the model calls it.
  auto refuse = [&](const char* key, const std::string& why) {
    if (f.has(key)) ctx.fail(f.raw(key), f.path(key), why);
  };
  if (a3) {
    refuse("scheduler_zombie_task_threshold", "Airflow 3 calls it scheduler.task_instance_heartbeat_timeout");
    refuse("zombie_detection_interval",
           "Airflow 3 calls it scheduler.task_instance_heartbeat_timeout_detection_interval");
    refuse(
        "schedule_after_task_execution",
        "Airflow 3 has no mini scheduler (removed by apache/airflow#43741): the scheduler schedules downstream tasks");
    refuse("job_heartbeat_sec",
           "Airflow 3 has no LocalTaskJob: a try heartbeats through the API server every "
           "workers.min_heartbeat_interval");
    for (const char* moved : {"parsing_processes", "min_file_process_interval", "dag_file_parse_cost"})
      refuse(moved, std::string("Airflow 3 parses DAG files in its DAG processor: dag_processor.") + moved);
  } else {
    for (const char* renamed :
         {"task_instance_heartbeat_timeout", "task_instance_heartbeat_timeout_detection_interval"})
      refuse(renamed, std::string("Airflow 3's name; under ") + schedulerModelName(c.model) + " it is scheduler." +
                          (std::string(renamed) == "task_instance_heartbeat_timeout" ? "scheduler_zombie_task_threshold"
                                                                                     : "zombie_detection_interval"));
  }
  // Airflow 1.10.12 queried per task; AIRFLOW-3607 (1.10.13, 2.0) made it one query per DAG run.
  c.queryMode = f.choice<QueryMode>("query_mode", a1 ? QueryMode::PerTask : QueryMode::PerDag,
                                    {{"per_task", QueryMode::PerTask}, {"per_dag", QueryMode::PerDag}});
  if (!a1 && c.queryMode == QueryMode::PerTask)
    ctx.fail(f.raw("query_mode"), "scheduler.query_mode",
             "per_task exists only in the airflow1 model (Airflow 2 evaluates deps in memory)");
  c.notPreviouslySkippedDep = f.boolean("not_previously_skipped_dep", false);
  if (!a1 && c.notPreviouslySkippedDep)  // 2.x and 3.x evaluate dependencies in memory
    ctx.fail(f.raw("not_previously_skipped_dep"), "scheduler.not_previously_skipped_dep",
             "1.10.12's query per task instance exists only in the airflow1 model");
  c.parallelism = f.integer("parallelism", c.parallelism, 1);
  c.maxActiveTasksPerDag = f.integer("max_active_tasks_per_dag", c.maxActiveTasksPerDag, 1);
  c.maxActiveRunsPerDag = f.integer("max_active_runs_per_dag", c.maxActiveRunsPerDag, 1);
  // 16 in Airflow 3's config.yml, 512 in 2.x's.
  c.maxTisPerQuery = f.integer("max_tis_per_query", a3 ? 16 : c.maxTisPerQuery, 1);
  c.maxDagrunsToCreatePerLoop = f.integer("max_dagruns_to_create_per_loop", c.maxDagrunsToCreatePerLoop, 1);
  c.maxDagrunsPerLoopToSchedule = f.integer("max_dagruns_per_loop_to_schedule", c.maxDagrunsPerLoopToSchedule, 1);
  c.idleSleepTime = f.duration("scheduler_idle_sleep_time", c.idleSleepTime);
  c.parsingProcesses = f.integer("parsing_processes", c.parsingProcesses, 1, 256);
  // 0 in 1.10 (files re-parsed back to back), 30 s from 2.0.1.
  c.minFileProcessInterval = f.duration("min_file_process_interval", a1 ? 0 : 30);
  c.dagFileParseCost = f.duration("dag_file_parse_cost", c.dagFileParseCost);
  c.clientCostPerQuery = f.measuredOrDuration("client_cost_per_query", c.clientCostPerQuery);
  c.schedulerHeartbeatSec = f.duration("scheduler_heartbeat_sec", c.schedulerHeartbeatSec, 1e-3);
  c.triggerTimeoutCheckInterval = f.duration("trigger_timeout_check_interval", c.triggerTimeoutCheckInterval, 1e-3);
  c.jobHeartbeatSec = f.duration("job_heartbeat_sec", c.jobHeartbeatSec, 1e-3);
  c.zombieTaskThreshold = f.duration(a3 ? "task_instance_heartbeat_timeout" : "scheduler_zombie_task_threshold",
                                     c.zombieTaskThreshold, 1e-3);
  c.zombieDetectionInterval =
      f.duration(a3 ? "task_instance_heartbeat_timeout_detection_interval" : "zombie_detection_interval",
                 c.zombieDetectionInterval, 1e-3);
  c.scheduleAfterTaskExecution = f.boolean("schedule_after_task_execution", !a1 && !a3);
  if (a1 && c.scheduleAfterTaskExecution)
    ctx.fail(f.raw("schedule_after_task_execution"), "scheduler.schedule_after_task_execution",
             "the mini-scheduler exists only in the airflow2 model");
  if (a1 && (f.has("task_queued_timeout") || f.has("task_queued_timeout_check_interval")))
    ctx.fail(f.raw(f.has("task_queued_timeout") ? "task_queued_timeout" : "task_queued_timeout_check_interval"),
             f.path(f.has("task_queued_timeout") ? "task_queued_timeout" : "task_queued_timeout_check_interval"),
             "task_queued_timeout came with Airflow 2.6 (the scheduler model is airflow1)");
  c.taskQueuedTimeout = f.duration("task_queued_timeout", a1 ? INFINITY : c.taskQueuedTimeout, 1e-3);
  c.taskQueuedTimeoutCheckInterval =
      f.duration("task_queued_timeout_check_interval", c.taskQueuedTimeoutCheckInterval, 1e-3);
  c.defaultPoolSlots = f.integer("default_pool_slots", c.defaultPoolSlots, 1);
  c.replicas = f.integer("replicas", 1, 1, 64);
  if (a1 && c.replicas > 1)
    ctx.fail(f.raw("replicas"), "scheduler.replicas", "several active schedulers exist only in the airflow2 model");
  c.healthCheckThreshold = f.duration("scheduler_health_check_threshold", c.healthCheckThreshold, 1e-3);
  c.pricePerHostHour = f.number("price_per_host_hour", c.pricePerHostHour, 0);
  c.orphanedTasksCheckInterval = f.duration("orphaned_tasks_check_interval", c.orphanedTasksCheckInterval, 1e-3);
  if (f.has("hot_standby")) {
    Fields h(ctx, f.raw("hot_standby"), "scheduler.hot_standby");
    c.hotStandby = true;
    c.standbyPollInterval = h.duration("poll_interval", c.standbyPollInterval, 1e-3);
    c.standbyTakeoverAfter = h.duration("takeover_after", c.healthCheckThreshold, 1e-3);
    h.finish();
    if (c.replicas > 1)
      ctx.fail(f.raw("hot_standby"), "scheduler.hot_standby",
               "a hot standby backs a single active scheduler; with replicas the others carry on");
  }
  if (f.has("pools")) {
    Fields pools(ctx, f.raw("pools"), "scheduler.pools");
    for (auto it = pools.node().begin(); it != pools.node().end(); ++it) {
      std::string name = it->first.as<std::string>();
      c.pools[name] = pools.integer(name, 1, 1);
    }
  }
  f.finish();
}

}  // namespace schedlab::yaml
