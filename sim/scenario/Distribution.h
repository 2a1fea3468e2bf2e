// A task-duration distribution from the scenario: constant, exponential, lognormal, uniform or
// an empirical list of observed durations (sampled uniformly).
#pragma once

#include <string>
#include <vector>

#include "util/Random.h"

namespace schedlab {

struct Distribution {
  enum class Kind { Constant, Exponential, Lognormal, Uniform, Empirical };
  Kind kind = Kind::Constant;
  double a = 0;                // constant: value; exponential: mean; lognormal: median; uniform: min
  double b = 0;                // lognormal: sigma of the log; uniform: max
  std::vector<double> values;  // empirical

  static Distribution constant(double v) { return {Kind::Constant, v, 0, {}}; }
  double sample(Rng& rng) const;
  double mean() const;
  std::string describe() const;
  bool operator==(const Distribution&) const = default;
};

}  // namespace schedlab
