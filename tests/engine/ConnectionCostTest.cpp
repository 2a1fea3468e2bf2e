// A simulated metadata DB charges each actor's connection as calibrate measured it: the backend's
// start and its first statements' cold caches on the actor's first statement, and on each later
// one the extra CPU of waking a backend that sat idle, relative to the pace the per-type costs
// were measured at.
#include <gtest/gtest.h>

#include <xbt/log.h>
#include <simgrid/s4u.hpp>

#include <cmath>
#include <vector>

#include "engine/SimGridQueryService.h"
#include "model/MetadataDb.h"
#include "support/OneHostEngine.h"
#include "support/SimulatedDb.h"
#include "support/TestSupport.h"

namespace sg4 = simgrid::s4u;
using namespace schedlab;

namespace {

// Every statement costs 100 us of its own; a connection 10 ms to start; a statement after 1 ms
// of idling 200 us and after 1 s 600 us (so 400 us more than at the 1 ms pace), 10 ms: 300 us.
const char* kCalibration = R"({
  "queries": {"default": {"fixed_s": 1e-4}},
  "connections": {"setup_s": 0.01, "idle_s": [0.001, 0.01, 1.0], "statement_cpu_s": [2e-4, 3e-4, 6e-4]}
})";

using Plan = std::vector<std::vector<std::pair<double, int>>>;

// The DB's busy seconds after `plan` ran, then its work by part (statements, wake-ups, starts):
// each entry an actor's statements, as (time to send it, statements in the batch), on cores of
// `coreSpeed` (metadb.core_speed).
std::vector<double> workAfter(const Plan& plan, double clientCost, double coreSpeed = 1,
                              const char* calibration = kCalibration,
                              std::vector<QueryType> types = {QueryType::TiCurrentState}) {
  std::string payload = runIsolated([=] {
    auto* client = test::startOneHostEngine("connections", "clients");
    MetadataDb& db = test::simulatedDb(4, 0, calibration, coreSpeed);
    for (const auto& statements : plan)
      sg4::Actor::create("client", client, [&db, statements, clientCost, types] {
        for (auto [at, n] : statements) {
          sg4::this_actor::sleep_until(at);
          QueryBatch b = db.batch();
          for (QueryType t : types) b.add(t, 0, 0, n);
          db.execute(b, clientCost);
        }
      });
    sg4::Engine::get_instance()->run();
    const DbWork w = db.workByPart();
    return nlohmann::json({db.busySeconds(), w.statements, w.wakeUps, w.connectionStarts}).dump();
  });
  return nlohmann::json::parse(payload).get<std::vector<double>>();
}

double busyAfter(const Plan& plan, double clientCost, double coreSpeed = 1, const char* calibration = kCalibration,
                 std::vector<QueryType> types = {QueryType::TiCurrentState}) {
  return workAfter(plan, clientCost, coreSpeed, calibration, std::move(types))[0];
}

}  // namespace

TEST(ConnectionCost, WakeIsInterpolatedInLogIdleTimeAndNeverFalls) {
  auto model = QueryCostModel::fromJson(nlohmann::json::parse(kCalibration), "test");
  const ConnectionCost& c = model.connectionCost();
  EXPECT_DOUBLE_EQ(c.setupSeconds, 0.01);
  EXPECT_DOUBLE_EQ(c.wake(0.0005), 0);
  EXPECT_DOUBLE_EQ(c.wake(0.001), 0);
  EXPECT_NEAR(c.wake(0.01), 1e-4, 1e-12);
  EXPECT_NEAR(c.wake(0.1), 2.5e-4, 1e-12);  // halfway in log between 10 ms and 1 s
  EXPECT_NEAR(c.wake(60), 4e-4, 1e-12);     // the last point's beyond it
  // A noisy point below an earlier one does not lower the wake at longer idle times.
  auto noisy = QueryCostModel::fromJson(nlohmann::json::parse(R"({"queries": {"default": {"fixed_s": 1e-4}},
    "connections": {"setup_s": 0, "idle_s": [0.001, 0.1, 1.0], "statement_cpu_s": [2e-4, 5e-4, 4e-4]}})"),
                                        "test");
  EXPECT_NEAR(noisy.connectionCost().wake(1.0), 3e-4, 1e-12);
  EXPECT_NEAR(noisy.connectionCost().wake(10.0), 3e-4, 1e-12);
}

