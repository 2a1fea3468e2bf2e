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
  s.due = s.nextArrival();
  if (s.total() > 0) due_.push({s.due, chain.slices > 0, s.order, id});
  return id;
}

void CoreQueue::advanceTo(double now) {
  while (!due_.empty() && due_.top().at <= now) {
    Due d = due_.top();
    due_.pop();
    Sent& s = sent_[d.id];
    while (true) {    // the chain's statements in turn while none of another's arrives first
      if (d.slice) {  // on a busy core it gives way, within its bound
        const double ready = s.nextArrival(), free = *std::min_element(freeAt_.begin(), freeAt_.end());
        const double latest = ready + s.chain.sliceGivesWay;
        if (free > d.at && d.at < latest) {
          d.at = s.due = std::min(free, latest);
          due_.push(d);
          break;
        }
      }
      const double arrived = s.nextArrival(), seconds = s.seconds(s.next);
      const double end = seconds > 0 ? serveOne(d.at, seconds) : d.at;
      s.atCore += end - arrived;
      s.t = end;
      if (++s.next == s.total()) break;
      d.at = s.due = s.nextArrival();
      d.slice = s.next < s.chain.slices;
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
  // The rest served without a wait from when the next may take a core: their gaps and service
  // summed, padded by the rounding of as many sums (served, they are added one by one).
  const Chain& c = s.chain;
  const int left = s.total() - s.next;
  double rest = s.seconds(s.next);
  if (s.next + 1 < c.slices) rest += (c.slices - s.next - 1) * c.sliceSeconds;
  if (s.next < c.slices && c.statements > 0) rest += c.firstSeconds;  // after the last slice
  const int others = s.next <= c.slices ? c.statements - 1 : left - 1;
  if (others > 0) rest += others * (c.gap + c.seconds);
  const double end = s.due + rest;
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
