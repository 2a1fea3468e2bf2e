// Bad scenario files a hostile user wrote, each refused with the line, column and field of the
// mistake: the error lines are golden (what follows "scenario.yaml").
#include <gtest/gtest.h>

#include "support/TestSupport.h"

using namespace schedlab;
using schedlab::test::load;

namespace {

// The error after the file's name ("", the whole message, when it loads).
std::string errorAfterFile(const std::string& yaml, std::vector<std::string> sets = {}) {
  const std::string what = test::loadError(yaml, std::move(sets));
  const auto at = what.find("scenario.yaml");
  return at == std::string::npos ? what : what.substr(at + 13);
}

const char* kDag = R"(dags:
  - name: etl
    schedule: 10m
    tasks: [{id: t}]
)";

std::string withDag(const std::string& head) { return head + kDag; }

}  // namespace

TEST(BadInput, KeysThatAreListsOrMapsAndDuplicateKeys) {
  EXPECT_EQ(errorAfterFile(withDag("[a, b]: 1\n")), ":1:1: a key is a name, not a list or a mapping");
  EXPECT_EQ(errorAfterFile(withDag("run: {? {x: 1} : 2}\n")), ":1:9: run: a key is a name, not a list or a mapping");
  EXPECT_EQ(errorAfterFile(withDag("run: {horizon: 1h, horizon: 2h}\n")),
            ":1:20: run.horizon: duplicate key 'horizon' (first at line 1)");
  EXPECT_EQ(errorAfterFile("dags:\n  - name: etl\n    schedule: 10m\n    schedule: 5m\n    tasks: [{id: t}]\n"),
            ":4:5: dags[0].schedule: duplicate key 'schedule' (first at line 3)");
}

TEST(BadInput, VariantNamesAndDescriptionsAreStrings) {
  EXPECT_EQ(errorAfterFile(withDag("variants:\n  - name: [v]\n")),
            ":2:11: variants[0].name: a variant's name is a non-empty string");
  EXPECT_EQ(errorAfterFile(withDag("variants:\n  - name: v\n    description: {a: 1}\n")),
            ":3:18: variants[0].description: expected a string");
}

TEST(BadInput, InvalidUtf8IsRefusedWhereItIs) {
  EXPECT_EQ(errorAfterFile(withDag("description: \"caf\xe9\"\n")), ":1:14: description: not valid UTF-8 text");
  EXPECT_EQ(errorAfterFile("dags:\n  - name: etl\n    schedule: 10m\n    tasks: [{id: \"t\xc3\"}]\n"),
            ":4:18: dags[0].tasks[0].id: not valid UTF-8 text");
  EXPECT_EQ(errorAfterFile(withDag("description: \"caf\xc3\xa9 \xe2\x9c\x93\"\n")), "");  // café ✓
}

TEST(BadInput, EmptyFilesAndMissingSectionsHaveALine) {
  EXPECT_EQ(errorAfterFile(""), ":1:1: the file holds no YAML: a scenario file is a mapping (dags:, scheduler:, ...)");
  EXPECT_EQ(errorAfterFile("# only a comment\n"),
            ":1:1: the file holds no YAML: a scenario file is a mapping (dags:, scheduler:, ...)");
  EXPECT_EQ(errorAfterFile("dags:\n  - name: etl\n    schedule: 10m\n"),
            ":2:5: dags.etl.tasks: a DAG needs tasks: a non-empty list of {id: ...} or {shape: ...}");
  // A trace file that is not there is named at the line that refers to it.
  EXPECT_EQ(errorAfterFile(withDag("triggers:\n  - {name: s, kind: trace, file: /nonexistent/arrivals.csv}\n")),
            ":2:34: triggers.s.file: cannot read the trace file /nonexistent/arrivals.csv");
  EXPECT_EQ(errorAfterFile(withDag("metadb: {calibration: /nonexistent/costs.json}\n")),
            ":1:23: metadb.calibration: cannot read the calibration file /nonexistent/costs.json");
  EXPECT_NE(errorAfterFile(withDag("metadb: {core_speed: 0}\n")).find(":1:22: metadb.core_speed"), std::string::npos);
  EXPECT_EQ(errorAfterFile(withDag("metadb: {other_clients: {every: 1s}}\n")),
            ":1:25: metadb.other_clients: expected a list of {every: <duration>, cpu: <duration>}");
  EXPECT_EQ(errorAfterFile(withDag("metadb:\n  other_clients:\n    - {cpu: 1ms}\n")),
            ":3:7: metadb.other_clients[0].every: needs a duration above 0 (a statement every ...)");
  EXPECT_EQ(errorAfterFile(withDag("metadb:\n  other_clients:\n    - {every: 1s, cpu: 2s}\n")),
            ":3:7: metadb.other_clients[0].cpu: takes longer than `every`: the client would need more than a core");
  EXPECT_EQ(errorAfterFile(withDag("metadb:\n  other_clients:\n    - {every: 1s, cpu: 1ms, rate: 2}\n")),
            ":3:29: metadb.other_clients[0].rate: unknown key");
  // Only an error in what a --set gave is reported as the --set's.
  EXPECT_EQ(errorAfterFile(withDag(""), {"run.horizon=-1h"}), " (--set): run.horizon: negative duration '-1h'");
}

