// A metadata DB served by a SimGrid host: each statement costs the network round trip and the
// client's own work as a delay; the DB time is work on the host's cores, so concurrent queries
// share them (processor sharing); pages read from disk add their latency; with a connection
// pool (metadb.pool_size) a FIFO queue sits in front of it all.
#pragma once

#include <simgrid/s4u.hpp>

#include <vector>

#include "model/QueryService.h"
#include "scenario/Scenario.h"

namespace schedlab {

class SimGridQueryService final : public QueryService {
 public:
  static constexpr double kCoreSpeed = 1e9;  // flop/s: one flop is one nanosecond of a DB core

  SimGridQueryService(simgrid::s4u::Host* host, const MetadbConfig& config);
  void serve(const QueryBatch& batch, double clientSecondsPerStatement) override;
  double busySeconds() const override;

 private:
  simgrid::s4u::Host* host_;
  double rtt_;
  simgrid::s4u::SemaphorePtr pool_;
  // Flops of ended queries and the queries under way (SimGrid's host-load plugin is not used:
  // it does not survive a cancelled exec on a worker host).
  double done_ = 0;
  std::vector<std::pair<simgrid::s4u::ExecPtr, double>> running_;
};

}  // namespace schedlab
