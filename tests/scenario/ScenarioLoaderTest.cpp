#include <gtest/gtest.h>

#include <algorithm>

#include "support/TestSupport.h"

using namespace schedlab;
using schedlab::test::load;

namespace {

const char* kBase = R"(
run: {horizon: 1h}
dags:
  - name: etl
    schedule: 10m
    tasks:
      - {id: extract, duration: 30s}
      - {shape: chain, count: 3, prefix: load, duration: {exponential: 20s}}
      - {id: report, deps: [extract, load_03], retries: 2}
variants:
  - name: slow
  - name: fast
    extends: slow
    executor: {workers: 8}
  - name: fanned
    dags:
      - name: etl
        tasks:
          - {shape: fan_out_in, width: 4}
)";

}  // namespace

TEST(ScenarioLoader, ReadsDefaultsShapesAndDeps) {
  auto variants = load(kBase);
  ASSERT_EQ(variants.size(), 3u);
  const Scenario& s = variants[0];
  EXPECT_EQ(s.variant, "slow");
  EXPECT_EQ(s.run.horizon, 3600);
  EXPECT_EQ(s.scheduler.model, SchedulerModel::Airflow2);
  EXPECT_EQ(s.scheduler.parallelism, 32);  // Airflow's default
  EXPECT_EQ(s.executor.totalWorkers(), 4);
  const DagDef& etl = s.dags[0];
  ASSERT_EQ(etl.tasks.size(), 5u);
  EXPECT_EQ(etl.tasks.front().id, "extract");
  EXPECT_EQ(etl.tasks.back().id, "report");
  EXPECT_EQ(etl.tasks.back().upstream.size(), 2u);
  EXPECT_EQ(etl.tasks.back().retries, 2);
  EXPECT_EQ(etl.tasks[1].upstream, std::vector<int>{0});  // load_01 follows extract
  EXPECT_EQ(etl.tasks[2].duration.kind, Distribution::Kind::Exponential);
}

TEST(ScenarioLoader, VariantsOverrideAndExtend) {
  auto variants = load(kBase);
  EXPECT_EQ(variants[0].executor.totalWorkers(), 4);
  EXPECT_EQ(variants[1].executor.totalWorkers(), 8);
  ASSERT_EQ(variants[2].dags[0].tasks.size(), 6u);  // head, 4 parallel, tail
  EXPECT_EQ(variants[2].dags[0].tasks[5].upstream.size(), 4u);
}

TEST(ScenarioLoader, SetOverridesAfterVariants) {
  auto variants = load(kBase, {"run.horizon=7d", "dags.etl.max_active_runs=3", "executor.workers=2"});
  for (auto& v : variants) {
    EXPECT_EQ(v.run.horizon, 7 * 86400);
    EXPECT_EQ(v.dags[0].maxActiveRuns, 3);
    EXPECT_EQ(v.executor.totalWorkers(), 2);
  }
}

TEST(ScenarioLoader, SelectsVariantsAndRejectsUnknownOnes) {
  auto path = schedlab::test::writeScenario(kBase);
  auto only = loadScenario({path, {}, {"fast"}});
  ASSERT_EQ(only.size(), 1u);
  EXPECT_EQ(only[0].variant, "fast");
  try {
    loadScenario({path, {}, {"nope"}});
    FAIL() << "an unknown variant must be rejected";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown variant 'nope'"), std::string::npos) << e.what();
  }
}

TEST(ScenarioLoader, UnknownKeyNamesLineAndField) {
  std::string e = test::loadError("dags:\n  - name: a\n    tasks: [{id: t}]\n    schedul: 10s\n");
  EXPECT_NE(e.find(":4:5: dags.a.schedul: unknown key"), std::string::npos) << e;
}

TEST(ScenarioLoader, WrongTypeNamesLineAndField) {
  std::string e = test::loadError("executor:\n  workers: many\ndags: [{name: a, tasks: [{id: t}]}]\n");
  EXPECT_NE(e.find(":2:12: executor.workers: expected a whole number, got 'many'"), std::string::npos) << e;
}

