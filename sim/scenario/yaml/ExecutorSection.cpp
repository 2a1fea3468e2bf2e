#include "scenario/yaml/Sections.h"

#include <algorithm>

#include "scenario/Duration.h"

namespace schedlab::yaml {

namespace {

// `autoscaler: {policy: fixed | cpu_target | queue_depth | keda, period, cooldown, target, step,
// shutdown: graceful | hard}` of a worker pool.
void readAutoscaler(const Context& ctx, const YAML::Node& node, const std::string& path, WorkerPoolConfig& w) {
  using P = AutoscalerConfig::Policy;
  Fields f(ctx, node, path);
  AutoscalerConfig& a = w.autoscaler;
  if (!f.has("policy"))
    ctx.fail(node, path + ".policy", "an autoscaler needs a policy (fixed, cpu_target, queue_depth, keda)");
  a.policy = f.choice<P>(
      "policy", P::Fixed,
      {{"fixed", P::Fixed}, {"cpu_target", P::CpuTarget}, {"queue_depth", P::QueueDepth}, {"keda", P::Keda}});
  // KEDA polls every 30 s and scales in after a 300 s cooldown by default; AWS target tracking
  // and step scaling evaluate one-minute CloudWatch periods.
  a.period = f.duration("period", a.policy == P::Keda ? 30 : 60, 1e-3);
  a.cooldown = f.duration("cooldown", a.cooldown);
  a.cpuTarget = f.number("target", a.cpuTarget, 0.01, 1);
  if (f.has("target") && a.policy != P::CpuTarget)
    ctx.fail(f.raw("target"), path + ".target", "only the cpu_target policy has a target");
  a.step = f.integer("step", a.step, 1, 10000);
  if (f.has("step") && a.policy != P::QueueDepth)
    ctx.fail(f.raw("step"), path + ".step", "only the queue_depth policy has a step");
  a.graceful = f.choice<bool>("shutdown", true, {{"graceful", true}, {"hard", false}});
  f.finish();
}

// How a worker starts a try: `task_start: fork` (0.4 s, Airflow 2's default) or `interpreter` (a
// new Python interpreter, 1.5 s: execute_tasks_new_python_interpreter, PR #11372's measurement),
// or `task_start_overhead: D` for a measured figure.
double readTaskStart(Fields& f, double fallback) {
  if (f.has("task_start") && f.has("task_start_overhead"))
    f.ctx().fail(f.raw("task_start"), f.path("task_start"), "give either task_start or task_start_overhead");
  if (f.has("task_start")) return f.choice<double>("task_start", fallback, {{"fork", 0.4}, {"interpreter", 1.5}});
  return f.duration("task_start_overhead", fallback);
}

// What `executor:` itself says of its workers: the shorthand's one pool, and the defaults of
// every entry of `executor.pools`.
struct PoolDefaults {
  int workers = 4;
  int workerConcurrency = 16;
  double taskStartOverhead = 0.4;  // fork of the task runner (Airflow 2 default)
  double pricePerWorkerHour = -1;  // per worker host and hour; < 0: not priced
};

// One entry of `executor.pools`; what it does not say comes from the executor's own settings.
WorkerPoolConfig readWorkerPool(const Context& ctx, Fields& f, const std::string& p, const std::string& name,
                                const PoolDefaults& e) {
  WorkerPoolConfig w;
  w.name = name;
  YAML::Node q = f.raw("queues");
  if (q.IsDefined() && !q.IsNull()) w.queues = readNames(ctx, q, p + ".queues", "queue name");
  w.hardware = f.text("hardware", "");
  w.workerConcurrency = f.integer("worker_concurrency", e.workerConcurrency, 1, 10000);
  w.cores = f.integer("cores", w.workerConcurrency, 1, 100000);
  w.workers = f.integer("workers", 1, 0, 10000);
  w.minWorkers = f.integer("min_workers", w.workers, 0, 10000);
  w.maxWorkers = f.integer("max_workers", std::max(w.workers, w.minWorkers), 0, 10000);
  if (w.minWorkers > w.workers || w.workers > w.maxWorkers)
    ctx.fail(f.has("min_workers") ? f.raw("min_workers") : f.raw("max_workers"), p + ".workers",
             "expected min_workers <= workers <= max_workers");
  w.bootTime = f.duration("boot_time", 0);
  if (f.has("autoscaler")) readAutoscaler(ctx, f.raw("autoscaler"), p + ".autoscaler", w);
  w.taskStartOverhead = readTaskStart(f, e.taskStartOverhead);
  w.pricePerWorkerHour = f.number("price_per_worker_hour", e.pricePerWorkerHour, 0);
  return w;
}

// `broker_outage: {at, duration}`: the shorthand for a broker_outage fault.
Fault readBrokerOutage(const Context& ctx, Fields& f) {
  Fields o(ctx, f.raw("broker_outage"), "executor.broker_outage");
  Fault fault;
  fault.kind = Fault::Kind::BrokerOutage;
  fault.name = faultKindName(fault.kind);
  fault.at = o.duration("at", 0);
  fault.duration = o.duration("duration", 0, 1e-3);
  if (!o.has("duration"))
    ctx.fail(f.raw("broker_outage"), "executor.broker_outage.duration", "an outage needs a duration");
  o.finish();
  return fault;
}

// `deploy: {at: [times], shutdown: graceful | hard}`.
void readDeploy(const Context& ctx, Fields& f, ExecutorConfig& e) {
  Fields d(ctx, f.raw("deploy"), "executor.deploy");
  YAML::Node at = d.raw("at");
  if (!at.IsSequence() || at.size() == 0)
    ctx.fail(at.IsDefined() ? at : f.raw("deploy"), "executor.deploy.at", "expected a list of times, e.g. [14h]");
  for (size_t k = 0; k < at.size(); ++k) {
    auto t = at[k].IsScalar() ? parseDuration(at[k].Scalar()) : std::nullopt;
    if (!t || *t < 0) ctx.fail(at[k], "executor.deploy.at[" + std::to_string(k) + "]", "expected a time such as 14h");
    e.deployAt.push_back(*t);
  }
  e.deployGraceful = d.choice<bool>("shutdown", true, {{"graceful", true}, {"hard", false}});
  d.finish();
}

// One entry of `executor.node_pools`.
NodePoolConfig readNodePool(const Context& ctx, Fields& f, const std::string& p, const std::string& name) {
  NodePoolConfig n;
  n.name = name;
  YAML::Node q = f.raw("queues");
  if (q.IsDefined() && !q.IsNull()) n.queues = readNames(ctx, q, p + ".queues", "queue name");
  n.hardware = f.text("hardware", "");
  n.cores = f.integer("cores", n.cores, 1, 100000);
  n.memory = f.bytes("memory", n.memory);
  if (n.memory <= 0) ctx.fail(f.raw("memory"), p + ".memory", "expected a size above zero, e.g. 32GiB");
  n.minNodes = f.integer("min_nodes", n.minNodes, 0, 10000);
  n.maxNodes = f.integer("max_nodes", std::max(n.maxNodes, n.minNodes), 0, 10000);
  n.nodes = f.integer("nodes", n.minNodes, 0, 10000);
  if (n.minNodes > n.nodes || n.nodes > n.maxNodes)
    ctx.fail(f.has("nodes")       ? f.raw("nodes")
             : f.has("max_nodes") ? f.raw("max_nodes")
                                  : f.raw("min_nodes"),
             p + ".nodes", "expected min_nodes <= nodes <= max_nodes");
  n.bootTime = f.duration("boot_time", n.bootTime);
  if (f.has("image_pull")) {
    Fields i(ctx, f.raw("image_pull"), p + ".image_pull");
    n.imageCachedProbability = i.number("cached_probability", n.imageCachedProbability, 0, 1);
    n.imagePullTime = i.duration("pull_time", n.imagePullTime);
    i.finish();
  }
  n.safeToEvict = f.boolean("safe_to_evict", n.safeToEvict);
  n.pricePerNodeHour = f.number("price_per_node_hour", n.pricePerNodeHour, 0);
  return n;
}

// `cluster_autoscaler: {scan_interval, scale_down_unneeded_time, scale_down_delay_after_add,
// scale_down_utilization_threshold}`.
void readClusterAutoscaler(const Context& ctx, Fields& f, ClusterAutoscalerConfig& c) {
  Fields a(ctx, f.raw("cluster_autoscaler"), "executor.cluster_autoscaler");
  c.scanInterval = a.duration("scan_interval", c.scanInterval, 1e-3);
  c.scaleDownUnneededTime = a.duration("scale_down_unneeded_time", c.scaleDownUnneededTime);
  c.scaleDownDelayAfterAdd = a.duration("scale_down_delay_after_add", c.scaleDownDelayAfterAdd);
  c.scaleDownUtilizationThreshold = a.number("scale_down_utilization_threshold", c.scaleDownUtilizationThreshold, 0, 1);
  a.finish();
}

// The KubernetesExecutor's settings (read whatever the kind, kept for the kinds that run pods).
// `taskStartGiven`: task_start or task_start_overhead was written, as `celeryStart`.
void readKubernetes(const Context& ctx, Fields& f, bool taskStartGiven, double celeryStart, KubernetesConfig& k) {
  k.workerPodsCreationBatchSize =
      f.integer("worker_pods_creation_batch_size", k.workerPodsCreationBatchSize, 1, 100000);
  k.apiLatency = f.duration("api_latency", k.apiLatency);
  k.watcherLatency = f.duration("watcher_latency", k.watcherLatency);
  k.containerStart = f.duration("container_start", k.containerStart);
  if (taskStartGiven) k.taskStartOverhead = celeryStart;
  k.deleteWorkerPods = f.boolean("delete_worker_pods", k.deleteWorkerPods);
  if (f.has("cluster_autoscaler")) readClusterAutoscaler(ctx, f, k.clusterAutoscaler);
  YAML::Node pools = f.raw("node_pools");
  if (pools.IsDefined() && !pools.IsNull()) {
    if (!pools.IsSequence() || pools.size() == 0)
      ctx.fail(pools, "executor.node_pools", "expected a non-empty list of node pools");
    forEachNamedEntry(ctx, pools, "executor.node_pools", "node pool",
                      [&](Fields& pf, const YAML::Node&, size_t, const std::string& p, const std::string& name) {
                        k.nodePools.push_back(readNodePool(ctx, pf, p, name));
                      });
    int most = 0;
    for (const NodePoolConfig& n : k.nodePools) most += n.maxNodes;
    if (most == 0) ctx.fail(pools, "executor.node_pools", "no node pool may have a node (max_nodes)");
  } else {
    NodePoolConfig n;  // one pool of one node, up to ten
    n.nodes = n.minNodes = 1;
    k.nodePools.push_back(n);
  }
}

// `kind`: one executor, or (AIP-61) a list of them, the default first.
void readKind(const Context& ctx, Fields& f, SchedulerModel model, ExecutorConfig& e) {
  using K = ExecutorKind;
  YAML::Node kind = f.raw("kind");
  if (kind.IsSequence()) {
    if (model == SchedulerModel::Airflow1)
      ctx.fail(kind, "executor.kind", "several executors came with Airflow 2.10 (the scheduler model is airflow1)");
    for (size_t i = 0; i < kind.size(); ++i) {
      const std::string p = "executor.kind[" + std::to_string(i) + "]";
      const std::string name = kind[i].IsScalar() ? kind[i].Scalar() : "";
      if (name != executorKindName(K::Celery) && name != executorKindName(K::Kubernetes))
        ctx.fail(kind[i], p, "'" + name + "' is not one of: celery, kubernetes (the executors that can run together)");
      const K k = name == executorKindName(K::Celery) ? K::Celery : K::Kubernetes;
      if (std::find(e.executors.begin(), e.executors.end(), k) != e.executors.end())
        ctx.fail(kind[i], p, "executor '" + name + "' is listed twice");
      e.executors.push_back(k);
    }
    if (e.executors.size() < 2)
      ctx.fail(kind, "executor.kind", "several executors: list two, the default first ([celery, kubernetes])");
    e.kind = K::Several;
  } else {
    e.kind = f.choice<K>("kind", e.kind,
                         {{executorKindName(K::Celery), K::Celery},
                          {executorKindName(K::Mock), K::Mock},
                          {executorKindName(K::Kubernetes), K::Kubernetes},
                          {executorKindName(K::CeleryKubernetes), K::CeleryKubernetes}});
    e.executors.clear();
    if (e.kind == K::CeleryKubernetes && model == SchedulerModel::Airflow1)
      ctx.fail(kind, "executor.kind",
               "CeleryKubernetesExecutor came with Airflow 2.0 (the scheduler model is airflow1)");
    if (e.kind == K::CeleryKubernetes && model == SchedulerModel::Airflow3)
      ctx.fail(kind, "executor.kind",
               "CeleryKubernetesExecutor refuses Airflow 3; list several executors instead: [celery, kubernetes]");
  }
  e.kubernetesQueue = f.text("kubernetes_queue", ExecutorConfig{}.kubernetesQueue);
  if (f.has("kubernetes_queue") && e.kind != K::CeleryKubernetes)
    ctx.fail(f.raw("kubernetes_queue"), "executor.kubernetes_queue",
             "only kind celery_kubernetes has a kubernetes_queue");
}

}  // namespace

void readExecutorSection(const Context& ctx, Fields& top, Scenario& s) {
  Fields f(ctx, top.raw("executor"), "executor");
  auto& e = s.executor;
  readKind(ctx, f, s.scheduler.model, e);
  e.brokerLatency = f.duration("broker_latency", e.brokerLatency);
  if (f.has("pools") && f.has("workers"))
    ctx.fail(f.raw("workers"), "executor.workers",
             "give either workers (one pool serving every queue) or pools, not both");
  PoolDefaults defaults;
  defaults.workers = f.integer("workers", defaults.workers, 1, 10000);
  defaults.workerConcurrency = f.integer("worker_concurrency", defaults.workerConcurrency, 1, 10000);
  const bool taskStartGiven = f.has("task_start") || f.has("task_start_overhead");
  defaults.taskStartOverhead = readTaskStart(f, defaults.taskStartOverhead);
  defaults.pricePerWorkerHour = f.number("price_per_worker_hour", defaults.pricePerWorkerHour, 0);
  e.acksLate = f.boolean("acks_late", e.acksLate);
  e.visibilityTimeout = f.duration("visibility_timeout", e.visibilityTimeout, 1e-3);
  if (f.has("broker_outage")) s.faults.push_back(readBrokerOutage(ctx, f));
  if (f.has("deploy")) readDeploy(ctx, f, e);
  readKubernetes(ctx, f, taskStartGiven, defaults.taskStartOverhead, e.kubernetes);
  e.pools.clear();
  YAML::Node pools = f.raw("pools");
  if (pools.IsDefined() && !pools.IsNull()) {
    if (!pools.IsSequence() || pools.size() == 0)
      ctx.fail(pools, "executor.pools", "expected a non-empty list of worker pools");
    forEachNamedEntry(ctx, pools, "executor.pools", "worker pool",
                      [&](Fields& pf, const YAML::Node&, size_t, const std::string& p, const std::string& name) {
                        e.pools.push_back(readWorkerPool(ctx, pf, p, name, defaults));
                      });
  } else {
    WorkerPoolConfig w;
    w.workers = w.minWorkers = w.maxWorkers = defaults.workers;
    w.workerConcurrency = defaults.workerConcurrency;
    w.cores = defaults.workerConcurrency;
    w.taskStartOverhead = defaults.taskStartOverhead;
    w.pricePerWorkerHour = defaults.pricePerWorkerHour;
    e.pools.push_back(w);
  }
  if (e.totalWorkers() == 0) ctx.fail(pools, "executor.pools", "no pool has a worker");
  f.finish();
  // Without Celery workers and a broker their settings (a variant may switch a Celery base's kind)
  // do not apply, and the configuration says so by leaving them out; their events cannot happen.
  if (!e.hasCelery() && (f.has("broker_outage") || f.has("deploy")))
    ctx.fail(
        f.raw(f.has("deploy") ? "deploy" : "broker_outage"),
        f.has("deploy") ? "executor.deploy" : "executor.broker_outage",
        std::string("executor ") + executorKindName(e.kind) +
            (e.kind == ExecutorKind::Mock ? " has no workers and no broker" : " has no Celery workers and no broker"));
  if (e.kind == ExecutorKind::Mock) {
    e = mockExecutorConfig();
    return;
  }
  if (e.kind == ExecutorKind::Kubernetes) {  // the one default pool every executor keeps stays, unused
    KubernetesConfig k = e.kubernetes;
    e = ExecutorConfig{};
    e.kind = ExecutorKind::Kubernetes;
    e.pools = {WorkerPoolConfig{}};
    e.kubernetes = std::move(k);
    return;
  }
  if (e.kind == ExecutorKind::Celery) {
    e.kubernetes = KubernetesConfig{};
    return;
  }
  // Celery and pods: a pool's metrics and series are kept by name, so no worker pool may share a
  // node pool's.
  for (const NodePoolConfig& n : e.kubernetes.nodePools)
    for (const WorkerPoolConfig& w : e.pools)
      if (n.name == w.name)
        ctx.fail(f.raw("node_pools").IsDefined() ? f.raw("node_pools") : f.node(), "executor.node_pools." + n.name,
                 "a worker pool is named '" + n.name + "' too: name the node pool otherwise");
}

}  // namespace schedlab::yaml
