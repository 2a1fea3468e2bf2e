// Every query shape runs against Airflow's schema in every layout and touches the rows it should;
// the history has the shape it promises; shapes that write leave the tables as loaded.
#include <gtest/gtest.h>

#include <algorithm>

#include "pg/BenchDatabase.h"
#include "pg/QueryBenchmarks.h"

using namespace schedlab;

TEST(SqlStatements, SubstitutesVariablesAndSplitsStatements) {
  auto s = sqlStatements("-- a comment\nSELECT :runs, :run_x,\n  :run;\nVACUUM;\n", {{"runs", "12"}, {"run", "7"}});
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0], "SELECT 12, :run_x,\n  7;\n");
  EXPECT_EQ(s[1], "VACUUM;\n");
}

TEST(History, RunsPerDagCoverTheTaskInstances) {
  History h;
  h.taskInstances = 100000;
  EXPECT_EQ(h.runsPerDag(), 12);  // 200 DAGs x 40 tasks x 12 runs = 96,000
  h.taskInstances = 10;
  EXPECT_EQ(h.runsPerDag(), 1);
}

// One throwaway cluster for the tests of this file, stopped at exit.
BenchDatabase& sharedDb() {
  static BenchDatabase instance;
  return instance;
}

class QueryShapes : public ::testing::TestWithParam<SchemaLayout> {
 protected:
  static BenchDatabase& db() { return sharedDb(); }
};

TEST(HistorySizes, ReadExponentsAndRefuseWhatIsNotASize) {
  // pg_query_bench and schedlab calibrate read --sizes alike: 1e4 is ten thousand, not one.
  EXPECT_EQ(parseHistorySizes("1e5,1e4,2000000"), (std::vector<long long>{10000, 100000, 2000000}));
  EXPECT_THROW(parseHistorySizes("1e4,5"), std::invalid_argument);
  EXPECT_THROW(parseHistorySizes("1e4,lots"), std::invalid_argument);
  EXPECT_THROW(parseHistorySizes("1e10"), std::invalid_argument);
}

