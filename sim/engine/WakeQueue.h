// Where the simulator's actors sleep. A SimGrid sleep is an action of the CPU model (a solver
// variable on its host, an entry in the model's heap); here a sleeping actor is suspended and this
// queue resumes it, with one kernel timer armed at the earliest wake-up so that SimGrid's clock
// stops there. A sleep costs about a fifth less wall time so (a week of bluevine per_dag: 15.9 s
// on SimGrid's sleeps, 12.6 s here), and the simulator's actors mostly sleep.
//
// Sleepers wake as SimGrid's own sleeps would, to the last bit of the clock: due at now +
// max(duration, surf/precision), woken with every sleeper due within surf/precision of the clock,
// in the order SimGrid's action heap pops them (by due time; among equal ones, sleeps begun in an
// earlier round of the engine first, and within a round the later begun first: the CPU model hands
// a round's new sleeps to its heap last-in first). One difference remains: an activity of SimGrid's
// own (a compute exec, a timeout) that ends in the same round is handed out after the sleepers,
// where SimGrid's heap may order it among them; every shipped scenario's results are the same
// either way.
//
// One queue per process: SimGrid runs one engine per process (see Isolated.h).
#pragma once

#include <simgrid/s4u.hpp>

#include <cstdint>
#include <vector>

namespace simgrid::kernel::timer {
class Timer;
}

namespace schedlab {

class WakeQueue {
 public:
  // The calling actor sleeps for `seconds`; it returns at once if `seconds` is not above zero.
  // REQUIRES: called from an actor of the running engine.
  static void sleepFor(double seconds);
  // The calling actor sleeps until `time`; it returns at once if `time` is not after now.
  // REQUIRES: called from an actor of the running engine.
  static void sleepUntil(double time);

 private:
  struct Sleeper {
    double at;
    uint64_t round;  // the engine's time advances seen when it began
    uint64_t order;  // when it began, counted
    simgrid::s4u::Actor* actor;
    // Whether this one wakes after `o`.
    bool after(const Sleeper& o) const {
      if (at != o.at) return at > o.at;
      if (round != o.round) return round > o.round;
      return order < o.order;
    }
  };
  WakeQueue();
  static WakeQueue& instance();
  void add(double seconds);
  void wakeDue();  // runs in the kernel (maestro)
  void arm();

  std::vector<Sleeper> heap_;  // a binary heap, the next to wake on top
  uint64_t rounds_ = 0, begun_ = 0;
  double precision_;
  simgrid::kernel::timer::Timer* timer_ = nullptr;
  double timerAt_ = 0;
};

}  // namespace schedlab
