#include <gtest/gtest.h>

#include "scenario/Schedule.h"

using namespace schedlab;

namespace {
const double kJan1 = 1577836800;  // 2020-01-01T00:00:00Z, a Wednesday
}

TEST(Schedule, IntervalPointsAreAnchored) {
  Schedule s = Schedule::interval(10, kJan1);
  EXPECT_DOUBLE_EQ(s.firstAtOrAfter(kJan1), kJan1);
  EXPECT_DOUBLE_EQ(s.firstAtOrAfter(kJan1 + 1), kJan1 + 10);
  EXPECT_DOUBLE_EQ(s.after(kJan1 + 10), kJan1 + 20);
}

TEST(Schedule, CronPresets) {
  std::string err;
  auto daily = Schedule::cron("@daily", &err);
  ASSERT_TRUE(daily);
  EXPECT_DOUBLE_EQ(daily->firstAtOrAfter(kJan1 + 1), kJan1 + 86400);
  auto hourly = Schedule::cron("@hourly", &err);
  EXPECT_DOUBLE_EQ(hourly->after(kJan1), kJan1 + 3600);
  auto monthly = Schedule::cron("@monthly", &err);
  EXPECT_DOUBLE_EQ(monthly->after(kJan1), kJan1 + 31 * 86400);  // 2020-02-01
  auto weekly = Schedule::cron("@weekly", &err);
  EXPECT_DOUBLE_EQ(weekly->firstAtOrAfter(kJan1), kJan1 + 4 * 86400);  // Sunday 2020-01-05
}

TEST(Schedule, CronFields) {
  std::string err;
  auto s = Schedule::cron("*/15 9-17 * * 1-5", &err);
  ASSERT_TRUE(s) << err;
  // Wednesday 2020-01-01 09:00 is the first point on or after midnight.
  EXPECT_DOUBLE_EQ(s->firstAtOrAfter(kJan1), kJan1 + 9 * 3600);
  EXPECT_DOUBLE_EQ(s->after(kJan1 + 9 * 3600), kJan1 + 9 * 3600 + 900);
  // Friday 17:45 is followed by Monday 09:00.
  double fri1745 = kJan1 + 2 * 86400 + 17 * 3600 + 45 * 60;
  EXPECT_DOUBLE_EQ(s->after(fri1745), kJan1 + 5 * 86400 + 9 * 3600);
  EXPECT_NEAR(Schedule::cron("@hourly", &err)->nominalPeriod(), 3600, 1e-6);
}

TEST(Schedule, RejectsBadCron) {
  std::string err;
  EXPECT_FALSE(Schedule::cron("* * *", &err));
  EXPECT_NE(err.find("5 fields"), std::string::npos);
  EXPECT_FALSE(Schedule::cron("61 * * * *", &err));
  EXPECT_FALSE(Schedule::cron("*/0 * * * *", &err));
}

TEST(Schedule, ShiftMovesEveryPoint) {
  std::string err;
  auto s = Schedule::cron("@daily", &err)->shifted(3600);
  EXPECT_DOUBLE_EQ(s.firstAtOrAfter(kJan1), kJan1 + 3600);
  EXPECT_DOUBLE_EQ(s.after(kJan1 + 3600), kJan1 + 86400 + 3600);
}
