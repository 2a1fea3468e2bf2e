// The speed yardstick sent all through a window from a thread of its own (SpeedProbe.h): what it
// reads grows while it runs and stays at its stop, and where the server's time goes its statements
// are left out.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "pg/BenchDatabase.h"
#include "pg/ServerCpu.h"
#include "pg/SpeedProbe.h"

using namespace schedlab;

TEST(SpeedProbeThread, ReadsTheServersCpuAStatementUntilItsStop) {
  BenchDatabase db("", {});  // a throwaway server on this machine
  auto c = db.connectTo("public");
  StatementStats stats(*c, db.serverName());
  stats.reset();
  SpeedProbeThread probe(db.connectionString(), 0.005);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const SpeedProbeThread::Reading first = probe.reading();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const SpeedProbeThread::Reading second = probe.reading();
  EXPECT_GT(first.statements, 5);
  EXPECT_GT(second.statements, first.statements);
  // A statement's CPU between two readings: some, and less than 10 ms on this machine's server.
  const double between = second.since(first);
  EXPECT_GT(between, 0);
  EXPECT_LT(between, 0.01);
  EXPECT_EQ(second.since(second), -1);  // no statement between a reading and itself
  EXPECT_GT(probe.backendSeconds(), 0);
  probe.stop();
  const SpeedProbeThread::Reading stopped = probe.reading();
  const double backend = probe.backendSeconds();
  EXPECT_GE(backend, second.cpuSeconds);  // its backend ran the statements and more (its start)
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(probe.reading().statements, stopped.statements);
  EXPECT_EQ(probe.backendSeconds(), backend);
  // The harness's statements are not the server's work that pg_stat_statements' totals measure.
  EXPECT_EQ(stats.totals().calls, 0);
}

TEST(SpeedProbeThread, InBurstsCountsAllButEachBurstsFirstStatements) {
  BenchDatabase db("", {});
  const SpeedProbeBursts bursts{0.001, 6, 2, 0.2};
  SpeedProbeThread probe(db.connectionString(), bursts);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  probe.stop();
  // Five bursts in the second (the first after the 20 statements' warm-up), four counted of each:
  // whole bursts only, and a partial one at most at the stop.
  const long long counted = probe.reading().statements;
  EXPECT_GE(counted, 3 * 4);
  EXPECT_LE(counted, 6 * 4);
  EXPECT_GT(probe.reading().since({}), 0);
  EXPECT_LT(probe.reading().since({}), 0.01);
  // Second by second, the same statements and CPU as the reading: one or two seconds of them.
  const std::vector<SpeedProbeThread::Reading> seconds = probe.bySecond();
  EXPECT_GE(seconds.size(), 1u);
  EXPECT_LE(seconds.size(), 2u);
  long long bySecond = 0;
  double cpu = 0;
  for (const SpeedProbeThread::Reading& r : seconds) bySecond += r.statements, cpu += r.cpuSeconds;
  EXPECT_EQ(bySecond, counted);
  EXPECT_NEAR(cpu, probe.reading().cpuSeconds, 1e-12);
  // Its statement is a trigger-rule count over three task instances of a run on the harness's own
  // table, the same on every server: all three found (succeeded) whichever the third is.
  auto c = db.connectTo("public");
  EXPECT_EQ(pqxx::nontransaction(*c).exec1("SELECT count(*) FROM schedlab_harness.yardstick")[0].as<int>(), 1000);
  createSpeedProbeTable(*c);  // again: it is there
  for (size_t i : {size_t{0}, size_t{999}, size_t{1000}}) {
    const pqxx::row r = pqxx::nontransaction(*c).exec1(speedProbeBurstStatement(i));
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(r[0].as<int>(), r[2].as<int>()) << i;  // every one succeeded
    EXPECT_EQ(r[1].as<int>(), 0) << i;
    EXPECT_GE(r[2].as<int>(), 2) << i;  // task_1, task_2 and the third (one of them at i = 0)
  }
}