TEST(BadInput, WhatWasAcceptedSilently) {
  EXPECT_EQ(errorAfterFile("dags:\n  - name: etl\n    schedule: 10m\n    tasks: [{id: t, pool: gpu}]\n"),
            ":2:5: dags.etl.tasks.t.pool: unknown pool 'gpu' (defined: default_pool; scheduler.pools)");
  EXPECT_EQ(errorAfterFile(withDag(""), {"run.horizon=1e308d"}),
            " (--set): run.horizon: '1e308d' is not a duration (use ms, s, m, h, d: 30s, 5m, 7d)");
  EXPECT_EQ(errorAfterFile(withDag("run: {horizon: 3700d}\n")), ":1:16: run.horizon: longer than 3660d (ten years)");
  for (const char* name : {"../escape", "/tmp/x", "..", ".hidden", "a/b", "a b"})
    EXPECT_NE(
        errorAfterFile(withDag(std::string("name: \"") + name + "\"\n")).find("cannot name a directory under out/"),
        std::string::npos)
        << name;
  EXPECT_EQ(errorAfterFile(withDag("name: my-scenario_2.1\n")), "");
  EXPECT_EQ(errorAfterFile("dags:\n  - name: \"etl,daily\"\n    schedule: 10m\n    tasks: [{id: t}]\n"),
            ":2:11: dags[0].name: 'etl,daily' is not a dag_id: letters, digits, '_', '.' and '-', at most 250 (as "
            "Airflow's)");
  EXPECT_EQ(errorAfterFile("dags:\n  - name: etl\n    schedule: 10m\n    tasks: [{id: \"a\\\"b\"}]\n"),
            ":4:18: dags.etl.tasks[0].id: 'a\"b' is not a task_id: letters, digits, '_', '.' and '-', at most 250 (as "
            "Airflow's)");
}

TEST(BadInput, ACronThatNeverFiresOrAnOldStartDateIsNoTrap) {
  EXPECT_EQ(errorAfterFile("dags:\n  - name: etl\n    schedule: \"0 0 31 2 *\"\n    tasks: [{id: t}]\n"),
            ":3:15: dags.etl.schedule: cron expression '0 0 31 2 *' never fires: none of its months has any of its "
            "days (or use none, @once, or an interval such as 10s)");
}

TEST(BadInput, TooManyVariantsAreRefusedNotReadForMinutes) {
  std::string many = std::string(kDag) + "variants:\n";
  for (int i = 0; i <= 256; ++i) many += "  - name: v" + std::to_string(i) + "\n";
  EXPECT_EQ(errorAfterFile(many),
            ":6:3: variants: 257 variants: at most 256 in one file (a grid of many points is `schedlab "
            "sweep --param`)");
}

