// The resource models the simulator never uses, out of the engine's step loop.
//
// SimGrid 3.32 creates six resource models whatever the platform (host, CPU, network, VM, VM CPU,
// disk) and visits each at every time step: to find the next event, to advance the clock, and two
// or three times to hand out the actions that ended. The simulator's activities all run on the CPU
// model (a compute exec; a semaphore's timeout, which sleeps there); the other five never hold an
// action, and visiting them took a ninth of a run's instructions (a day of bluevine per_dag: 13.59
// billion with them, 11.95 without). They are taken out of the list the engine walks; the engine
// still owns them. Every result is the same: a model without actions has no next event and nothing
// to advance or hand out.
#pragma once

#include <simgrid/s4u/Engine.hpp>

#include <vector>

namespace simgrid::kernel::resource {
class Model;
}

namespace schedlab {

class UnusedModels {
 public:
  // Takes the host, network, VM, VM CPU and disk models out of `engine`'s step loop (with another
  // SimGrid than 3.32, whose loop this was checked against, or with its ptask_L07 host model, whose
  // host model holds every action, it leaves them).
  // REQUIRES: the platform is created (the models exist) and the engine has not run yet.
  explicit UnusedModels(simgrid::s4u::Engine& engine);

  // The models taken out, in the engine's order.
  const std::vector<simgrid::kernel::resource::Model*>& models() const { return models_; }

  // Throws std::logic_error naming a model taken out that holds an action: an activity of a kind
  // the simulator did not use before (a communication, a disk I/O), which would never end.
  void checkIdle() const;

 private:
  std::vector<simgrid::kernel::resource::Model*> models_;
};

}  // namespace schedlab