TEST(SpeedProbeThread, AServerItCannotReachLeavesItsReadingsEmpty) {
  SpeedProbeThread probe("host=127.0.0.1 port=1 connect_timeout=1", 0.005);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(probe.reading().statements, 0);
  EXPECT_EQ(probe.reading().since({}), -1);
  EXPECT_EQ(probe.backendSeconds(), 0);
  probe.stop();
}

TEST(SpeedProbe, HowFarTheSpeedMovedIsTheLargerReadingOverTheSmaller) {
  EXPECT_DOUBLE_EQ(speedMoved(100e-6, 150e-6), 1.5);
  EXPECT_DOUBLE_EQ(speedMoved(150e-6, 100e-6), 1.5);
  EXPECT_DOUBLE_EQ(speedMoved(120e-6, 120e-6), 1);
  EXPECT_EQ(speedMoved(0, 120e-6), -1);  // a reading missing
  EXPECT_EQ(speedMoved(120e-6, -1), -1);
  // A quick calibration's yardstick here, 164 us a statement at its start and 545 at its end: too far.
  EXPECT_GT(speedMoved(164e-6, 545e-6), kSpeedMovedTooFar);
  EXPECT_LT(speedMoved(164e-6, 206e-6), kSpeedMovedTooFar);
}

TEST(SpeedProbe, HowFarTheSpeedMovedWithinAWindowJoinsSecondsUntilEachPartHoldsEnough) {
  using R = SpeedProbeThread::Reading;
  // Steady: 40 statements a second at 100 us each, parts of 80 statements (two seconds).
  EXPECT_DOUBLE_EQ(speedSpread({{4e-3, 40}, {4e-3, 40}, {4e-3, 40}, {4e-3, 40}}, 80), 1);
  // Its last two seconds at twice the cost: the parts 100 and 200 us a statement.
  EXPECT_DOUBLE_EQ(speedSpread({{4e-3, 40}, {4e-3, 40}, {8e-3, 40}, {8e-3, 40}}, 80), 2);
  // One dear second alone weighs in the part it joins: (4 + 12) ms over 80 statements, 200 us.
  EXPECT_DOUBLE_EQ(speedSpread({{4e-3, 40}, {12e-3, 40}, {4e-3, 40}, {4e-3, 40}}, 80), 2);
  // A short last part joins the one before (a move in its last half second is not a part of its own),
  // an empty second adds nothing: parts 100 and (4 + 0 + 4 + 1) / 90 = 100 us.
  EXPECT_DOUBLE_EQ(speedSpread({{4e-3, 40}, {4e-3, 40}, {4e-3, 40}, {}, {4e-3, 40}, {1e-3, 10}}, 80), 1);
  // Fewer than two parts: nothing to compare.
  EXPECT_EQ(speedSpread({{4e-3, 40}, {4e-3, 30}}, 80), -1);
  EXPECT_EQ(speedSpread({}, 80), -1);
  // A live run here whose server ran twice as slow from its 16th second on (bursts, us a statement).
  std::vector<R> run;
  for (double us : {138, 134, 137, 132, 132, 145, 124, 158, 229, 167, 140, 149, 176, 142, 179,
                    269, 304, 273, 327, 312, 231, 216, 298, 290, 323, 257, 284, 268, 281, 258})
    run.push_back({us * 1e-6 * 40, 40});
  EXPECT_GT(speedSpread(run, kSpreadStatements), kSpeedMovedTooFar);
  // And one that stayed (125-197 us a second): within.
  run.clear();
  for (double us : {143, 135, 129, 145, 130, 131, 125, 149, 165, 136, 155, 130, 197, 154, 142,
                    184, 137, 141, 176, 175, 163, 127, 153, 136, 150, 140, 144, 158, 138, 163})
    run.push_back({us * 1e-6 * 40, 40});
  EXPECT_LT(speedSpread(run, kSpreadStatements), kSpeedMovedTooFar);
}
