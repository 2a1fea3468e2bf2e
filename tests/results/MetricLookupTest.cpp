#include <gtest/gtest.h>

#include "results/MetricLookup.h"
#include "scenario/ScenarioError.h"

using namespace schedlab;

namespace {

nlohmann::json variant() {
  return nlohmann::json::parse(R"({
    "name": "v",
    "metrics": {"db_cpu_utilization": 0.25,
                "task_transition_latency_s": {"count": 10, "p95": 4.0},
                "trigger_to_done_s": {"count": 0, "p95": 0}},
    "metrics_by_dag": {"etl": {"task_transition_latency_s": {"count": 3, "p95": 1.5}}}})");
}

Scenario withSlas(std::vector<std::pair<std::string, double>> bounds) {
  Scenario s;
  s.sourcePath = "x.yaml";
  for (auto& [metric, max] : bounds) s.slas.push_back({metric, {metric, true, max}, 3, 5});
  return s;
}

}  // namespace

TEST(MetricLookup, FindsNumbersByPathAndNothingUnmeasured) {
  auto v = variant();
  EXPECT_DOUBLE_EQ(*metricValue(v, "metrics.db_cpu_utilization"), 0.25);
  EXPECT_DOUBLE_EQ(*metricValue(v, "metrics_by_dag.etl.task_transition_latency_s.p95"), 1.5);
  EXPECT_FALSE(metricValue(v, "metrics.trigger_to_done_s.p95"));  // no samples: no value
  EXPECT_DOUBLE_EQ(*metricValue(v, "metrics.trigger_to_done_s.count"), 0);
  EXPECT_FALSE(metricValue(v, "metrics.nothing"));
  EXPECT_FALSE(metricValue(v, "metrics.task_transition_latency_s"));  // an object, not a number
}

TEST(MetricLookup, JudgesSlas) {
  auto v = variant();
  auto j = judgeSlas(withSlas({{"metrics.task_transition_latency_s.p95", 5},
                               {"metrics_by_dag.etl.task_transition_latency_s.p95", 1},
                               {"metrics.trigger_to_done_s.p95", 100}}),
                     v);
  ASSERT_EQ(j.size(), 3u);
  EXPECT_TRUE(j[0]["met"].get<bool>());
  EXPECT_FALSE(j[1]["met"].get<bool>());
  EXPECT_DOUBLE_EQ(j[1]["value"].get<double>(), 1.5);
  EXPECT_FALSE(j[2]["met"].get<bool>());  // nothing measured meets nothing
  EXPECT_TRUE(j[2]["value"].is_null());
  try {
    judgeSlas(withSlas({{"metrics.task_transition_latency_s.p96", 5}}), v);
    FAIL() << "a typo in an SLA's metric must be an error";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("x.yaml:3:5: slas."), std::string::npos) << e.what();
  }
}
