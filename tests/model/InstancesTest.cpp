// `instances:` splits the DAGs among independent schedulers: every DAG belongs to exactly one,
// only that one schedules it, and an instance with its own DB sends its queries there.
#include <gtest/gtest.h>

#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

std::string twoInstances(const std::string& model, const std::string& db) {
  return R"(
run: {horizon: 2h, warmup: 10m}
scheduler: {model: )" +
         model + R"(}
executor: {workers: 2}
instances:
  - {name: main}
  - {name: fast, dags: ["fast_*"], metadb: )" +
         db + R"(}
dags:
  - {name: fast_a, schedule: 5m, tasks: [{shape: chain, count: 4, duration: 10s}]}
  - {name: fast_b, schedule: 7m, tasks: [{shape: chain, count: 2, duration: 10s}]}
  - {name: slow, schedule: 10m, count: 30, tasks: [{shape: chain, count: 3, duration: 20s}]}
)";
}

}  // namespace

TEST(Instances, LoaderPartitionsDagsByPattern) {
  auto s = load(twoInstances("airflow2", "own"))[0];
  ASSERT_EQ(s.instances.size(), 2u);
  EXPECT_EQ(s.dags[s.dagIndex("fast_a")].instance, 1);
  EXPECT_EQ(s.dags[s.dagIndex("fast_b")].instance, 1);
  EXPECT_EQ(s.dags[s.dagIndex("slow")].instance, 0);
  EXPECT_TRUE(s.instances[1].ownMetadb);
}

TEST(Instances, EachInstanceSchedulesExactlyItsDags) {
  for (const char* model : {"airflow1", "airflow2"}) {
    for (const char* db : {"shared", "own"}) {
      auto v = variantJson(simulate(load(twoInstances(model, db))[0]));
      auto byDag = v["metrics_by_dag"], byInst = v["metrics_by_instance"];
      auto count = [](const nlohmann::json& j) { return j["task_transition_latency_s"]["count"].get<long long>(); };
      EXPECT_EQ(count(byInst["fast"]), count(byDag["fast_a"]) + count(byDag["fast_b"])) << model << db;
      EXPECT_EQ(count(byInst["main"]), count(byDag["slow"])) << model << db;
      EXPECT_GT(count(byInst["fast"]), 0);
      EXPECT_EQ(byInst["fast"]["metadb"], db);
      EXPECT_GT(byInst["fast"]["scheduler_loop_duration_s"]["count"].get<long long>(), 0);
      EXPECT_EQ(v["metrics"]["tasks_lost"], 0);
      if (std::string(db) == "own") {
        // The fast instance's DB holds exactly its DAGs' task instances.
        double fastRuns = byDag["fast_a"]["dagrun_duration_s"]["count"].get<double>();
        EXPECT_GT(fastRuns, 0);
        double rowsFast = byInst["fast"]["db_rows"]["task_instance"]["end"];
        double rowsMain = byInst["main"]["db_rows"]["task_instance"]["end"];
        EXPECT_EQ(rowsFast + rowsMain, v["metrics"]["db_rows"]["task_instance"]["end"].get<double>());
        EXPECT_EQ(std::fmod(rowsMain, 3.0), 0.0);
        EXPECT_LT(rowsFast, rowsMain);
      }
    }
  }
}

TEST(Instances, EveryDagMustBelongToExactlyOneInstance) {
  auto error = [](const std::string& yaml) {
    try {
      load(yaml);
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  std::string dags = "dags:\n  - {name: a_1, tasks: [{id: t}]}\n  - {name: b_1, tasks: [{id: t}]}\n";
  EXPECT_NE(error("instances:\n  - {name: x, dags: [a_*]}\n" + dags).find("DAG 'b_1' matches no instance"),
            std::string::npos);
  EXPECT_NE(error("instances:\n  - {name: x, dags: [a_*]}\n  - {name: y, dags: ['*_1']}\n" + dags)
                .find("instances.y.dags: DAG 'a_1' also matches instance 'x'"),
            std::string::npos);
  EXPECT_NE(error("instances:\n  - {name: x}\n  - {name: y}\n" + dags).find("only one instance may omit dags"),
            std::string::npos);
  EXPECT_NE(error("instances:\n  - {name: x, metadb: mine}\n" + dags).find("'mine' is not one of: shared, own"),
            std::string::npos);
}
