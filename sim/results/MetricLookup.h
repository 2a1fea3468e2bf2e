// Reads one figure out of a variant of results.json by its dotted path, and judges a scenario's
// SLAs on it. The check gate, the sweep and the report use the same lookup.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "scenario/Scenario.h"

namespace schedlab {

// The number at `path` (e.g. "metrics.task_transition_latency_s.p95") inside `variant`, or
// nullopt when there is none. A latency summary with no samples has no value.
std::optional<double> metricValue(const nlohmann::json& variant, const std::string& path);

// One entry per SLA of the scenario: {name, metric, max|min, value, met}. Throws ScenarioError
// at the SLA's line when its metric is not in the results.
nlohmann::json judgeSlas(const Scenario& scenario, const nlohmann::json& variant);

}  // namespace schedlab