TEST_P(QueryShapes, EveryShapeRunsAndTouchesTheRowsItShould) {
  History h;
  h.taskInstances = 16000;  // 2 runs of 200 DAGs x 40 tasks
  db().load(GetParam(), h);
  auto c = db().connect(GetParam(), h);
  auto count = [&](const char* sql) { return pqxx::nontransaction(*c).exec1(sql)[0].as<long long>(); };
  EXPECT_EQ(count("SELECT count(*) FROM task_instance"), 16000);
  EXPECT_EQ(count("SELECT count(*) FROM dag_run WHERE state = 'running'"), 200);
  EXPECT_EQ(count("SELECT count(*) FROM task_instance WHERE state = 'running'"), 200);
  for (const QueryShape& shape : queryShapes(GetParam())) {
    SCOPED_TRACE(shape.name);
    long long rows = -1;
    ASSERT_NO_THROW(rows = runShapeOnce(*c, shape, h, 3));
    if (shape.name.find("select_tis") != std::string::npos || shape.name == "dep_pass_per_dag") {
      EXPECT_EQ(rows, shape.rows);
    } else if (shape.name == "archive_delete_tis") {
      EXPECT_EQ(rows, 40);
    } else if (shape.name == "schedule_tis" || shape.name == "bulk_queue_tis") {
      EXPECT_EQ(rows, 3);
    } else if (shape.name == "concurrency_counts") {
      EXPECT_EQ(rows, 200);
    } else if (shape.name.rfind("asset_events_for_run", 0) == 0 || shape.name.rfind("adrq_select", 0) == 0 ||
               shape.name == "asset_run_events_insert") {
      EXPECT_EQ(rows, shape.rows);  // the events a run consumes, the queue, the consumed events written
    } else if (shape.name == "trigger_event_submit") {
      EXPECT_EQ(rows, 0);  // trigger 3's deferred try set scheduled, then its deadline: none
    } else if (shape.name == "check_trigger_timeouts") {
      EXPECT_EQ(rows, 0);  // no deferred try past its timeout
    }
  }
  // The writes were rolled back or rewrote what was there.
  EXPECT_EQ(count("SELECT count(*) FROM task_instance"), 16000);
  EXPECT_EQ(count("SELECT count(*) FROM task_instance WHERE state IN ('scheduled', 'queued')"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM dag_run"), 400);
}

INSTANTIATE_TEST_SUITE_P(Layouts, QueryShapes, ::testing::ValuesIn(kSchemaLayouts), [](const auto& info) {
  std::string name = layoutName(info.param);
  name.erase(std::remove(name.begin(), name.end(), '.'), name.end());
  return name;
});

TEST(QueryShapes31, TheRoutesNameTheRunningTryByItsUuidAndTheSchemaHasItsRevision) {
  History h;
  h.taskInstances = 16000;
  BenchDatabase& db = sharedDb();
  db.load(SchemaLayout::Airflow3, h);
  auto c = db.connect(SchemaLayout::Airflow3, h);
  {
    pqxx::nontransaction tx(*c);
    // The id the shapes compute is the running task instance's.
    EXPECT_EQ(
        tx.exec1("SELECT state || ' ' || task_id || ' ' || dag_id || ' ' || run_id FROM task_instance WHERE id = " +
                 tx.quote(taskInstanceUuid(7, h.runsPerDag(), 1)))[0]
            .as<std::string>(),
        "running task_01 dag_7 scheduled__2");
    EXPECT_EQ(tx.exec1("SELECT version_num FROM alembic_version")[0].as<std::string>(), "cc92b33c6709");
    // One retried try in 50 left a history row; each run is on its DAG's newest version.
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM task_instance_history")[0].as<long long>(),
              tx.exec1("SELECT count(*) FROM task_instance WHERE try_number = 2")[0].as<long long>());
    EXPECT_GT(tx.exec1("SELECT count(*) FROM task_instance_history")[0].as<long long>(), 0);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM dag_run dr JOIN dag_version v ON v.id = dr.created_dag_version_id "
                       "WHERE v.version_number = 2")[0]
                  .as<long long>(),
              400);
    // One DAG in 10 has its newest run's task_02 deferred on a trigger of its own, half of them
    // held by triggerer 1; 20 assets, each with at least 100 events and the DAGs on it.
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM task_instance ti JOIN trigger t ON t.id = ti.trigger_id WHERE "
                       "ti.state = 'deferred' AND ti.task_id = 'task_02' AND ti.dag_id = 'dag_' || t.id * 10")[0]
                  .as<long long>(),
              20);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM trigger WHERE triggerer_id = 1")[0].as<long long>(), 10);
    EXPECT_EQ(
        tx.exec1("SELECT min(n) FROM (SELECT count(*) n FROM asset_event GROUP BY asset_id) e")[0].as<long long>(),
        100);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM dag_schedule_asset_reference WHERE asset_id = 7")[0].as<long long>(), 10);
  }
  // The shapes' writes were rolled back: triggers, queue and consumed events as loaded.
  for (const QueryShape& shape : queryShapes(SchemaLayout::Airflow3)) runShapeOnce(*c, shape, h, 2);
  {
    pqxx::nontransaction tx(*c);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM trigger")[0].as<long long>(), 20);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM task_instance WHERE state = 'deferred'")[0].as<long long>(), 20);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM asset_dag_run_queue")[0].as<long long>(), 100);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM dagrun_asset_event")[0].as<long long>(), 0);
  }
  // The retry route moves the try to a new id and keeps its first one in the history.
  for (const QueryShape& shape : queryShapes(SchemaLayout::Airflow3))
    if (shape.name == "api_ti_retry") {
      pqxx::work w(*c);
      for (const ShapeStatement& s : shape.statements) {
        std::string sql = s.sql;
        const std::string arg = s.args == ShapeStatement::Args::TaskInstance
                                    ? w.quote(taskInstanceUuid(7, h.runsPerDag(), 1))
                                    : w.quote("dag_7");
        for (size_t at = sql.find("$1"); at != std::string::npos; at = sql.find("$1", at + 1)) sql.replace(at, 2, arg);
        for (size_t at = sql.find("$2"); at != std::string::npos; at = sql.find("$2", at + 1))
          sql.replace(at, 2, w.quote(std::to_string(h.runsPerDag())));
        w.exec(sql);
      }
      EXPECT_EQ(w.exec1("SELECT count(*) FROM task_instance_history WHERE task_instance_id = " +
                        w.quote(taskInstanceUuid(7, h.runsPerDag(), 1)))[0]
                    .as<long long>(),
                1);
      EXPECT_EQ(w.exec1("SELECT state FROM task_instance WHERE dag_id = 'dag_7' AND task_id = 'task_01' AND run_id = "
                        "'scheduled__2'")[0]
                    .as<std::string>(),
                "up_for_retry");
      w.abort();
    }
}

TEST(BenchDatabase, OnAUsersServerEverythingLivesInItsOwnSchemaAndGoesWithIt) {
  ThrowawayPostgres server;  // stands in for a user's staging database
  pqxx::connection c(server.connectionString());
  auto count = [&](const std::string& sql) { return pqxx::nontransaction(c).exec1(sql)[0].as<long long>(); };
  std::string schema;
  {
    BenchDatabase db(server.connectionString());
    History h;
    h.taskInstances = 8000;
    db.load(SchemaLayout::Airflow2, h);
    db.load(SchemaLayout::Airflow110, h);
    schema = db.schemaOf(SchemaLayout::Airflow2, h);
    EXPECT_EQ(schema.rfind(db.schemaPrefix() + "_", 0), 0u) << schema;
    EXPECT_EQ(db.schemaPrefix().rfind("schedlab_", 0), 0u) << db.schemaPrefix();
    EXPECT_EQ(count("SELECT count(*) FROM " + schema + ".task_instance"), 8000);
    EXPECT_EQ(count("SELECT count(*) FROM " + db.schemaOf(SchemaLayout::Airflow110, h) + ".task_instance"), 8000);
    EXPECT_EQ(count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), 0);
  }
  EXPECT_EQ(count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'schedlab%'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"), 0);
}
