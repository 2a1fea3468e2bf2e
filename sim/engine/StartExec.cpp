#include "engine/StartExec.h"

#include <simgrid/simix.hpp>

namespace schedlab {

simgrid::s4u::ExecPtr startExec(simgrid::s4u::Host* host, double flops) {
  // Inside the simcall this code runs as the maestro, so the setters below take SimGrid's direct
  // path instead of each yielding to it.
  return simgrid::kernel::actor::simcall_answered([host, flops] {
    simgrid::s4u::ExecPtr exec = simgrid::s4u::Exec::init();
    exec->set_flops_amount(flops)->set_host(host)->start();
    return exec;
  });
}

}  // namespace schedlab
