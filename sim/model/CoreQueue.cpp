#include "model/CoreQueue.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace schedlab {

CoreQueue::CoreQueue(int cores) : freeAt_(static_cast<size_t>(std::max(1, cores)), 0.0) {}

CoreQueue::ChainId CoreQueue::send(double now, const Chain& chain) {
  ChainId id;
  if (freeIds_.empty()) {
    id = static_cast<ChainId>(sent_.size());
    sent_.emplace_back();
  } else {
    id = freeIds_.back();
    freeIds_.pop_back();
  }
  Sent& s = sent_[id];
  s = {chain, 0, now, 0, sends_++};
  if (s.total() > 0) due_.push({s.nextArrival(), s.order, id});
  return id;
}

void CoreQueue::advanceTo(double now) {
  while (!due_.empty() && due_.top().at <= now) {
    Due d = due_.top();
    due_.pop();
    Sent& s = sent_[d.id];
    while (true) {  // the chain's statements in turn while none of another's arrives first
      const double seconds = s.seconds(s.next);
      const double end = seconds > 0 ? serveOne(d.at, seconds) : d.at;
      s.atCore += end - d.at;
      s.t = end;
      if (++s.next == s.total()) break;
      d.at = s.nextArrival();
      if (d.at > now || (!due_.empty() && !(due_.top() > d))) {
        due_.push(d);
        break;
      }
    }
  }
}

double CoreQueue::serveOne(double at, double seconds) {
  const auto core = std::min_element(freeAt_.begin(), freeAt_.end());
  *core = std::max(at, *core) + seconds;
  served_ += seconds;
  return *core;
}

CoreQueue::Progress CoreQueue::progress(ChainId id) const {
  const Sent& s = sent_[id];
  if (s.next == s.total()) return {true, s.t, s.atCore};
  // The rest served without a wait: its gaps and service summed, padded by the rounding of as
  // many sums (served, they are added one by one).
  const Chain& c = s.chain;
  const int left = s.total() - s.next;
  const double end = s.t + left * c.gap + (s.next == 0 ? c.firstSeconds + (left - 1) * c.seconds : left * c.seconds);
  return {false, end + 4.0 * (left + 1) * std::numeric_limits<double>::epsilon() * std::abs(end), s.atCore};
}

void CoreQueue::release(ChainId id) { freeIds_.push_back(id); }

void CoreQueue::serveAlone(double now, double seconds) {
  advanceTo(now);
  if (seconds > 0) serveOne(now, seconds);
}

double CoreQueue::busySeconds(double now) {
  advanceTo(now);
  // What a core serves after `now` runs without a break to its free time: every statement in it
  // arrived by now, and each starts as it arrives or as the one before it ends.
  double after = 0;
  for (double free : freeAt_) after += std::max(0.0, free - now);
  return served_ - after;
}

}  // namespace schedlab
