// A bound on one figure of a run's results, such as
// "metrics_by_dag.onboarding.task_transition_latency_s.p95<=3s". Scenario SLAs (`slas:`), the
// sweep's capacity search (`--subject-to`) and the report's verdict all speak this one form.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace schedlab {

struct MetricConstraint {
  std::string metric;  // a dotted path inside one variant of results.json, e.g. metrics.db_cpu_utilization
  bool atMost = true;  // metric <= limit; false: metric >= limit
  double limit = 0;    // in the metric's own unit (seconds, a fraction, a count)

  bool satisfiedBy(double value) const { return atMost ? value <= limit : value >= limit; }
  std::string text() const;  // "path<=limit"
  bool operator==(const MetricConstraint&) const = default;
};

// The limit as written: a number, a duration ("3s", "250ms", "2m": seconds) or a percentage
// ("50%": 0.5). nullopt when malformed.
std::optional<double> parseLimit(const std::string& text);

// "path<=value" or "path>=value" (blanks allowed around the operator). Throws
// std::invalid_argument naming what is wrong.
MetricConstraint parseConstraint(const std::string& text);

// Whether a path names a place a metric can be: metrics.X…, metrics_by_dag.DAG.X…,
// metrics_by_instance.INSTANCE.X…. Returns what is wrong, or nullopt.
std::optional<std::string> checkMetricPath(const std::string& path);

// The dot-separated parts of a metric path ("metrics.x.p95" -> metrics, x, p95).
std::vector<std::string> metricPathParts(const std::string& path);

}  // namespace schedlab
