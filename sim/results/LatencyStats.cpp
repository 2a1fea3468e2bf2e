#include "results/LatencyStats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace schedlab {

namespace {

// The p-th percentile of n > 0 sorted values, `at(i)` the i-th of them.
template <class At>
double percentileOf(size_t n, double p, const At& at) {
  double pos = p / 100.0 * static_cast<double>(n - 1);
  size_t lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(lo + 1, n - 1);
  double frac = pos - static_cast<double>(lo);
  return at(lo) + (at(hi) - at(lo)) * frac;
}

}  // namespace

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return percentileOf(sorted.size(), p, [&](size_t i) { return sorted[i]; });
}

LatencySummary summarize(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  return summarizeSorted(samples);
}

LatencySummary summarizeSorted(const std::vector<double>& samples) {
  LatencySummary s;
  s.count = samples.size();
  if (samples.empty()) return s;
  s.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
  s.p50 = percentile(samples, 50);
  s.p90 = percentile(samples, 90);
  s.p95 = percentile(samples, 95);
  s.p99 = percentile(samples, 99);
  s.max = samples.back();
  return s;
}

LatencySummary summarize(const CountedSamples& samples) {
  LatencySummary s;
  s.count = samples.size();
  if (samples.empty()) return s;
  // The value at position i of the sorted list.
  auto at = [&](size_t i) {
    size_t seen = 0;
    for (const auto& [value, n] : samples.counts()) {
      seen += static_cast<size_t>(n);
      if (i < seen) return static_cast<double>(value);
    }
    return static_cast<double>(samples.counts().rbegin()->first);
  };
  auto pct = [&](double p) { return percentileOf(s.count, p, at); };
  double sum = 0;
  for (const auto& [value, n] : samples.counts()) sum += static_cast<double>(value) * static_cast<double>(n);
  s.mean = sum / static_cast<double>(s.count);
  s.p50 = pct(50);
  s.p90 = pct(90);
  s.p95 = pct(95);
  s.p99 = pct(99);
  s.max = static_cast<double>(samples.counts().rbegin()->first);
  return s;
}

namespace {

// Rounded to the microsecond so the JSON is stable and readable.
double r(double v) { return std::round(v * 1e6) / 1e6; }

}  // namespace

nlohmann::json cdfJson(const std::vector<double>& samples) {
  nlohmann::json out = nlohmann::json::array();
  if (samples.empty()) return out;
  std::vector<double> levels;
  for (int p = 0; p <= 90; p += 2) levels.push_back(p);
  for (int p = 91; p <= 99; ++p) levels.push_back(p);
  for (double p : {99.5, 99.9, 100.0}) levels.push_back(p);
  for (double p : levels) out.push_back({p, r(percentile(samples, p))});
  return out;
}

nlohmann::json toJson(const LatencySummary& s) {
  return {{"count", s.count}, {"mean", r(s.mean)}, {"p50", r(s.p50)}, {"p90", r(s.p90)},
          {"p95", r(s.p95)},  {"p99", r(s.p99)},   {"max", r(s.max)}};
}

}  // namespace schedlab