TEST(ConnectionCost, MalformedSectionsAreRefusedByName) {
  auto bad = [](const char* connections) {
    try {
      QueryCostModel::fromJson(nlohmann::json::parse(std::string(R"({"queries": {"default": {"fixed_s": 1e-4}},
        "connections": )") + connections + "}"),
                               "cal.json");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(bad(R"({"setup_s": -1})").find("cal.json: connections.setup_s"), std::string::npos);
  EXPECT_NE(bad(R"({"setup_s": 0.01, "start_s": 0.02})").find("cal.json: connections.start_s"), std::string::npos);
  EXPECT_NE(bad(R"({"setup_s": 0.01, "start_s": -1})").find("cal.json: connections.start_s"), std::string::npos);
  EXPECT_NE(bad(R"({"setup_s": 0.01, "cold_statements_s": "3ms"})").find("cal.json: connections.cold_statements_s"),
            std::string::npos);
  EXPECT_NE(bad(R"({"idle_s": [0.001, 1], "statement_cpu_s": [1e-4]})").find("as long as each other"),
            std::string::npos);
  EXPECT_NE(bad(R"({"idle_s": [1, 0.001], "statement_cpu_s": [1e-4, 2e-4]})").find("ascending"), std::string::npos);
  EXPECT_NE(bad(R"({"idle_s": "1s", "statement_cpu_s": []})").find("connections.idle_s"), std::string::npos);
  EXPECT_NE(bad(R"({"wake_factor": {"worker_begin": 2}})").find("cal.json: connections.wake_factor.worker_begin"),
            std::string::npos);
  EXPECT_NE(bad(R"({"wake_factor": {"worker_start": -1}})").find("connections.wake_factor.worker_start"),
            std::string::npos);
  EXPECT_NE(bad(R"({"wake_factor": [2]})").find("connections.wake_factor"), std::string::npos);
}

TEST(ConnectionCost, ABatchAfterIdlingWakesAsManyTimesTheProbeAsItsTypesTake) {
  // worker_start's wake-up measured at 3 times the probe's, worker_finish's at half; the others 1.
  const char* factors = R"({
    "queries": {"default": {"fixed_s": 1e-4}},
    "connections": {"setup_s": 0.01, "idle_s": [0.001, 0.01, 1.0], "statement_cpu_s": [2e-4, 3e-4, 6e-4],
                    "wake_factor": {"worker_start": 3, "worker_finish": 0.5}}
  })";
  auto model = QueryCostModel::fromJson(nlohmann::json::parse(factors), "test");
  EXPECT_EQ(model.connectionCost().wakeFactor[static_cast<size_t>(QueryType::WorkerStart)], 3);
  EXPECT_EQ(model.connectionCost().wakeFactor[static_cast<size_t>(QueryType::TiCurrentState)], 1);
  // Against the same runs without the factors: an actor's start (its first batch) is not scaled;
  // a batch 2 s later wakes at its factor times the probe's 400 us, its later statements (10 ms of
  // client work apart) as the probe's.
  auto extra = [&](const std::vector<std::vector<std::pair<double, int>>>& plan, std::vector<QueryType> types) {
    return busyAfter(plan, 0.01, 1, factors, types) - busyAfter(plan, 0.01, 1, kCalibration, types);
  };
  EXPECT_NEAR(extra({{{0, 2}}}, {QueryType::WorkerStart}), 0, 1e-12);
  EXPECT_NEAR(extra({{{0, 1}, {2, 2}}}, {QueryType::WorkerStart}), 2 * 4e-4, 1e-12);
  EXPECT_NEAR(extra({{{0, 1}, {2, 1}}}, {QueryType::WorkerFinish}), -0.5 * 4e-4, 1e-12);
  // A batch of several types wakes at the largest of their factors.
  EXPECT_NEAR(extra({{{0, 1}, {2, 1}}}, {QueryType::WorkerFinish, QueryType::TiCurrentState}), 0, 1e-12);
  EXPECT_NEAR(extra({{{0, 1}, {2, 1}}}, {QueryType::WorkerFinish, QueryType::WorkerStart}), 2 * 4e-4, 1e-12);
}

TEST(ConnectionCost, EachActorsFirstStatementStartsItsBackend) {
  // Two actors, one statement each: two starts and two statements.
  EXPECT_NEAR(busyAfter({{{0, 1}}, {{0, 1}}}, 0), 2 * (0.01 + 1e-4), 1e-9);
}

TEST(ConnectionCost, AStatementAfterIdlingPaysTheWake) {
  // One actor: a start at 0, then a statement 2 s later (idle beyond the last point: 400 us more;
  // it ends 500 us later), then one 10.1 ms after it was sent: idle 9.6 ms, between the points.
  const double busy = busyAfter({{{0, 1}, {2, 1}, {2.0101, 1}}}, 0);
  const double wake = 1e-4 * std::log(0.0096 / 0.001) / std::log(10.0);
  EXPECT_NEAR(busy, 0.01 + 3 * 1e-4 + 4e-4 + wake, 1e-9);
  // A batch's later statements wake after the client's work between them (10 ms each here): the
  // first statement's idle time counts that work too.
  const double batch = busyAfter({{{0, 1}, {2, 3}}}, 0.01);
  EXPECT_NEAR(batch, 0.01 + 4 * 1e-4 + 4e-4 + 2 * 1e-4, 1e-9);
}

TEST(ConnectionCost, TheWorkIsToldApartByWhatItWasFor) {
  // One actor: its start, then a batch of three after 2 s of idling, 10 ms of client work between
  // them (the first wakes from the idle, the others from that work), as in the test above.
  const std::vector<double> w = workAfter({{{0, 1}, {2, 3}}}, 0.01);
  EXPECT_NEAR(w[1], 4 * 1e-4, 1e-12);           // the statements' own
  EXPECT_NEAR(w[2], 4e-4 + 2 * 1e-4, 1e-12);    // wake-ups
  EXPECT_NEAR(w[3], 0.01, 1e-12);               // the backend's start
  EXPECT_NEAR(w[1] + w[2] + w[3], w[0], 1e-9);  // all of the busy time, and no more
}

