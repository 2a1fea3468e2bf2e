// How the model numbers its schedulers: instance by instance, each instance's replicas within
// (scheduler = instance * replicas + replica), so with one replica a scheduler's number is its
// instance's. The one place that numbering is computed.
#pragma once

#include <string>

#include "model/Ids.h"
#include "scenario/Scenario.h"

namespace schedlab {

class SchedulerNumbering {
 public:
  explicit SchedulerNumbering(const Scenario& scenario) : scenario_(scenario) {}

  int count() const;
  IdRange<SchedulerId> schedulers() const { return IdRange<SchedulerId>(static_cast<size_t>(count())); }
  int instances() const { return static_cast<int>(scenario_.instances.size()); }
  int replicas() const { return scenario_.scheduler.replicas; }
  // REQUIRES: 0 <= replica < replicas.
  SchedulerId scheduler(InstanceId instance, int replica) const {
    return SchedulerId(instance.value() * replicas() + replica);
  }
  // REQUIRES: scheduler.valid().
  InstanceId instanceOf(SchedulerId scheduler) const { return InstanceId(scheduler.value() / replicas()); }
  int replicaOf(SchedulerId scheduler) const { return scheduler.value() % replicas(); }
  // Its instance's name, with "#k" for the k-th of several replicas ("" for none).
  std::string name(SchedulerId scheduler) const;

 private:
  const Scenario& scenario_;
};

}  // namespace schedlab
