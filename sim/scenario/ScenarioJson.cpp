#include "scenario/ScenarioJson.h"

#include <cmath>

namespace schedlab {

const char* operatorKindName(OperatorKind k) {
  switch (k) {
    case OperatorKind::Task:
      return "task";
    case OperatorKind::Sensor:
      return "sensor";
    case OperatorKind::TriggerDagRun:
      return "trigger_dagrun";
  }
  return "?";
}

const char* triggerKindName(TriggerStream::Kind k) {
  switch (k) {
    case TriggerStream::Kind::Poisson:
      return "poisson";
    case TriggerStream::Kind::Profile:
      return "profile";
    case TriggerStream::Kind::Burst:
      return "burst";
    case TriggerStream::Kind::Trace:
      return "trace";
  }
  return "?";
}

const char* autoscalerPolicyName(AutoscalerConfig::Policy p) {
  switch (p) {
    case AutoscalerConfig::Policy::Fixed:
      return "fixed";
    case AutoscalerConfig::Policy::CpuTarget:
      return "cpu_target";
    case AutoscalerConfig::Policy::QueueDepth:
      return "queue_depth";
    case AutoscalerConfig::Policy::Keda:
      return "keda";
  }
  return "?";
}

namespace {

// A figure that is "not set" when negative (no SLA, not priced, not restarted) as null.
nlohmann::json orNull(double v) { return v >= 0 ? nlohmann::json(v) : nlohmann::json(nullptr); }
// "measured" for kMeasuredClientCost, else the seconds.
nlohmann::json measuredOrSeconds(double v) {
  return v == kMeasuredClientCost ? nlohmann::json("measured") : nlohmann::json(v);
}

nlohmann::json distribution(const Distribution& d) {
  switch (d.kind) {
    case Distribution::Kind::Constant:
      return {{"constant_s", d.a}};
    case Distribution::Kind::Exponential:
      return {{"exponential_mean_s", d.a}};
    case Distribution::Kind::Lognormal:
      return {{"lognormal_median_s", d.a}, {"sigma", d.b}};
    case Distribution::Kind::Uniform:
      return {{"uniform_min_s", d.a}, {"uniform_max_s", d.b}};
    case Distribution::Kind::Empirical:
      return {{"empirical_s", d.values}};
  }
  return {};
}

nlohmann::json task(const TaskDef& t, const DagDef& dag) {
  nlohmann::json deps = nlohmann::json::array();
  for (int u : t.upstream) deps.push_back(dag.tasks[u].id);
  nlohmann::json j = {{"id", t.id},
                      {"kind", operatorKindName(t.kind)},
                      {"deps", deps},
                      {"duration", distribution(t.duration)},
                      {"retries", t.retries},
                      {"retry_delay_s", t.retryDelay},
                      {"sla_s", orNull(t.sla)},
                      {"failure_probability", t.failureProbability},
                      {"pool", t.pool},
                      {"queue", t.queue},
                      {"cpu", t.cpu},
                      {"priority_weight", t.priorityWeight}};
  if (t.kind == OperatorKind::Sensor) {
    j["waits_for"] = t.waitsFor.empty() ? "own_event_after_duration" : t.waitsFor;
    j["poke_interval_s"] = t.pokeInterval;
    j["timeout_s"] = t.sensorTimeout;
    j["mode"] = sensorModeName(t.sensorMode);
  }
  if (t.defers) j["defer"] = {{"after_s", t.deferAfter}, {"for", distribution(t.deferFor)}};
  if (t.kind == OperatorKind::TriggerDagRun) j["trigger_dag"] = t.triggerDag;
  if (t.variableReads > 0) j["variable_reads"] = t.variableReads;
  if (t.connectionReads > 0) j["connection_reads"] = t.connectionReads;
  if (!t.outlets.empty()) j["outlets"] = t.outlets;
  if (!t.executor.empty()) j["executor"] = t.executor;
  const TaskDef plain;
  if (t.cpuRequest != plain.cpuRequest || t.memoryRequest != plain.memoryRequest)
    j["resources"] = {{"cpu", t.cpuRequest}, {"memory_bytes", t.memoryRequest}};
  return j;
}

nlohmann::json autoscaler(const AutoscalerConfig& a) {
  using P = AutoscalerConfig::Policy;
  nlohmann::json j = {{"policy", autoscalerPolicyName(a.policy)},
                      {"period_s", a.period},
                      {"cooldown_s", a.cooldown},
                      {"shutdown", a.graceful ? "graceful" : "hard"}};
  if (a.policy == P::CpuTarget) j["target"] = a.cpuTarget;
  if (a.policy == P::QueueDepth) j["step"] = a.step;
  return j;
}

nlohmann::json workerPools(const ExecutorConfig& e) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : e.pools)
    out.push_back({{"name", p.name},
                   {"queues", p.queues.empty() ? nlohmann::json("all") : nlohmann::json(p.queues)},
                   {"hardware", p.hardware},
                   {"cores", p.cores},
                   {"workers", p.workers},
                   {"min_workers", p.minWorkers},
                   {"max_workers", p.maxWorkers},
                   {"boot_time_s", p.bootTime},
                   {"autoscaler", autoscaler(p.autoscaler)},
                   {"worker_concurrency", p.workerConcurrency},
                   {"task_start_overhead_s", p.taskStartOverhead},
                   {"price_per_worker_hour", orNull(p.pricePerWorkerHour)}});
  return out;
}

