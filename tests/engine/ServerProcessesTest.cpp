// A simulated metadata DB charges the server's own processes' work after a write as calibrate
// measured it per query type (queries.<type>.server_processes_s: the WAL writer flushing the
// commits): on a core, after the batch, without the client waiting for it, and told apart as
// the `server_processes` part of the DB's work.
#include <gtest/gtest.h>

#include <simgrid/s4u.hpp>

#include <string>
#include <vector>

#include "engine/SimClock.h"
#include "engine/SimGridQueryService.h"
#include "model/MetadataDb.h"
#include "support/OneHostEngine.h"
#include "support/SimulatedDb.h"
#include "support/TestSupport.h"

namespace sg4 = simgrid::s4u;
using namespace schedlab;

namespace {

// Every statement 100 us; a heartbeat (a write) leaves the WAL writer 50 us of work.
const char* kWalCalibration = R"({
  "queries": {"default": {"fixed_s": 1e-4},
              "scheduler_heartbeat": {"fixed_s": 1e-4, "per_row_scanned_s": 0, "per_row_returned_s": 0,
                                      "per_decade_s": 0, "server_processes_s": 5e-5}}
})";

struct WalOutcome {
  double writerDone, readerDone, busy, serverProcesses, statements;
};

// One core: a writer sends two heartbeats at 0, a reader one ti_current_state at 0.25 ms.
WalOutcome writerThenReader(const char* calibration) {
  const std::string payload = runIsolated([=] {
    auto* client = test::startOneHostEngine("server_processes", "clients");
    MetadataDb& db = test::simulatedDb(1, 0, calibration);
    auto* done = new std::vector<double>(2);
    sg4::Actor::create("writer", client, [&db, done] {
      QueryBatch b = db.batch();
      b.add(QueryType::SchedulerHeartbeat, 1, 1, 2);
      db.execute(b, 0);
      (*done)[0] = SimClock::now();
    });
    sg4::Actor::create("reader", client, [&db, done] {
      sg4::this_actor::sleep_until(2.5e-4);
      QueryBatch b = db.batch();
      b.add(QueryType::TiCurrentState);
      db.execute(b, 0);
      (*done)[1] = SimClock::now();
    });
    sg4::Engine::get_instance()->run();
    const DbWork w = db.workByPart();
    return nlohmann::json({(*done)[0], (*done)[1], db.busySeconds(), w.serverProcesses, w.statements}).dump();
  });
  const auto v = nlohmann::json::parse(payload).get<std::vector<double>>();
  return {v[0], v[1], v[2], v[3], v[4]};
}

}  // namespace

TEST(ServerProcesses, TheWalWritersWorkFollowsTheWritesOnACoreTheClientDoesNotWaitFor) {
  const WalOutcome o = writerThenReader(kWalCalibration);
  EXPECT_NEAR(o.writerDone, 2e-4, 1e-12);       // its two statements, not the flush after them
  EXPECT_NEAR(o.readerDone, 4e-4, 1e-12);       // the flush holds the core 0.2-0.3 ms: the read waits for it
  EXPECT_NEAR(o.serverProcesses, 1e-4, 1e-12);  // two commits' flushes
  EXPECT_NEAR(o.statements, 3e-4, 1e-12);
  EXPECT_NEAR(o.busy, o.statements + o.serverProcesses, 1e-12);
}

TEST(ServerProcesses, ACalibrationWithoutTheFigureChargesNone) {
  const WalOutcome o = writerThenReader(R"({"queries": {"default": {"fixed_s": 1e-4}}})");
  EXPECT_NEAR(o.writerDone, 2e-4, 1e-12);
  EXPECT_NEAR(o.readerDone, 3.5e-4, 1e-12);
  EXPECT_EQ(o.serverProcesses, 0);
  EXPECT_NEAR(o.busy, 3e-4, 1e-12);
}

TEST(ServerProcesses, AMalformedFigureIsNamed) {
  try {
    QueryCostModel::fromJson(
        nlohmann::json::parse(R"({"queries": {"default": {"fixed_s": 1e-4, "server_processes_s": "50us"}}})"),
        "cal.json");
    FAIL() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cal.json: queries.default"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("server_processes_s"), std::string::npos) << e.what();
  }
}
