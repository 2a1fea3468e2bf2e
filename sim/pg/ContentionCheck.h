// Checks the simulator's contention model against the live server: N clients (threads, a
// connection each) send a per-task scheduler pass's mix of queries back to back; their mean
// latency is set beside what the model predicts from the single-client measurements. The model
// is the simulator's: round trips cost their single-client time and do not contend (network_rtt),
// the DB's time is served by its cores; for N closed-loop clients that is a closed network of a
// delay and a load-dependent station, solved by mean value analysis (exact for exponential
// service times, whether the cores serve in turn, as the simulator's do, or share).
// A single-client run of the mix comes first and sets the level (the machine's speed drifts;
// the benchmarks give only the split between round trips and DB time). Clients and server share
// this machine's cores, which the model does not see: the gap says how much that matters here.
#pragma once

#include <vector>

#include "pg/BenchDatabase.h"

namespace schedlab {

struct ContentionResult {
  int clients = 0;
  double measuredSeconds = 0;   // mean latency of one query of the mix
  double predictedSeconds = 0;  // the model's
};

// Mean response time of N closed-loop clients, each waiting `think` seconds (uncontended) and
// then `service` seconds of work on a processor-sharing station with `cores` servers.
double predictClosedLoopLatency(int clients, double think, double service, int cores);

// The mix: the 1.10 per-task pass's statements (TriggerRuleDep aggregates, current-state reads,
// the run's TI SELECT, a merge) on history `h`; `singleClientLatency[shape]` and `roundTrip`
// (a SELECT 1) from the benchmarks.
std::vector<ContentionResult> checkContention(BenchDatabase& db, const History& h, const std::vector<int>& clients,
                                              double seconds, const std::map<std::string, double>& singleClientLatency,
                                              double roundTrip, int cores);

}  // namespace schedlab
