// When the events of a trigger stream arrive: a Poisson stream of constant rate, a Poisson stream
// whose rate follows the hour of day (a daily profile, by thinning), bursts of several arrivals at
// once, or a recorded trace of timestamps.
#pragma once

#include <cstdint>
#include <deque>

#include "scenario/Scenario.h"
#include "util/Random.h"

namespace schedlab {

class ArrivalProcess {
 public:
  // `runStart`: the run's start as Unix seconds (the clock the daily profile reads); arrivals
  // stop at the stream's end, or at `horizon` when it sets none.
  ArrivalProcess(const TriggerStream& stream, double runStart, uint64_t seed, double horizon);
  // The next arrival, in simulation seconds, in order; +infinity when there is none left.
  double next();

 private:
  double rateAt(double t) const;  // profile: arrivals per second at simulation time t

  const TriggerStream& stream_;
  double runStart_;
  Rng rng_;
  double at_;
  double end_;
  double maxRate_ = 0;
  std::deque<double> scheduled_;  // bursts and traces: every arrival time, in order
};

}  // namespace schedlab