TEST(BadInput, Airflow3KeysAndTheKeysAirflow3RenamedOrRemoved) {
  const std::string a3 = "scheduler: {model: airflow3, ";
  EXPECT_EQ(errorAfterFile(withDag(a3 + "schedule_after_task_execution: true}\n")),
            ":1:61: scheduler.schedule_after_task_execution: Airflow 3 has no mini scheduler (removed by "
            "apache/airflow#43741): the scheduler schedules downstream tasks");
  EXPECT_EQ(errorAfterFile(withDag(a3 + "scheduler_zombie_task_threshold: 5m}\n")),
            ":1:63: scheduler.scheduler_zombie_task_threshold: Airflow 3 calls it "
            "scheduler.task_instance_heartbeat_timeout");
  EXPECT_EQ(errorAfterFile(withDag(a3 + "parsing_processes: 4}\n")),
            ":1:49: scheduler.parsing_processes: Airflow 3 parses DAG files in its DAG processor: "
            "dag_processor.parsing_processes");
  EXPECT_EQ(errorAfterFile(withDag("scheduler: {task_instance_heartbeat_timeout: 5m}\n")),
            ":1:46: scheduler.task_instance_heartbeat_timeout: Airflow 3's name; under airflow2 it is "
            "scheduler.scheduler_zombie_task_threshold");
  EXPECT_EQ(errorAfterFile(withDag(a3 + "not_previously_skipped_dep: true}\n")),
            ":1:58: scheduler.not_previously_skipped_dep: 1.10.12's query per task instance exists only in the "
            "airflow1 model");
  // The API server and the workers' options exist only under airflow3.
  EXPECT_EQ(errorAfterFile(withDag("api_server: {workers: 4}\n")),
            ":1:13: api_server: exists only in the airflow3 model (the scheduler model is airflow2: its workers "
            "reach the metadata DB themselves, its scheduler parses DAG files)");
  EXPECT_EQ(errorAfterFile(withDag("scheduler: {model: airflow1}\nworkers: {max_failed_heartbeats: 20}\n")),
            ":2:10: workers: exists only in the airflow3 model (the scheduler model is airflow1: its workers "
            "reach the metadata DB themselves, its scheduler parses DAG files)");
  EXPECT_EQ(errorAfterFile(withDag("scheduler: {model: airflow3}\napi_server: {wokers: 4}\n")),
            ":2:14: api_server.wokers: unknown key");
  EXPECT_EQ(errorAfterFile(withDag("scheduler: {model: airflow3}\napi_server: {background_load: {cost: 5ms}}\n")),
            ":2:31: api_server.background_load.rate: missing (e.g. 20/s)");
  EXPECT_EQ(errorAfterFile(withDag("scheduler: {model: airflow3}\nworkers: {execution_api_retries: 0}\n")),
            ":2:34: workers.execution_api_retries: must be at least 1, got 0");
  EXPECT_EQ(errorAfterFile(withDag("faults: [{kind: api_server_outage, at: 1h, duration: 5m}]\n")),
            ":1:17: faults[0].kind: an API server exists only in the airflow3 model: no api_server_outage can happen");
  EXPECT_EQ(errorAfterFile(withDag("scheduler: {model: airflow3}\n"
                                   "faults: [{kind: api_server_brownout, at: 1h, duration: 5m, capacity: 1}]\n")),
            ":2:70: faults[0].capacity: a brownout keeps a share of the API server's CPU above 0 and below 1 (an "
            "outage is api_server_outage)");
  EXPECT_EQ(errorAfterFile(withDag("scheduler: {model: airflow3}\nfaults:\n"
                                   "  - {kind: api_server_brownout, at: 1h, duration: 30m}\n"
                                   "  - {kind: api_server_brownout, at: 80m, duration: 30m, capacity: 0.5}\n")),
            ":4:37: faults[1].at: overlaps api_server_brownout 'api_server_brownout': give one capacity per window");
  EXPECT_EQ(errorAfterFile(withDag("scheduler: {model: airflow3}\nworkers: {execution_api_retry_wait_min: 2m}\n")),
            ":2:41: workers.execution_api_retry_wait_min: is above execution_api_retry_wait_max (90s)");
  // Airflow 3's own names and defaults.
  const Scenario s =
      load(withDag(a3 + "task_instance_heartbeat_timeout: 2m}\napi_server: {workers: 4, cores: 2}\n"))[0];
  EXPECT_EQ(s.scheduler.zombieTaskThreshold, 120);
  EXPECT_EQ(s.scheduler.maxTisPerQuery, 16);
  EXPECT_FALSE(s.scheduler.scheduleAfterTaskExecution);
  EXPECT_EQ(s.apiServer.effectiveCores(), 2);  // one GIL per worker process, no more cores than the host's
  EXPECT_EQ(s.workers.maxFailedHeartbeats, 3);
}

