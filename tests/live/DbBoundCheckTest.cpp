// The simulator set beside a live database that limits the scheduler (long: tools/test --long):
// scenarios/db-bound-check.yaml's per_task variant run live twice for 30 s on a throwaway
// PostgreSQL pinned to one core, each simulated for the same 30 s at four seeds (their mean), with
// the costs of `schedlab calibrate --quick --sizes 1000,10000 --db-cores 1` run here right before.
// Every simulation serves the live run's harness (its wait sampler and yardsticks: 5-8 % of the
// DB's core) as metadb.other_clients, and its DB CPU leaves them out as the live run's does. Held:
// the live DB was busy (>= 60 % of its core), nothing was lost, and simulated at the server's
// speeds in the live run's window by the harness's yardsticks (the statements' at the bursts'
// speed, SpeedProbe.h: the calibration's through its per-type costs over the live run's through it;
// a backend's start at the start yardstick's, StartProbe.h: its connections' starts in the live run
// against the calibration's) the mean loop duration, the mean and p95 task transition latency and
// the DB's CPU, the two runs' means, are within 15 % of live's (each run's own printed). Printed,
// not held: the same simulated at the calibration's speed, at the speed the 20 ms probe sent all
// through both windows gives, at the bursts' speed with the starts as calibrated and as the run's
// own connections spent theirs, and at the live run's own speed (the calibration's costs scaled by
// its dominant statement's live CPU against the calibrated). This VM's speed moves by up to 1.7x
// within a minute, within the calibration's window or the live run's as well as between them
// (README, "The DB-bound live check"): a calibration or live run whose yardstick moved more than
// kSpeedMovedTooFar between its ends or within its window (the bursts' 8 s parts, speedSpread) is
// measured again, three times in all; one still moving then is not judged: the check fails saying
// the machine's speed moved, not the model.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <string>
#include <vector>

#include "pg/SpeedProbe.h"
#include "support/LiveHarness.h"
#include "support/TableStateLine.h"
#include "support/TestSupport.h"

using namespace schedlab::test;

namespace {

nlohmann::json variant(const std::string& dir) {
  return nlohmann::json::parse(readFile(dir + "/results.json"))["variants"][0];
}

struct Figure {
  const char* metric;
  const char* stat;  // nullptr: the metric is a number
};
const Figure kFigures[] = {{"scheduler_loop_duration_s", "mean"},
                           {"task_transition_latency_s", "mean"},
                           {"task_transition_latency_s", "p95"},
                           {"db_cpu_utilization", nullptr}};

constexpr double kWindowSeconds = 30;  // --duration 30s, run.horizon=30s; one DB core

// The DB's CPU is the run's own: a simulation's other clients (the live harness's statements) left
// out, as the live run leaves the harness out.
double figure(const nlohmann::json& v, const Figure& f) {
  const auto& m = v["metrics"][f.metric];
  return f.stat ? m[f.stat].get<double>() : runsOwnDbCpu(v, kWindowSeconds);
}

}  // namespace

