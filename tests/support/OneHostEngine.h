// A SimGrid engine for a test's actors, started in the process runIsolated() forked for the test:
// one host of 1 Gflop/s, SimGrid's log quiet. Never destroyed: SimGrid runs one engine per process
// and the child ends with the test's answer (see engine/Isolated.h).
#pragma once

#include <xbt/log.h>
#include <simgrid/s4u.hpp>

#include <string>
#include <vector>

#include "engine/EngineArguments.h"

namespace schedlab::test {

// Returns the host; run with simgrid::s4u::Engine::get_instance()->run().
// REQUIRES: no engine in this process yet.
inline simgrid::s4u::Host* startOneHostEngine(const std::string& program, const std::string& host,
                                              const std::vector<std::string>& options = {}) {
  xbt_log_control_set("root.thres:critical");
  static EngineArguments args(program, options);  // SimGrid keeps argv
  new simgrid::s4u::Engine(args.argc(), args.argv());
  auto* zone = simgrid::s4u::create_full_zone("world");
  auto* h = zone->create_host(host, 1e9)->seal();
  zone->seal();
  return h;
}

}  // namespace schedlab::test
