#include "model/ArrivalProcess.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace schedlab {

ArrivalProcess::ArrivalProcess(const TriggerStream& stream, double runStart, uint64_t seed, double horizon)
    : stream_(stream),
      runStart_(runStart),
      rng_(seed, "trigger:" + stream.name),
      at_(stream.start),
      end_(stream.end < 0 ? horizon : stream.end) {
  if (stream.kind == TriggerStream::Kind::Profile)
    maxRate_ = *std::max_element(stream.hourlyRates.begin(), stream.hourlyRates.end());
  if (stream.kind == TriggerStream::Kind::Burst) {
    std::vector<double> times = stream.burstTimes;
    if (stream.burstEvery > 0)
      for (double t = stream.start; t < end_; t += stream.burstEvery) times.push_back(t);
    std::sort(times.begin(), times.end());
    for (double t : times)
      for (int k = 0; k < stream.burstCount; ++k) scheduled_.push_back(t);
  }
  if (stream.kind == TriggerStream::Kind::Trace) {
    std::vector<double> times = stream.traceTimes;
    std::sort(times.begin(), times.end());
    scheduled_.assign(times.begin(), times.end());
  }
}

double ArrivalProcess::rateAt(double t) const {
  double secondOfDay = std::fmod(runStart_ + t, 86400.0);
  if (secondOfDay < 0) secondOfDay += 86400.0;
  return stream_.hourlyRates[static_cast<size_t>(secondOfDay / 3600.0) % 24];
}

double ArrivalProcess::next() {
  constexpr double kNever = std::numeric_limits<double>::infinity();
  const double end = end_;
  switch (stream_.kind) {
    case TriggerStream::Kind::Poisson:
      if (stream_.ratePerSecond <= 0) return kNever;
      at_ += rng_.exponential(1.0 / stream_.ratePerSecond);
      return at_ < end ? at_ : kNever;
    case TriggerStream::Kind::Profile:
      // Thinning: candidates at the profile's peak rate, each kept with probability rate/peak.
      if (maxRate_ <= 0) return kNever;
      while (true) {
        at_ += rng_.exponential(1.0 / maxRate_);
        if (at_ >= end) return kNever;
        if (rng_.uniform() * maxRate_ < rateAt(at_)) return at_;
      }
    case TriggerStream::Kind::Burst:
    case TriggerStream::Kind::Trace:
      while (!scheduled_.empty() && scheduled_.front() < stream_.start) scheduled_.pop_front();
      if (scheduled_.empty() || scheduled_.front() >= end) return kNever;
      at_ = scheduled_.front();
      scheduled_.pop_front();
      return at_;
  }
  return kNever;
}

}  // namespace schedlab
