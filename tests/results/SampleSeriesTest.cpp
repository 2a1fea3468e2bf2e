#include <gtest/gtest.h>

#include "results/SampleSeries.h"

using schedlab::SampleSeries;

TEST(SampleSeries, KeepsTheSamplesInOrderAcrossChunks) {
  SampleSeries s;
  EXPECT_TRUE(s.empty());
  EXPECT_TRUE(s.toVector().empty());
  const size_t n = 2 * SampleSeries::kChunk + 5;
  for (size_t i = 0; i < n; ++i) s.push_back(0.5 * static_cast<double>(i));
  ASSERT_EQ(s.size(), n);
  EXPECT_EQ(s[0], 0.0);
  EXPECT_EQ(s[SampleSeries::kChunk], 0.5 * static_cast<double>(SampleSeries::kChunk));
  EXPECT_EQ(s[n - 1], 0.5 * static_cast<double>(n - 1));
  const std::vector<double> v = s.toVector();
  ASSERT_EQ(v.size(), n);
  for (size_t i = 0; i < n; ++i) ASSERT_EQ(v[i], 0.5 * static_cast<double>(i)) << i;
  std::vector<double> more{-1.0};
  s.appendTo(more);
  EXPECT_EQ(more.size(), n + 1);
  EXPECT_EQ(more[1], 0.0);
}
