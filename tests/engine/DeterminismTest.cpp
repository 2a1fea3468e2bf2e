// Same scenario and seed: byte-identical results.json apart from the wall-clock figures.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/TestSupport.h"

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json withoutWallClock(nlohmann::json j) {
  for (auto& v : j["variants"]) {
    v["sim"].erase("wall_seconds");
    v["sim"].erase("events_per_second");
  }
  return j;
}

std::filesystem::path runCli(const std::string& scenario, const std::string& extra = "") {
  auto dir = schedlab::test::tempDir() / "out";
  std::string cmd = std::string(SCHEDLAB_BINARY) + " run " + scenario + " --quiet --out " + dir.string() + " " + extra +
                    " > /dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return dir;
}

// Two results directories hold the same results apart from the wall clock.
void expectSameOutputs(const std::filesystem::path& a, const std::filesystem::path& b) {
  auto ja = nlohmann::json::parse(slurp(a / "results.json"));
  auto jb = nlohmann::json::parse(slurp(b / "results.json"));
  EXPECT_EQ(withoutWallClock(ja).dump(), withoutWallClock(jb).dump());
  EXPECT_EQ(slurp(a / "task_instances.csv"), slurp(b / "task_instances.csv"));
  EXPECT_EQ(slurp(a / "timeseries.csv"), slurp(b / "timeseries.csv"));
}

}  // namespace

TEST(Determinism, SameSeedSameResults) {
  std::string scenario = std::string(SCHEDLAB_SCENARIOS) + "/bluevine-onboarding.yaml";
  auto a = runCli(scenario, "--set run.horizon=40m --set run.warmup=5m");
  auto b = runCli(scenario, "--set run.horizon=40m --set run.warmup=5m");
  expectSameOutputs(a, b);
  auto c = runCli(scenario, "--set run.horizon=40m --set run.warmup=5m --seed 2");
  EXPECT_NE(slurp(a / "task_instances.csv"), slurp(c / "task_instances.csv"));
}

TEST(Determinism, ArchivingRunsAreDeterministicToo) {
  std::string scenario = std::string(SCHEDLAB_SCENARIOS) + "/metadb-growth.yaml";
  std::string args = "--set run.horizon=26h --variant retention_1w_no_keep";
  auto ja = nlohmann::json::parse(slurp(runCli(scenario, args) / "results.json"));
  auto jb = nlohmann::json::parse(slurp(runCli(scenario, args) / "results.json"));
  EXPECT_GT(ja["variants"][0]["metrics"]["dagruns_recreated_by_catchup"].get<int>(), 0);
  EXPECT_EQ(withoutWallClock(ja).dump(), withoutWallClock(jb).dump());
}

TEST(Determinism, VariantsSideBySideGiveWhatTheyGiveOneAtATime) {
  std::string scenario = std::string(SCHEDLAB_SCENARIOS) + "/bluevine-onboarding.yaml";
  auto a = runCli(scenario, "--set run.horizon=40m --set run.warmup=5m --jobs 1");
  auto b = runCli(scenario, "--set run.horizon=40m --set run.warmup=5m --jobs 3");
  ASSERT_GE(nlohmann::json::parse(slurp(a / "results.json"))["variants"].size(), 3u);
  expectSameOutputs(a, b);
  std::string bad = std::string(SCHEDLAB_BINARY) + " run " + scenario + " --jobs 0 --quiet --out " +
                    (schedlab::test::tempDir() / "never").string() + " 2>/dev/null";
  EXPECT_EQ(WEXITSTATUS(std::system(bad.c_str())), 2);
}