TEST(BadInput, DeferralNeedsTheTriggererOfAirflow22) {
  const std::string sensor =
      "dags:\n  - name: etl\n    schedule: 10m\n    tasks:\n"
      "      - {id: s, kind: sensor, mode: deferrable}\n";
  EXPECT_EQ(errorAfterFile("scheduler: {model: airflow1}\n" + sensor),
            ":6:37: dags.etl.tasks[0].mode: mode: deferrable needs the triggerer, which Airflow 2.2 brought (the "
            "scheduler model is airflow1)");
  EXPECT_EQ(errorAfterFile("scheduler: {model: airflow1}\ndags:\n  - name: etl\n    tasks:\n"
                           "      - {id: t, defer: {after: 1m, for: 10m}}\n"),
            ":5:24: dags.etl.tasks[0].defer: defer: needs the triggerer, which Airflow 2.2 brought (the scheduler "
            "model is airflow1)");
  EXPECT_EQ(errorAfterFile(withDag("scheduler: {model: airflow1}\ntriggerer: {capacity: 10}\n")),
            ":2:12: triggerer: Airflow 2.2 brought the triggerer (the scheduler model is airflow1)");
  EXPECT_EQ(errorAfterFile("dags:\n  - name: etl\n    tasks:\n      - {id: t, defer: {after: 1m}}\n"),
            ":4:24: dags.etl.tasks[0].defer.for: missing: how long the trigger waits (e.g. 20m)");
  EXPECT_EQ(errorAfterFile(withDag("triggerer: {capacity: 0}\n")).substr(0, 26), ":1:23: triggerer.capacity:");
  // Loaded: a triggerer deploys with a deferrable task, Airflow's defaults.
  const Scenario s = load(sensor)[0];
  EXPECT_TRUE(s.triggerer.deployed);
  EXPECT_EQ(s.triggerer.capacity, 1000);
  EXPECT_EQ(s.scheduler.triggerTimeoutCheckInterval, 15);
  EXPECT_FALSE(load(withDag(""))[0].triggerer.deployed);
}

TEST(BadInput, ATriggererCrashNeedsATriggerer) {
  EXPECT_EQ(errorAfterFile(withDag("faults: [{kind: triggerer_crash, at: 1h, duration: 5m}]\n")),
            ":1:17: faults[0].kind: no triggerer runs (no triggerer: section and no deferrable task): no "
            "triggerer_crash can happen");
  EXPECT_EQ(
      errorAfterFile(
          withDag("triggerer: {instances: 2}\nfaults: [{kind: triggerer_crash, at: 1h, duration: 5m, instance: 3}]\n"))
          .substr(0, 37),
      ":2:66: faults[0].instance: must be at");
}

TEST(BadInput, KubernetesExecutorSettingsAndPodRequests) {
  const std::string k8s = "executor:\n  kind: kubernetes\n";
  EXPECT_EQ(errorAfterFile(withDag(k8s + "  node_pools: [{name: a, min_nodes: 3, max_nodes: 2}]\n")),
            ":3:51: executor.node_pools.a.nodes: expected min_nodes <= nodes <= max_nodes");
  EXPECT_EQ(errorAfterFile(withDag(k8s + "  node_pools: [{name: a, memory: lots}]\n")),
            ":3:34: executor.node_pools[0].memory: 'lots' is not a size (use B, MB, GB, MiB, GiB: 512MiB, 4GiB)");
  EXPECT_EQ(errorAfterFile(withDag(k8s + "  node_pools: [{name: a, image_pull: {cached_probability: 2}}]\n")),
            ":3:59: executor.node_pools.a.image_pull.cached_probability: must be at most 1, got 2");
  EXPECT_EQ(errorAfterFile(withDag(k8s + "  worker_pods_creation_batch_size: 0\n")),
            ":3:36: executor.worker_pods_creation_batch_size: must be at least 1, got 0");
  EXPECT_EQ(errorAfterFile(withDag(k8s + "  broker_outage: {at: 1h, duration: 5m}\n")),
            ":3:18: executor.broker_outage: executor kubernetes has no Celery workers and no broker");
  EXPECT_EQ(errorAfterFile(withDag(k8s + "  cluster_autoscaler: {scan_interval: 0s}\n")),
            ":3:39: executor.cluster_autoscaler.scan_interval: duration '0s' too small (at least 1ms)");
  // A pod bigger than every node of the pools serving its queue, or a queue no pool serves.
  EXPECT_EQ(errorAfterFile(k8s + "  node_pools: [{name: a, cores: 2, memory: 4GiB}]\n" +
                           "dags:\n  - name: etl\n    tasks: [{id: t, resources: {cpu: 4}}]\n"),
            ":5:5: dags.etl.tasks.t.resources: its pod's requests (cpu 4, memory 2 GiB) fit no node of a node pool "
            "serving queue 'default'");
  EXPECT_EQ(errorAfterFile(k8s + "  node_pools: [{name: a, queues: [big]}]\n" +
                           "dags:\n  - name: etl\n    tasks: [{id: t}]\n"),
            ":5:5: dags.etl.tasks.t.queue: no node pool serves queue 'default' (executor.node_pools[].queues)");
  EXPECT_EQ(errorAfterFile("dags:\n  - name: etl\n    tasks: [{id: t, resources: {memory: 0GiB}}]\n"),
            ":3:41: dags.etl.tasks[0].resources.memory: expected a size above zero, e.g. 2GiB");
  EXPECT_EQ(errorAfterFile(withDag("scheduler: {model: airflow1, task_queued_timeout: 10m}\n")),
            ":1:51: scheduler.task_queued_timeout: task_queued_timeout came with Airflow 2.6 (the scheduler model "
            "is airflow1)");
  EXPECT_EQ(errorAfterFile(withDag(k8s + "faults: [{kind: worker_crash, at: 1h}]\n")),
            ":3:17: faults[0].kind: executor kubernetes has no Celery workers and no broker: a worker_crash cannot "
            "happen");
}