TEST(DbBoundCheck, TheSimulatorBesideALiveDatabaseThatLimitsTheScheduler) {
  const std::string scenario = std::string(SCHEDLAB_SCENARIOS) + "/db-bound-check.yaml";
  auto dir = tempDir();
  const std::string calibration = (dir / "calibration.json").string();
  // At the sizes the live tables have (they grow from none to a few thousand task instances in
  // the 30 s): the fit's per-decade term taken below the smallest size measured charged the
  // dependency read 111-135 us where it cost 144-151 us live.
  //
  // A measurement whose own yardstick moved more than kSpeedMovedTooFar between its ends or within
  // its window mixes speeds no single drift correction stands for (one quick calibration here went
  // from 164 to 545 us a statement; one whose yardstick's ends agreed charged the trigger-rule read
  // 215 us where the others charged 134-155): it is measured again, three times in all.
  constexpr int kTries = 3;
  auto moved = [](const nlohmann::json& at, const char* start, const char* end) {
    const double ends = schedlab::speedMoved(at.value(start, -1.0), at.value(end, -1.0));
    const double within = at.value("bursts_spread", -1.0);
    std::printf("its yardstick moved %.2fx between its ends, %.2fx within (the bursts' 8 s parts)\n", ends, within);
    return std::max(ends, within);
  };
  // And the dominant statement itself, measured four times within a calibration at moments apart
  // (its shape and its catalog type, at both sizes; a read by key costs alike at both): where they
  // part by more than kDominantApart, a move struck its own measurements, which the bursts' mean
  // does not show (of 14 quick calibrations here, 8 read 1.06-1.14x, 3 read 1.21-1.33x and 3, a
  // move's, 1.83-2.06x).
  constexpr double kDominantApart = 1.25;
  auto calibrate = [&] {
    auto cal = runCli("calibrate --quick --sizes 1000,10000 --layouts airflow1.10,airflow2.5 --db-cores 1 --out " +
                      calibration);
    EXPECT_EQ(cal.code, 0) << cal.output;
    EXPECT_NE(cal.output.find("on CPUs 0 (clients on"), std::string::npos) << cal.output;
    if (cal.code != 0) return false;
    const nlohmann::json file = nlohmann::json::parse(readFile(calibration));
    std::printf("the calibration: ");
    const double speed = moved(file.at("measured").at("speed_probe"), "at_start_s", "at_end_s");
    std::vector<double> readings;
    for (const char* size : {"1000", "10000"})
      for (const char* what : {"trigger_rule_dep", "type:trigger_rule_dep"})
        readings.push_back(file.at("measured")
                               .at("server_cpu_us")
                               .at(std::string("airflow1.10/tis:") + size + "/" + what)
                               .at("cpu")
                               .get<double>());
    const auto [cheapest, dearest] = std::minmax_element(readings.begin(), readings.end());
    std::printf("the calibration's trigger_rule_dep: %.0f, %.0f, %.0f, %.0f us (%.2fx apart)\n", readings[0],
                readings[1], readings[2], readings[3], *dearest / *cheapest);
    return speed <= schedlab::kSpeedMovedTooFar && *dearest / *cheapest <= kDominantApart;
  };
  bool steady = calibrate();
  for (int t = 1; t < kTries && !steady; ++t) {
    std::printf("too far: calibrated again\n");
    steady = calibrate();
  }
  ASSERT_FALSE(::testing::Test::HasFailure());
  ASSERT_TRUE(steady) << "not judged: the machine's speed moved more than " << schedlab::kSpeedMovedTooFar
                      << "x, or the dominant statement's readings " << kDominantApart << "x, within each of " << kTries
                      << " calibrations";

  // Each live run judged on its own yardsticks: its measured and held figures, kFigures' order.
  // Its calls that fail a fatal assertion return early, judged empty.
  auto judge = [&](const std::string& tag, std::vector<std::array<double, 2>>& judged) {
    std::string liveDir;
    auto runLive = [&](const std::string& name) {
      liveDir = (dir / name).string();
      auto live = runCli("live " + scenario + " --variant per_task --duration 30s --calibration " + calibration +
                         " --out " + liveDir);
      EXPECT_EQ(live.code, 0) << live.output;
      if (live.code != 0) return -1.0;
      std::printf("the live run: ");
      return moved(variant(liveDir).at("sim").at("speed_probe_cpu_s"), "before", "after");
    };
    double liveMoved = runLive(tag + "live");
    for (int t = 1; t < kTries && liveMoved > schedlab::kSpeedMovedTooFar; ++t) {
      std::printf("too far: run live again\n");
      liveMoved = runLive(tag + "live-" + std::to_string(t));
    }
    ASSERT_FALSE(::testing::Test::HasFailure());
    ASSERT_LE(liveMoved, schedlab::kSpeedMovedTooFar)
        << "not judged: the machine's speed moved more than " << schedlab::kSpeedMovedTooFar << "x within each of "
        << kTries << " live runs";
    const nlohmann::json l = variant(liveDir);
    EXPECT_EQ(l["metrics"]["tasks_lost"], 0);
    EXPECT_EQ(l["sim"]["cpus"]["postgres"], "0");
    const double busy = l["metrics"]["db_cpu_utilization"].get<double>();
    std::printf("live DB CPU: %.1f %% of its core\n", 100 * busy);
    // The scheduler's side (schedlab's threads on the other core): the simulator's client work is a
    // delay that takes no CPU, so a busy client core lengthens live waits the model does not have.
    const double client = l["sim"]["schedlab_cpu_seconds"].get<double>();
    std::printf("schedlab's own CPU: %.1f %% of its core\n", 100 * client / kWindowSeconds);
    EXPECT_GT(client, 0);
    // What the live backends waited for (active ones, on average over the run).
    for (const auto& [event, backends] : l["metrics"]["db_active_backends_by_wait_event"].items())
      std::printf("live backends waiting on %s: %.2f on average\n", event.c_str(), backends.get<double>());
    EXPECT_GE(busy, 0.60) << "the live database did not limit the scheduler";

    // The harness's statements took the live DB's core too: every simulation serves them beside the
    // run's (without them, the latencies came 7-16 % lower at the same costs).
    double harness = 0;
    for (const auto& c : l["sim"]["harness_clients"]) harness += c["cpu_s"].get<double>() / c["every_s"].get<double>();
    std::printf("the harness's statements: %.1f %% of the DB's core\n", 100 * harness);
    EXPECT_GT(harness, 0);
    const std::string others = harnessAsOtherClients(l);
    constexpr int kSeeds = 4;
    auto simulateWith = [&](const std::string& name, const std::string& extra, const std::string& costs) {
      std::vector<nlohmann::json> sims;
      for (int seed = 1; seed <= kSeeds; ++seed) {
        const std::string out = (dir / (tag + name + std::to_string(seed))).string();
        auto sim = runCli("run " + scenario + " --quiet --variant per_task --set run.horizon=30s --set run.seed=" +
                          std::to_string(seed) + others + extra + " --calibration " + costs + " --out " + out);
        EXPECT_EQ(sim.code, 0) << sim.output;
        sims.push_back(variant(out));
      }
      return sims;
    };
    auto simulate = [&](const std::string& name, const std::string& extra) {
      return simulateWith(name, extra, calibration);
    };
    const std::vector<nlohmann::json> sims = simulate("sim", "");
    // How the live run's statements cost against the calibration: the dominant one, sent by the
    // parsing processes at the calibration's pace. Its ratio is the server's speed in the live
    // run's window against the calibration's; simulated at that speed too (metadb.core_speed).
    const auto& liveRule = l["metrics"]["db_queries_by_type"]["trigger_rule_dep"];
    const auto& simRule = sims[0]["metrics"]["db_queries_by_type"]["trigger_rule_dep"];
    const double liveCpu = liveRule["db_cpu_seconds"].get<double>() / liveRule["count"].get<double>();
    const double charged = simRule["db_seconds"].get<double>() / simRule["count"].get<double>();
    std::printf("trigger_rule_dep: live %.0f us of the server's CPU a statement, the calibration %.0f us (%.2fx)\n",
                1e6 * liveCpu, 1e6 * charged, liveCpu / charged);
    // And how long it took from sent to answered (the wait for the core included), simulated at
    // the live speed: where the two part, the queueing does.
    auto response = [](const nlohmann::json& rule) {
      return rule["response_seconds"].get<double>() / rule["count"].get<double>();
    };
    char speed[64];
    std::snprintf(speed, sizeof speed, " --set metadb.core_speed=%.4f", charged / liveCpu);
    const std::vector<nlohmann::json> atLiveSpeed = simulate("speed", speed);
    // The server's speed in the live run's window by a yardstick that is none of the run's
    // statements (SpeedProbe.h): measured at the calibration's start and end and right before and
    // after the live run. Where it moved, the machine did; where the run's statements cost more
    // than the calibration and it did not, the load made them.
    const nlohmann::json calibrationFile = nlohmann::json::parse(readFile(calibration));
    ASSERT_TRUE(calibrationFile["measured"].contains("speed_probe"));
    ASSERT_TRUE(l["sim"].contains("speed_probe_cpu_s"));
    const auto& probe = calibrationFile["measured"]["speed_probe"];
    const auto& around = l["sim"]["speed_probe_cpu_s"];
    const double calibrated = probe["cpu_s"].get<double>();
    const double window = (around["before"].get<double>() + around["after"].get<double>()) / 2;
    std::printf(
        "speed probe: calibration %.0f us a statement (%.0f at its start, %.0f at its end), live run %.0f "
        "(%.0f before, %.0f after): the server %.2fx as fast in the live run's window\n",
        1e6 * calibrated, 1e6 * probe["at_start_s"].get<double>(), 1e6 * probe["at_end_s"].get<double>(), 1e6 * window,
        1e6 * around["before"].get<double>(), 1e6 * around["after"].get<double>(), calibrated / window);
    // And sent all through the calibration's per-type measurements and all through the live run,
    // every 20 ms from a backend of its own (a statement after such a pause costs 1.4-2.6 times one at
    // the 1 ms pace, so these two compare with each other only): the server's speed through the
    // windows rather than at their ends, at which the run is simulated too.
    ASSERT_TRUE(probe.contains("during_s"));
    ASSERT_TRUE(around.contains("during"));
    const double through = probe["during_s"].get<double>() / around["during"].get<double>();
    std::printf("speed probe all through: calibration %.0f us a statement, live run %.0f: the server %.2fx as fast\n",
                1e6 * probe["during_s"].get<double>(), 1e6 * around["during"].get<double>(), through);
    ASSERT_TRUE(l["sim"].contains("task_instance_table"));
    std::printf("%s\n", taskInstanceTableLine(calibrationFile, l["sim"]).c_str());
    // The backends' starts against the statements: the live CPU outside the statements and the
    // server's own processes per connection opened (each backend lived through the run and ended
    // with it: its start and its end) against the calibration's start and end of one. Where its
    // ratio parts from the dominant statement's, no one speed of the server charges both as the
    // live run spent them.
    ASSERT_GT(l["sim"]["connections_opened"].get<double>(), 0);
    const double liveStart =
        l["metrics"]["db_cpu_seconds_by_part"]["other"].get<double>() / l["sim"]["connections_opened"].get<double>();
    const double calibratedStart = calibrationFile["connections"]["setup_s"].get<double>();
    ASSERT_TRUE(calibrationFile["connections"].contains("start_s"));
    std::printf(
        "a backend's start: live %.1f ms of the server's CPU per connection opened, the calibration's start and end "
        "%.1f ms (%.2fx; trigger_rule_dep %.2fx), %.1f ms of it before the client's first answer\n",
        1e3 * liveStart, 1e3 * calibratedStart, liveStart / calibratedStart, liveCpu / charged,
        1e3 * calibrationFile["connections"]["start_s"].get<double>());
    // A start alone: the backend's own CPU up to its first answers, as the live run spent it (beside
    // ~265 backends, busy, many starting together) against calibrate's (beside 24 readers keeping the
    // core busy, one at a time): README, "What a start costs in a live run".
    ASSERT_TRUE(l["sim"].contains("connection_start_backend_cpu_s"));
    ASSERT_TRUE(calibrationFile["connections"].contains("start_backend_s"));
    const double liveStartOwn = l["sim"]["connection_start_backend_cpu_s"].get<double>();
    const double calibratedStartOwn = calibrationFile["connections"]["start_backend_s"].get<double>();
    std::printf(
        "a backend's start alone: live %.2f ms of its CPU to its first answers, the calibration's %.2f ms (%.2fx)\n",
        1e3 * liveStartOwn, 1e3 * calibratedStartOwn, liveStartOwn / calibratedStartOwn);
    std::snprintf(speed, sizeof speed, " --set metadb.core_speed=%.4f", through);
    const std::vector<nlohmann::json> atProbedSpeed = simulate("probed", speed);
    // And in bursts at the per-type costs' pace, all through the calibration's per-type costs and all
    // through the live run.
    ASSERT_TRUE(probe.contains("bursts_s"));
    ASSERT_TRUE(around.contains("bursts"));
    const double bursts = probe["bursts_s"].get<double>() / around["bursts"].get<double>();
    std::printf("speed probe in bursts: calibration %.0f us a statement, live run %.0f: the server %.3fx as fast\n",
                1e6 * probe["bursts_s"].get<double>(), 1e6 * around["bursts"].get<double>(), bursts);
    std::snprintf(speed, sizeof speed, " --set metadb.core_speed=%.4f", bursts);
    const std::vector<nlohmann::json> atBurstSpeed = simulate("bursts", speed);
    // And at the bursts' speed with a backend's start at the server's speed for starts in the live
    // run's window (the calibration's start, the postmaster's fork kept, with the backend's part
    // `own`), the end as calibrated: by the start yardstick (StartProbe.h: connections of the
    // harness's own, opened beside the run), which the check holds, and as the run's own connections
    // spent theirs (printed).
    auto withStartsAt = [&](const std::string& name, double own) {
      const std::string path = (dir / (tag + name + ".json")).string();
      writeCalibrationWithStartsAt(calibrationFile, own, bursts, path);
      return simulateWith(name, speed, path);
    };
    ASSERT_TRUE(l["sim"].contains("start_probe_backend_cpu_s"));
    const double probedStart = l["sim"]["start_probe_backend_cpu_s"].get<double>();
    std::printf(
        "start yardstick: %.2f ms of a backend's CPU to its first answer in the live run (the run's own %.2f ms), the "
        "calibration's %.2f ms: starts %.2fx as fast, statements (bursts) %.3fx\n",
        1e3 * probedStart, 1e3 * liveStartOwn, 1e3 * calibratedStartOwn, calibratedStartOwn / probedStart, bursts);
    const std::vector<nlohmann::json> held = withStartsAt("startprobe", probedStart);
    const std::vector<nlohmann::json> startsAsLive = withStartsAt("startsaslive", liveStartOwn);
    auto mean = [&](const std::vector<nlohmann::json>& runs, const Figure& f) {
      double sum = 0;
      for (const auto& r : runs) sum += figure(r, f);
      return sum / static_cast<double>(runs.size());
    };
    const auto& matchedRule = atLiveSpeed[0]["metrics"]["db_queries_by_type"]["trigger_rule_dep"];
    std::printf("trigger_rule_dep response: live %.0f us a statement, simulated at the live speed %.0f us (%+.1f %%)\n",
                1e6 * response(liveRule), 1e6 * response(matchedRule),
                100 * (response(matchedRule) - response(liveRule)) / response(liveRule));
    EXPECT_GT(response(liveRule), liveCpu);  // measured: the service and more
    // Where the model's queueing parts from the live server's by who sends: the parsing processes'
    // reads against the task runners' writes (sent after their connection idled through the task), at
    // the bursts' speed, the seeds' statements together. The cores serve each statement to its end,
    // in the order they arrive, a backend's start in slices that give way to them for up to 100 ms.
    // A task runner's connection starts with its worker_start statements: both responses hold the
    // start (live: the connect), so theirs shows how long a start waits on the busy core.
    for (const char* type : {"trigger_rule_dep", "worker_start", "worker_finish"}) {
      const auto& lt = l["metrics"]["db_queries_by_type"][type];
      double sent = 0, answered = 0;
      for (const auto& r : held) {
        ASSERT_TRUE(r["metrics"]["db_queries_by_type"].contains(type)) << type;
        sent += r["metrics"]["db_queries_by_type"][type]["count"].get<double>();
        answered += r["metrics"]["db_queries_by_type"][type]["response_seconds"].get<double>();
      }
      ASSERT_GT(sent, 0) << type;
      std::printf(
          "%s response at the yardsticks' speeds: live %.0f us a statement (%.0f us of CPU), simulated %.0f us\n", type,
          1e6 * response(lt), 1e6 * lt["db_cpu_seconds"].get<double>() / lt["count"].get<double>(),
          1e6 * answered / sent);
    }
    for (const Figure& f : kFigures) {
      const double measured = figure(l, f), simulated = mean(sims, f), matched = mean(atLiveSpeed, f),
                   probed = mean(atProbedSpeed, f), burst = mean(atBurstSpeed, f), started = mean(startsAsLive, f),
                   checked = mean(held, f);
      auto off = [&](double v) { return 100 * (v - measured) / measured; };
      const std::string name = std::string(f.metric) + (f.stat ? "." : "") + (f.stat ? f.stat : "");
      std::printf(
          "per_task %s: live %.4f %s; at the yardsticks' speeds (the bursts', starts at the start yardstick's) %.4f "
          "(%+.1f %%)\n",
          name.c_str(), measured, f.stat ? "s" : "of the DB's core", checked, off(checked));
      std::printf(
          "per_task %s, not held: at the calibration's speed %.4f (%+.1f %%), the probed %.4f (%+.1f %%), the bursts' "
          "with calibrated starts %.4f (%+.1f %%), the bursts' with the starts as the run's own %.4f (%+.1f %%), the "
          "live speed %.4f (%+.1f %%)\n",
          name.c_str(), simulated, off(simulated), probed, off(probed), burst, off(burst), started, off(started),
          matched, off(matched));
      judged.push_back({measured, checked});
    }
  };
  // Two live runs, each simulated at its own yardsticks' speeds, their means held: the p95 moves
  // about twice as far as the server's speed its yardsticks read, and their reading parts from the
  // dominant statement's own by 0.91-1.16x from run to run (runs 67-81), which one live run's
  // p95 carried whole.
  constexpr int kLiveRuns = 2;
  std::vector<std::vector<std::array<double, 2>>> runs(kLiveRuns);
  for (int r = 0; r < kLiveRuns; ++r) {
    std::printf("live run %d of %d\n", r + 1, kLiveRuns);
    judge("run" + std::to_string(r + 1) + "-", runs[r]);
    if (::testing::Test::HasFatalFailure()) return;
    ASSERT_EQ(runs[r].size(), std::size(kFigures));
  }
  for (size_t i = 0; i < std::size(kFigures); ++i) {
    const Figure& f = kFigures[i];
    double measured = 0, checked = 0;
    for (const auto& run : runs) measured += run[i][0] / kLiveRuns, checked += run[i][1] / kLiveRuns;
    const std::string name = std::string(f.metric) + (f.stat ? "." : "") + (f.stat ? f.stat : "");
    std::printf("per_task %s, the %d live runs' mean: live %.4f %s, at the yardsticks' speeds %.4f (%+.1f %%)\n",
                name.c_str(), kLiveRuns, measured, f.stat ? "s" : "of the DB's core", checked,
                100 * (checked - measured) / measured);
    EXPECT_LT(std::fabs(checked - measured) / measured, 0.15) << name << " at the yardsticks' speeds";
  }
}