TEST(ScenarioLoader, NegativeDurationIsRejected) {
  std::string e = test::loadError("dags:\n  - name: a\n    tasks:\n      - {id: t, duration: -5s}\n");
  EXPECT_NE(e.find(":4:27: dags.a.tasks[0].duration: negative duration '-5s'"), std::string::npos) << e;
}

TEST(ScenarioLoader, CacheSizeNeedsAUnit) {
  std::string e = test::loadError("metadb:\n  cache: 3 gigs\ndags: [{name: a, tasks: [{id: t}]}]\n");
  EXPECT_NE(e.find(":2:10: metadb.cache: '3 gigs' is not a size"), std::string::npos) << e;
  auto s = load("metadb: {cache: 3GiB, page_read_latency: 1ms}\ndags: [{name: a, tasks: [{id: t}]}]\n");
  EXPECT_DOUBLE_EQ(s[0].metadb.cacheBytes, 3.0 * (1 << 30));
  EXPECT_DOUBLE_EQ(s[0].metadb.pageReadLatency, 0.001);
}

TEST(ScenarioLoader, CycleInDepsIsRejected) {
  std::string e = test::loadError(
      "dags:\n  - name: a\n    tasks:\n      - {id: x, deps: [z]}\n      - {id: y, deps: [x]}\n"
      "      - {id: z, deps: [y]}\n");
  EXPECT_NE(e.find("dags.a.tasks.deps: a cycle in deps through task 'x'"), std::string::npos) << e;
  EXPECT_NE(e.find(":4:9:"), std::string::npos) << e;
}

TEST(ScenarioLoader, UnknownReferencesAreRejected) {
  EXPECT_NE(test::loadError("dags:\n  - name: a\n    tasks: [{id: t, deps: [ghost]}]\n").find("unknown task 'ghost'"),
            std::string::npos);
  EXPECT_NE(test::loadError("dags:\n  - name: a\n    tasks: [{id: s, kind: sensor, waits_for: nobody}]\n")
                .find("unknown trigger stream 'nobody'"),
            std::string::npos);
  EXPECT_NE(test::loadError("dags:\n  - name: a\n    tasks: [{id: t, kind: trigger_dagrun, trigger_dag: b}]\n")
                .find("unknown DAG 'b'"),
            std::string::npos);
  std::string e = test::loadError("dags: [{name: a, tasks: [{id: t}]}]\nvariants:\n  - {name: v, extends: w}\n");
  EXPECT_NE(e.find("variants.v.extends: unknown variant 'w'"), std::string::npos) << e;
}

TEST(ScenarioLoader, YamlSyntaxErrorHasLine) {
  std::string e = test::loadError("dags:\n  - name: [a\n");
  EXPECT_NE(e.find("YAML syntax"), std::string::npos) << e;
  EXPECT_NE(e.find(".yaml:"), std::string::npos) << e;
}

TEST(ScenarioLoader, BadSetIsReported) {
  std::string e = test::loadError("dags: [{name: a, tasks: [{id: t}]}]\n", {"run.horizon=-1h"});
  EXPECT_NE(e.find("(--set): run.horizon: negative duration"), std::string::npos) << e;
  e = test::loadError("dags: [{name: a, tasks: [{id: t}]}]\n", {"dags.b.count=2"});
  EXPECT_NE(e.find("no entry named 'b'"), std::string::npos) << e;
}

TEST(ScenarioLoader, PerTaskQueriesOnlyInAirflow1) {
  std::string e = test::loadError("scheduler: {query_mode: per_task}\ndags: [{name: a, tasks: [{id: t}]}]\n");
  EXPECT_NE(e.find("scheduler.query_mode: per_task exists only in the airflow1 model"), std::string::npos) << e;
  auto s = load("scheduler: {model: airflow1}\ndags: [{name: a, tasks: [{id: t}]}]\n");
  EXPECT_EQ(s[0].scheduler.queryMode, QueryMode::PerTask);  // 1.10.12's behaviour by default
  EXPECT_EQ(s[0].scheduler.minFileProcessInterval, 0);      // 1.10 default
}

