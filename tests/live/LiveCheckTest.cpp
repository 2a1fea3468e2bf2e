// The simulator checked against a real database: scenarios/live-check.yaml run live for 30 s
// (`schedlab live --duration 30s`) and simulated for the same 30 s at four seeds (`schedlab run
// --set run.horizon=30s --set run.seed=K`), the simulated figure being the mean over the seeds.
// The simulation takes its costs from `schedlab calibrate --quick --sizes 1000,10000` (the sizes its
// tables have) run on this machine first: the shipped calibration was measured on another
// machine, and per_task's transitions amplify a few per cent of DB speed (a 4 % longer live loop
// made its mean transition 12 % longer than the shipped costs predict), so only costs measured
// here check the model rather than the machine.
// The mean scheduler loop duration and the mean and p95 task transition latency of each variant
// must agree within 15 % of the live measurement; the DB's CPU (its statements', its connections'
// and its own processes') is printed, not held. per_task's ~300 transitions are phase-locked to
// its main loop, so one 20 s window of one seed put its mean anywhere in -10 % … +20 % of the live
// one; the seeds' mean and the longer window take that noise off the simulated side and part of
// it off the live one. The p50 is printed, not held: its latency jumps by 16 % between the 50th
// and the 56th percentile and a few transitions moved flip it. Between runs the live statements'
// own CPU moved 0.65-1.63x what the calibration measured a minute before, while the speed probe
// sent all through both windows moved 0.89-1.23x (both printed): the machine's speed as that
// yardstick sees it accounts for part of it only. The yardstick sent in bursts at the per-type
// costs' pace through both (SpeedProbe.h) does better: at the speed its bursts give the DB CPU
// came within 15 % of live in 17 of 20 figures here with a read by key as its statement (7 % below
// live on average), in 23 of 24 with a trigger-rule count (as now; -1.9 % on average, the other
// at -15.0 %: the bursts said 1.19x where the dominant statement's own ratio said 1.10x), at the
// calibration's speed in 13 of the first 16. Held at 15 %, about one run in ten would fail: not
// yet. The held figures are simulated at that speed (metadb.core_speed), with a backend's start at
// the speed the run's start yardstick gives (StartProbe.h; as DbBoundCheck), beside the statements
// the variant's harness sent the DB (its wait sampler and yardsticks: metadb.other_clients; their
// DB CPU left out, as the live run leaves it out): the latencies came within 9 % of live in every
// run so (without the harness), where at the calibration's speed a machine that ran 1.5x as fast in the live run put a
// loop mean 13.8 % off and one that ran 0.55x as fast a p95 16.5 % off; each is printed at the
// calibration's speed too. The DB's CPU by part (db_cpu_seconds_by_part)
// is printed too: the statements with their wake-ups, and the rest (the backends' starts and
// ends, calibrated on connections that do a task runner's first work).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

#include "support/LiveHarness.h"
#include "support/TableStateLine.h"
#include "support/TestSupport.h"

using namespace schedlab::test;

namespace {

nlohmann::json results(const std::string& dir) { return nlohmann::json::parse(readFile(dir + "/results.json")); }

struct Figure {
  const char* metric;
  const char* stat;  // nullptr: the metric is a number
  bool held;
};
const Figure kFigures[] = {{"scheduler_loop_duration_s", "mean", true},
                           {"task_transition_latency_s", "mean", true},
                           {"task_transition_latency_s", "p95", true},
                           {"task_transition_latency_s", "p50", false},
                           {"db_cpu_utilization", nullptr, false}};

constexpr double kWindowSeconds = 30;  // --duration 30s, run.horizon=30s

// The DB's CPU is the run's own: a simulation's other clients (the live harness's statements) left
// out, as the live run leaves the harness out.
double figure(const nlohmann::json& variant, const Figure& f) {
  const auto& v = variant["metrics"][f.metric];
  return f.stat ? v[f.stat].get<double>() : runsOwnDbCpu(variant, kWindowSeconds);
}

}  // namespace

