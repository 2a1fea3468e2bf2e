#include <gtest/gtest.h>

#include "scenario/MetricConstraint.h"
#include "support/TestSupport.h"

using namespace schedlab;

TEST(MetricConstraint, ParsesBoundsWithUnits) {
  auto c = parseConstraint("metrics_by_dag.onboarding.task_transition_latency_s.p95<=3s");
  EXPECT_EQ(c.metric, "metrics_by_dag.onboarding.task_transition_latency_s.p95");
  EXPECT_TRUE(c.atMost);
  EXPECT_DOUBLE_EQ(c.limit, 3.0);
  EXPECT_TRUE(c.satisfiedBy(3.0));
  EXPECT_FALSE(c.satisfiedBy(3.01));

  auto d = parseConstraint("metrics.db_cpu_utilization >= 50%");
  EXPECT_FALSE(d.atMost);
  EXPECT_DOUBLE_EQ(d.limit, 0.5);
  EXPECT_TRUE(d.satisfiedBy(0.6));
  EXPECT_FALSE(d.satisfiedBy(0.4));

  EXPECT_DOUBLE_EQ(parseConstraint("metrics.x.p50<=250ms").limit, 0.25);
  EXPECT_DOUBLE_EQ(parseConstraint("metrics.tasks_lost<=0").limit, 0.0);
  EXPECT_DOUBLE_EQ(*parseLimit("2m"), 120.0);
}

TEST(MetricConstraint, RejectsMalformedText) {
  EXPECT_THROW(parseConstraint("metrics.x.p95 < 3"), std::invalid_argument);
  EXPECT_THROW(parseConstraint("latency.p95<=3"), std::invalid_argument);
  EXPECT_THROW(parseConstraint("metrics..p95<=3"), std::invalid_argument);
  EXPECT_THROW(parseConstraint("metrics_by_dag.onboarding<=3"), std::invalid_argument);
  EXPECT_THROW(parseConstraint("metrics.x<=fast"), std::invalid_argument);
  EXPECT_FALSE(parseLimit("5 %%").has_value());
}

namespace {

const char* kSlaBase = R"(
dags:
  - name: etl
    schedule: 1h
    tasks: [{id: a, duration: 1s}]
)";

}  // namespace

TEST(ScenarioSlas, ReadsSlasAndRejectsBadOnesAtTheirLine) {
  auto s = test::load(std::string(kSlaBase) + R"(
slas:
  - {name: fast, metric: metrics_by_dag.etl.task_transition_latency_s.p95, max: 2s}
  - {name: busy, metric: metrics.db_cpu_utilization, min: 1%}
)");
  ASSERT_EQ(s[0].slas.size(), 2u);
  EXPECT_EQ(s[0].slas[0].name, "fast");
  EXPECT_DOUBLE_EQ(s[0].slas[0].bound.limit, 2.0);
  EXPECT_FALSE(s[0].slas[1].bound.atMost);
  EXPECT_DOUBLE_EQ(s[0].slas[1].bound.limit, 0.01);

  std::string base = kSlaBase;
  EXPECT_NE(test::loadError(base + "slas:\n  - {name: x, metric: metrics_by_dag.nope.p95, max: 1s}\n")
                .find(":7:23: slas.x.metric: unknown DAG 'nope'"),
            std::string::npos);
  EXPECT_NE(
      test::loadError(base + "slas:\n  - {name: x, metric: metrics.a, max: 1s, min: 2s}\n").find("exactly one of max"),
      std::string::npos);
  EXPECT_NE(test::loadError(base + "slas:\n  - {name: x, metric: metrics.a, max: soon}\n").find("slas.x.max"),
            std::string::npos);
  EXPECT_NE(test::loadError(base + "slas:\n  - {name: x, metric: latency, max: 1s}\n").find("must start with metrics"),
            std::string::npos);
  EXPECT_NE(test::loadError(base + "slas:\n  - {metric: metrics.a, max: 1s}\n").find("needs a name"),
            std::string::npos);
}
