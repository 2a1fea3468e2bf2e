#include "model/SchedulerNumbering.h"

namespace schedlab {

int SchedulerNumbering::count() const { return static_cast<int>(scenario_.instances.size()) * replicas(); }

std::string SchedulerNumbering::name(SchedulerId scheduler) const {
  if (!scheduler.valid()) return "";
  const std::string& inst = scenario_.instances[instanceOf(scheduler).index()].name;
  return replicas() == 1 ? inst : inst + "#" + std::to_string(replicaOf(scheduler) + 1);
}

}  // namespace schedlab
