// scenarioFromJson: the resolved configuration (ScenarioJson.cpp's form) read back into a Scenario.
#include <stdexcept>

#include "scenario/ScenarioJson.h"

namespace schedlab {
namespace {

using json = nlohmann::json;

// A field of `j` at `path`, or std::invalid_argument naming the path.
const json& at(const json& j, const std::string& key, const std::string& path) {
  if (!j.is_object() || !j.contains(key)) throw std::invalid_argument(path + "." + key + ": missing");
  return j[key];
}

template <typename T>
T get(const json& j, const std::string& key, const std::string& path) {
  try {
    return at(j, key, path).get<T>();
  } catch (const json::exception& e) {
    throw std::invalid_argument(path + "." + key + ": " + e.what());
  }
}

// The inverse of orNull: null is "not set" (-1).
// The writer's "measured" as kMeasuredClientCost, else the seconds.
double measuredOrSeconds(const json& j, const std::string& key, const std::string& path) {
  return at(j, key, path) == "measured" ? kMeasuredClientCost : get<double>(j, key, path);
}

double orNegative(const json& j, const std::string& key, const std::string& path) {
  const json& v = at(j, key, path);
  return v.is_null() ? -1 : get<double>(j, key, path);
}

// One of `names` (as the enumeration's name function spells them).
template <typename E>
E named(const json& j, const std::string& key, const std::string& path, std::initializer_list<E> values,
        const char* (*name)(E)) {
  const std::string text = get<std::string>(j, key, path);
  for (E v : values)
    if (text == name(v)) return v;
  throw std::invalid_argument(path + "." + key + ": unknown '" + text + "'");
}

Distribution distribution(const json& j, const std::string& path) {
  Distribution d;
  using K = Distribution::Kind;
  if (j.contains("constant_s")) {
    d = Distribution::constant(get<double>(j, "constant_s", path));
  } else if (j.contains("exponential_mean_s")) {
    d.kind = K::Exponential;
    d.a = get<double>(j, "exponential_mean_s", path);
  } else if (j.contains("lognormal_median_s")) {
    d.kind = K::Lognormal;
    d.a = get<double>(j, "lognormal_median_s", path);
    d.b = get<double>(j, "sigma", path);
  } else if (j.contains("uniform_min_s")) {
    d.kind = K::Uniform;
    d.a = get<double>(j, "uniform_min_s", path);
    d.b = get<double>(j, "uniform_max_s", path);
  } else {
    d.kind = K::Empirical;
    d.values = get<std::vector<double>>(j, "empirical_s", path);
  }
  return d;
}

TaskDef task(const json& j, const std::string& path) {
  TaskDef t;
  t.id = get<std::string>(j, "id", path);
  t.kind = named<OperatorKind>(j, "kind", path, {OperatorKind::Task, OperatorKind::Sensor, OperatorKind::TriggerDagRun},
                               operatorKindName);
  t.duration = distribution(at(j, "duration", path), path + ".duration");
  t.retries = get<int>(j, "retries", path);
  t.retryDelay = get<double>(j, "retry_delay_s", path);
  t.sla = orNegative(j, "sla_s", path);
  t.failureProbability = get<double>(j, "failure_probability", path);
  t.pool = get<std::string>(j, "pool", path);
  t.queue = get<std::string>(j, "queue", path);
  t.cpu = get<double>(j, "cpu", path);
  t.priorityWeight = get<int>(j, "priority_weight", path);
  if (t.kind == OperatorKind::Sensor) {
    t.waitsFor = get<std::string>(j, "waits_for", path);
    if (t.waitsFor == "own_event_after_duration") t.waitsFor.clear();
    t.pokeInterval = get<double>(j, "poke_interval_s", path);
    t.sensorTimeout = get<double>(j, "timeout_s", path);
    t.sensorMode = named<SensorMode>(
        j, "mode", path, {SensorMode::Poke, SensorMode::Reschedule, SensorMode::Deferrable}, sensorModeName);
  }
  if (j.contains("defer")) {
    const json& d = at(j, "defer", path);
    t.defers = true;
    t.deferAfter = get<double>(d, "after_s", path + ".defer");
    t.deferFor = distribution(at(d, "for", path + ".defer"), path + ".defer.for");
  }
  if (t.kind == OperatorKind::TriggerDagRun) t.triggerDag = get<std::string>(j, "trigger_dag", path);
  if (j.contains("variable_reads")) t.variableReads = get<int>(j, "variable_reads", path);
  if (j.contains("connection_reads")) t.connectionReads = get<int>(j, "connection_reads", path);
  if (j.contains("outlets")) t.outlets = get<std::vector<std::string>>(j, "outlets", path);
  if (j.contains("executor")) t.executor = get<std::string>(j, "executor", path);
  if (j.contains("resources")) {
    const json& r = at(j, "resources", path);
    t.cpuRequest = get<double>(r, "cpu", path + ".resources");
    t.memoryRequest = get<double>(r, "memory_bytes", path + ".resources");
  }
  return t;
}

Schedule schedule(const json& j, double startDate, const std::string& path) {
  if (at(j, "schedule", path).is_object()) return Schedule::none();  // {"assets": [...]}
  const std::string text = get<std::string>(j, "schedule", path);
  if (text == "none") return Schedule::none();
  if (text == "@once") return Schedule::once();
  if (text.rfind("every ", 0) == 0) return Schedule::interval(get<double>(j, "schedule_period_s", path), startDate);
  std::string error;
  auto cron = Schedule::cron(text, &error);
  if (!cron) throw std::invalid_argument(path + ".schedule: " + error);
  return *cron;
}

int instanceIndex(const Scenario& s, const std::string& name, const std::string& path) {
  for (size_t i = 0; i < s.instances.size(); ++i)
    if (s.instances[i].name == name) return static_cast<int>(i);
  throw std::invalid_argument(path + ": unknown instance '" + name + "'");
}

DagDef dag(const json& j, const Scenario& s, const std::string& path) {
  DagDef d;
  d.name = get<std::string>(j, "name", path);
  d.count = get<int>(j, "count", path);
  d.startDate = get<double>(j, "start_date_unix_s", path);
  d.schedule = schedule(j, d.startDate, path);
  if (at(j, "schedule", path).is_object())
    d.scheduleAssets = get<std::vector<std::string>>(at(j, "schedule", path), "assets", path + ".schedule");
  if (j.contains("end_date_unix_s")) d.endDate = get<double>(j, "end_date_unix_s", path);
  d.spread = get<double>(j, "spread_s", path);
  d.catchup = get<bool>(j, "catchup", path);
  d.dependsOnPast = get<bool>(j, "depends_on_past", path);
  d.sla = orNegative(j, "sla_s", path);
  d.maxActiveRuns = get<int>(j, "max_active_runs", path);
  d.maxActiveTasks = get<int>(j, "max_active_tasks", path);
  d.parseCost = get<double>(j, "parse_cost_s", path);
  d.instance = instanceIndex(s, get<std::string>(j, "instance", path), path + ".instance");
  const json& tasks = at(j, "tasks", path);
  for (size_t i = 0; i < tasks.size(); ++i)
    d.tasks.push_back(task(tasks[i], path + ".tasks[" + std::to_string(i) + "]"));
  for (size_t i = 0; i < tasks.size(); ++i)
    for (const auto& dep :
         get<std::vector<std::string>>(tasks[i], "deps", path + ".tasks[" + std::to_string(i) + "]")) {
      int u = -1;
      for (size_t k = 0; k < d.tasks.size(); ++k)
        if (d.tasks[k].id == dep) u = static_cast<int>(k);
      if (u < 0) throw std::invalid_argument(path + ".tasks." + d.tasks[i].id + ".deps: unknown task '" + dep + "'");
      d.tasks[i].upstream.push_back(u);
    }
  return d;
}

TriggerStream trigger(const json& j, const std::string& path) {
  using K = TriggerStream::Kind;
  TriggerStream t;
  t.name = get<std::string>(j, "name", path);
  t.kind = named<K>(j, "kind", path, {K::Poisson, K::Profile, K::Burst, K::Trace}, triggerKindName);
  t.start = get<double>(j, "start_s", path);
  t.end = get<double>(j, "end_s", path);
  t.dag = get<std::string>(j, "dag", path);
  if (t.kind == K::Poisson) t.ratePerSecond = get<double>(j, "rate_per_s", path);
  if (t.kind == K::Profile) t.hourlyRates = get<std::vector<double>>(j, "rates_per_s", path);
  if (t.kind == K::Burst) {
    t.burstCount = get<int>(j, "count", path);
    t.burstTimes = get<std::vector<double>>(j, "at_s", path);
    t.burstEvery = get<double>(j, "every_s", path);
  }
  if (t.kind == K::Trace) t.traceTimes = get<std::vector<double>>(j, "times_s", path);
  return t;
}

SchedulerConfig scheduler(const json& j) {
  const std::string p = "scheduler";
  SchedulerConfig c;
  using M = SchedulerModel;
  c.model = named<M>(j, "model", p, {M::Airflow1, M::Airflow2, M::Airflow3}, schedulerModelName);
  const bool a3 = c.model == M::Airflow3;
  c.queryMode = get<std::string>(j, "query_mode", p) == "per_task" ? QueryMode::PerTask : QueryMode::PerDag;
  c.notPreviouslySkippedDep = get<bool>(j, "not_previously_skipped_dep", p);
  c.parallelism = get<int>(j, "parallelism", p);
  c.maxActiveTasksPerDag = get<int>(j, "max_active_tasks_per_dag", p);
  c.maxActiveRunsPerDag = get<int>(j, "max_active_runs_per_dag", p);
  c.maxTisPerQuery = get<int>(j, "max_tis_per_query", p);
  c.maxDagrunsToCreatePerLoop = get<int>(j, "max_dagruns_to_create_per_loop", p);
  c.maxDagrunsPerLoopToSchedule = get<int>(j, "max_dagruns_per_loop_to_schedule", p);
  c.idleSleepTime = get<double>(j, "scheduler_idle_sleep_time_s", p);
  if (!a3) {  // airflow3 has none of these (see ScenarioJson.cpp): the defaults stand
    c.parsingProcesses = get<int>(j, "parsing_processes", p);
    c.minFileProcessInterval = get<double>(j, "min_file_process_interval_s", p);
    c.dagFileParseCost = get<double>(j, "dag_file_parse_cost_s", p);
  }
  c.clientCostPerQuery = measuredOrSeconds(j, "client_cost_per_query_s", p);
  c.schedulerHeartbeatSec = get<double>(j, "scheduler_heartbeat_sec", p);
  if (a3) {
    c.zombieTaskThreshold = get<double>(j, "task_instance_heartbeat_timeout_s", p);
    c.zombieDetectionInterval = get<double>(j, "task_instance_heartbeat_timeout_detection_interval_s", p);
    c.scheduleAfterTaskExecution = false;
  } else {
    c.jobHeartbeatSec = get<double>(j, "job_heartbeat_sec", p);
    c.zombieTaskThreshold = get<double>(j, "scheduler_zombie_task_threshold_s", p);
    c.zombieDetectionInterval = get<double>(j, "zombie_detection_interval_s", p);
    c.scheduleAfterTaskExecution = get<bool>(j, "schedule_after_task_execution", p);
  }
  c.defaultPoolSlots = get<int>(j, "default_pool_slots", p);
  c.replicas = get<int>(j, "replicas", p);
  c.healthCheckThreshold = get<double>(j, "scheduler_health_check_threshold_s", p);
  c.pricePerHostHour = orNegative(j, "price_per_host_hour", p);
  c.orphanedTasksCheckInterval = get<double>(j, "orphaned_tasks_check_interval_s", p);
  const json& standby = at(j, "hot_standby", p);
  c.hotStandby = !standby.is_null();
  if (c.hotStandby) {
    c.standbyPollInterval = get<double>(standby, "poll_interval_s", p + ".hot_standby");
    c.standbyTakeoverAfter = get<double>(standby, "takeover_after_s", p + ".hot_standby");
  }
  c.pools = get<std::map<std::string, int>>(j, "pools", p);
  if (c.model == SchedulerModel::Airflow1) c.taskQueuedTimeout = INFINITY;
  if (j.contains("task_queued_timeout_s")) {
    c.taskQueuedTimeout = get<double>(j, "task_queued_timeout_s", p);
    c.taskQueuedTimeoutCheckInterval = get<double>(j, "task_queued_timeout_check_interval_s", p);
  }
  return c;
}

ApiServerConfig apiServer(const json& j) {
  const std::string p = "api_server";
  ApiServerConfig a;
  a.instances = get<int>(j, "instances", p);
  a.workers = get<int>(j, "workers", p);
  a.cores = get<int>(j, "cores", p);
  a.requestCost = measuredOrSeconds(j, "request_cost_s", p);
  a.clientCostPerStatement = measuredOrSeconds(j, "client_cost_per_statement_s", p);
  a.networkRtt = get<double>(j, "network_rtt_s", p);
  a.pricePerHostHour = orNegative(j, "price_per_host_hour", p);
  const json& b = at(j, "background_load", p);
  a.backgroundRate = get<double>(b, "rate_per_s", p + ".background_load");
  a.backgroundCost = get<double>(b, "cost_s", p + ".background_load");
  a.backgroundStart = get<double>(b, "start_s", p + ".background_load");
  a.backgroundEnd = orNegative(b, "end_s", p + ".background_load");
  return a;
}

WorkersConfig workers(const json& j) {
  const std::string p = "workers";
  WorkersConfig w;
  w.minHeartbeatInterval = get<double>(j, "min_heartbeat_interval_s", p);
  w.executionApiTimeout = get<double>(j, "execution_api_timeout_s", p);
  w.executionApiRetries = get<int>(j, "execution_api_retries", p);
  w.retryWaitMin = get<double>(j, "execution_api_retry_wait_min_s", p);
  w.retryWaitMax = get<double>(j, "execution_api_retry_wait_max_s", p);
  w.maxFailedHeartbeats = get<int>(j, "max_failed_heartbeats", p);
  return w;
}

MetadbConfig metadb(const json& j) {
  const std::string p = "metadb";
  MetadbConfig m;
  m.cores = get<int>(j, "cores", p);
  m.poolSize = get<int>(j, "pool_size", p);
  m.networkRtt = get<double>(j, "network_rtt_s", p);
  m.coreSpeed = get<double>(j, "core_speed", p);
  m.cacheBytes = at(j, "cache_bytes", p).is_string() ? 0 : get<double>(j, "cache_bytes", p);
  m.pageReadLatency = at(j, "page_read_latency_s", p).is_string() ? -1 : get<double>(j, "page_read_latency_s", p);
  m.pricePerCoreHour = orNegative(j, "price_per_core_hour", p);
  m.calibration = get<std::string>(j, "calibration", p);
  if (m.calibration == "shipped") m.calibration.clear();
  m.initialRows = get<std::map<std::string, double>>(j, "initial_rows", p);
  if (j.contains("other_clients"))
    for (const auto& c : at(j, "other_clients", p))
      m.otherClients.push_back(
          {get<double>(c, "every_s", p + ".other_clients"), get<double>(c, "cpu_s", p + ".other_clients")});
  return m;
}

AutoscalerConfig autoscaler(const json& j, const std::string& path) {
  using P = AutoscalerConfig::Policy;
  AutoscalerConfig a;
  a.policy = named<P>(j, "policy", path, {P::Fixed, P::CpuTarget, P::QueueDepth, P::Keda}, autoscalerPolicyName);
  a.period = get<double>(j, "period_s", path);
  a.cooldown = get<double>(j, "cooldown_s", path);
  a.graceful = get<std::string>(j, "shutdown", path) == "graceful";
  if (a.policy == P::CpuTarget) a.cpuTarget = get<double>(j, "target", path);
  if (a.policy == P::QueueDepth) a.step = get<int>(j, "step", path);
  return a;
}

WorkerPoolConfig workerPool(const json& j, const std::string& path) {
  WorkerPoolConfig w;
  w.name = get<std::string>(j, "name", path);
  if (!at(j, "queues", path).is_string()) w.queues = get<std::vector<std::string>>(j, "queues", path);
  w.hardware = get<std::string>(j, "hardware", path);
  w.cores = get<int>(j, "cores", path);
  w.workers = get<int>(j, "workers", path);
  w.minWorkers = get<int>(j, "min_workers", path);
  w.maxWorkers = get<int>(j, "max_workers", path);
  w.bootTime = get<double>(j, "boot_time_s", path);
  w.autoscaler = autoscaler(at(j, "autoscaler", path), path + ".autoscaler");
  w.workerConcurrency = get<int>(j, "worker_concurrency", path);
  w.taskStartOverhead = get<double>(j, "task_start_overhead_s", path);
  w.pricePerWorkerHour = orNegative(j, "price_per_worker_hour", path);
  return w;
}

NodePoolConfig nodePool(const json& j, const std::string& path) {
  NodePoolConfig n;
  n.name = get<std::string>(j, "name", path);
  if (!at(j, "queues", path).is_string()) n.queues = get<std::vector<std::string>>(j, "queues", path);
  n.hardware = get<std::string>(j, "hardware", path);
  n.cores = get<int>(j, "cores", path);
  n.memory = get<double>(j, "memory_bytes", path);
  n.nodes = get<int>(j, "nodes", path);
  n.minNodes = get<int>(j, "min_nodes", path);
  n.maxNodes = get<int>(j, "max_nodes", path);
  n.bootTime = get<double>(j, "boot_time_s", path);
  const json& pull = at(j, "image_pull", path);
  n.imageCachedProbability = get<double>(pull, "cached_probability", path + ".image_pull");
  n.imagePullTime = get<double>(pull, "pull_time_s", path + ".image_pull");
  n.safeToEvict = get<bool>(j, "safe_to_evict", path);
  n.pricePerNodeHour = orNegative(j, "price_per_node_hour", path);
  return n;
}

KubernetesConfig kubernetes(const json& j, const std::string& p) {
  KubernetesConfig k;
  k.workerPodsCreationBatchSize = get<int>(j, "worker_pods_creation_batch_size", p);
  k.apiLatency = get<double>(j, "api_latency_s", p);
  k.watcherLatency = get<double>(j, "watcher_latency_s", p);
  k.containerStart = get<double>(j, "container_start_s", p);
  k.taskStartOverhead = get<double>(j, "task_start_overhead_s", p);
  k.deleteWorkerPods = get<bool>(j, "delete_worker_pods", p);
  const json& c = at(j, "cluster_autoscaler", p);
  const std::string cp = p + ".cluster_autoscaler";
  k.clusterAutoscaler.scanInterval = get<double>(c, "scan_interval_s", cp);
  k.clusterAutoscaler.scaleDownUnneededTime = get<double>(c, "scale_down_unneeded_time_s", cp);
  k.clusterAutoscaler.scaleDownDelayAfterAdd = get<double>(c, "scale_down_delay_after_add_s", cp);
  k.clusterAutoscaler.scaleDownUtilizationThreshold = get<double>(c, "scale_down_utilization_threshold", cp);
  const json& pools = at(j, "node_pools", p);
  for (size_t i = 0; i < pools.size(); ++i)
    k.nodePools.push_back(nodePool(pools[i], p + ".node_pools[" + std::to_string(i) + "]"));
  return k;
}

ExecutorConfig executor(const json& j) {
  const std::string p = "executor";
  ExecutorConfig e;
  using K = ExecutorKind;
  e.kind =
      named<K>(j, "kind", p, {K::Celery, K::Mock, K::Kubernetes, K::CeleryKubernetes, K::Several}, executorKindName);
  if (e.kind == ExecutorKind::Mock) return mockExecutorConfig();
  if (e.kind == ExecutorKind::Kubernetes) {
    e.pools = {WorkerPoolConfig{}};
    e.kubernetes = kubernetes(j, p);
    return e;
  }
  e.brokerLatency = get<double>(j, "broker_latency_s", p);
  e.acksLate = get<bool>(j, "acks_late", p);
  e.visibilityTimeout = get<double>(j, "visibility_timeout_s", p);
  const json& deploy = at(j, "deploy", p);
  if (!deploy.is_null()) {
    e.deployAt = get<std::vector<double>>(deploy, "at_s", p + ".deploy");
    e.deployGraceful = get<std::string>(deploy, "shutdown", p + ".deploy") == "graceful";
  }
  const json& pools = at(j, "pools", p);
  for (size_t i = 0; i < pools.size(); ++i)
    e.pools.push_back(workerPool(pools[i], p + ".pools[" + std::to_string(i) + "]"));
  if (e.hasPods()) e.kubernetes = kubernetes(at(j, "kubernetes", p), p + ".kubernetes");
  if (e.kind == K::CeleryKubernetes) e.kubernetesQueue = get<std::string>(j, "kubernetes_queue", p);
  if (e.kind == K::Several) {
    const json& executors = at(j, "executors", p);
    for (size_t i = 0; i < executors.size(); ++i)
      e.executors.push_back(named<K>(json{{"kind", executors[i]}}, "kind", p + ".executors[" + std::to_string(i) + "]",
                                     {K::Celery, K::Kubernetes}, executorKindName));
  }
  return e;
}

Fault fault(const json& j, const Scenario& s, const std::string& path) {
  using K = Fault::Kind;
  Fault f;
  f.name = get<std::string>(j, "name", path);
  f.kind = named<K>(j, "kind", path,
                    {K::WorkerCrash, K::DbFailover, K::BrokerOutage, K::SchedulerCrash, K::ApiServerOutage,
                     K::ApiServerBrownout, K::TriggererCrash},
                    faultKindName);
  f.at = get<double>(j, "at_s", path);
  f.afterWindow = get<double>(j, "after_window_s", path);
  if (f.kind != K::SchedulerCrash) f.duration = get<double>(j, "duration_s", path);
  if (f.kind == K::WorkerCrash) {
    f.pool = get<std::string>(j, "pool", path);
    f.count = get<int>(j, "count", path);
  }
  if (f.kind == K::DbFailover) f.failsQueries = get<std::string>(j, "mode", path) == "error";
  if (f.kind == K::ApiServerBrownout) f.capacity = get<double>(j, "capacity", path);
  if (f.kind == K::TriggererCrash) f.instance = get<int>(j, "triggerer", path) - 1;
  if (f.kind == K::SchedulerCrash || f.failsQueries) {
    f.restartAfter = orNegative(j, "restart_after_s", path);
    f.restartAfterAlert = orNegative(j, "restart_after_alert_s", path);
  }
  if (f.kind == K::SchedulerCrash) {
    f.instance = instanceIndex(s, get<std::string>(j, "instance", path), path + ".instance");
    f.replica = get<int>(j, "replica", path) - 1;
  }
  return f;
}

void readInstances(const json& list, Scenario& s) {
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string p = "instances[" + std::to_string(i) + "]";
    InstanceDef inst;
    inst.name = get<std::string>(list[i], "name", p);
    inst.dagPatterns = get<std::vector<std::string>>(list[i], "dags", p);
    inst.ownMetadb = get<std::string>(list[i], "metadb", p) == "own";
    inst.initialRows = get<std::map<std::string, double>>(list[i], "initial_rows", p);
    s.instances.push_back(std::move(inst));
  }
}

ArchivingConfig archiving(const json& j) {
  const std::string p = "archiving";
  ArchivingConfig a;
  a.enabled = get<bool>(j, "enabled", p);
  a.interval = get<double>(j, "interval_s", p);
  a.retention = get<double>(j, "retention_s", p);
  a.byStartDate = get<std::string>(j, "age_column", p) == "start_date";
  a.keepLastRun = get<bool>(j, "keep_last_run", p);
  a.tables = get<std::vector<std::string>>(j, "tables", p);
  return a;
}

MonitoringConfig monitoring(const json& j) {
  MonitoringConfig m;
  m.enabled = get<bool>(j, "enabled", "monitoring");
  m.alertPollInterval = get<double>(j, "alert_poll_interval_s", "monitoring");
  m.alertThreshold = get<double>(j, "alert_threshold_s", "monitoring");
  return m;
}

Sla sla(const json& j, const std::string& path) {
  Sla sla;
  sla.name = get<std::string>(j, "name", path);
  sla.bound.metric = get<std::string>(j, "metric", path);
  sla.bound.atMost = j.contains("max");
  sla.bound.limit = get<double>(j, sla.bound.atMost ? "max" : "min", path);
  return sla;
}

RunConfig run(const json& j) {
  const std::string p = "run";
  RunConfig r;
  r.horizon = get<double>(j, "horizon_s", p);
  r.warmup = get<double>(j, "warmup_s", p);
  r.seed = get<uint64_t>(j, "seed", p);
  r.sampleInterval = get<double>(j, "sample_interval_s", p);
  r.taskInstancesCsv = get<bool>(j, "task_instances_csv", p);
  if (j.contains("loops_csv")) r.loopsCsv = get<bool>(j, "loops_csv", p);
  r.start = get<double>(j, "start_unix_s", p);
  return r;
}

}  // namespace