nlohmann::json dagsJson(const Scenario& s) {
  nlohmann::json dags = nlohmann::json::array();
  for (const auto& d : s.dags) {
    nlohmann::json tasks = nlohmann::json::array();
    for (const auto& t : d.tasks) tasks.push_back(task(t, d));
    const double period = d.schedule.nominalPeriod();
    dags.push_back({{"name", d.name},
                    {"count", d.count},
                    {"schedule", d.scheduleAssets.empty() ? nlohmann::json(d.schedule.text())
                                                          : nlohmann::json{{"assets", d.scheduleAssets}}},
                    {"schedule_period_s", std::isfinite(period) ? period : 0.0},
                    {"start_date_unix_s", d.startDate},
                    {"spread_s", d.spread},
                    {"catchup", d.catchup},
                    {"depends_on_past", d.dependsOnPast},
                    {"sla_s", orNull(d.sla)},
                    {"max_active_runs", d.maxActiveRuns},
                    {"max_active_tasks", d.maxActiveTasks},
                    {"parse_cost_s", d.parseCost},
                    {"instance", s.instances.at(static_cast<size_t>(d.instance)).name},
                    {"tasks", tasks}});
    // Only when set: a DAG without an end date keeps the configuration it always had.
    if (std::isfinite(d.endDate)) dags.back()["end_date_unix_s"] = d.endDate;
  }
  return dags;
}

// Each stream with its kind's own fields (the resolved trace, not its file).
nlohmann::json triggersJson(const Scenario& s) {
  using K = TriggerStream::Kind;
  nlohmann::json triggers = nlohmann::json::array();
  for (const auto& t : s.triggers) {
    nlohmann::json j = {
        {"name", t.name}, {"kind", triggerKindName(t.kind)}, {"start_s", t.start}, {"end_s", t.end}, {"dag", t.dag}};
    if (t.kind == K::Poisson) j["rate_per_s"] = t.ratePerSecond;
    if (t.kind == K::Profile) j["rates_per_s"] = t.hourlyRates;
    if (t.kind == K::Burst) {
      j["count"] = t.burstCount;
      j["at_s"] = t.burstTimes;
      j["every_s"] = t.burstEvery;
    }
    if (t.kind == K::Trace) j["times_s"] = t.traceTimes;
    triggers.push_back(j);
  }
  return triggers;
}

nlohmann::json instancesJson(const Scenario& s) {
  nlohmann::json instances = nlohmann::json::array();
  for (const auto& inst : s.instances) {
    nlohmann::json own = nlohmann::json::object();
    for (auto& [table, n] : inst.initialRows) own[table] = n;
    instances.push_back({{"name", inst.name},
                         {"dags", inst.dagPatterns},
                         {"metadb", inst.ownMetadb ? "own" : "shared"},
                         {"initial_rows", own}});
  }
  return instances;
}

nlohmann::json archivingJson(const Scenario& s) {
  const auto& a = s.archiving;
  return {{"enabled", a.enabled},           {"interval_s", a.interval},
          {"retention_s", a.retention},     {"age_column", a.byStartDate ? "start_date" : "execution_date"},
          {"keep_last_run", a.keepLastRun}, {"tables", a.tables}};
}

nlohmann::json slasJson(const Scenario& s) {
  nlohmann::json slas = nlohmann::json::array();
  for (const auto& sla : s.slas)
    slas.push_back(
        {{"name", sla.name}, {"metric", sla.bound.metric}, {sla.bound.atMost ? "max" : "min", sla.bound.limit}});
  return slas;
}