TEST(ScenarioLoader, ShippedScenariosAreValid) {
  for (const auto& entry : std::filesystem::directory_iterator(SCHEDLAB_SCENARIOS)) {
    if (entry.path().extension() != ".yaml") continue;
    EXPECT_NO_THROW(loadScenario({entry.path().string(), {}, {}})) << entry.path();
  }
}

TEST(ScenarioLoader, DocumentedExampleIsValid) {
  // The annotated example in docs/scenario-format.md is a real scenario: it must load as documented.
  std::ifstream in(std::string(SCHEDLAB_DOCS) + "/scenario-format.md");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  auto begin = text.find("```yaml\n");
  ASSERT_NE(begin, std::string::npos);
  begin += 8;
  auto end = text.find("```", begin);
  auto dir = schedlab::test::tempDir();
  std::ofstream(dir / "my-costs.json") << R"({"queries": {"default": {"fixed_s": 0.0001}}})";
  std::ofstream(dir / "signups.csv") << "arrived_after\n90\n2m\n";  // the example's trace
  std::ofstream(dir / "example.yaml") << text.substr(begin, end - begin);
  auto variants = loadScenario({(dir / "example.yaml").string(), {}, {}});
  ASSERT_EQ(variants.size(), 3u);
  EXPECT_EQ(variants[0].dags[0].tasks.size(), 41u);
  EXPECT_EQ(variants[1].scheduler.queryMode, QueryMode::PerDag);
  EXPECT_EQ(variants[0].triggers.size(), 4u);  // poisson, profile, burst, trace
  EXPECT_EQ(variants[2].dags[0].tasks.size(), 40u);
  // The Kubernetes executor's example loads as documented too.
  begin = text.find("```yaml\n", text.find("## The Kubernetes executor"));
  ASSERT_NE(begin, std::string::npos);
  begin += 8;
  end = text.find("```", begin);
  std::ofstream(dir / "kubernetes.yaml") << text.substr(begin, end - begin);
  const Scenario k = loadScenario({(dir / "kubernetes.yaml").string(), {}, {}})[0];
  EXPECT_EQ(k.executor.kind, ExecutorKind::Kubernetes);
  EXPECT_EQ(k.executor.kubernetes.workerPodsCreationBatchSize, 1);
  EXPECT_EQ(k.executor.kubernetes.nodePools.at(0).maxNodes, 20);
  EXPECT_EQ(k.executor.kubernetes.nodePools.at(0).memory, 32.0 * (1 << 30));
  EXPECT_EQ(k.scheduler.taskQueuedTimeout, 600);
  EXPECT_EQ(k.dags[0].tasks[0].cpuRequest, 1);
  // The triggerer's example, with a DAG, loads as documented too.
  begin = text.find("```yaml\n", text.find("## The triggerer"));
  ASSERT_NE(begin, std::string::npos);
  begin += 8;
  end = text.find("```", begin);
  std::ofstream(dir / "triggerer.yaml") << text.substr(begin, end - begin)
                                        << "dags: [{name: d, tasks: [{id: t, defer: {for: 10m}}]}]\n";
  const Scenario t = loadScenario({(dir / "triggerer.yaml").string(), {}, {}})[0];
  EXPECT_EQ(t.triggerer.capacity, 1000);
  EXPECT_EQ(t.scheduler.triggerTimeoutCheckInterval, 15);
  EXPECT_TRUE(t.dags[0].tasks[0].deferrable());
  // The Airflow 3 section's example loads as documented too.
  begin = text.find("```yaml\n", text.find("## Airflow 3"));
  ASSERT_NE(begin, std::string::npos);
  begin += 8;
  end = text.find("```", begin);
  std::ofstream(dir / "airflow3.yaml") << text.substr(begin, end - begin);
  const Scenario a3 = loadScenario({(dir / "airflow3.yaml").string(), {}, {}})[0];
  EXPECT_EQ(a3.scheduler.model, SchedulerModel::Airflow3);
  EXPECT_EQ(a3.apiServer.backgroundRate, 20);
  EXPECT_EQ(a3.apiServer.backgroundEnd, 18 * 3600);
  EXPECT_EQ(a3.workers.executionApiRetries, 5);
}

