// `schedlab calibrate` end to end on its own throwaway PostgreSQL (tiny sizes, short runs), and
// `schedlab run --calibration` on what it wrote; bad input exits 2 and writes nothing.
#include <gtest/gtest.h>

#include "model/QueryCostModel.h"
#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

TEST(CalibrateCommand, MeasuresFitsAndTheSimulatorRunsOnIt) {
  auto dir = tempDir();
  auto r = runCli("calibrate --quick --sizes 4000,8000 --min-time 0.01 --out " + (dir / "cal.json").string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("airflow1.10/trigger_rule_dep"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("harness check, prepared SELECT 1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("page read from disk: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("contention, 4 clients at "), std::string::npos) << r.output;
  QueryCostModel model = QueryCostModel::fromFile((dir / "cal.json").string());
  EXPECT_EQ(model.provenance()["status"], "live");
  const auto& contention = model.provenance()["contention_check"]["runs"];
  ASSERT_EQ(contention.size(), 3u);  // 1 client sets the level, then 2 and 4
  EXPECT_EQ(contention[0]["clients"], 1);
  EXPECT_NEAR(contention[0]["predicted_ms"].get<double>(), contention[0]["measured_ms"].get<double>(), 1e-3);
  EXPECT_GT(contention[2]["measured_ms"].get<double>(), 0);
  EXPECT_GT(contention[2]["predicted_ms"].get<double>(), contention[0]["predicted_ms"].get<double>());
  EXPECT_GT(model.pages(QueryType::UpdateStateSelectTis, 40, 40, 8000), 1);
  auto bench = nlohmann::json::parse(readFile(dir / "cal.json.bench.json"));
  ASSERT_TRUE(bench.contains("benchmarks"));
  EXPECT_EQ(bench["benchmarks"][0]["name"].get<std::string>().rfind("airflow1.10/tis:4000/select_1", 0), 0u);

  auto run = runCli("run " + std::string(SCHEDLAB_TESTS) + "/data/tiny-chain.yaml --quiet --calibration " +
                    (dir / "cal.json").string() + " --out " + (dir / "run").string());
  ASSERT_EQ(run.code, 0) << run.output;
  auto results = nlohmann::json::parse(readFile(dir / "run" / "results.json"));
  EXPECT_EQ(results["variants"][0]["sim"]["calibration"]["status"], "live");
}

TEST(CalibrateCommand, BadInputExitsTwoAndWritesNothing) {
  auto dir = tempDir();
  const std::string out = (dir / "cal.json").string();
  auto noOut = runCli("calibrate --quick");
  EXPECT_EQ(noOut.code, 2) << noOut.output;
  EXPECT_NE(noOut.output.find("--out FILE.json is required"), std::string::npos);
  auto badSizes = runCli("calibrate --sizes 5 --out " + out);
  EXPECT_EQ(badSizes.code, 2) << badSizes.output;
  EXPECT_NE(badSizes.output.find("--sizes: '5'"), std::string::npos) << badSizes.output;
  auto unreachable = runCli("calibrate --quick --pg postgresql://127.0.0.1:1/nowhere --out " + out);
  EXPECT_EQ(unreachable.code, 2) << unreachable.output;
  EXPECT_NE(unreachable.output.find("--pg: cannot connect"), std::string::npos) << unreachable.output;
  EXPECT_FALSE(std::filesystem::exists(out));
  auto runBad = runCli("run " + std::string(SCHEDLAB_TESTS) + "/data/tiny-chain.yaml --calibration /nonexistent.json");
  EXPECT_EQ(runBad.code, 2) << runBad.output;
}
