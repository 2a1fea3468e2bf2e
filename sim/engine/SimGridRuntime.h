// The model's Runtime on SimGrid: virtual time, actors on one host (they sleep and wait there);
// CPU work runs on the DB hosts (SimGridQueryService) and on the worker hosts (compute()).
#pragma once

#include <simgrid/s4u.hpp>

#include <vector>

#include "model/Runtime.h"

namespace schedlab {

class SimGridRuntime final : public Runtime {
 public:
  static constexpr double kCoreSpeed = 1e9;  // flop/s of a worker core: one flop is one nanosecond

  SimGridRuntime(simgrid::s4u::Host* actorsHost, std::vector<simgrid::s4u::Host*> workerHosts)
      : host_(actorsHost), workers_(std::move(workerHosts)) {}
  double now() const override { return simgrid::s4u::Engine::get_clock(); }
  void sleepFor(double seconds) override { simgrid::s4u::this_actor::sleep_for(seconds); }
  void sleepUntil(double time) override { simgrid::s4u::this_actor::sleep_until(time); }
  void spawn(const std::string& name, std::function<void()> body) override;
  SemaphorePtr semaphore(unsigned initial) override;
  void compute(int host, double coreSeconds) override;
  double computedSeconds(int host) const override;

 private:
  simgrid::s4u::Host* host_;
  std::vector<simgrid::s4u::Host*> workers_;
};

}  // namespace schedlab
