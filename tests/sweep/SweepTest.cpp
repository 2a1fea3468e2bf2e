#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "sweep/CapacitySearch.h"
#include "sweep/SweepGrid.h"
#include "sweep/SweepTable.h"

using namespace schedlab;

TEST(SweepGrid, ParsesListsAndRanges) {
  auto a = parseSweepParam("scheduler.query_mode=per_task,per_dag");
  EXPECT_EQ(a.key, "scheduler.query_mode");
  EXPECT_EQ(a.values, (std::vector<std::string>{"per_task", "per_dag"}));
  EXPECT_EQ(parseSweepParam("executor.workers=2..20:2").values,
            (std::vector<std::string>{"2", "4", "6", "8", "10", "12", "14", "16", "18", "20"}));
  EXPECT_EQ(parseSweepParam("executor.workers=3..5").values, (std::vector<std::string>{"3", "4", "5"}));
  EXPECT_EQ(parseSweepParam("x=0.5..1.5:0.5").values, (std::vector<std::string>{"0.5", "1", "1.5"}));
  EXPECT_THROW(parseSweepParam("executor.workers"), std::invalid_argument);
  EXPECT_THROW(parseSweepParam("x=5..1"), std::invalid_argument);
  EXPECT_THROW(parseSweepParam("x=1..5:0"), std::invalid_argument);
  EXPECT_THROW(parseSweepParam("x=a,,b"), std::invalid_argument);
}

TEST(SweepGrid, ExpandsEveryCombinationInOrder) {
  auto points = expandGrid({parseSweepParam("a=1,2,3"), parseSweepParam("b=x,y")}, {"v1", "v2"}, {7, 8});
  ASSERT_EQ(points.size(), 3u * 2u * 2u * 2u);
  EXPECT_EQ(points[0].params, (std::vector<std::pair<std::string, std::string>>{{"a", "1"}, {"b", "x"}}));
  EXPECT_EQ(points[0].variant, "v1");
  EXPECT_EQ(points[0].seed, 7u);
  EXPECT_EQ(points[1].seed, 8u);
  EXPECT_EQ(points[2].variant, "v2");
  EXPECT_EQ(points[4].params[1].second, "y");
  EXPECT_EQ(points[8].params[0].second, "2");
  std::set<std::string> distinct;
  for (size_t i = 0; i < points.size(); ++i) {
    EXPECT_EQ(points[i].index, i);
    distinct.insert(points[i].params[0].second + points[i].params[1].second + points[i].variant +
                    std::to_string(points[i].seed));
  }
  EXPECT_EQ(distinct.size(), points.size());
}

TEST(SweepGrid, ShardsPartitionThePoints) {
  auto points = expandGrid({parseSweepParam("a=1..10")}, {"v"}, {1, 2, 3});
  std::multiset<size_t> seen;
  for (int i = 1; i <= 4; ++i)
    for (const auto& p : shardOf(points, i, 4)) seen.insert(p.index);
  EXPECT_EQ(seen.size(), points.size());
  for (size_t i = 0; i < points.size(); ++i) EXPECT_EQ(seen.count(i), 1u);
  EXPECT_EQ(parseShard("2/8"), std::make_pair(2, 8));
  EXPECT_THROW(parseShard("0/8"), std::invalid_argument);
  EXPECT_THROW(parseShard("9/8"), std::invalid_argument);
  EXPECT_THROW(parseShard("2"), std::invalid_argument);
}

TEST(SweepTable, MeanAndStudentTInterval) {
  // n = 5, sd = 1.5811: t(0.975, 4) = 2.7764 -> half-width 1.9632.
  MeanCi s = meanCi({1, 2, 3, 4, 5});
  EXPECT_DOUBLE_EQ(s.mean, 3);
  EXPECT_NEAR(s.ci95, 2.7764 * std::sqrt(2.5) / std::sqrt(5.0), 1e-3);
  EXPECT_TRUE(std::isnan(meanCi({4}).ci95));
}

TEST(SweepTable, OneRowPerParamsAndVariantOverSeeds) {
  auto points = expandGrid({parseSweepParam("workers=2,4")}, {"v"}, {1, 2});
  std::vector<PointResult> results;
  for (const auto& p : points) {
    double p95 = (p.params[0].second == "2" ? 10.0 : 4.0) + static_cast<double>(p.seed);
    results.push_back({p, {{"metrics", {{"task_transition_latency_s", {{"count", 5}, {"p95", p95}}}}}}});
  }
  std::reverse(results.begin(), results.end());  // the order results arrive in does not matter
  std::string csv = sweepCsv({"workers"}, results, {"metrics.task_transition_latency_s.p95"});
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "workers,variant,seeds,metrics.task_transition_latency_s.p95.mean,"
            "metrics.task_transition_latency_s.p95.ci95");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
  // The same rows whatever the order, with the t-interval of two samples 1 apart: 12.706 * 0.5.
  EXPECT_NE(csv.find("\n2,v,2,11.5,6.3531"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n4,v,2,5.5,6.3531"), std::string::npos) << csv;
  EXPECT_LT(csv.find("\n2,v,2"), csv.find("\n4,v,2"));
}

TEST(CapacitySearch, FindsTheSmallestValueThatMeets) {
  for (long long target : {1LL, 7LL, 13LL, 64LL}) {
    int calls = 0;
    auto r = findMinimum(1, 64, [&](long long n) {
      ++calls;
      return n >= target;
    });
    ASSERT_TRUE(r.minimum.has_value());
    EXPECT_EQ(*r.minimum, target);
    EXPECT_EQ(r.probes, calls);
    EXPECT_LE(calls, 8);  // bisection: log2(64) + 1 for the upper bound
  }
  EXPECT_FALSE(findMinimum(1, 10, [](long long n) { return n > 10; }).minimum.has_value());
}
