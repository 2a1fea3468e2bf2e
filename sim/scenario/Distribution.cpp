#include "scenario/Distribution.h"

#include <cmath>
#include <numeric>

#include "scenario/Duration.h"

namespace schedlab {

double Distribution::sample(Rng& rng) const {
  switch (kind) {
    case Kind::Constant:
      return a;
    case Kind::Exponential:
      return rng.exponential(a);
    case Kind::Lognormal:
      return a * std::exp(b * rng.normal());
    case Kind::Uniform:
      return a + (b - a) * rng.uniform();
    case Kind::Empirical:
      return values[static_cast<size_t>(rng.uniform() * static_cast<double>(values.size()))];
  }
  return a;
}

double Distribution::mean() const {
  switch (kind) {
    case Kind::Constant:
    case Kind::Exponential:
      return a;
    case Kind::Lognormal:
      return a * std::exp(b * b / 2);
    case Kind::Uniform:
      return (a + b) / 2;
    case Kind::Empirical:
      return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  }
  return a;
}

std::string Distribution::describe() const {
  switch (kind) {
    case Kind::Constant:
      return formatDuration(a);
    case Kind::Exponential:
      return "exponential(mean " + formatDuration(a) + ")";
    case Kind::Lognormal:
      return "lognormal(median " + formatDuration(a) + ", sigma " + std::to_string(b) + ")";
    case Kind::Uniform:
      return "uniform(" + formatDuration(a) + ".." + formatDuration(b) + ")";
    case Kind::Empirical:
      return "empirical(" + std::to_string(values.size()) + " values)";
  }
  return "";
}

}  // namespace schedlab
