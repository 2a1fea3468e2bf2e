// A simulated metadata DB serves statements in the order they reach it, as PostgreSQL's backends
// do: one client's batch does not hold the cores ahead of statements other clients send while it
// runs, and a backend's start gives way to them.
#include <gtest/gtest.h>

#include <xbt/log.h>
#include <simgrid/s4u.hpp>

#include <memory>
#include <vector>

#include "engine/SimClock.h"
#include "engine/SimGridQueryService.h"
#include "model/MetadataDb.h"
#include "support/OneHostEngine.h"
#include "support/TestSupport.h"

namespace sg4 = simgrid::s4u;
using namespace schedlab;

namespace {

struct PlannedBatch {
  double at;             // when the client starts it
  int statements;        // of trigger_rule_dep, 1 ms of a core each
  double clientSeconds;  // the client's work before each statement
};
using ServingPlan = std::vector<std::vector<PlannedBatch>>;  // per client

const char* kOneMsStatements = R"({"queries": {"default": {"fixed_s": 0.001}}})";

// Each batch's end and summed response, client by client, batch by batch, on `cores` cores with
// a round trip of `rtt`.
std::vector<std::vector<std::pair<double, double>>> servedBatches(const ServingPlan& plan, int cores, double rtt,
                                                                  const char* calibration = kOneMsStatements) {
  std::string payload = runIsolated([=] {
    auto* host = test::startOneHostEngine("serving-order", "clients");
    MetadbConfig cfg;
    cfg.cores = cores;
    cfg.networkRtt = rtt;
    auto model = QueryCostModel::fromJson(nlohmann::json::parse(calibration), "test");
    auto service = std::make_unique<SimGridQueryService>(cfg);
    QueryService* server = service.get();
    auto* db = new MetadataDb(cfg, model, cfg.initialRows, std::move(service));  // (for its batches and costs)
    auto* ends = new std::vector<std::vector<std::pair<double, double>>>(plan.size());
    for (size_t c = 0; c < plan.size(); ++c)
      sg4::Actor::create("client", host, [db, server, ends, c, batches = plan[c]] {
        for (const PlannedBatch& b : batches) {
          sg4::this_actor::sleep_until(b.at);
          QueryBatch q = db->batch();
          q.add(QueryType::TriggerRuleDep, 0, 0, b.statements);
          const double response = server->serve(q, b.clientSeconds);
          (*ends)[c].emplace_back(SimClock::now(), response);
        }
      });
    sg4::Engine::get_instance()->run();
    return nlohmann::json(*ends).dump();
  });
  return nlohmann::json::parse(payload).get<std::vector<std::vector<std::pair<double, double>>>>();
}

}  // namespace

TEST(ServingOrder, AStatementSentDuringAnotherClientsBatchIsServedBeforeItsLaterStatements) {
  // One core. Client A: 3 statements of 1 ms, 0.5 ms of client work before each: the first is
  // served over [0.5, 1.5) ms, the second sent at 2. Client B's one statement, sent at 1.2, waits
  // for A's first and is served over [1.5, 2.5): A's second waits for it, [2.5, 3.5), and A's
  // third, sent at 4, ends at 5. (Had A's batch held the core ahead, B's statement would have
  // filled the gaps between A's, ending at 3.5.)
  const auto r = servedBatches({{{0, 3, 0.0005}}, {{0.0012, 1, 0}}}, 1, 0);
  EXPECT_NEAR(r[1][0].first, 0.0025, 1e-12);
  EXPECT_NEAR(r[1][0].second, 0.0013, 1e-12);
  EXPECT_NEAR(r[0][0].first, 0.005, 1e-12);
  EXPECT_NEAR(r[0][0].second, 0.001 + 0.0015 + 0.001, 1e-12);
}

TEST(ServingOrder, ALongBatchDoesNotHoldTheCoreAheadOfOthers) {
  // A scheduler's loop of 100 statements with 0.2 ms of client work between them keeps one
  // core 83 % busy; a task runner's one statement sent in the middle waits at most for the
  // statement being served (1 ms), not for the loop's remaining ones.
  const auto r = servedBatches({{{0, 100, 0.0002}}, {{0.05, 1, 0}}}, 1, 0);
  EXPECT_LE(r[1][0].second, 0.002 + 1e-12);
  EXPECT_GE(r[1][0].second, 0.001 - 1e-12);
  // The loop is delayed by the runner's 1 ms at most (and at least by part of it).
  EXPECT_GT(r[0][0].first, 100 * 0.0012);
  EXPECT_LE(r[0][0].first, 100 * 0.0012 + 0.001 + 1e-12);
}

TEST(ServingOrder, ABackendsStartGivesWayToOtherStatements) {
  // Starts of 10 ms. Client B connects at 0 (its start and statement end at 11 ms). Client A
  // connects at 20 ms: its start runs in 1 ms slices over [20, 30) ms, and B's statement sent at
  // 22.5 ms waits only for the slice under way; A's next slice gives way to it.
  const char* calibration = R"({"queries": {"default": {"fixed_s": 0.001}}, "connections": {"setup_s": 0.01}})";
  const auto r = servedBatches({{{0.02, 1, 0}}, {{0, 1, 0}, {0.0225, 1, 0}}}, 1, 0, calibration);
  EXPECT_NEAR(r[1][0].first, 0.011, 1e-12);
  EXPECT_NEAR(r[1][1].second, 0.024 - 0.0225, 1e-12);
  // A: its start's 10 ms and its statement's 1 ms, with B's 1 ms among them.
  EXPECT_NEAR(r[0][0].first, 0.032, 1e-12);
}
