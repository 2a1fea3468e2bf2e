#include <gtest/gtest.h>

#include "scenario/Schedule.h"

#include <cmath>
#include <ctime>
#include <functional>

using namespace schedlab;

namespace {
const double kJan1 = 1577836800;  // 2020-01-01T00:00:00Z, a Wednesday

// A cron written out as a predicate on the calendar fields libc's gmtime_r gives.
using Fires = std::function<bool(const std::tm&)>;

// The reference next and previous points: day by day through gmtime_r, every minute of a day.
std::tm dayFields(double day) {
  std::time_t s = static_cast<std::time_t>(day);
  std::tm tm{};
  gmtime_r(&s, &tm);
  return tm;
}

double referenceFirstAtOrAfter(const Fires& fires, double t) {
  double day = std::floor(t / 86400) * 86400;
  for (int d = 0; d < 9 * 366; ++d, day += 86400) {
    std::tm tm = dayFields(day);
    for (int m = 0; m < 1440; ++m) {
      tm.tm_hour = m / 60;
      tm.tm_min = m % 60;
      if (day + m * 60.0 >= t && fires(tm)) return day + m * 60.0;
    }
  }
  return INFINITY;
}

double referenceLastBefore(const Fires& fires, double t) {
  double day = std::floor(t / 86400) * 86400;
  for (int d = 0; d < 9 * 366; ++d, day -= 86400) {
    std::tm tm = dayFields(day);
    for (int m = 1439; m >= 0; --m) {
      tm.tm_hour = m / 60;
      tm.tm_min = m % 60;
      if (day + m * 60.0 < t && fires(tm)) return day + m * 60.0;
    }
  }
  return -INFINITY;
}
}  // namespace

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

TEST(Schedule, CronPointsMatchAMinuteByMinuteWalkThroughGmtime) {
  struct Case {
    const char* expression;
    Fires fires;
  };
  const std::vector<Case> cases = {
      {"*/7 3-5 * * 1-5",
       [](const std::tm& t) {
         return t.tm_min % 7 == 0 && t.tm_hour >= 3 && t.tm_hour <= 5 && t.tm_wday >= 1 && t.tm_wday <= 5;
       }},
      {"0 0 29 2 *",
       [](const std::tm& t) { return t.tm_min == 0 && t.tm_hour == 0 && t.tm_mday == 29 && t.tm_mon == 1; }},
      {"30 */6 1,15 * *",
       [](const std::tm& t) { return t.tm_min == 30 && t.tm_hour % 6 == 0 && (t.tm_mday == 1 || t.tm_mday == 15); }},
      {"5 4 13 * 5",
       [](const std::tm& t) { return t.tm_min == 5 && t.tm_hour == 4 && (t.tm_mday == 13 || t.tm_wday == 5); }},
      {"59 23 31 12 *",
       [](const std::tm& t) { return t.tm_min == 59 && t.tm_hour == 23 && t.tm_mday == 31 && t.tm_mon == 11; }},
      {"@weekly", [](const std::tm& t) { return t.tm_min == 0 && t.tm_hour == 0 && t.tm_wday == 0; }},
      {"0-10/5,50 22 * 1-3,11 *",
       [](const std::tm& t) {
         return (t.tm_min <= 10 ? t.tm_min % 5 == 0 : t.tm_min == 50) && t.tm_hour == 22 &&
                (t.tm_mon <= 2 || t.tm_mon == 10);
       }},
  };
  // Instants from 1965 to 2110 (before the epoch, around 2000 and 2100, leap days), some on a
  // whole minute, some not.
  std::vector<double> instants = {-157766400 + 1234.5, 0,
                                  951782400 - 60,      951782400 + 0.25,
                                  kJan1 - 1e-4,        kJan1 + 86340,
                                  4107456000 + 59,     4107542400 - 30,
                                  4418236800 + 7777};
  for (int k = 0; k < 12; ++k) instants.push_back(kJan1 + k * 2629743.0 * 7 + k * 4271.0);
  std::string err;
  for (const Case& c : cases) {
    auto s = Schedule::cron(c.expression, &err);
    ASSERT_TRUE(s) << c.expression << ": " << err;
    for (double t : instants) {
      const double next = s->firstAtOrAfter(t), prev = s->lastBefore(t);
      EXPECT_EQ(next, referenceFirstAtOrAfter(c.fires, t)) << c.expression << " from " << t;
      EXPECT_EQ(prev, referenceLastBefore(c.fires, t)) << c.expression << " before " << t;
      // The two walk the same points: the one after the previous is the next.
      EXPECT_EQ(s->after(prev), next) << c.expression << " from " << t;
      EXPECT_EQ(s->lastBefore(next), prev) << c.expression << " from " << t;
    }
  }
}

TEST(Schedule, IntervalAndShiftedPointsBefore) {
  Schedule s = Schedule::interval(10, kJan1);
  EXPECT_EQ(s.lastBefore(kJan1 + 10), kJan1);
  EXPECT_EQ(s.lastBefore(kJan1 + 10.5), kJan1 + 10);
  EXPECT_EQ(s.lastBefore(kJan1 - 25), kJan1 - 30);
  std::string err;
  Schedule daily = Schedule::cron("@daily", &err)->shifted(90);
  EXPECT_EQ(daily.lastBefore(kJan1 + 90), kJan1 - 86400 + 90);
  EXPECT_EQ(daily.lastBefore(kJan1 + 91), kJan1 + 90);
  EXPECT_EQ(Schedule::none().lastBefore(kJan1), -INFINITY);
}

TEST(Schedule, RefusesACronThatNeverFires) {
  std::string err;
  EXPECT_FALSE(Schedule::cron("0 0 31 2 *", &err));
  EXPECT_EQ(err, "cron expression '0 0 31 2 *' never fires: none of its months has any of its days");
  EXPECT_FALSE(Schedule::cron("0 0 30,31 2 *", &err));
  EXPECT_FALSE(Schedule::cron("15 3 31 4,6,9,11 *", &err));
  // A 29th of February does come; with a day of the week as well, either day fires (Vixie cron).
  EXPECT_TRUE(Schedule::cron("0 0 29 2 *", &err)) << err;
  EXPECT_TRUE(Schedule::cron("0 0 31 2 5", &err)) << err;
  EXPECT_TRUE(Schedule::cron("0 0 31 1-2 *", &err)) << err;
}
