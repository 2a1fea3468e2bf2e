#include "model/TriggerHub.h"

#include <algorithm>
#include <cmath>

namespace schedlab {

int TriggerHub::streamIndex(const std::string& name) const {
  for (size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return static_cast<int>(i);
  return -1;
}

bool TriggerHub::arrive(int stream, double now) {
  Stream& s = streams_[stream];
  Waiter* best = nullptr;
  double bestPoke = INFINITY;
  for (Waiter* w : s.waiting) {
    double next = w->started + std::ceil((now - w->started) / w->pokeInterval - 1e-12) * w->pokeInterval;
    if (next < bestPoke) {
      bestPoke = next;
      best = w;
    }
  }
  if (!best) {
    s.pending.push_back(now);
    return false;
  }
  s.waiting.remove(best);
  best->arrival = now;
  best->wakeAt = bestPoke;
  best->wake->release();
  return true;
}

double TriggerHub::takePending(int stream) {
  Stream& s = streams_[stream];
  if (s.pending.empty()) return -1;
  double a = s.pending.front();
  s.pending.pop_front();
  return a;
}

double TriggerHub::waitForArrival(int stream, double started, double pokeInterval, double timeout,
                                  Heartbeat* heartbeat) {
  Stream& s = streams_[stream];
  if (!s.pending.empty()) {  // the first poke, at start, finds it
    double a = s.pending.front();
    s.pending.pop_front();
    return a;
  }
  Waiter w{started, pokeInterval, rt_.semaphore(0)};
  s.waiting.push_back(&w);
  if (!heartbeat) {
    if (w.wake->acquireTimeout(timeout)) {  // true: timed out
      s.waiting.remove(&w);
      return -1;
    }
  } else {
    const double end = rt_.now() + timeout;
    // An arrival handed over while a beat was under way is seen before the next wait.
    while (w.arrival < 0) {
      const double until = std::min(end, heartbeat->nextAt());
      if (until > rt_.now() && !w.wake->acquireTimeout(until - rt_.now())) break;  // woken
      if (w.arrival >= 0) break;
      if (until >= end) {
        s.waiting.remove(&w);
        return -1;
      }
      if (!heartbeat->beat()) {
        if (w.arrival >= 0)
          arrive(stream, w.arrival);  // handed over during the call: another sensor's, or pending
        else
          s.waiting.remove(&w);
        return kStopped;
      }
    }
    // Handed over during a beat that outlasted the timeout: the task had timed out by then.
    if (w.arrival > end) {
      arrive(stream, w.arrival);
      return -1;
    }
  }
  rt_.sleepUntil(w.wakeAt);
  return w.arrival;
}

}  // namespace schedlab