Scenario scenarioFromJson(const json& config) {
  const std::string p = "config";
  Scenario s;
  s.name = get<std::string>(config, "scenario", p);
  s.description = get<std::string>(config, "description", p);
  s.variant = get<std::string>(config, "variant", p);
  s.run = run(at(config, "run", p));
  s.scheduler = scheduler(at(config, "scheduler", p));
  s.metadb = metadb(at(config, "metadb", p));
  if (s.scheduler.model == SchedulerModel::Airflow3) {
    s.apiServer = apiServer(at(config, "api_server", p));
    s.workers = workers(at(config, "workers", p));
    const json& d = at(config, "dag_processor", p);
    s.scheduler.dagProcessorInstances = get<int>(d, "instances", "dag_processor");
    s.scheduler.parsingProcesses = get<int>(d, "parsing_processes", "dag_processor");
    s.scheduler.minFileProcessInterval = get<double>(d, "min_file_process_interval_s", "dag_processor");
    s.scheduler.dagFileParseCost = get<double>(d, "dag_file_parse_cost_s", "dag_processor");
  }
  if (config.contains("triggerer")) {
    const json& t = at(config, "triggerer", p);
    s.triggerer.deployed = true;
    s.triggerer.instances = get<int>(t, "instances", "triggerer");
    s.triggerer.capacity = get<int>(t, "capacity", "triggerer");
    s.triggerer.jobHeartbeatSec = get<double>(t, "job_heartbeat_sec", "triggerer");
    s.triggerer.healthCheckThreshold = get<double>(t, "triggerer_health_check_threshold_s", "triggerer");
    s.triggerer.pricePerHostHour = orNegative(t, "price_per_host_hour", "triggerer");
    s.scheduler.triggerTimeoutCheckInterval =
        get<double>(at(config, "scheduler", p), "trigger_timeout_check_interval_s", "scheduler");
  }
  s.executor = executor(at(config, "executor", p));
  readInstances(at(config, "instances", p), s);
  const json& dags = at(config, "dags", p);
  for (size_t i = 0; i < dags.size(); ++i) s.dags.push_back(dag(dags[i], s, "dags[" + std::to_string(i) + "]"));
  const json& triggers = at(config, "triggers", p);
  for (size_t i = 0; i < triggers.size(); ++i)
    s.triggers.push_back(trigger(triggers[i], "triggers[" + std::to_string(i) + "]"));
  s.archiving = archiving(at(config, "archiving", p));
  s.monitoring = monitoring(at(config, "monitoring", p));
  const json& faults = at(config, "faults", p);
  for (size_t i = 0; i < faults.size(); ++i)
    s.faults.push_back(fault(faults[i], s, "faults[" + std::to_string(i) + "]"));
  const json& slas = at(config, "slas", p);
  for (size_t i = 0; i < slas.size(); ++i) s.slas.push_back(sla(slas[i], "slas[" + std::to_string(i) + "]"));
  return s;
}

}  // namespace schedlab