nlohmann::json faultsJson(const Scenario& s) {
  nlohmann::json faults = nlohmann::json::array();
  for (const auto& f : s.faults) {
    nlohmann::json j = {{"name", f.name},
                        {"kind", faultKindName(f.kind)},
                        {"at_s", f.at},
                        {"duration_s", f.duration},
                        {"after_window_s", f.afterWindow}};
    if (f.kind == Fault::Kind::WorkerCrash) {
      j["pool"] = f.pool;
      j["count"] = f.count;
    }
    if (f.kind == Fault::Kind::DbFailover) j["mode"] = f.failsQueries ? "error" : "wait";
    if (f.kind == Fault::Kind::ApiServerBrownout) j["capacity"] = f.capacity;
    if (f.kind == Fault::Kind::TriggererCrash) j["triggerer"] = f.instance + 1;
    if (f.kind == Fault::Kind::SchedulerCrash || f.failsQueries) {
      j["restart_after_s"] = orNull(f.restartAfter);
      j["restart_after_alert_s"] = orNull(f.restartAfterAlert);
    }
    if (f.kind == Fault::Kind::SchedulerCrash) {
      j.erase("duration_s");
      j["instance"] = s.instances[static_cast<size_t>(f.instance)].name;
      j["replica"] = f.replica + 1;
    }
    faults.push_back(j);
  }
  return faults;
}

// `pods`: the executor runs pods (task_queued_timeout is written then, or when it was set).
nlohmann::json schedulerJson(const SchedulerConfig& c, bool pods) {
  nlohmann::json pools = nlohmann::json::object();
  for (auto& [name, slots] : c.pools) pools[name] = slots;
  nlohmann::json j = {{"model", schedulerModelName(c.model)},
                      {"query_mode", c.queryMode == QueryMode::PerTask ? "per_task" : "per_dag"},
                      {"not_previously_skipped_dep", c.notPreviouslySkippedDep},
                      {"parallelism", c.parallelism},
                      {"max_active_tasks_per_dag", c.maxActiveTasksPerDag},
                      {"max_active_runs_per_dag", c.maxActiveRunsPerDag},
                      {"max_tis_per_query", c.maxTisPerQuery},
                      {"max_dagruns_to_create_per_loop", c.maxDagrunsToCreatePerLoop},
                      {"max_dagruns_per_loop_to_schedule", c.maxDagrunsPerLoopToSchedule},
                      {"scheduler_idle_sleep_time_s", c.idleSleepTime},
                      {"parsing_processes", c.parsingProcesses},
                      {"min_file_process_interval_s", c.minFileProcessInterval},
                      {"dag_file_parse_cost_s", c.dagFileParseCost},
                      {"client_cost_per_query_s", measuredOrSeconds(c.clientCostPerQuery)},
                      {"scheduler_heartbeat_sec", c.schedulerHeartbeatSec},
                      {"job_heartbeat_sec", c.jobHeartbeatSec},
                      {"scheduler_zombie_task_threshold_s", c.zombieTaskThreshold},
                      {"zombie_detection_interval_s", c.zombieDetectionInterval},
                      {"schedule_after_task_execution", c.scheduleAfterTaskExecution},
                      {"default_pool_slots", c.defaultPoolSlots},
                      {"replicas", c.replicas},
                      {"scheduler_health_check_threshold_s", c.healthCheckThreshold},
                      {"price_per_host_hour", orNull(c.pricePerHostHour)},
                      {"orphaned_tasks_check_interval_s", c.orphanedTasksCheckInterval},
                      {"hot_standby", c.hotStandby ? nlohmann::json{{"poll_interval_s", c.standbyPollInterval},
                                                                    {"takeover_after_s", c.standbyTakeoverAfter}}
                                                   : nlohmann::json(nullptr)},
                      {"pools", pools}};
  const SchedulerConfig plain;
  if (c.model != SchedulerModel::Airflow1 &&
      (pods || c.taskQueuedTimeout != plain.taskQueuedTimeout ||
       c.taskQueuedTimeoutCheckInterval != plain.taskQueuedTimeoutCheckInterval)) {
    j["task_queued_timeout_s"] = c.taskQueuedTimeout;
    j["task_queued_timeout_check_interval_s"] = c.taskQueuedTimeoutCheckInterval;
  }
  if (c.model == SchedulerModel::Airflow3) {
    // Airflow 3's names, and none of what it no longer has.
    j["task_instance_heartbeat_timeout_s"] = c.zombieTaskThreshold;
    j["task_instance_heartbeat_timeout_detection_interval_s"] = c.zombieDetectionInterval;
    for (const char* gone :
         {"scheduler_zombie_task_threshold_s", "zombie_detection_interval_s", "schedule_after_task_execution",
          "job_heartbeat_sec", "parsing_processes", "min_file_process_interval_s", "dag_file_parse_cost_s"})
      j.erase(gone);
  }
  return j;
}

