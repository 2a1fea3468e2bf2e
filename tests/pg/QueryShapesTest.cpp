// Every query shape runs against Airflow's schema in both layouts and touches the rows it should;
// the history has the shape it promises; shapes that write leave the tables as loaded.
#include <gtest/gtest.h>

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

class QueryShapes : public ::testing::TestWithParam<SchemaLayout> {
 protected:
  static BenchDatabase& db() {
    static BenchDatabase instance;
    return instance;
  }
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
    }
  }
  // The writes were rolled back or rewrote what was there.
  EXPECT_EQ(count("SELECT count(*) FROM task_instance"), 16000);
  EXPECT_EQ(count("SELECT count(*) FROM task_instance WHERE state IN ('scheduled', 'queued')"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM dag_run"), 400);
}

INSTANTIATE_TEST_SUITE_P(Layouts, QueryShapes, ::testing::Values(SchemaLayout::Airflow110, SchemaLayout::Airflow2),
                         [](const auto& info) {
                           return info.param == SchemaLayout::Airflow110 ? "airflow110" : "airflow25";
                         });

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
