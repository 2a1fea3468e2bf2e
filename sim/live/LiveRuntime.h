// The model's Runtime in wall-clock time: each actor is a thread, and one lock lets a single
// actor run model code at a time, as SimGrid does. An actor gives the lock up while it sleeps,
// waits on a semaphore or talks to the database (outside()), so the same model code decides the
// same way on both runtimes, only with real time and a real database in between.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "model/Runtime.h"

namespace schedlab {

class LiveRuntime final : public Runtime {
 public:
  LiveRuntime();
  ~LiveRuntime() override;
  LiveRuntime(const LiveRuntime&) = delete;
  LiveRuntime& operator=(const LiveRuntime&) = delete;

  double now() const override;
  void sleepFor(double seconds) override;
  void sleepUntil(double time) override;
  // Actors spawned before run() start when it does.
  void spawn(const std::string& name, std::function<void()> body) override;
  SemaphorePtr semaphore(unsigned initial) override;
  // Worker hosts are not real here: a try's CPU work is a sleep of its length, counted as
  // computed.
  WorkPtr startCompute(int host, double coreSeconds) override;
  bool wait(const WorkPtr& work) override;
  WaitResult waitUntil(const WorkPtr& work, double deadline) override;
  void setComputeSpeed(int host, double fraction) override;
  double computedSeconds(int host) const override;

  // Unix time (UTC) of time 0: when run() started the clock. REQUIRES: run() has started.
  double wallClockAtZero() const { return wallStart_; }

  // Runs `work` without the lock: a blocking call to the outside world. Call from an actor.
  void outside(const std::function<void()>& work);

  // Starts the clock, lets the actors run for `seconds`, then stops every actor at its next
  // sleep, wait or database call and joins them. Rethrows the first error an actor threw.
  void run(double seconds);

 private:
  class LiveSemaphore;
  friend class LiveSemaphore;
  // Thrown out of blocking calls once the run is over; the actor's thread ends quietly.
  struct Stopped {};
  std::unique_lock<std::mutex>& actorLock() const;
  void wakeAll();

  mutable std::mutex lock_;  // held by the actor running model code
  std::condition_variable stopped_;
  std::vector<std::weak_ptr<LiveSemaphore>> semaphores_;
  std::vector<std::thread> threads_;
  std::chrono::steady_clock::time_point start_;
  double wallStart_ = 0;
  bool started_ = false, stopping_ = false;
  std::string error_;
  std::vector<double> computed_;
};

}  // namespace schedlab
