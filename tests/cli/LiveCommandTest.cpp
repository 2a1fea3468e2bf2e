// `schedlab live` refuses what it cannot run with exit code 2, naming the file and the field,
// and writes nothing.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "pg/ThrowawayPostgres.h"
#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

TEST(LiveCommand, BadInputExitsTwoAndWritesNothing) {
  auto dir = tempDir();
  const std::string out = (dir / "out").string();
  const std::string chain = std::string(SCHEDLAB_TESTS) + "/data/tiny-chain.yaml";
  // Its first variant runs Airflow 2's loop, whose queries live runs do not send.
  auto airflow2 = runCli("live " + chain + " --duration 5s --out " + out);
  EXPECT_EQ(airflow2.code, 2) << airflow2.output;
  EXPECT_NE(airflow2.output.find("tiny-chain.yaml: variant airflow2: scheduler.model"), std::string::npos)
      << airflow2.output;
  auto duration = runCli("live " + chain + " --variant airflow1 --duration soon --out " + out);
  EXPECT_EQ(duration.code, 2);
  EXPECT_NE(duration.output.find("--duration: 'soon'"), std::string::npos) << duration.output;
  auto calibration = runCli("live " + chain + " --variant airflow1 --calibration nowhere.json --out " + out);
  EXPECT_EQ(calibration.code, 2);
  EXPECT_NE(calibration.output.find("--calibration: nowhere.json: no such file"), std::string::npos)
      << calibration.output;
  auto unreachable =
      runCli("live " + chain + " --variant airflow1 --duration 5s --pg postgresql://127.0.0.1:1/nowhere --out " + out);
  EXPECT_EQ(unreachable.code, 2) << unreachable.output;
  EXPECT_NE(unreachable.output.find("--pg:"), std::string::npos) << unreachable.output;
  // A scheduler crash is simulated only.
  auto crash =
      runCli("live " + chain +
             " --variant airflow1 --duration 5s --set 'faults=[{kind: scheduler_crash, at: 2s}]' --out " + out);
  EXPECT_EQ(crash.code, 2) << crash.output;
  EXPECT_NE(crash.output.find("faults.scheduler_crash: live runs do not crash schedulers"), std::string::npos)
      << crash.output;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(LiveCommand, RunsAnAirflow1VariantIntoResultsMarkedLive) {
  auto dir = tempDir();
  const std::string out = (dir / "out").string();
  // One DB core of this machine's two: the throwaway cluster runs on CPU 0, schedlab on CPU 1.
  auto r = runCli("live " + std::string(SCHEDLAB_TESTS) +
                  "/data/tiny-chain.yaml --variant airflow1 --duration 3s --set metadb.cores=1 --out " + out);
  ASSERT_EQ(r.code, 0) << r.output;
  auto results = nlohmann::json::parse(readFile(out + "/results.json"));
  EXPECT_EQ(results["source"], "live");
  EXPECT_EQ(results["variants"][0]["sim"]["cpus"], nlohmann::json({{"postgres", "0"}, {"schedlab", "1"}}));
  EXPECT_NE(r.output.find(", on CPUs 0 (schedlab on 1)"), std::string::npos) << r.output;
  EXPECT_EQ(results["variants"][0]["name"], "airflow1");
  EXPECT_NE(r.output.find("airflow1"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(out + "/task_instances.csv"));
}

TEST(LiveCommand, OnAUsersServerItWorksInItsOwnSchemasAndDropsThem) {
  ThrowawayPostgres server;  // stands in for a user's staging database
  auto dir = tempDir();
  const std::string out = (dir / "out").string();
  auto r =
      runCli("live " + std::string(SCHEDLAB_TESTS) + "/data/tiny-chain.yaml --variant airflow1 --duration 3s --pg '" +
             server.connectionString() + "' --out " + out);
  ASSERT_EQ(r.code, 0) << r.output;
  auto results = nlohmann::json::parse(readFile(out + "/results.json"));
  const std::string schema = results["variants"][0]["sim"]["schemas"][0];
  EXPECT_EQ(schema.rfind("schedlab_", 0), 0u) << schema;
  EXPECT_NE(schema.find("_live_0_airflow1_0"), std::string::npos) << schema;  // the variant's own
  // A server elsewhere: its CPU is not read, the rest is measured.
  EXPECT_FALSE(results["variants"][0]["metrics"].contains("db_cpu_utilization"));
  EXPECT_NE(r.output.find("airflow1"), std::string::npos);
  pqxx::connection c(server.connectionString());
  auto count = [&](const std::string& sql) { return pqxx::nontransaction(c).exec1(sql)[0].as<long long>(); };
  EXPECT_EQ(count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'schedlab%'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"), 0);
  // --keep-db: the schema stays, with its rows, and the output says how to drop it.
  auto kept = runCli("live " + std::string(SCHEDLAB_TESTS) +
                     "/data/tiny-chain.yaml --variant airflow1 --duration 2s --keep-db --pg '" +
                     server.connectionString() + "' --out " + out);
  ASSERT_EQ(kept.code, 0) << kept.output;
  const std::string keptSchema =
      nlohmann::json::parse(readFile(out + "/results.json"))["variants"][0]["sim"]["schemas"][0];
  EXPECT_NE(kept.output.find("remove it: DROP SCHEMA " + keptSchema + " CASCADE;"), std::string::npos) << kept.output;
  EXPECT_NE(kept.output.find("schedlab import --pg '" + server.connectionString() + "' --schema " + keptSchema),
            std::string::npos)
      << kept.output;
  EXPECT_GT(count("SELECT count(*) FROM " + keptSchema + ".dag"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM " + keptSchema + ".alembic_version"), 1);
}
