// A simulated statement's response time runs from when the client sends it to its answer: the
// round trip, the wait for a core and the service. The DB counts it per query type
// (`db_queries_by_type.*.response_seconds`), which is how a live run's measured statement times
// are set beside the model's.
#include <gtest/gtest.h>

#include <xbt/log.h>
#include <simgrid/s4u.hpp>

#include "engine/SimGridQueryService.h"
#include "model/MetadataDb.h"
#include "support/OneHostEngine.h"
#include "support/SimulatedDb.h"
#include "support/TestSupport.h"

namespace sg4 = simgrid::s4u;
using namespace schedlab;

namespace {

// trigger_rule_dep 10 ms of a core, ti_current_state 20 ms; no connection costs.
const char* kResponseCosts = R"({"queries": {"default": {"fixed_s": 0.02}, "trigger_rule_dep": {"fixed_s": 0.01}}})";

struct Sent {
  double at;
  int triggerRules, states;
};

// Per type {count, db_seconds, response_seconds} after each actor sent its batches, on one core
// with a round trip of 1 ms and no client work.
nlohmann::json byTypeAfter(const std::vector<std::vector<Sent>>& plan) {
  std::string payload = runIsolated([=] {
    auto* client = test::startOneHostEngine("response", "clients");
    MetadataDb& db = test::simulatedDb(1, 0.001, kResponseCosts);
    db.startMeasuring();
    for (const auto& batches : plan)
      sg4::Actor::create("client", client, [&db, batches] {
        for (const Sent& s : batches) {
          sg4::this_actor::sleep_until(s.at);
          QueryBatch b = db.batch();
          if (s.triggerRules > 0) b.add(QueryType::TriggerRuleDep, 0, 0, s.triggerRules);
          if (s.states > 0) b.add(QueryType::TiCurrentState, 0, 0, s.states);
          db.execute(b, 0);
        }
      });
    sg4::Engine::get_instance()->run();
    nlohmann::json out;
    for (size_t i : {static_cast<size_t>(QueryType::TriggerRuleDep), static_cast<size_t>(QueryType::TiCurrentState)})
      out[std::string(kQueries[i].name)] = {{"count", db.countByType()[i]},
                                            {"db_seconds", db.secondsByType()[i]},
                                            {"response_seconds", db.responseSecondsByType()[i]}};
    return out.dump();
  });
  return nlohmann::json::parse(payload);
}

}  // namespace

TEST(ResponseTime, AStatementThatWaitsForTheCoreCountsItsWait) {
  // Two clients send a 10 ms statement at once: the first is answered after 1 + 10 ms, the
  // second waits 10 ms for the core.
  auto t = byTypeAfter({{{0, 1, 0}}, {{0, 1, 0}}})["trigger_rule_dep"];
  EXPECT_EQ(t["count"], 2);
  EXPECT_NEAR(t["db_seconds"].get<double>(), 0.020, 1e-12);
  EXPECT_NEAR(t["response_seconds"].get<double>(), 0.011 + 0.021, 1e-12);
}

TEST(ResponseTime, AStatementAloneTakesItsRoundTripAndItsService) {
  // Sent far apart, nothing waits: the response is the service plus the round trip.
  auto t = byTypeAfter({{{0, 1, 0}}, {{1, 1, 0}}})["trigger_rule_dep"];
  EXPECT_NEAR(t["response_seconds"].get<double>(), 2 * 0.011, 1e-12);
}

TEST(ResponseTime, ABatchGivesEachTypeItsServiceAndAnEqualShareOfTheRest) {
  // A first client's 20 ms state check holds the core from 1 ms to 21 ms. A second client's
  // batch, sent at the same instant: two trigger-rule statements (10 ms) and a state check
  // (20 ms), their 40 ms spread evenly. Its first statement waits until 21 ms, the other two
  // follow without waiting: each answered its round trip and its service after it was sent, the
  // first 20 ms later.
  auto out = byTypeAfter({{{0, 0, 1}}, {{0, 2, 1}}});
  const double each = 0.040 / 3;
  const double batch = (0.021 + each) + 2 * (each + 0.001);
  const double shared = (batch - 0.040) / 3;  // the wait and the round trips, per statement
  const auto& rule = out["trigger_rule_dep"];
  const auto& state = out["ti_current_state"];
  EXPECT_NEAR(rule["response_seconds"].get<double>(), 0.020 + 2 * shared, 1e-12);
  EXPECT_NEAR(state["response_seconds"].get<double>(), 0.021 + 0.020 + shared, 1e-12);
  EXPECT_NEAR(rule["response_seconds"].get<double>() + state["response_seconds"].get<double>(), 0.021 + batch, 1e-12);
}
