// Arrival streams beyond Poisson: a daily profile, bursts and recorded traces arrive when they
// should; bad profiles and traces are reported with file, line and field.
#include <gtest/gtest.h>

#include <cmath>

#include "model/ArrivalProcess.h"
#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

std::vector<double> all(const TriggerStream& t, double horizon, double runStart = 1577836800) {
  ArrivalProcess p(t, runStart, 7, horizon);
  std::vector<double> out;
  for (double at = p.next(); std::isfinite(at); at = p.next()) out.push_back(at);
  return out;
}

// The error text of loading a scenario file, or "" when it loads.
std::string loadError(const std::filesystem::path& path) {
  try {
    loadScenario({path.string(), {}, {}});
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ArrivalProcess, ADailyProfileArrivesOnlyInItsBusyHours) {
  TriggerStream t;
  t.kind = TriggerStream::Kind::Profile;
  t.hourlyRates.assign(24, 0.0);
  for (int h = 12; h < 24; ++h) t.hourlyRates[h] = 60.0 / 3600;  // 60 an hour in the afternoon and evening
  auto times = all(t, 10 * 86400.0);                             // run start at midnight UTC
  for (double at : times) EXPECT_GE(std::fmod(at, 86400.0), 12 * 3600.0) << at;
  const double expected = 10 * 12 * 60;
  EXPECT_NEAR(static_cast<double>(times.size()), expected, 4 * std::sqrt(expected));
}

TEST(ArrivalProcess, BurstsBringTheirCountAtOnce) {
  TriggerStream t;
  t.kind = TriggerStream::Kind::Burst;
  t.burstCount = 5;
  t.burstTimes = {7200, 3600};
  auto times = all(t, 86400);
  ASSERT_EQ(times.size(), 10u);
  EXPECT_EQ(std::count(times.begin(), times.end(), 3600.0), 5);
  EXPECT_EQ(std::count(times.begin(), times.end(), 7200.0), 5);
  t.burstTimes.clear();
  t.burstEvery = 1800;
  t.burstCount = 2;
  t.end = 7200;
  EXPECT_EQ(all(t, 86400), (std::vector<double>{0, 0, 1800, 1800, 3600, 3600, 5400, 5400}));
}

TEST(ArrivalProcess, ATraceReplaysItsTimesInOrderWithinTheHorizon) {
  TriggerStream t;
  t.kind = TriggerStream::Kind::Trace;
  t.traceTimes = {30, 10, 20, 5000};
  EXPECT_EQ(all(t, 3600), (std::vector<double>{10, 20, 30}));
}

TEST(ArrivalProcess, TraceFilesAndProfilesAreReadAndChecked) {
  auto dir = tempDir();
  std::ofstream(dir / "signups.csv") << "arrived_after,user\n# warm start\n90,alice\n\n2m,bob\n1.5h,carol\n";
  std::ofstream(dir / "s.yaml") << R"(
run: {horizon: 3h}
triggers:
  - {name: recorded, kind: trace, file: signups.csv, dag: onboard}
dags:
  - name: onboard
    tasks: [{id: t, duration: 1s}]
)";
  auto s = loadScenario({(dir / "s.yaml").string(), {}, {}});
  EXPECT_EQ(s[0].triggers[0].traceTimes, (std::vector<double>{90, 120, 5400}));
  auto v = variantJson(simulate(s[0]));
  EXPECT_EQ(v["metrics"]["trigger_arrivals"], 3);
  EXPECT_EQ(v["metrics"]["dagruns_created"], 3);

  std::ofstream(dir / "bad.csv") << "10\n20\nsoon\n";
  std::ofstream(dir / "bad.yaml") << "triggers:\n  - {name: r, kind: trace, file: bad.csv}\n"
                                     "dags: [{name: a, tasks: [{id: t}]}]\n";
  std::string bad = loadError(dir / "bad.yaml");
  EXPECT_NE(bad.find("bad.csv:3:1: triggers.r.file: 'soon' is not a time"), std::string::npos) << bad;
  std::ofstream(dir / "short.yaml") << "triggers:\n  - {name: p, kind: profile, rates: [1/h, 2/h]}\n"
                                       "dags: [{name: a, tasks: [{id: t}]}]\n";
  std::string shortProfile = loadError(dir / "short.yaml");
  EXPECT_NE(shortProfile.find(":2:37: triggers.p.rates: a profile needs 24 rates"), std::string::npos) << shortProfile;
}