namespace {

// The edges of a one-shape DAG, as "upstream>downstream" of task ids, sorted.
std::vector<std::string> edgesOf(const std::string& shape, int count) {
  const Scenario s = load("dags:\n  - name: perf\n    tasks: [{shape: " + shape + ", count: " + std::to_string(count) +
                          ", prefix: t}]\n")[0];
  const DagDef& d = s.dags[0];
  std::vector<std::string> edges;
  for (const TaskDef& t : d.tasks)
    for (int u : t.upstream) edges.push_back(d.tasks[static_cast<size_t>(u)].id + ">" + t.id);
  std::sort(edges.begin(), edges.end());
  return edges;
}

}  // namespace

TEST(ScenarioLoader, PerformanceDagShapesHaveTheEdgesAirflowsGeneratorSets) {
  // elastic_dag.py (2.x): chain; tasks[i] >> tasks[(i - 1) // 2]; tasks[1:] >> tasks[0]; in the
  // grid each task >> its left and upper neighbour; no edges without structure.
  using V = std::vector<std::string>;
  EXPECT_EQ(edgesOf("linear", 3), (V{"t__1_of_3>t__2_of_3", "t__2_of_3>t__3_of_3"}));
  EXPECT_EQ(edgesOf("binary_tree", 5),
            (V{"t__2_of_5>t__1_of_5", "t__3_of_5>t__1_of_5", "t__4_of_5>t__2_of_5", "t__5_of_5>t__2_of_5"}));
  EXPECT_EQ(edgesOf("star", 4), (V{"t__2_of_4>t__1_of_4", "t__3_of_4>t__1_of_4", "t__4_of_4>t__1_of_4"}));
  EXPECT_TRUE(edgesOf("no_structure", 4).empty());
  // Ten tasks make a grid of side 4: rows (1 2 3 4) (5 6 7) (8 9) (10).
  EXPECT_EQ(edgesOf("grid", 10),
            (V{"t__10_of_10>t__8_of_10", "t__2_of_10>t__1_of_10", "t__3_of_10>t__2_of_10", "t__4_of_10>t__3_of_10",
               "t__5_of_10>t__1_of_10", "t__6_of_10>t__2_of_10", "t__6_of_10>t__5_of_10", "t__7_of_10>t__3_of_10",
               "t__7_of_10>t__6_of_10", "t__8_of_10>t__5_of_10", "t__9_of_10>t__6_of_10", "t__9_of_10>t__8_of_10"}));
  EXPECT_NE(test::loadError("dags:\n  - name: g\n    tasks: [{shape: grid, count: 4951}]\n").find("tasks[0].count"),
            std::string::npos);
}

