// A validated scenario variant: everything the simulator needs, with every default resolved.
// Produced only by ScenarioLoader; the simulator never sees YAML.
#pragma once

#include <algorithm>
#include <cmath>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenario/Distribution.h"
#include "scenario/MetricConstraint.h"
#include "scenario/Schedule.h"

namespace schedlab {

enum class OperatorKind { Task, Sensor, TriggerDagRun };
// airflow3: Airflow 3.1's scheduler (the 2.x loop without the mini scheduler and per-task job rows),
// with the workers' DB work moved behind the API server (ApiServerConfig, WorkersConfig).
enum class SchedulerModel { Airflow1, Airflow2, Airflow3 };
inline const char* schedulerModelName(SchedulerModel m) {
  switch (m) {
    case SchedulerModel::Airflow1:
      return "airflow1";
    case SchedulerModel::Airflow2:
      return "airflow2";
    case SchedulerModel::Airflow3:
      return "airflow3";
  }
  return "?";
}
enum class QueryMode { PerTask, PerDag };
// How a sensor waits: holding its slot and poking (poke), as a short try per poke that frees its
// slot between them (reschedule), or deferred to the triggerer (deferrable, Airflow >= 2.2).
enum class SensorMode { Poke, Reschedule, Deferrable };
inline const char* sensorModeName(SensorMode m) {
  switch (m) {
    case SensorMode::Poke:
      return "poke";
    case SensorMode::Reschedule:
      return "reschedule";
    case SensorMode::Deferrable:
      return "deferrable";
  }
  return "?";
}

struct TaskDef {
  std::string id;
  std::vector<int> upstream;  // indices into DagDef::tasks
  OperatorKind kind = OperatorKind::Task;
  Distribution duration = Distribution::constant(10);
  int retries = 0;
  double retryDelay = 300;
  double sla = -1;  // seconds after its run's scheduled time by which it should succeed; < 0: none
  double failureProbability = 0;
  std::string pool = "default_pool";
  std::string queue = "default";
  // The share of its duration a try computes on its worker's CPU (0: it only waits on I/O, 1: it
  // computes all along). A worker host's cores are shared among its running tries, so
  // CPU-heavy tries slow each other down when they outnumber the cores.
  double cpu = 0;
  int priorityWeight = 1;
  // Sensors (poke mode): what they wait for and how often they look. Without waits_for a sensor
  // waits for an event of its own run (a user's next form step) that happens `duration` after
  // it starts; it succeeds at the first poke after that.
  std::string waitsFor;  // a trigger stream name
  double pokeInterval = 60;
  double sensorTimeout = 7 * 86400;
  // Reschedule mode: each poke is a short try that, when it finds nothing, sets the task
  // up_for_reschedule (a task_reschedule row) and frees its slot until the next poke. Deferrable:
  // the try defers at once; a trigger polls every poke_interval from the triggerer, and the try
  // resumes on a worker to succeed (or fail at its timeout).
  SensorMode sensorMode = SensorMode::Poke;
  // `defer:` (a deferrable operator, Airflow >= 2.2): the try works `deferAfter` seconds of its
  // duration, defers until a trigger fires `deferFor` later, then resumes on a worker for the rest.
  bool defers = false;
  double deferAfter = 0;
  Distribution deferFor = Distribution::constant(0);
  // Goes through the triggerer.
  bool deferrable() const { return defers || (kind == OperatorKind::Sensor && sensorMode == SensorMode::Deferrable); }
  // TriggerDagRunOperator: the DAG definition it starts.
  std::string triggerDag;
  // Variable.get calls and connection lookups a try makes as its work starts: the worker's own
  // SELECTs in 1.10/2.x, Execution API calls (GET /variables/{key}, /connections/{id}) in 3.x.
  int variableReads = 0;
  int connectionReads = 0;
  // Assets its success updates (`outlets:`, airflow2/3): an asset event each, which queues a run of
  // every DAG scheduled on the asset.
  std::vector<std::string> outlets;
  // `executor:` (several executors, AIP-61): "celery" or "kubernetes"; empty: the default one.
  std::string executor;
  // `resources: {cpu, memory}`: its pod's requests under the kubernetes executor (cores, bytes):
  // what the Kubernetes scheduler reserves on a node. Its work still shares the node's cores by `cpu`.
  double cpuRequest = 1;
  double memoryRequest = 2.0 * (1 << 30);
  bool operator==(const TaskDef&) const = default;
};

struct DagDef {
  std::string name;
  int count = 1;  // replicas: name, name__2, name__3, ...
  Schedule schedule = Schedule::none();
  double startDate = 0;       // absolute Unix seconds
  double endDate = INFINITY;  // absolute Unix seconds: no run has a later execution date
  double spread = 0;          // replica i's schedule is shifted by i * spread / count
  bool catchup = true;
  bool dependsOnPast = false;
  double sla = -1;  // seconds after a scheduled run's time by which the run should end; < 0: none
  int maxActiveRuns = 16;
  int maxActiveTasks = 16;
  double parseCost = 0.1;      // seconds of a DAG-file processor to parse this DAG's file
  std::vector<TaskDef> tasks;  // topologically ordered
  // `schedule: {assets: [a, b]}` (airflow2/3): a run once every one of them has an event since the
  // last such run (schedule stays none).
  std::vector<std::string> scheduleAssets;
  int instance = 0;  // index into Scenario::instances: the scheduler that owns it
  bool operator==(const DagDef&) const = default;
};

struct TriggerStream {
  // poisson: constant rate; profile: Poisson with a rate per hour of day; burst: `burstCount`
  // arrivals at once at each burst time; trace: recorded arrival times.
  enum class Kind { Poisson, Profile, Burst, Trace };
  std::string name;
  Kind kind = Kind::Poisson;
  double ratePerSecond = 0;
  std::vector<double> hourlyRates;  // profile: 24 rates (per second), hour 0 first
  std::vector<double> burstTimes;   // burst: simulation seconds
  double burstEvery = 0;            // burst: a burst every this many seconds from `start` (0: none)
  int burstCount = 1;
  std::vector<double> traceTimes;  // trace: simulation seconds
  double start = 0;                // simulation seconds
  double end = -1;                 // simulation seconds; < 0: the horizon
  std::string dag;                 // the DAG started on each arrival; empty: arrivals wait for sensors
  bool operator==(const TriggerStream&) const = default;
};

// `scheduler.client_cost_per_query: measured`: each statement's scheduler-side cost comes from the
// calibration's measurement (SQLAlchemy and psycopg2, per query type and row) instead of one figure.
inline constexpr double kMeasuredClientCost = -1;

struct SchedulerConfig {
  SchedulerModel model = SchedulerModel::Airflow2;
  QueryMode queryMode = QueryMode::PerDag;
  bool notPreviouslySkippedDep = false;
  int parallelism = 32;
  int maxActiveTasksPerDag = 16;
  int maxActiveRunsPerDag = 16;
  int maxTisPerQuery = 512;
  int maxDagrunsToCreatePerLoop = 10;
  int maxDagrunsPerLoopToSchedule = 20;
  // airflow2: schedulers per instance, active/active on its DB (Airflow 2's HA): each sees all
  // the instance's DAGs, takes runs with SKIP LOCKED, and skips the critical section when another
  // holds the pool rows (NOWAIT); parallelism counts per scheduler.
  int replicas = 1;
  // airflow1 and airflow2 with one replica: a second scheduler process waits on another host
  // and starts when the active one's heartbeat is older than standbyTakeoverAfter, checked every
  // standbyPollInterval (a failover controller); it stops a still-running active first, so only
  // one ever schedules.
  bool hotStandby = false;
  double standbyPollInterval = 10;
  double standbyTakeoverAfter = 30;
  // A scheduler job whose heartbeat is older than this is dead: its queued and running task
  // instances are orphans, adopted (sent to the broker: the executor can follow them) or reset by
  // another scheduler's adopt_or_reset_orphaned_tasks, every orphanedTasksCheckInterval (2.x).
  double healthCheckThreshold = 30;
  // Each scheduler process's host (replicas, and a hot standby), billed for the whole run.
  double pricePerHostHour = -1;  // < 0: not priced
  double orphanedTasksCheckInterval = 300;
  double idleSleepTime = 1;  // scheduler_idle_sleep_time / processor_poll_interval
  // DAG-file parsing: airflow1's processors (the scheduler's), airflow3's standalone DAG
  // processor (`dag_processor:`, Airflow 3's [dag_processor]: `dagProcessorInstances` of it per
  // scheduler instance, each parsing its share of the files).
  int parsingProcesses = 2;
  double minFileProcessInterval = 30;
  double dagFileParseCost = 0.1;
  int dagProcessorInstances = 1;
  // Scheduler-process CPU per SQL statement it sends: SQLAlchemy builds the statement and maps
  // the result rows to objects. Paid by the scheduler loop and the DAG-file processors, not the DB.
  // kMeasuredClientCost (the default): per query type and row, as the calibration measured it
  // (client_costs); a duration overrides it with one figure for every statement.
  double clientCostPerQuery = kMeasuredClientCost;
  double schedulerHeartbeatSec = 5;
  double jobHeartbeatSec = 5;
  // A running task whose job has not heartbeaten for this long is a zombie: the scheduler marks
  // it failed (up_for_retry while it has retries), looking every zombie_detection_interval.
  double zombieTaskThreshold = 300;
  double zombieDetectionInterval = 10;
  // check_trigger_timeouts: deferred tries past their trigger_timeout are set to fail.
  double triggerTimeoutCheckInterval = 15;
  bool scheduleAfterTaskExecution = true;
  // [scheduler] task_queued_timeout (2.6+): a try queued this long is failed by its executor (2.x,
  // handle_failure: retried while it has retries) or, in 3.x, set back to scheduled up to
  // num_stuck_in_queued_retries times and then failed; looked for every check interval. Applied
  // under the kubernetes executor (pods pending for a node); the Celery model leaves it out.
  double taskQueuedTimeout = 600;
  double taskQueuedTimeoutCheckInterval = 120;
  int numStuckInQueuedRetries = 2;
  int defaultPoolSlots = 128;
  std::map<std::string, int> pools;  // besides default_pool
  bool operator==(const SchedulerConfig&) const = default;
};

// airflow3's API server (`api_server:`): the Execution API every running try calls instead of the
// DB, served by `instances` uvicorn deployments of `workers` processes each on `cores` cores. A
// worker process runs its requests' Python under one GIL, so an instance computes on at most
// min(workers, cores) cores; its requests share them (processor sharing). A request's CPU is the
// framework's `requestCost` plus its route's statements through the ORM (`clientCostPerStatement`);
// then the route's SQL runs on the metadata DB. Requests go to the instances in turn (a load
// balancer). kMeasuredClientCost: `requestCost` is the calibration's api_server.request_cost_s (a
// FastAPI proxy), `clientCostPerStatement` its client cost of a single-row ORM statement.
struct ApiServerConfig {
  int instances = 1;
  int workers = 1;  // [api] workers: 1 since 3.1.0 (#55707)
  int cores = 2;    // per instance
  double requestCost = kMeasuredClientCost;
  double clientCostPerStatement = kMeasuredClientCost;
  double networkRtt = 0.0005;    // a try's worker to the API server and back
  double pricePerHostHour = -1;  // per instance and hour; < 0: not priced
  // The UI's and the public REST API's requests (`background_load`): Poisson arrivals at
  // `backgroundRate` per second from `backgroundStart` to `backgroundEnd` (simulation seconds;
  // < 0: the horizon), each `backgroundCost` CPU seconds on an instance in turn.
  double backgroundRate = 0;
  double backgroundCost = 0.02;
  double backgroundStart = 0;
  double backgroundEnd = -1;
  int effectiveCores() const { return std::min(workers, cores); }
  bool operator==(const ApiServerConfig&) const = default;
};

// `triggerer:` (Airflow >= 2.2's `airflow triggerer`): `instances` triggerer processes, each
// running up to `capacity` triggers ([triggerer] capacity) in its loop, heartbeating every
// jobHeartbeatSec.
struct TriggererConfig {
  bool deployed = false;  // the scenario has a `triggerer:` section or a deferrable task
  int instances = 1;
  int capacity = 1000;
  double jobHeartbeatSec = 5;
  // [triggerer] triggerer_health_check_threshold: a triggerer whose job has not heartbeaten for this
  // long is dead, and another takes its triggers.
  double healthCheckThreshold = 30;
  double pricePerHostHour = -1;  // per instance and hour; < 0: not priced
  bool operator==(const TriggererConfig&) const = default;
};

// airflow3's `[workers]` options: how a try's supervisor (the Task SDK) calls the Execution API.
// Every call is retried on a timeout, a connection error or a 5xx up to executionApiRetries
// attempts, waiting a random exponential backoff between retryWaitMin and retryWaitMax (tenacity's
// wait_random_exponential, multiplier 1: after attempt k, U(min, clamp(2^(k-1) s, min, max))). A heartbeat call
// that still fails counts one failed heartbeat; maxFailedHeartbeats in a row kill the task.
struct WorkersConfig {
  double minHeartbeatInterval = 5;
  double executionApiTimeout = 5;  // 3.1.1+ (#56969); httpx's 5 s default before
  int executionApiRetries = 5;
  double retryWaitMin = 1;
  double retryWaitMax = 90;
  int maxFailedHeartbeats = 3;
  bool operator==(const WorkersConfig&) const = default;
};

// A client of the metadata DB other than Airflow's processes (monitoring, an exporter, ad-hoc
// queries): a statement of `cpu` seconds of the DB's core every `every` seconds.
struct OtherDbClient {
  double every = 1;
  double cpu = 0;
  bool operator==(const OtherDbClient&) const = default;
};

struct MetadbConfig {
  int cores = 2;
  int poolSize = 0;  // 0: no connection pool, queries go to the cores at once (each serves one at a time)
  double networkRtt = 0.0005;
  // The DB's cores against those the calibration measured on: its statements' DB time (and its
  // connections') is the calibration's divided by this. 0.5: cores half as fast.
  double coreSpeed = 1;
  // Memory that holds data pages (shared_buffers plus the OS page cache). 0: everything fits.
  // Once the DB is bigger, a share of the pages queries touch must come from disk.
  double cacheBytes = 0;
  double pageReadLatency = -1;                // seconds per page read from disk; < 0: the calibration's
  double pricePerCoreHour = -1;               // currency units per DB core and hour; < 0: not priced
  std::string calibration;                    // path; empty: the shipped calibration
  std::map<std::string, double> initialRows;  // table -> rows present at start
  std::vector<OtherDbClient> otherClients;    // on each DB; their time is not the calibration's: not scaled
  bool operator==(const MetadbConfig&) const = default;
};

// One scheduler deployment (`instances:`): its own scheduler loop and DAG-file processors, the DAGs
// whose names match its patterns, and either the shared metadata DB or one of its own.
struct InstanceDef {
  std::string name = "main";
  std::vector<std::string> dagPatterns;  // shell globs on DAG names; empty: every DAG no other instance takes
  bool ownMetadb = false;
  std::map<std::string, double> initialRows;  // an own DB's history at start (default: empty)
  bool operator==(const InstanceDef&) const = default;
};

// Periodic cleanup of old rows (the community db-cleanup DAG, `airflow db clean`).
struct ArchivingConfig {
  bool enabled = false;
  double interval = 86400;        // how often it runs; the first run is one interval in
  double retention = 30 * 86400;  // rows older than this are deleted
  bool byStartDate = false;       // age of a run: execution_date (community DAG) or start_date (db clean)
  bool keepLastRun = true;        // keep each DAG's newest scheduled run (the community DAG's keep_last)
  std::vector<std::string> tables = {"task_instance", "dag_run", "job", "log", "xcom"};
  bool operator==(const ArchivingConfig&) const = default;
};

// How a pool's size follows its load (`executor.pools[].autoscaler`), evaluated every `period`.
struct AutoscalerConfig {
  enum class Policy { Fixed, CpuTarget, QueueDepth, Keda } policy = Policy::Fixed;
  double period = 60;
  double cooldown = 300;   // after a scaling action, no scale-in for this long
  double cpuTarget = 0.6;  // cpu_target: mean CPU of its workers to keep (0-1)
  int step = 1;            // queue_depth: workers added per period while messages wait
  bool graceful = true;    // scale-in shutdown: finish running tries (graceful) or kill them (hard)
  bool operator==(const AutoscalerConfig&) const = default;
};

// Identical Celery worker hosts serving some queues (`executor.pools`).
struct WorkerPoolConfig {
  std::string name = "default";
  std::vector<std::string> queues;     // empty: every queue
  std::string hardware;                // what the hosts are, e.g. "c5.2xlarge" (a label)
  int cores = 16;                      // per host, shared by its running tries' CPU work
  int workers = 4;                     // hosts at start
  int minWorkers = 4, maxWorkers = 4;  // what its autoscaler may do
  double bootTime = 0;                 // launch to taking tasks (billed from launch)
  AutoscalerConfig autoscaler;
  int workerConcurrency = 16;      // task slots per host
  double taskStartOverhead = 0.4;  // queued message to the try running: fork (0.4 s) or a new interpreter (1.5 s)
  double pricePerWorkerHour = -1;  // per host and hour; < 0: not priced
  bool operator==(const WorkerPoolConfig&) const = default;
  bool serves(const std::string& queue) const {
    return queues.empty() || std::find(queues.begin(), queues.end(), queue) != queues.end();
  }
};

// Identical Kubernetes nodes the kubernetes executor's pods run on (`executor.node_pools`), sized by
// the cluster autoscaler between minNodes and maxNodes.
struct NodePoolConfig {
  std::string name = "nodes";
  std::vector<std::string> queues;   // task queues whose pods it takes (a nodeSelector); empty: every queue
  std::string hardware;              // a label, e.g. "m5.2xlarge"
  int cores = 8;                     // allocatable CPU per node, shared by its pods' work
  double memory = 32.0 * (1 << 30);  // allocatable bytes per node
  int nodes = 0;                     // up at start
  int minNodes = 0, maxNodes = 10;
  double bootTime = 120;  // a node from launch to Ready (billed from launch)
  // A pod's image: the first pod on a node pulls it; later ones find it cached with this
  // probability (other images, kubelet's image garbage collection), else pull for pullTime.
  double imageCachedProbability = 0.9;
  double imagePullTime = 30;
  // Its pods carry cluster-autoscaler.kubernetes.io/safe-to-evict: "true": scale-down may remove a
  // node running them (they are killed). Without it a node running an Airflow pod (no controller)
  // is never removed.
  bool safeToEvict = false;
  double pricePerNodeHour = -1;  // < 0: not priced
  bool operator==(const NodePoolConfig&) const = default;
  bool serves(const std::string& queue) const {
    return queues.empty() || std::find(queues.begin(), queues.end(), queue) != queues.end();
  }
};

// kubernetes/autoscaler's cluster-autoscaler, with its defaults (FAQ).
struct ClusterAutoscalerConfig {
  double scanInterval = 10;
  double scaleDownUnneededTime = 600;
  double scaleDownDelayAfterAdd = 600;
  double scaleDownUtilizationThreshold = 0.5;  // requested over allocatable, CPU or memory
  bool operator==(const ClusterAutoscalerConfig&) const = default;
};

// The cncf.kubernetes provider's KubernetesExecutor (`executor.kind: kubernetes`): a pod per try.
struct KubernetesConfig {
  int workerPodsCreationBatchSize = 1;  // [kubernetes_executor] pods created per scheduler loop
  double apiLatency = 0.05;             // one Kubernetes API call (create or delete a pod) from the scheduler
  double watcherLatency = 1;            // a pod's end to its event in the executor's watcher
  double containerStart = 2;            // image present to the container running
  double taskStartOverhead = 5;         // a fresh interpreter importing Airflow and the DAG file
  bool deleteWorkerPods = true;         // [kubernetes_executor] delete_worker_pods: a delete call per ended pod
  std::vector<NodePoolConfig> nodePools;
  ClusterAutoscalerConfig clusterAutoscaler;
  bool operator==(const KubernetesConfig&) const = default;
};

// What runs the tries: Airflow's executor.
// Mock: Airflow's MockExecutor of its scheduler benchmarks (every queued try succeeds at the
// executor's heartbeat; no workers). Kubernetes: a pod per try on node pools (KubernetesConfig).
// CeleryKubernetes: 2.x's CeleryKubernetesExecutor, the tasks of one queue (kubernetesQueue) in
// pods, the others on Celery. Several: Airflow >= 2.10's several executors (AIP-61: `[core]
// executor = CeleryExecutor,KubernetesExecutor`), the first the default, a task's `executor:`
// picking another.
enum class ExecutorKind { Celery, Mock, Kubernetes, CeleryKubernetes, Several };
inline const char* executorKindName(ExecutorKind k) {
  switch (k) {
    case ExecutorKind::Celery:
      return "celery";
    case ExecutorKind::Mock:
      return "mock";
    case ExecutorKind::Kubernetes:
      return "kubernetes";
    case ExecutorKind::CeleryKubernetes:
      return "celery_kubernetes";
    case ExecutorKind::Several:
      return "several";
  }
  return "?";
}

// Canonical: the `executor.workers` shorthand is read as one pool "default" serving every queue,
// and `executor.broker_outage` as a broker_outage fault (Scenario::faults).
struct ExecutorConfig {
  ExecutorKind kind = ExecutorKind::Celery;
  double brokerLatency = 0.005;
  std::vector<WorkerPoolConfig> pools;  // always at least one
  // Late acknowledgement (Airflow's Celery default): a message stays with the broker until its
  // try ends; if its worker dies it becomes visible again visibility_timeout after it was taken
  // (Airflow's default transport option: 6 h).
  bool acksLate = true;
  double visibilityTimeout = 21600;
  // Deploys (`executor.deploy`): at each time every pool's workers are replaced by new ones
  // (booting as any new worker does) and the old ones shut down, gracefully or hard.
  std::vector<double> deployAt;
  bool deployGraceful = true;
  KubernetesConfig kubernetes;                 // kinds with pods
  std::string kubernetesQueue = "kubernetes";  // celery_kubernetes: [celery_kubernetes_executor] kubernetes_queue
  std::vector<ExecutorKind> executors;         // several: celery and kubernetes, the default first
  // The executor running `task` (celery or kubernetes under the kinds that combine them).
  ExecutorKind executorOf(const TaskDef& task) const;
  // Celery workers, or pods, run some of the tasks.
  bool hasCelery() const {
    return kind == ExecutorKind::Celery || kind == ExecutorKind::CeleryKubernetes || kind == ExecutorKind::Several;
  }
  bool hasPods() const {
    return kind == ExecutorKind::Kubernetes || kind == ExecutorKind::CeleryKubernetes || kind == ExecutorKind::Several;
  }
  int totalWorkers() const {
    int n = 0;
    for (const auto& p : pools) n += p.workers;
    return n;
  }
  bool operator==(const ExecutorConfig&) const = default;
};

inline ExecutorKind ExecutorConfig::executorOf(const TaskDef& task) const {
  if (kind == ExecutorKind::CeleryKubernetes)
    return task.queue == kubernetesQueue ? ExecutorKind::Kubernetes : ExecutorKind::Celery;
  if (kind == ExecutorKind::Several)
    return task.executor.empty()
               ? executors.front()
               : (task.executor == executorKindName(ExecutorKind::Kubernetes) ? ExecutorKind::Kubernetes
                                                                              : ExecutorKind::Celery);
  return kind;
}

// The mock executor's configuration: its kind, and the one default pool every executor keeps
// (Scenario's invariant), unused.
inline ExecutorConfig mockExecutorConfig() {
  ExecutorConfig e;
  e.kind = ExecutorKind::Mock;
  e.pools = {WorkerPoolConfig{}};
  return e;
}

struct RunConfig {
  double horizon = 86400;
  double warmup = 0;
  uint64_t seed = 1;
  double sampleInterval = 60;
  double start = 1577836800;     // 2020-01-01T00:00:00Z
  bool taskInstancesCsv = true;  // write task_instances.csv (one row per try)
  bool loopsCsv = false;         // write loops.csv (one row per scheduler loop or processor pass)
  bool operator==(const RunConfig&) const = default;
};

// A service-level objective on one figure of the results (`slas:`), judged per variant in
// results.json and in the report's verdict.
struct Sla {
  std::string name;
  MetricConstraint bound;
  int line = 0, column = 0;  // where it is written, for errors found after the run
  bool operator==(const Sla&) const = default;
};

// Something that goes wrong at a time (`faults:`), with its window [at, at + duration): the
// metrics of what happened during and after it are reported per fault.
struct Fault {
  // api_server_outage, api_server_brownout: airflow3's API server refuses every connection, or
  // keeps `capacity` of its CPU, for the window.
  enum class Kind {
    WorkerCrash,
    DbFailover,
    BrokerOutage,
    SchedulerCrash,
    ApiServerOutage,
    ApiServerBrownout,
    TriggererCrash  // a triggerer process dies (`instance`), restarted `duration` later
  } kind = Kind::DbFailover;
  std::string name;  // default: the kind, numbered when it repeats
  double at = 0;
  double duration = 0;  // db_failover, broker_outage: how long; worker_crash: until its tries are back
  // db_failover: queries wait for the end (false), or fail at once (true: `mode: error`): a
  // scheduler retries as run_with_db_retries does, then its process exits and is restarted as
  // restartAfter / restartAfterAlert say; a try that cannot start fails, one that cannot write
  // its end becomes a zombie.
  bool failsQueries = false;
  std::string pool;  // worker_crash: the pool whose hosts die (default: the first)
  int count = 1;     // worker_crash: how many hosts
  // triggerer_crash: which triggerer (`instance`, 0-based) dies.
  // scheduler_crash: which scheduler process dies (instance index, replica 0-based); restarted
  // restartAfter after the crash, or restartAfterAlert after the heartbeat alert fires (a person
  // responding); < 0: not restarted (a hot standby or another replica may carry on).
  int instance = 0;
  int replica = 0;
  double restartAfter = -1;
  double restartAfterAlert = -1;
  double afterWindow = 3600;  // the "after" window of its metrics
  double capacity = 0.25;     // api_server_brownout: the share of its CPU speed the API server keeps
  bool operator==(const Fault&) const = default;
  bool hitsApiServer() const { return kind == Kind::ApiServerOutage || kind == Kind::ApiServerBrownout; }
};

inline const char* faultKindName(Fault::Kind k) {
  static const char* const names[] = {"worker_crash",      "db_failover",         "broker_outage",  "scheduler_crash",
                                      "api_server_outage", "api_server_brownout", "triggerer_crash"};
  return names[static_cast<int>(k)];
}

// How the scheduler is watched (`monitoring:`), as a Grafana rule on the job table: every
// alertPollInterval the newest heartbeat of an instance's scheduler jobs is read; the alert fires
// when it is older than alertThreshold, and resolves once a heartbeat is fresh again.
struct MonitoringConfig {
  bool enabled = false;
  double alertPollInterval = 60;
  double alertThreshold = 300;
  bool operator==(const MonitoringConfig&) const = default;
};

struct Scenario {
  std::string name;  // the file's base name without extension
  std::string description;
  std::string variant;  // "base" when the file defines no variants
  std::string sourcePath;
  std::vector<DagDef> dags;
  std::vector<TriggerStream> triggers;
  SchedulerConfig scheduler;
  MetadbConfig metadb;
  ApiServerConfig apiServer;  // airflow3 only
  WorkersConfig workers;      // airflow3 only
  TriggererConfig triggerer;  // airflow2, airflow3
  ExecutorConfig executor;
  RunConfig run;
  MonitoringConfig monitoring;
  std::vector<InstanceDef> instances;  // at least one
  ArchivingConfig archiving;
  std::vector<Sla> slas;
  std::vector<Fault> faults;

  int dagIndex(const std::string& name) const;
  // Some task defers (a deferrable sensor or `defer:`).
  bool defers() const;
  // Some DAG is scheduled on assets.
  bool usesAssets() const;
  bool operator==(const Scenario&) const = default;
};

}  // namespace schedlab
