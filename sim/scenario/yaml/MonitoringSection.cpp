#include "scenario/yaml/Sections.h"

namespace schedlab::yaml {

// `monitoring: {alert_poll_interval, alert_threshold}`: the heartbeat alert.
void readMonitoringSection(const Context& ctx, Fields& top, Scenario& s) {
  const YAML::Node node = top.raw("monitoring");
  if (!node.IsDefined() || node.IsNull()) return;
  Fields f(ctx, node, "monitoring");
  MonitoringConfig& m = s.monitoring;
  m.enabled = f.boolean("enabled", true);
  m.alertPollInterval = f.duration("alert_poll_interval", m.alertPollInterval, 1e-3);
  m.alertThreshold = f.duration("alert_threshold", m.alertThreshold, 1e-3);
  f.finish();
}

}  // namespace schedlab::yaml
