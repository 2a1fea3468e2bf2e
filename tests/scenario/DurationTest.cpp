#include <gtest/gtest.h>

#include "scenario/Duration.h"

using namespace schedlab;

TEST(Duration, ParsesEveryUnit) {
  EXPECT_DOUBLE_EQ(*parseDuration("250ms"), 0.25);
  EXPECT_DOUBLE_EQ(*parseDuration("30s"), 30);
  EXPECT_DOUBLE_EQ(*parseDuration("5m"), 300);
  EXPECT_DOUBLE_EQ(*parseDuration("1.5h"), 5400);
  EXPECT_DOUBLE_EQ(*parseDuration("7d"), 7 * 86400);
  EXPECT_DOUBLE_EQ(*parseDuration("12"), 12);
  EXPECT_DOUBLE_EQ(*parseDuration("-2d"), -2 * 86400);
}

TEST(Duration, RejectsMalformed) {
  EXPECT_FALSE(parseDuration(""));
  EXPECT_FALSE(parseDuration("s"));
  EXPECT_FALSE(parseDuration("10 parsecs"));
  EXPECT_FALSE(parseDuration("ten"));
}

TEST(Duration, ParsesRates) {
  EXPECT_DOUBLE_EQ(*parseRate("30/h"), 30.0 / 3600);
  EXPECT_DOUBLE_EQ(*parseRate("0.5/min"), 0.5 / 60);
  EXPECT_DOUBLE_EQ(*parseRate("2/s"), 2);
  EXPECT_DOUBLE_EQ(*parseRate("3/10s"), 0.3);
  EXPECT_DOUBLE_EQ(*parseRate("4"), 4);
  EXPECT_FALSE(parseRate("4/parsec"));
  EXPECT_FALSE(parseRate("many/h"));
}

TEST(Duration, ParsesSizes) {
  EXPECT_DOUBLE_EQ(*parseBytes("3GiB"), 3.0 * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(*parseBytes("512MiB"), 512.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(*parseBytes("15GB"), 15e9);
  EXPECT_DOUBLE_EQ(*parseBytes("1.5 TB"), 1.5e12);
  EXPECT_DOUBLE_EQ(*parseBytes("8192"), 8192);
  EXPECT_FALSE(parseBytes("3 gigs"));
  EXPECT_FALSE(parseBytes("GiB"));
}