nlohmann::json apiServerJson(const ApiServerConfig& a) {
  return {{"instances", a.instances},
          {"workers", a.workers},
          {"cores", a.cores},
          {"request_cost_s", measuredOrSeconds(a.requestCost)},
          {"client_cost_per_statement_s", measuredOrSeconds(a.clientCostPerStatement)},
          {"network_rtt_s", a.networkRtt},
          {"price_per_host_hour", orNull(a.pricePerHostHour)},
          {"background_load",
           {{"rate_per_s", a.backgroundRate},
            {"cost_s", a.backgroundCost},
            {"start_s", a.backgroundStart},
            {"end_s", orNull(a.backgroundEnd)}}}};
}

nlohmann::json workersJson(const WorkersConfig& w) {
  return {{"min_heartbeat_interval_s", w.minHeartbeatInterval}, {"execution_api_timeout_s", w.executionApiTimeout},
          {"execution_api_retries", w.executionApiRetries},     {"execution_api_retry_wait_min_s", w.retryWaitMin},
          {"execution_api_retry_wait_max_s", w.retryWaitMax},   {"max_failed_heartbeats", w.maxFailedHeartbeats}};
}

nlohmann::json metadbJson(const Scenario& s) {
  nlohmann::json rows = nlohmann::json::object();
  for (auto& [table, n] : s.metadb.initialRows) rows[table] = n;
  nlohmann::json m = {
      {"cores", s.metadb.cores},
      {"pool_size", s.metadb.poolSize},
      {"network_rtt_s", s.metadb.networkRtt},
      {"core_speed", s.metadb.coreSpeed},
      {"cache_bytes", s.metadb.cacheBytes > 0 ? nlohmann::json(s.metadb.cacheBytes) : nlohmann::json("unlimited")},
      {"page_read_latency_s",
       s.metadb.pageReadLatency >= 0 ? nlohmann::json(s.metadb.pageReadLatency) : nlohmann::json("calibration")},
      {"price_per_core_hour", orNull(s.metadb.pricePerCoreHour)},
      {"calibration", s.metadb.calibration.empty() ? "shipped" : s.metadb.calibration},
      {"initial_rows", rows}};
  // Written only when some are set: results of scenarios without them stay as they were.
  if (!s.metadb.otherClients.empty()) {
    nlohmann::json clients = nlohmann::json::array();
    for (const auto& c : s.metadb.otherClients) clients.push_back({{"every_s", c.every}, {"cpu_s", c.cpu}});
    m["other_clients"] = clients;
  }
  return m;
}

nlohmann::json nodePools(const KubernetesConfig& k) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& n : k.nodePools)
    out.push_back({{"name", n.name},
                   {"queues", n.queues.empty() ? nlohmann::json("all") : nlohmann::json(n.queues)},
                   {"hardware", n.hardware},
                   {"cores", n.cores},
                   {"memory_bytes", n.memory},
                   {"nodes", n.nodes},
                   {"min_nodes", n.minNodes},
                   {"max_nodes", n.maxNodes},
                   {"boot_time_s", n.bootTime},
                   {"image_pull", {{"cached_probability", n.imageCachedProbability}, {"pull_time_s", n.imagePullTime}}},
                   {"safe_to_evict", n.safeToEvict},
                   {"price_per_node_hour", orNull(n.pricePerNodeHour)}});
  return out;
}

nlohmann::json kubernetesJson(const KubernetesConfig& k) {
  const ClusterAutoscalerConfig& c = k.clusterAutoscaler;
  return {{"worker_pods_creation_batch_size", k.workerPodsCreationBatchSize},
          {"api_latency_s", k.apiLatency},
          {"watcher_latency_s", k.watcherLatency},
          {"container_start_s", k.containerStart},
          {"task_start_overhead_s", k.taskStartOverhead},
          {"delete_worker_pods", k.deleteWorkerPods},
          {"cluster_autoscaler",
           {{"scan_interval_s", c.scanInterval},
            {"scale_down_unneeded_time_s", c.scaleDownUnneededTime},
            {"scale_down_delay_after_add_s", c.scaleDownDelayAfterAdd},
            {"scale_down_utilization_threshold", c.scaleDownUtilizationThreshold}}},
          {"node_pools", nodePools(k)}};
}

