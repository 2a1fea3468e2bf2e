// The metadata DB's cores as one first-come, first-served queue. A core runs one statement at a
// time to its end: a backend answers a statement of well under a millisecond within one slice of
// the OS scheduler's time, so statements that meet wait for each other rather than share the core
// (on PostgreSQL pinned to one core at 53 %, sharing made the simulated queueing about twice the
// live one; serving in turn matched it). They are served in the order they reach the server, as
// PostgreSQL's backends are: a batch's later statements come after those other clients sent
// meanwhile (on a database at 75 % of one core, serving a batch's statements ahead of those sent
// after it began made a task runner's answer 30-40 ms against 4-7 ms live).
//
// A client sends a chain: statements that each arrive a gap after the one before is answered. The
// queue serves the chains' statements in order of arrival, lazily: up to the time it is advanced
// to, which is final there, since every statement sent later arrives later. A client asleep until
// its chain is answered wakes at the earliest time it can be (its rest served without a wait) and
// sleeps again if others' statements came between: once per batch when the cores are free.
#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

namespace schedlab {

class CoreQueue {
 public:
  // A client's chain: `slices` of `sliceSeconds` (a backend's start, run a slice at a time), then
  // `statements`: the first of `firstSeconds`, the others of `seconds`. The first arrives `gap`
  // after the chain is sent, a slice's successor as the slice ends, every other statement `gap`
  // after the one before it is answered. A slice takes a core when one is free, or once it has
  // given way for `sliceGivesWay` to the statements that arrived meanwhile; then it queues as a
  // statement does (Linux runs the backends a client's statement wakes before a process that has
  // used its share). A statement of no time is answered as it arrives, without a core.
  struct Chain {
    int slices = 0;
    double sliceSeconds = 0;
    double sliceGivesWay = 0;
    int statements = 0;
    double firstSeconds = 0, seconds = 0;
    double gap = 0;
  };
  using ChainId = uint32_t;
  // Where a chain stands after advanceTo(now).
  struct Progress {
    bool known = false;  // all of it has arrived: `end` is when it is answered
    double end = 0;      // else the earliest time it can be (its rest served without a wait)
    double atCore = 0;   // the time its statements spent from arrival to answer, summed
  };

  // REQUIRES: cores >= 1.
  explicit CoreQueue(int cores);

  // Sends `chain` at `now`; returns its id (valid until release()).
  // REQUIRES: now >= the time of every earlier call.
  ChainId send(double now, const Chain& chain);
  // Serves every statement that arrives at or before `now`, in order of arrival (among equal
  // arrivals, the chain sent first).
  // REQUIRES: now >= the time of every earlier call.
  void advanceTo(double now);
  // REQUIRES: `id` not released.
  Progress progress(ChainId id) const;
  // Forgets an answered chain.
  void release(ChainId id);
  // Serves `seconds` arriving at `now` for no client (the server's own processes), after every
  // statement that arrived before.
  // REQUIRES: now >= the time of every earlier call.
  void serveAlone(double now, double seconds);
  // Core-seconds of service before `now`, summed over the cores.
  // REQUIRES: now >= the time of every earlier call.
  double busySeconds(double now);

  int cores() const { return static_cast<int>(freeAt_.size()); }

 private:
  struct Sent {
    Chain chain;
    int next = 0;        // slices and statements served
    double t = 0;        // when the one before `next` was answered (the chain's send time first)
    double atCore = 0;   // summed over those served
    uint64_t order = 0;  // chains sent before it
    double due = 0;      // when its next may take a core (a slice may wait past its arrival)
    int total() const { return chain.slices + chain.statements; }
    double seconds(int i) const {
      return i < chain.slices ? chain.sliceSeconds : i == chain.slices ? chain.firstSeconds : chain.seconds;
    }
    double gapBefore(int i) const { return i == 0 || i > chain.slices ? chain.gap : 0; }
    double nextArrival() const { return t + gapBefore(next); }
  };
  struct Due {
    double at;       // its next statement's arrival; a slice's, when it may next take a core
    bool slice;      // after the statements due at the same time
    uint64_t order;  // its chain's, for equal arrivals
    ChainId id;
    bool operator>(const Due& o) const {
      if (at != o.at) return at > o.at;
      if (slice != o.slice) return slice;
      return order > o.order;
    }
  };
  // Serves a statement of `seconds` arriving at `at` on the core free first; returns its end.
  double serveOne(double at, double seconds);

  std::vector<double> freeAt_;  // per core
  double served_ = 0;           // service given, before now or after
  std::vector<Sent> sent_;
  std::vector<ChainId> freeIds_;
  uint64_t sends_ = 0;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;
};

}  // namespace schedlab
