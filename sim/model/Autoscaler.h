// How many workers a pool should have, by policy (`executor.pools[].autoscaler.policy`):
//   fixed        its size never changes;
//   cpu_target   AWS target tracking on mean CPU: current × cpu / target, so a pool whose tries
//                mostly wait on I/O looks idle and shrinks while messages are still in flight
//                (the premature scale-in of the Agari case study);
//   queue_depth  the case study's queue-based rule: grow by `step` while messages are visible,
//                shrink to the minimum only once no message is in flight;
//   keda         Airflow's Helm chart rule: ceil((queued + running) / worker_concurrency).
// The executor clamps the answer to min/max, boots new workers and applies the cooldown.
#pragma once

#include <memory>

#include "scenario/Scenario.h"

namespace schedlab {

// What a policy sees of its pool when it is evaluated.
struct PoolLoad {
  int current = 0;      // workers launched and not shutting down (booting or up)
  int visible = 0;      // messages waiting on the queues it serves
  int inFlight = 0;     // messages its workers hold: tries starting or running
  double cpu = 0;       // mean CPU of its up workers over the last period (0-1)
  int concurrency = 1;  // worker_concurrency
};

class Autoscaler {
 public:
  static std::unique_ptr<Autoscaler> make(const AutoscalerConfig& config);
  virtual ~Autoscaler() = default;
  // Workers wanted, before the pool's min/max.
  virtual int desired(const PoolLoad& load) const = 0;
};

}  // namespace schedlab