// As kCalibration, and a new backend's first statements cost 3 ms more than their per-type costs.
const char* kWithCold = R"({
  "queries": {"default": {"fixed_s": 1e-4}},
  "connections": {"setup_s": 0.01, "cold_statements_s": 0.003, "idle_s": [0.001, 0.01, 1.0],
                  "statement_cpu_s": [2e-4, 3e-4, 6e-4]}
})";

TEST(ConnectionCost, ANewBackendsColdCachesAreChargedOnceAndCountAsItsStatements) {
  EXPECT_DOUBLE_EQ(QueryCostModel::fromJson(nlohmann::json::parse(kWithCold), "t").connectionCost().coldSeconds, 0.003);
  // Two actors: one a start, then a batch of three after 2 s; the other a batch of two at once.
  const Plan plan = {{{0, 1}, {2, 3}}, {{0, 2}}};
  const std::vector<double> without = workAfter(plan, 0.01), with = workAfter(plan, 0.01, 1, kWithCold);
  EXPECT_NEAR(with[0] - without[0], 2 * 0.003, 1e-12);  // once per actor, not per statement or batch
  // A live run counts them in its statements' backend CPU: so do the parts.
  EXPECT_NEAR(with[1] - without[1], 2 * 0.003, 1e-12);
  EXPECT_NEAR(with[2], without[2], 1e-12);
  EXPECT_NEAR(with[3], without[3], 1e-12);
  EXPECT_NEAR(with[1] + with[2] + with[3], with[0], 1e-9);
  // A calibration whose connections cost nothing to start but their cold caches still charges them.
  const char* coldOnly = R"({"queries": {"default": {"fixed_s": 1e-4}},
                             "connections": {"setup_s": 0, "cold_statements_s": 0.003}})";
  EXPECT_NEAR(busyAfter({{{0, 1}}}, 0, 1, coldOnly), 1e-4 + 0.003, 1e-12);
}

// A connection's 10 ms start and end, of which a client waits for 4 ms (calibrate's start_s).
const char* kWithStart =
    R"({"queries": {"default": {"fixed_s": 1e-4}}, "connections": {"setup_s": 0.01, "start_s": 0.004}})";

TEST(ConnectionCost, AClientWaitsForTheStartAndTheEndComesAtTheClose) {
  // One actor, one statement at 0: answered after the start it waits for and the statement.
  const std::string payload = runIsolated([] {
    auto* client = test::startOneHostEngine("connections", "clients");
    MetadataDb& db = test::simulatedDb(4, 0, kWithStart, 1);
    double answered = -1;
    sg4::Actor::create("client", client, [&db, &answered] {
      QueryBatch b = db.batch();
      b.add(QueryType::TiCurrentState, 0, 0, 1);
      db.execute(b, 0);
      answered = sg4::Engine::get_clock();
    });
    sg4::Engine::get_instance()->run();
    const DbWork w = db.workByPart();
    return nlohmann::json({answered, db.busySeconds(), w.connectionStarts, w.connectionEnds}).dump();
  });
  const auto r = nlohmann::json::parse(payload).get<std::vector<double>>();
  EXPECT_NEAR(r[0], 0.004 + 1e-4, 1e-9);  // not the 10 ms of the start and end
  EXPECT_NEAR(r[1], 0.004 + 1e-4, 1e-9);  // the cores served no end during the run
  EXPECT_NEAR(r[2], 0.004, 1e-12);
  EXPECT_NEAR(r[3], 0.006, 1e-12);  // owed until the connection closes
  // Without start_s, the client waits for both, served at its first statement, as before.
  EXPECT_NEAR(busyAfter({{{0, 1}}}, 0), 0.01 + 1e-4, 1e-9);
}

TEST(ConnectionCost, CoresOfHalfTheSpeedSpendTwiceTheTime) {
  // metadb.core_speed divides the statements' and the connections' DB time alike.
  const std::vector<std::vector<std::pair<double, int>>> plan = {{{0, 1}, {2, 3}}, {{0, 2}}};
  const double full = busyAfter(plan, 0.01, 1, kWithCold);
  EXPECT_GT(full, 0.02);
  EXPECT_NEAR(busyAfter(plan, 0.01, 0.5, kWithCold), 2 * full, 1e-9);
}

TEST(ConnectionCost, ACalibrationWithoutTheSectionChargesNothingMore) {
  auto model = QueryCostModel::fromJson(nlohmann::json::parse(R"({"queries": {"default": {"fixed_s": 1e-4}}})"), "t");
  EXPECT_EQ(model.connectionCost().setupSeconds, 0);
  EXPECT_EQ(model.connectionCost().coldSeconds, 0);
  EXPECT_EQ(model.connectionCost().wake(100), 0);
}
