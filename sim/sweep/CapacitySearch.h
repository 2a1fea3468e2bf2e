// Capacity search: the smallest integer in [lo, hi] at which every constraint holds, by
// bisection. It assumes more of the resource never hurts (the constraints hold from some value
// on); each probe is a callback so that the caller decides how a value is run.
#pragma once

#include <functional>
#include <optional>

namespace schedlab {

struct CapacityResult {
  std::optional<long long> minimum;  // nullopt: not even hi meets the constraints
  int probes = 0;
};

CapacityResult findMinimum(long long lo, long long hi, const std::function<bool(long long)>& meets);

}  // namespace schedlab
