// A fake Runtime for unit tests: a manual clock and actors as coroutines (ucontext), one at a time,
// in time order; no SimGrid, no threads. The test drives it with runUntil(); the model's actors
// sleep, wait on semaphores and compute on it exactly as on the real runtimes.
//
// Simplifications (what the unit tests do not need): compute work takes its core-seconds on a core
// of its own (hosts never share cores), and a cancelled work is noticed at its due time.
#pragma once

#include <ucontext.h>

#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "model/Runtime.h"

namespace schedlab::test {

class FakeRuntime : public Runtime {
 public:
  explicit FakeRuntime(double start = 0);
  ~FakeRuntime() override;
  // Stops every actor still alive: each unwinds from where it waits. Call it before the objects the
  // actors use go away; nothing runs afterwards.
  void stop();
  FakeRuntime(const FakeRuntime&) = delete;
  FakeRuntime& operator=(const FakeRuntime&) = delete;

  double now() const override { return now_; }
  // REQUIRES: called from an actor (as every blocking call below).
  void sleepFor(double seconds) override;
  void sleepUntil(double time) override;
  // The actor is runnable at now(); it first runs in the next runUntil().
  void spawn(const std::string& name, std::function<void()> body) override;
  SemaphorePtr semaphore(unsigned initial) override;
  WorkPtr startCompute(int host, double coreSeconds) override;
  bool wait(const WorkPtr& work) override;
  WaitResult waitUntil(const WorkPtr& work, double deadline) override;
  // Recorded only: fake work takes its core-seconds whatever the speed.
  void setComputeSpeed(int host, double fraction) override { speeds_[host] = fraction; }
  double computeSpeed(int host) const { return speeds_.count(host) ? speeds_.at(host) : 1.0; }
  double computedSeconds(int host) const override;

  // Runs the actors due up to `time` (earliest first, ties in the order they became due), then sets
  // the clock to `time`. Rethrows what an actor threw.
  // REQUIRES: called by the test, not from an actor; time >= now().
  void runUntil(double time);
  // Actors that have not ended, and the names of all ever spawned (in order).
  size_t actorsAlive() const;
  const std::vector<std::string>& spawned() const { return names_; }

  // Internals shared with the semaphore: the running actor blocks until woken.
  struct Actor;
  Actor* current() const { return current_; }
  void block();
  void wake(Actor* actor, double at);

 private:
  struct Due {
    double at;
    uint64_t seq;
    Actor* actor;
    uint64_t token;  // the actor's wake token when scheduled; stale once it changed
    bool operator>(const Due& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  static void enter(unsigned lo, unsigned hi);
  void resume(Actor* actor);

  double now_;
  uint64_t seq_ = 0;
  ucontext_t driver_{};
  // The driver's stack, as AddressSanitizer reports it when an actor is switched in.
  const void* driverBottom_ = nullptr;
  size_t driverSize_ = 0;
  Actor* current_ = nullptr;
  bool stopping_ = false;
  std::exception_ptr failure_;
  std::vector<std::unique_ptr<Actor>> actors_;
  std::vector<std::string> names_;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due_;
  std::map<int, double> computed_;
  std::map<int, double> speeds_;
};

}  // namespace schedlab::test
