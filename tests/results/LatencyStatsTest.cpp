#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

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
  LatencySummary s = summarize(std::vector<double>{});
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(toJson(s)["p95"], 0.0);
}

TEST(LatencyStats, CountedSamplesSummarizeAsTheListedValues) {
  // Query counts as a DAG processor records them: few distinct values, skewed, in any order.
  std::mt19937 gen(7);
  std::geometric_distribution<int> draw(0.3);
  for (int n : {1, 2, 3, 10, 99, 1000, 12345}) {
    std::vector<double> listed;
    CountedSamples counted;
    for (int i = 0; i < n; ++i) {
      const int v = 4 + draw(gen) * 7;
      listed.push_back(v);
      counted.add(v);
    }
    LatencySummary a = summarize(listed), b = summarize(counted);
    EXPECT_EQ(a.count, b.count) << n;
    // Bit for bit: a run's results must not depend on how its samples were kept.
    EXPECT_EQ(a.mean, b.mean) << n;
    EXPECT_EQ(a.p50, b.p50) << n;
    EXPECT_EQ(a.p90, b.p90) << n;
    EXPECT_EQ(a.p95, b.p95) << n;
    EXPECT_EQ(a.p99, b.p99) << n;
    EXPECT_EQ(a.max, b.max) << n;
  }
  EXPECT_EQ(summarize(CountedSamples{}).count, 0u);
}

TEST(LatencyStats, SortSamplesOrdersAsStdSortDoes) {
  // Long series take the radix sort; latencies of every magnitude, repeats, zeros and (for the
  // order of the keys) negatives and infinities.
  std::mt19937 gen(11);
  std::lognormal_distribution<double> latency(0, 3);
  std::uniform_int_distribution<int> kind(0, 9);
  for (size_t n : {size_t{0}, size_t{1}, size_t{100}, size_t{1} << 14, size_t{200000}}) {
    std::vector<double> v;
    for (size_t i = 0; i < n; ++i) {
      const int k = kind(gen);
      v.push_back(k == 0 ? 0.0 : k == 1 ? -latency(gen) : k == 2 ? std::round(latency(gen)) : latency(gen));
    }
    if (n > 2) v[n / 2] = std::numeric_limits<double>::infinity(), v[n / 3] = -std::numeric_limits<double>::infinity();
    std::vector<double> expected = v;
    std::sort(expected.begin(), expected.end());
    sortSamples(v);
    EXPECT_EQ(v, expected) << n;
  }
  std::vector<double> same(1 << 15, 2.5);  // every digit equal: each pass skipped
  sortSamples(same);
  EXPECT_EQ(same, std::vector<double>(1 << 15, 2.5));
}
