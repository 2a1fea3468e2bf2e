#include "results/LatencyStats.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <utility>

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

// A double's bits as an unsigned key in the same order: negatives' bits all flipped, the others'
// sign bit set. -0.0 is given +0.0's key (they compare equal).
uint64_t orderKey(double v) {
  if (v == 0) v = 0;
  const uint64_t b = std::bit_cast<uint64_t>(v);
  return (b >> 63) ? ~b : b | (uint64_t{1} << 63);
}

}  // namespace

void sortSamples(std::vector<double>& samples) {
  // Below 16 Ki samples std::sort is as fast; above 4 Mi the radix sort's spare copy (32 MiB and
  // more) would raise a long run's peak memory, taken when its samples are summarized.
  constexpr size_t kRadixFrom = size_t{1} << 14, kRadixUpTo = size_t{1} << 22;
  if (samples.size() < kRadixFrom || samples.size() > kRadixUpTo) {
    std::sort(samples.begin(), samples.end());
    return;
  }
  // Least significant 16 bits of the keys first, four passes, the samples themselves moved (one
  // spare copy); a pass whose digit is the same in every key (the exponent's, often) is skipped.
  const auto digit = [](double v, int d) { return (orderKey(v) >> (16 * d)) & 0xffff; };
  std::vector<std::array<size_t, 1 << 16>> counts(4);
  for (auto& c : counts) c.fill(0);
  for (double v : samples)
    for (int d = 0; d < 4; ++d) ++counts[d][digit(v, d)];
  std::vector<double> spare(samples.size());
  for (int d = 0; d < 4; ++d) {
    auto& c = counts[d];
    if (c[digit(samples[0], d)] == samples.size()) continue;
    size_t at = 0;
    for (size_t& n : c) at += std::exchange(n, at);
    for (double v : samples) spare[c[digit(v, d)]++] = v;
    samples.swap(spare);
  }
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return percentileOf(sorted.size(), p, [&](size_t i) { return sorted[i]; });
}

LatencySummary summarize(std::vector<double> samples) {
  sortSamples(samples);
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
