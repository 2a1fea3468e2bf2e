// Summary of a sample of latencies (seconds): count, mean and the percentiles reports show.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <vector>

namespace schedlab {

struct LatencySummary {
  size_t count = 0;
  double mean = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, max = 0;
};

// Sorts samples ascending, as std::sort does (a radix sort on their bits for long series: a week's
// run summarizes millions of samples; one spare copy of them for up to 4 Mi). REQUIRES: no NaN.
void sortSamples(std::vector<double>& samples);

// Percentiles by linear interpolation between order statistics (numpy's default, "type 7").
LatencySummary summarize(std::vector<double> samples);
LatencySummary summarizeSorted(const std::vector<double>& sorted);
double percentile(const std::vector<double>& sorted, double p);
nlohmann::json toJson(const LatencySummary& s);

// Whole-number samples (query counts) kept as how often each value occurred: a long run records
// one per DAG file per pass, a few distinct values millions of times.
class CountedSamples {
 public:
  void add(long long value) {
    ++counts_[value];
    ++size_;
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Occurrences per value, in ascending order of value.
  const std::map<long long, long long>& counts() const { return counts_; }

 private:
  std::map<long long, long long> counts_;
  size_t size_ = 0;
};

// The summary summarize() gives for the same values listed one by one, to the last bit (their sum
// is exact in a double while it stays below 2^53).
LatencySummary summarize(const CountedSamples& samples);

// The empirical distribution of sorted samples as [[percentile, seconds], ...] at fixed levels,
// finer in the tail (0, 2, ..., 90, 91, ..., 99, 99.5, 99.9, 100): enough for a report to draw the
// CDF without the per-try rows.
nlohmann::json cdfJson(const std::vector<double>& sorted);

}  // namespace schedlab
