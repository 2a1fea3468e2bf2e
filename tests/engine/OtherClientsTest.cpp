// A simulated metadata DB serves the statements of clients other than Airflow's
// (metadb.other_clients: monitoring, an exporter, a live run's harness) in turn with Airflow's:
// they hold a core, the statements that arrive meanwhile wait for them, and their time is the
// `other_clients` part of the DB's work.
#include <gtest/gtest.h>

#include <simgrid/s4u.hpp>

#include <string>
#include <vector>

#include "engine/SimClock.h"
#include "model/MetadataDb.h"
#include "support/OneHostEngine.h"
#include "support/SimulatedDb.h"
#include "support/TestSupport.h"

namespace sg4 = simgrid::s4u;
using namespace schedlab;
using namespace schedlab::test;

TEST(OtherClients, TheirStatementHoldsTheCoreAndAirflowsWaitsForIt) {
  const std::string payload = runIsolated([] {
    auto* client = startOneHostEngine("other_clients", "clients");
    MetadataDb& db = simulatedDb(1, 0, R"({"queries": {"default": {"fixed_s": 1e-4}}})");
    auto* done = new double(-1);
    sg4::Actor::create("monitoring", client, [&db] { db.serveOtherClient(1e-3); });
    sg4::Actor::create("reader", client, [&db, done] {
      sg4::this_actor::sleep_until(2.5e-4);
      QueryBatch b = db.batch();
      b.add(QueryType::TiCurrentState);
      db.execute(b, 0);
      *done = SimClock::now();
    });
    sg4::Engine::get_instance()->run();
    const DbWork w = db.workByPart();
    return nlohmann::json({*done, db.busySeconds(), w.otherClients, w.statements}).dump();
  });
  const auto v = nlohmann::json::parse(payload).get<std::vector<double>>();
  EXPECT_NEAR(v[0], 1.1e-3, 1e-12);  // sent at 0.25 ms, served after the other client's 1 ms
  EXPECT_NEAR(v[1], 1.1e-3, 1e-12);
  EXPECT_NEAR(v[2], 1e-3, 1e-12);
  EXPECT_NEAR(v[3], 1e-4, 1e-12);
}

TEST(OtherClients, AScenariosClientsSendAStatementEveryIntervalAndSlowAirflowsDown) {
  const std::string yaml = R"(
run: {horizon: 10m, seed: 1}
scheduler: {model: airflow2, client_cost_per_query: 1ms}
metadb: {cores: 1}
executor: {workers: 1, worker_concurrency: 8}
dags: [{name: etl, count: 20, schedule: 1m, tasks: [{shape: chain, count: 4, duration: 5s}]}]
variants:
  - name: alone
  - name: beside
    metadb: {other_clients: [{every: 100ms, cpu: 40ms}, {every: 10s, cpu: 0.5s}]}
)";
  const auto out = tempDir() / "other-clients";
  const auto r = runCli("run " + writeScenario(yaml) + " --quiet --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  const auto results = nlohmann::json::parse(readFile(out / "results.json"));
  const auto& alone = results["variants"][0]["metrics"];
  const auto& beside = results["variants"][1]["metrics"];
  EXPECT_FALSE(alone["db_cpu_seconds_by_part"].contains("other_clients"));
  // 6,000 statements of 40 ms and 60 of 0.5 s in the 10 minutes: 270 core-seconds.
  EXPECT_NEAR(beside["db_cpu_seconds_by_part"]["other_clients"].get<double>(), 270, 1e-6);
  EXPECT_GT(beside["db_cpu_utilization"].get<double>(), alone["db_cpu_utilization"].get<double>() + 0.44);
  // Airflow's statements wait behind theirs: the loop takes longer.
  EXPECT_GT(beside["scheduler_loop_duration_s"]["mean"].get<double>(),
            1.2 * alone["scheduler_loop_duration_s"]["mean"].get<double>());
  EXPECT_EQ(results["variants"][1]["config"]["metadb"]["other_clients"].size(), 2u);
  EXPECT_FALSE(results["variants"][0]["config"]["metadb"].contains("other_clients"));
}
