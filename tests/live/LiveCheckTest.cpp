// The simulator checked against a real database: scenarios/live-check.yaml simulated for 20 s
// (`schedlab run --set run.horizon=20s`) and run live for 20 s (`schedlab live --duration 20s`).
// The simulation takes its query costs from `schedlab calibrate --quick` run on this machine
// first: the shipped calibration was measured on another machine, and per_task's transitions
// amplify a few per cent of DB speed (a 4 % longer live loop made its mean transition 12 % longer
// than the shipped costs predict), so only costs measured here check the model rather than the
// machine.
// The mean scheduler loop duration and the mean and p95 task transition latency of each variant
// must agree within 15 % of the live measurement. The p50 is printed, not held: per_task's ~200
// transitions are phase-locked to the 1 s main loop, so its latency jumps by 16 % between the
// 50th and the 56th percentile and a few transitions moved flip the p50 (live 0.83-1.15 s
// across runs of the same build).
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
  const std::string calibration = (dir / "calibration.json").string();
  auto cal = runCli("calibrate --quick --out " + calibration);
  ASSERT_EQ(cal.code, 0) << cal.output;
  auto sim = runCli("run " + scenario + " --quiet --set run.horizon=20s --calibration " + calibration + " --out " +
                    (dir / "sim").string());
  ASSERT_EQ(sim.code, 0) << sim.output;
  auto live = runCli("live " + scenario + " --duration 20s --out " + (dir / "live").string());
  ASSERT_EQ(live.code, 0) << live.output;
  auto s = results((dir / "sim").string()), l = results((dir / "live").string());
  EXPECT_EQ(s["variants"][0]["sim"]["calibration"]["origin"], calibration);
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
      bool held;
    };
    for (Figure f :
         {Figure{"scheduler_loop_duration_s", "mean", true}, Figure{"task_transition_latency_s", "mean", true},
          Figure{"task_transition_latency_s", "p95", true}, Figure{"task_transition_latency_s", "p50", false}}) {
      const double simulated = sv["metrics"][f.metric][f.stat], measured = lv["metrics"][f.metric][f.stat];
      const double error = (simulated - measured) / measured;
      std::printf("%s %s.%s: simulated %.4f s, live %.4f s, error %+.1f %%%s\n", sv["name"].get<std::string>().c_str(),
                  f.metric, f.stat, simulated, measured, 100 * error, f.held ? "" : " (not held)");
      if (f.held) {
        EXPECT_LT(std::fabs(error), 0.15) << sv["name"] << " " << f.metric << "." << f.stat;
      }
    }
  }
}