TEST(LiveCheck, TheSimulatorIsWithin15PercentOfTheLiveDatabase) {
  const std::string scenario = std::string(SCHEDLAB_SCENARIOS) + "/live-check.yaml";
  auto dir = tempDir();
  const std::string calibration = (dir / "calibration.json").string();
  // Airflow 1.10 on its own schema: the 3.1 layout is not needed.
  // At the sizes the live tables have (none to about a thousand task instances in the 30 s), so
  // that the fit's per-decade term is not taken below the smallest size measured.
  auto cal = runCli("calibrate --quick --sizes 1000,10000 --layouts airflow1.10,airflow2.5 --out " + calibration);
  ASSERT_EQ(cal.code, 0) << cal.output;
  constexpr int kSeeds = 4;
  // The scenario simulated for the live run's 30 s at each seed, with `extra` settings; a seed that
  // fails leaves its result out (the caller asserts all kSeeds).
  auto simulateWith = [&](const std::string& name, const std::string& extra, const std::string& costs) {
    std::vector<nlohmann::json> runs;
    for (int seed = 1; seed <= kSeeds; ++seed) {
      const std::string out = (dir / (name + std::to_string(seed))).string();
      auto sim = runCli("run " + scenario + " --quiet --set run.horizon=30s --set run.seed=" + std::to_string(seed) +
                        extra + " --calibration " + costs + " --out " + out);
      EXPECT_EQ(sim.code, 0) << sim.output;
      if (sim.code != 0) continue;
      runs.push_back(results(out));
      EXPECT_EQ(runs.back()["variants"][0]["sim"]["calibration"]["origin"], costs);
    }
    return runs;
  };
  const std::vector<nlohmann::json> sims = simulateWith("sim", "", calibration);
  ASSERT_EQ(sims.size(), static_cast<size_t>(kSeeds));
  // Both sides charge the scheduler's work per statement from the same measurement.
  const std::string out = (dir / "live").string();
  auto live = runCli("live " + scenario + " --duration 30s --calibration " + calibration + " --out " + out);
  ASSERT_EQ(live.code, 0) << live.output;
  const nlohmann::json l = results(out);
  EXPECT_EQ(l["source"], "live");
  ASSERT_EQ(l["variants"].size(), 2u);
  ASSERT_EQ(sims[0]["variants"].size(), 2u);
  const nlohmann::json calibrationFile = nlohmann::json::parse(readFile(calibration));
  const nlohmann::json probe = calibrationFile["measured"]["speed_probe"];
  const double calibrated = probe["cpu_s"].get<double>();
  // Each variant simulated again at the speed the yardstick's bursts give (metadb.core_speed): the
  // calibration's through its per-type costs over the live run's through its run; and a backend's
  // start at the speed the variant's start yardstick gives (its connections opened beside the run's,
  // StartProbe.h), as DbBoundCheck holds it: calibrate's starts, beside 24 busy readers one at a
  // time, came 16-17 % under the live run's here.
  ASSERT_TRUE(probe.contains("bursts_s"));
  std::vector<std::vector<nlohmann::json>> held(2);
  std::vector<double> burstSpeed(2);
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(l["variants"][i]["sim"]["speed_probe_cpu_s"].contains("bursts"));
    burstSpeed[i] =
        probe["bursts_s"].get<double>() / l["variants"][i]["sim"]["speed_probe_cpu_s"]["bursts"].get<double>();
    char speed[64];
    std::snprintf(speed, sizeof speed, " --set metadb.core_speed=%.4f", burstSpeed[i]);
    ASSERT_TRUE(l["variants"][i]["sim"].contains("start_probe_backend_cpu_s"));
    const std::string costs = (dir / ("starts" + std::to_string(i) + ".json")).string();
    writeCalibrationWithStartsAt(calibrationFile, l["variants"][i]["sim"]["start_probe_backend_cpu_s"].get<double>(),
                                 burstSpeed[i], costs);
    // Beside the statements the harness sent the DB through this variant's live run.
    held[i] = simulateWith("bursts" + std::to_string(i) + "_", speed + harnessAsOtherClients(l["variants"][i]), costs);
    ASSERT_EQ(held[i].size(), static_cast<size_t>(kSeeds));
  }
  for (size_t i = 0; i < 2; ++i) {
    const auto& sv = sims[0]["variants"][i];
    const auto& lv = l["variants"][i];
    ASSERT_EQ(sv["name"], lv["name"]);
    EXPECT_EQ(lv["metrics"]["tasks_lost"], 0);
    // The server's speed yardstick around this variant's live run against the calibration's: where
    // the machine's speed moved between the two, the errors below are partly its.
    ASSERT_TRUE(lv["sim"].contains("speed_probe_cpu_s"));
    const auto& around = lv["sim"]["speed_probe_cpu_s"];
    const double window = (around["before"].get<double>() + around["after"].get<double>()) / 2;
    const std::string name = sv["name"].get<std::string>();
    std::printf(
        "%s speed probe: calibration %.0f us a statement, live run %.0f (%.0f before, %.0f after): the server "
        "%.2fx as fast in the live run's window\n",
        name.c_str(), 1e6 * calibrated, 1e6 * window, 1e6 * around["before"].get<double>(),
        1e6 * around["after"].get<double>(), calibrated / window);
    // And sent all through the per-type measurements and the live run, every 20 ms: a statement
    // after such a pause costs 1.4-2.6 times one at the 1 ms pace, so these compare with each other.
    ASSERT_TRUE(around.contains("during"));
    ASSERT_TRUE(probe.contains("during_s"));
    std::printf("%s speed probe all through: calibration %.0f us a statement, live run %.0f: %.2fx as fast\n",
                name.c_str(), 1e6 * probe["during_s"].get<double>(), 1e6 * around["during"].get<double>(),
                probe["during_s"].get<double>() / around["during"].get<double>());
    // What the live backends spent on the statement they spent most on, against what the
    // simulator charged for it (the seeds' together): the rest of the DB's error is elsewhere.
    std::string dominant;
    double most = -1;
    for (const auto& [type, entry] : lv["metrics"]["db_queries_by_type"].items()) {
      ASSERT_TRUE(entry.contains("db_cpu_seconds")) << type;
      if (entry["db_cpu_seconds"].get<double>() > most) most = entry["db_cpu_seconds"].get<double>(), dominant = type;
    }
    double charged = 0, count = 0;
    for (const auto& r : sims) {
      ASSERT_TRUE(r["variants"][i]["metrics"]["db_queries_by_type"].contains(dominant)) << dominant;
      const auto& e = r["variants"][i]["metrics"]["db_queries_by_type"][dominant];
      charged += e["db_seconds"].get<double>();
      count += e["count"].get<double>();
    }
    ASSERT_GT(count, 0) << dominant;
    const auto& liveDominant = lv["metrics"]["db_queries_by_type"][dominant];
    const double liveCpu = liveDominant["db_cpu_seconds"].get<double>() / liveDominant["count"].get<double>();
    std::printf("%s %s: live %.0f us of the server's CPU a statement, the calibration %.0f us (%.2fx)\n", name.c_str(),
                dominant.c_str(), 1e6 * liveCpu, 1e6 * charged / count, liveCpu * count / charged);
    // Where the DB's CPU went, both ways: a live statement's CPU holds its wake-up and a new
    // backend's cold caches, and the backends' starts and ends are most of the live rest.
    ASSERT_TRUE(lv["metrics"].contains("db_cpu_seconds_by_part"));
    const auto& live = lv["metrics"]["db_cpu_seconds_by_part"];
    double statements = 0, wakeUps = 0, starts = 0, own = 0;  // the seeds' means
    for (const auto& r : sims) {
      const auto& p = r["variants"][i]["metrics"]["db_cpu_seconds_by_part"];
      statements += p["statements"].get<double>() / kSeeds;
      wakeUps += p["wake_ups"].get<double>() / kSeeds;
      starts += p["connection_starts"].get<double>() / kSeeds;
      own += p["server_processes"].get<double>() / kSeeds;
    }
    const double liveStatements = live["statements"].get<double>();
    const double liveOwn = live["server_processes"].get<double>(), liveOther = live["other"].get<double>();
    std::printf(
        "%s DB CPU by part: statements with their wake-ups live %.2f core-s, simulated %.2f + %.2f (%+.1f %%); "
        "the server's own processes live %.2f, simulated %.2f (%+.1f %%); the rest live %.2f, simulated "
        "connection starts %.2f (%+.1f %%)\n",
        name.c_str(), liveStatements, statements, wakeUps,
        100 * (statements + wakeUps - liveStatements) / liveStatements, liveOwn, own, 100 * (own - liveOwn) / liveOwn,
        liveOther, starts, 100 * (starts - liveOther) / liveOther);
    // The rest per connection the run opened against the calibrated start and end of one (a new
    // backend's, which sent a task runner's first statements): the live backends lived the run.
    ASSERT_GT(lv["sim"]["connections_opened"].get<double>(), 0);
    std::printf("%s the rest per connection opened: live %.1f ms, the calibration's start and end %.1f ms\n",
                name.c_str(), 1e3 * liveOther / lv["sim"]["connections_opened"].get<double>(),
                1e3 * calibrationFile["connections"]["setup_s"].get<double>());
    // A start alone, the backend's own CPU up to its first answers, as the run spent it against
    // the calibration's: the run's backends start beside more backends, busier, several at once.
    ASSERT_TRUE(lv["sim"].contains("connection_start_backend_cpu_s"));
    const double liveStart = lv["sim"]["connection_start_backend_cpu_s"].get<double>();
    const double calibratedStart = calibrationFile["connections"]["start_backend_s"].get<double>();
    EXPECT_GT(liveStart, 0);
    std::printf(
        "%s a backend's start: live %.2f ms of its CPU to its first answer, the calibration's %.2f ms (%.2fx), the "
        "start yardstick's %.2f ms\n",
        name.c_str(), 1e3 * liveStart, 1e3 * calibratedStart, liveStart / calibratedStart,
        1e3 * lv["sim"]["start_probe_backend_cpu_s"].get<double>());
    ASSERT_TRUE(lv["sim"].contains("task_instance_table"));
    std::printf("%s %s\n", name.c_str(), taskInstanceTableLine(calibrationFile, lv["sim"]).c_str());
    std::printf("%s speed probe in bursts: calibration %.0f us a statement, live run %.0f: %.2fx as fast\n",
                name.c_str(), 1e6 * probe["bursts_s"].get<double>(), 1e6 * around["bursts"].get<double>(),
                burstSpeed[i]);
    for (const Figure& f : kFigures) {
      double simulated = 0, atCalibration = 0;  // the seeds' means
      for (const auto& r : held[i]) simulated += figure(r["variants"][i], f) / kSeeds;
      for (const auto& r : sims) atCalibration += figure(r["variants"][i], f) / kSeeds;
      const double measured = figure(lv, f), error = (simulated - measured) / measured;
      std::printf(
          "%s %s%s%s: simulated %.4f %s, live %.4f %s, error %+.1f %%%s; at the calibration's speed %.4f (%+.1f "
          "%%, not held)\n",
          sv["name"].get<std::string>().c_str(), f.metric, f.stat ? "." : "", f.stat ? f.stat : "", simulated,
          f.stat ? "s" : "of the DB's cores", measured, f.stat ? "s" : "of the DB's cores", 100 * error,
          f.held ? "" : " (not held)", atCalibration, 100 * (atCalibration - measured) / measured);
      if (f.held) {
        EXPECT_LT(std::fabs(error), 0.15)
            << sv["name"] << " " << f.metric << (f.stat ? "." : "") << (f.stat ? f.stat : "");
      }
    }
  }
}
