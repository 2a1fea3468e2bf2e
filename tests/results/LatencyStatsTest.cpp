#include <gtest/gtest.h>

#include "results/LatencyStats.h"

using namespace schedlab;

TEST(LatencyStats, PercentilesInterpolateLikeNumpy) {
  std::vector<double> v;
  for (int i = 1; i <= 101; ++i) v.push_back(i);
  LatencySummary s = summarize(v);
  EXPECT_EQ(s.count, 101u);
  EXPECT_DOUBLE_EQ(s.mean, 51);
  EXPECT_DOUBLE_EQ(s.p50, 51);
  EXPECT_DOUBLE_EQ(s.p90, 91);
  EXPECT_DOUBLE_EQ(s.p99, 100);
  EXPECT_DOUBLE_EQ(s.max, 101);
  EXPECT_DOUBLE_EQ(percentile({0, 10}, 25), 2.5);
}

TEST(LatencyStats, EmptySampleIsAllZero) {
  LatencySummary s = summarize({});
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(toJson(s)["p95"], 0.0);
}
