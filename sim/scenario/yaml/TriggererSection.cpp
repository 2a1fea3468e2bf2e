#include "scenario/yaml/Sections.h"

namespace schedlab::yaml {

void readTriggererSection(const Context& ctx, Fields& top, Scenario& s) {
  if (!top.has("triggerer")) return;
  if (s.scheduler.model == SchedulerModel::Airflow1)
    ctx.fail(top.raw("triggerer"), "triggerer", "Airflow 2.2 brought the triggerer (the scheduler model is airflow1)");
  Fields f(ctx, top.raw("triggerer"), "triggerer");
  TriggererConfig& t = s.triggerer;
  t.deployed = true;
  t.instances = f.integer("instances", t.instances, 1, 1024);
  t.capacity = f.integer("capacity", t.capacity, 1, 1000000);  // [triggerer] capacity
  t.jobHeartbeatSec = f.duration("job_heartbeat_sec", t.jobHeartbeatSec, 1e-3);
  t.healthCheckThreshold = f.duration("triggerer_health_check_threshold", t.healthCheckThreshold, 1e-3);
  t.pricePerHostHour = f.number("price_per_host_hour", t.pricePerHostHour, 0);
  f.finish();
}

}  // namespace schedlab::yaml
