#include "engine/UnusedModels.h"

#include <simgrid/version.h>
#include <simgrid/kernel/resource/Model.hpp>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <string_view>

namespace schedlab {

namespace {

using simgrid::kernel::resource::Model;

// The models 3.32 names so: the default host model (it hands every exec to the CPU model), a
// network model, the VMs' two, the disks'. A CPU model ("Cpu_Cas01", "Cpu_TI") stays.
bool unused(const Model& m) {
  const std::string name = m.get_name();
  constexpr std::array<std::string_view, 4> kPrefixes = {"Network_", "VM_", "VmCpu_", "Disk"};
  return name == "Host_CLM03" ||
         std::any_of(kPrefixes.begin(), kPrefixes.end(), [&](std::string_view p) { return name.starts_with(p); });
}

// host/model:ptask_L07 (SCHEDLAB_SIMGRID_CFG can set it) solves every action, a CPU's too, in its
// host model: nothing is taken out then.
bool parallelTasks(const std::vector<Model*>& models) {
  return std::any_of(models.begin(), models.end(), [](const Model* m) { return m->get_name().ends_with("_Ptask"); });
}

bool holdsAction(Model& m) {
  return !m.get_inited_action_set()->empty() || !m.get_started_action_set()->empty() ||
         !m.get_failed_action_set()->empty() || !m.get_finished_action_set()->empty();
}

}  // namespace

UnusedModels::UnusedModels(simgrid::s4u::Engine& engine) {
#if SIMGRID_VERSION_MAJOR == 3 && SIMGRID_VERSION_MINOR == 32
  // The engine walks the vector get_all_models() returns (EngineImpl::models_, a member of a
  // non-const object: changing it through the reference is defined); the models stay owned by it.
  auto& all = const_cast<std::vector<Model*>&>(engine.get_all_models());
  if (parallelTasks(all)) return;
  std::vector<Model*> kept;
  for (Model* m : all) (unused(*m) ? models_ : kept).push_back(m);
  all = std::move(kept);
#else
  (void)engine;
#endif
}

void UnusedModels::checkIdle() const {
  for (Model* m : models_)
    if (holdsAction(*m))
      throw std::logic_error("SimGrid model " + m->get_name() +
                             " holds an action, but it is out of the engine's step loop (UnusedModels)");
}

}  // namespace schedlab
