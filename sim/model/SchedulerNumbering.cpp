#include "model/SchedulerNumbering.h"

namespace schedlab {

int SchedulerNumbering::count() const { return static_cast<int>(scenario_.instances.size()) * replicas(); }

std::string SchedulerNumbering::name(int scheduler) const {
  if (scheduler < 0) return "";
  const std::string& inst = scenario_.instances[static_cast<size_t>(instanceOf(scheduler))].name;
  return replicas() == 1 ? inst : inst + "#" + std::to_string(replicaOf(scheduler) + 1);
}

}  // namespace schedlab
