// How the model numbers its schedulers: instance by instance, each instance's replicas within
// (scheduler = instance * replicas + replica), so with one replica a scheduler's number is its
// instance's. The one place that numbering is computed.
#pragma once

#include <string>

#include "scenario/Scenario.h"

namespace schedlab {

class SchedulerNumbering {
 public:
  explicit SchedulerNumbering(const Scenario& scenario) : scenario_(scenario) {}

  int count() const;
  int replicas() const { return scenario_.scheduler.replicas; }
  // REQUIRES: 0 <= instance < instances, 0 <= replica < replicas.
  int scheduler(int instance, int replica) const { return instance * replicas() + replica; }
  int instanceOf(int scheduler) const { return scheduler / replicas(); }
  int replicaOf(int scheduler) const { return scheduler % replicas(); }
  // Its instance's name, with "#k" for the k-th of several replicas ("" for no scheduler, -1).
  std::string name(int scheduler) const;

 private:
  const Scenario& scenario_;
};

}  // namespace schedlab
