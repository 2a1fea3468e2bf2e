#include "engine/SimClock.h"

#include <simgrid/s4u.hpp>

namespace schedlab {

SimClock::SimClock() : now_(simgrid::s4u::Engine::get_clock()) {
  simgrid::s4u::Engine::on_time_advance_cb([this](double) { now_ = simgrid::s4u::Engine::get_clock(); });
}

SimClock& SimClock::instance() {
  static SimClock clock;
  return clock;
}

}  // namespace schedlab
