// The simulator checked against a real database: scenarios/live-check.yaml simulated for 20 s
// (`schedlab run --set run.horizon=20s`) and run live for 20 s (`schedlab live --duration 20s`).
// The mean scheduler loop duration and the p50 / p95 task transition latency of each variant
// must agree within 15 % of the live measurement.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

#include "support/TestSupport.h"

using namespace schedlab::test;

namespace {
nlohmann::json results(const std::string& dir) { return nlohmann::json::parse(readFile(dir + "/results.json")); }
}  // namespace

TEST(LiveCheck, TheSimulatorIsWithin15PercentOfTheLiveDatabase) {
  const std::string scenario = std::string(SCHEDLAB_SCENARIOS) + "/live-check.yaml";
  auto dir = tempDir();
  auto sim = runCli("run " + scenario + " --quiet --set run.horizon=20s --out " + (dir / "sim").string());
  ASSERT_EQ(sim.code, 0) << sim.output;
  auto live = runCli("live " + scenario + " --duration 20s --out " + (dir / "live").string());
  ASSERT_EQ(live.code, 0) << live.output;
  auto s = results((dir / "sim").string()), l = results((dir / "live").string());
  EXPECT_EQ(l["source"], "live");
  ASSERT_EQ(l["variants"].size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const auto& sv = s["variants"][i];
    const auto& lv = l["variants"][i];
    ASSERT_EQ(sv["name"], lv["name"]);
    EXPECT_EQ(lv["metrics"]["tasks_lost"], 0);
    struct Figure {
      const char* metric;
      const char* stat;
    };
    for (Figure f : {Figure{"scheduler_loop_duration_s", "mean"}, Figure{"task_transition_latency_s", "p50"},
                     Figure{"task_transition_latency_s", "p95"}}) {
      const double simulated = sv["metrics"][f.metric][f.stat], measured = lv["metrics"][f.metric][f.stat];
      const double error = (simulated - measured) / measured;
      std::printf("%s %s.%s: simulated %.4f s, live %.4f s, error %+.1f %%\n", sv["name"].get<std::string>().c_str(),
                  f.metric, f.stat, simulated, measured, 100 * error);
      EXPECT_LT(std::fabs(error), 0.15) << sv["name"] << " " << f.metric << "." << f.stat;
    }
  }
}