nlohmann::json executorJson(const Scenario& s) {
  if (s.executor.kind == ExecutorKind::Mock) return {{"kind", executorKindName(s.executor.kind)}};
  if (s.executor.kind == ExecutorKind::Kubernetes) {
    nlohmann::json j = kubernetesJson(s.executor.kubernetes);
    j["kind"] = executorKindName(s.executor.kind);
    return j;
  }
  nlohmann::json j = {{"kind", executorKindName(s.executor.kind)},
                      {"broker_latency_s", s.executor.brokerLatency},
                      {"acks_late", s.executor.acksLate},
                      {"visibility_timeout_s", s.executor.visibilityTimeout},
                      {"deploy", s.executor.deployAt.empty()
                                     ? nlohmann::json(nullptr)
                                     : nlohmann::json{{"at_s", s.executor.deployAt},
                                                      {"shutdown", s.executor.deployGraceful ? "graceful" : "hard"}}},
                      {"pools", workerPools(s.executor)}};
  // Celery and pods: the pods' settings under `kubernetes`, and how tasks are split.
  if (s.executor.hasPods()) j["kubernetes"] = kubernetesJson(s.executor.kubernetes);
  if (s.executor.kind == ExecutorKind::CeleryKubernetes) j["kubernetes_queue"] = s.executor.kubernetesQueue;
  if (s.executor.kind == ExecutorKind::Several) {
    j["executors"] = nlohmann::json::array();
    for (ExecutorKind k : s.executor.executors) j["executors"].push_back(executorKindName(k));
  }
  return j;
}

nlohmann::json runJson(const Scenario& s) {
  nlohmann::json run = {{"horizon_s", s.run.horizon},
                        {"warmup_s", s.run.warmup},
                        {"seed", s.run.seed},
                        {"sample_interval_s", s.run.sampleInterval},
                        {"task_instances_csv", s.run.taskInstancesCsv},
                        {"start_unix_s", s.run.start}};
  // Only when on: a run without it keeps the configuration it always had.
  if (s.run.loopsCsv) run["loops_csv"] = true;
  return run;
}

}  // namespace

nlohmann::json toJson(const Scenario& s) {
  nlohmann::json j = {
      {"scenario", s.name},
      {"instances", instancesJson(s)},
      {"archiving", archivingJson(s)},
      {"faults", faultsJson(s)},
      {"monitoring",
       {{"enabled", s.monitoring.enabled},
        {"alert_poll_interval_s", s.monitoring.alertPollInterval},
        {"alert_threshold_s", s.monitoring.alertThreshold}}},
      {"slas", slasJson(s)},
      {"variant", s.variant},
      {"description", s.description},
      {"dags", dagsJson(s)},
      {"triggers", triggersJson(s)},
      {"scheduler", schedulerJson(s.scheduler, s.executor.hasPods())},
      {"metadb", metadbJson(s)},
      {"executor", executorJson(s)},
      {"run", runJson(s)},
  };
  // Only under airflow3: the other models' configurations stay as they were.
  if (s.scheduler.model == SchedulerModel::Airflow3) {
    j["api_server"] = apiServerJson(s.apiServer);
    j["workers"] = workersJson(s.workers);
    j["dag_processor"] = {{"instances", s.scheduler.dagProcessorInstances},
                          {"parsing_processes", s.scheduler.parsingProcesses},
                          {"min_file_process_interval_s", s.scheduler.minFileProcessInterval},
                          {"dag_file_parse_cost_s", s.scheduler.dagFileParseCost}};
  }
  // Only with a triggerer: configurations without one stay as they were.
  if (s.triggerer.deployed) {
    j["triggerer"] = {{"instances", s.triggerer.instances},
                      {"capacity", s.triggerer.capacity},
                      {"job_heartbeat_sec", s.triggerer.jobHeartbeatSec},
                      {"triggerer_health_check_threshold_s", s.triggerer.healthCheckThreshold},
                      {"price_per_host_hour", orNull(s.triggerer.pricePerHostHour)}};
    j["scheduler"]["trigger_timeout_check_interval_s"] = s.scheduler.triggerTimeoutCheckInterval;
  }
  return j;
}

}  // namespace schedlab
