// A metadata DB served by a SimGrid host: each statement costs the network round trip and the
// client's own work as a delay; the DB time is work on the host's cores, so concurrent queries
// share them (processor sharing); pages read from disk add their latency; with a connection
// pool (metadb.pool_size) a FIFO queue sits in front of it all. Each actor holds a connection of
// its own: its first statement pays the backend's start, and a statement after the connection
// idled pays the backend's wake-up (ConnectionCost), as DB work.
#pragma once

#include <simgrid/s4u.hpp>

#include <unordered_map>
#include <vector>

#include "model/QueryCostModel.h"
#include "model/QueryService.h"
#include "scenario/Scenario.h"

namespace schedlab {

class SimGridQueryService final : public QueryService {
 public:
  static constexpr double kCoreSpeed = 1e9;  // flop/s: one flop is one nanosecond of a DB core

  SimGridQueryService(simgrid::s4u::Host* host, const MetadbConfig& config);
  void serve(const QueryBatch& batch, double clientSecondsPerStatement) override;
  void chargeConnections(const ConnectionCost& cost) override;
  double busySeconds() const override;

 private:
  // The calling actor's connection costs for a batch of `statements`, `perStatement` apart.
  double connectionSeconds(double perStatement, int statements);

  simgrid::s4u::Host* host_;
  double rtt_;
  simgrid::s4u::SemaphorePtr pool_;
  // Flops of ended queries and the queries under way (SimGrid's host-load plugin is not used:
  // it does not survive a cancelled exec on a worker host).
  double done_ = 0;
  std::vector<std::pair<simgrid::s4u::ExecPtr, double>> running_;
  ConnectionCost connections_;
  bool chargesConnections_ = false;
  std::unordered_map<aid_t, double> lastStatementEnd_;  // per actor (its connection)
};

}  // namespace schedlab
