#include "model/TriggerHub.h"

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

double TriggerHub::waitForArrival(int stream, double started, double pokeInterval, double timeout) {
  Stream& s = streams_[stream];
  if (!s.pending.empty()) {  // the first poke, at start, finds it
    double a = s.pending.front();
    s.pending.pop_front();
    return a;
  }
  Waiter w{started, pokeInterval, rt_.semaphore(0)};
  s.waiting.push_back(&w);
  if (w.wake->acquireTimeout(timeout)) {  // true: timed out
    s.waiting.remove(&w);
    return -1;
  }
  rt_.sleepUntil(w.wakeAt);
  return w.arrival;
}

}  // namespace schedlab