TEST(BadInput, SeveralExecutorsAndTheirTasks) {
  EXPECT_EQ(errorAfterFile(withDag("executor: {kind: [celery, mock]}\n")),
            ":1:27: executor.kind[1]: 'mock' is not one of: celery, kubernetes (the executors that can run together)");
  EXPECT_EQ(errorAfterFile(withDag("executor: {kind: [celery, celery]}\n")),
            ":1:27: executor.kind[1]: executor 'celery' is listed twice");
  EXPECT_EQ(errorAfterFile(withDag("executor: {kind: [kubernetes]}\n")),
            ":1:18: executor.kind: several executors: list two, the default first ([celery, kubernetes])");
  EXPECT_EQ(errorAfterFile(withDag("scheduler: {model: airflow1}\nexecutor: {kind: [celery, kubernetes]}\n")),
            ":2:18: executor.kind: several executors came with Airflow 2.10 (the scheduler model is airflow1)");
  EXPECT_EQ(errorAfterFile(withDag("scheduler: {model: airflow3}\nexecutor: {kind: celery_kubernetes}\n")),
            ":2:18: executor.kind: CeleryKubernetesExecutor refuses Airflow 3; list several executors instead: "
            "[celery, kubernetes]");
  EXPECT_EQ(errorAfterFile(withDag("scheduler: {model: airflow1}\nexecutor: {kind: celery_kubernetes}\n")),
            ":2:18: executor.kind: CeleryKubernetesExecutor came with Airflow 2.0 (the scheduler model is airflow1)");
  // A node pool that may never have a node runs nothing.
  EXPECT_EQ(
      errorAfterFile("executor:\n  kind: kubernetes\n  node_pools: [{name: a, max_nodes: 0, queues: [big]}, {name: b, "
                     "queues: [default]}]\n"
                     "dags: [{name: etl, tasks: [{id: t, queue: big}]}]\n"),
      ":4:8: dags.etl.tasks.t.resources: its pod's requests (cpu 1, memory 2 GiB) fit no node of a node pool "
      "serving queue 'big'");
  EXPECT_EQ(errorAfterFile(withDag("executor: {kind: kubernetes, kubernetes_queue: k8s}\n")),
            ":1:48: executor.kubernetes_queue: only kind celery_kubernetes has a kubernetes_queue");
  EXPECT_EQ(errorAfterFile("dags: [{name: etl, tasks: [{id: t, executor: kubernetes}]}]\n"),
            ":1:8: dags.etl.tasks.t.executor: a task picks its executor among several: executor.kind: [celery, "
            "kubernetes]");
  EXPECT_EQ(
      errorAfterFile("executor: {kind: [celery, kubernetes]}\ndags: [{name: etl, tasks: [{id: t, executor: edge}]}]\n"),
      ":2:8: dags.etl.tasks.t.executor: 'edge' is not one of executor.kind's executors");
  EXPECT_EQ(errorAfterFile(
                withDag("executor:\n  kind: celery_kubernetes\n  pools: [{name: a}]\n  node_pools: [{name: a}]\n")),
            ":4:15: executor.node_pools.a: a worker pool is named 'a' too: name the node pool otherwise");
}
