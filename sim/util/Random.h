// Deterministic random numbers that do not depend on the order events happen in.
//
// Each draw is keyed by what it is for (a DAG, a run, a task, a try), so two variants of a
// scenario see the same task durations and the same signups even when their schedulers visit
// tasks in a different order: the comparison measures the change, not the noise. Built on
// splitmix64, whose output is fixed by its definition, so results match across compilers.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace schedlab {

inline uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

inline uint64_t hashString(std::string_view s) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

// A sequential stream for one purpose (an arrival process, a test's query generator).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(splitmix64(seed)) {}
  Rng(uint64_t seed, std::string_view purpose) : Rng(splitmix64(seed) ^ hashString(purpose)) {}
  uint64_t next() { return splitmix64(state_++); }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double exponential(double mean) { return -mean * std::log1p(-uniform()); }
  double normal() {
    // Box-Muller; one of the pair is enough here.
    double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log1p(-u1)) * std::cos(2.0 * M_PI * u2);
  }

 private:
  uint64_t state_;
};

// A keyed stream: the same keys give the same numbers whatever happened before.
inline Rng keyedRng(uint64_t seed, uint64_t a, uint64_t b = 0, uint64_t c = 0, uint64_t d = 0) {
  uint64_t h = splitmix64(seed);
  h = splitmix64(h ^ a);
  h = splitmix64(h ^ (b + 0x51ed27));
  h = splitmix64(h ^ (c + 0x2545F491));
  h = splitmix64(h ^ (d + 0x9E37));
  return Rng(h);
}

}  // namespace schedlab
