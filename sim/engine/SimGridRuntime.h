// The model's Runtime on SimGrid: virtual time, actors on one host (they only sleep and wait;
// every CPU the model accounts for runs on the DB hosts, see SimGridQueryService).
#pragma once

#include <simgrid/s4u.hpp>

#include "model/Runtime.h"

namespace schedlab {

class SimGridRuntime final : public Runtime {
 public:
  explicit SimGridRuntime(simgrid::s4u::Host* actorsHost) : host_(actorsHost) {}
  double now() const override { return simgrid::s4u::Engine::get_clock(); }
  void sleepFor(double seconds) override { simgrid::s4u::this_actor::sleep_for(seconds); }
  void sleepUntil(double time) override { simgrid::s4u::this_actor::sleep_until(time); }
  void spawn(const std::string& name, std::function<void()> body) override;
  SemaphorePtr semaphore(unsigned initial) override;

 private:
  simgrid::s4u::Host* host_;
};

}  // namespace schedlab
