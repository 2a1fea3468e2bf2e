// Starting CPU work on a host from an actor, in one simcall.
#pragma once

#include <simgrid/s4u.hpp>

namespace schedlab {

// Starts `flops` of work on `host` and returns it running. One simcall, where creating the exec,
// setting its amount and its host and starting it one by one make three: each is a round trip to
// SimGrid's maestro, and the simulator issues one per query batch and per try's CPU work.
// REQUIRES: called from an actor.
simgrid::s4u::ExecPtr startExec(simgrid::s4u::Host* host, double flops);

}  // namespace schedlab