TEST(ScenarioLoader, AShapeGroupFollowsThePreviousEntryAndLeadsToTheNext) {
  const Scenario s = load(R"(
dags:
  - name: perf
    tasks:
      - {id: begin}
      - {shape: star, count: 3, prefix: s}
      - {id: end}
)")[0];
  const DagDef& d = s.dags[0];
  auto task = [&](const std::string& id) {
    return *std::find_if(d.tasks.begin(), d.tasks.end(), [&](const TaskDef& t) { return t.id == id; });
  };
  auto ids = [&](const TaskDef& t) {
    std::vector<std::string> out;
    for (int u : t.upstream) out.push_back(d.tasks[static_cast<size_t>(u)].id);
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(ids(task("s__2_of_3")), std::vector<std::string>{"begin"});  // the star's entry tasks
  EXPECT_EQ(ids(task("s__1_of_3")), (std::vector<std::string>{"s__2_of_3", "s__3_of_3"}));
  EXPECT_EQ(ids(task("end")), std::vector<std::string>{"s__1_of_3"});  // its one leaf
}

TEST(ScenarioLoader, TheMockExecutorDropsWorkerSettingsAndRefusesWorkerFaults) {
  const Scenario s = load(R"(
executor: {workers: 8, kind: mock}
dags:
  - name: etl
    schedule: "@once"
    end_date: 1h
    tasks: [{id: a, queue: nowhere}]
)")[0];
  EXPECT_EQ(s.executor, mockExecutorConfig());
  EXPECT_EQ(s.dags[0].schedule.kind(), Schedule::Kind::Once);
  EXPECT_EQ(s.dags[0].endDate, s.run.start + 3600);
  const std::string bad = test::loadError(R"(
executor: {kind: mock}
dags: [{name: etl, tasks: [{id: a}]}]
faults: [{kind: worker_crash, at: 1h}]
)");
  EXPECT_NE(bad.find("faults[0].kind"), std::string::npos) << bad;
  EXPECT_NE(bad.find("no workers"), std::string::npos) << bad;
  EXPECT_NE(test::loadError("dags: [{name: e, start_date: 2h, end_date: 1h, tasks: [{id: a}]}]\n").find("end_date"),
            std::string::npos);
}

TEST(ScenarioLoader, AKubernetesVariantOfACeleryBaseKeepsNoCeleryPoolAndBack) {
  const auto v = schedlab::test::load(R"(
executor: {workers: 3, worker_concurrency: 8}
dags: [{name: etl, schedule: 1h, tasks: [{id: t, resources: {cpu: 0.5, memory: 512MiB}}]}]
variants:
  - name: celery
  - name: pods
    executor: {kind: kubernetes, worker_pods_creation_batch_size: 16}
)");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].executor.kind, ExecutorKind::Celery);
  EXPECT_EQ(v[0].executor.kubernetes, KubernetesConfig{});  // its pod settings do not apply
  EXPECT_EQ(v[1].executor.kind, ExecutorKind::Kubernetes);
  EXPECT_EQ(v[1].executor.pools, std::vector<WorkerPoolConfig>{WorkerPoolConfig{}});
  EXPECT_EQ(v[1].executor.kubernetes.workerPodsCreationBatchSize, 16);
  // No node pool named: one of one 8-core 32 GiB node, up to 10.
  ASSERT_EQ(v[1].executor.kubernetes.nodePools.size(), 1u);
  EXPECT_EQ(v[1].executor.kubernetes.nodePools[0].nodes, 1);
  EXPECT_EQ(v[1].executor.kubernetes.nodePools[0].maxNodes, 10);
  EXPECT_EQ(v[1].dags[0].tasks[0].cpuRequest, 0.5);
  EXPECT_EQ(v[1].dags[0].tasks[0].memoryRequest, 512.0 * (1 << 20));
  EXPECT_EQ(v[1].scheduler.taskQueuedTimeout, 600);
}

TEST(ScenarioLoader, TheScenariosTaskDefaultsSitUnderEachDagsOwn) {
  const auto v = schedlab::test::load(R"(
executor: {kind: kubernetes}
task_defaults: {resources: {cpu: 0.25, memory: 512MiB}, retries: 2}
dags:
  - {name: light, tasks: [{id: t}]}
  - {name: heavy, task_defaults: {resources: {cpu: 4}}, tasks: [{id: t}, {id: u, resources: {memory: 8GiB}}]}
variants:
  - name: base
  - name: bigger
    task_defaults: {resources: {cpu: 0.5}}
)");
  const TaskDef& light = v[0].dags[0].tasks[0];
  EXPECT_EQ(light.cpuRequest, 0.25);
  EXPECT_EQ(light.memoryRequest, 512.0 * (1 << 20));
  EXPECT_EQ(light.retries, 2);
  const DagDef& heavy = v[0].dags[1];
  EXPECT_EQ(heavy.tasks[0].cpuRequest, 4);
  EXPECT_EQ(heavy.tasks[0].memoryRequest, 512.0 * (1 << 20));  // the scenario's, under the DAG's cpu
  EXPECT_EQ(heavy.tasks[1].memoryRequest, 8.0 * (1 << 30));
  EXPECT_EQ(v[1].dags[0].tasks[0].cpuRequest, 0.5);
  EXPECT_EQ(v[1].dags[0].tasks[0].memoryRequest, 512.0 * (1 << 20));  // a variant merges into it
}
