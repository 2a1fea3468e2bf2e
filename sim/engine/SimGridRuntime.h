// The model's Runtime on SimGrid: virtual time, actors on one host (they sleep and wait there);
// CPU work runs on the compute hosts (compute()): the executor's worker hosts, then the API
// server's instances. (A metadata DB's cores are its query service's: SimGridQueryService.)
#pragma once

#include <simgrid/s4u.hpp>

#include <vector>

#include "engine/SimClock.h"
#include "engine/WakeQueue.h"
#include "model/Runtime.h"

namespace schedlab {

class SimGridRuntime final : public Runtime {
 public:
  static constexpr double kCoreSpeed = 1e9;  // flop/s of a worker core: one flop is one nanosecond

  SimGridRuntime(simgrid::s4u::Host* actorsHost, std::vector<simgrid::s4u::Host*> computeHosts)
      : host_(actorsHost),
        workers_(std::move(computeHosts)),
        done_(workers_.size(), 0),
        running_(workers_.size()),
        abandoned_(workers_.size()) {}
  double now() const override { return SimClock::now(); }
  void sleepFor(double seconds) override { WakeQueue::sleepFor(seconds); }
  void sleepUntil(double time) override { WakeQueue::sleepUntil(time); }
  void spawn(const std::string& name, std::function<void()> body) override;
  SemaphorePtr semaphore(unsigned initial) override;
  void atomically(const std::function<void()>& body) override;
  WorkPtr startCompute(int host, double coreSeconds) override;
  bool wait(const WorkPtr& work) override;
  WaitResult waitUntil(const WorkPtr& work, double deadline) override;
  double computedSeconds(int host) const override;
  void setComputeSpeed(int host, double fraction) override;

 private:
  friend class SimGridWork;
  simgrid::s4u::Host* host_;
  std::vector<simgrid::s4u::Host*> workers_;
  // Work accounted here rather than by the host-load plugin, which does not survive a cancelled
  // exec: per worker host, flops of ended work and the work under way.
  std::vector<double> done_;
  std::vector<std::vector<std::pair<simgrid::s4u::ExecPtr, double>>> running_;
  // Work whose waiter gave up (waitUntil timed out), running on to its end.
  std::vector<std::vector<std::pair<simgrid::s4u::ExecPtr, double>>> abandoned_;
};

}  // namespace schedlab
