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
// The JSON value at `path` inside `variant`, whatever its type, or nullptr.
const nlohmann::json* metricNode(const nlohmann::json& variant, const std::string& path);

// Throws ScenarioError at the SLA's line when its metric cannot be a figure of results.json: a
// metric the schema does not know, one that is not kept at that scope (per DAG, per instance),
// or a statistic its shape does not have. Run before simulating, so a typo costs no run.
void checkSlaMetrics(const Scenario& scenario);

// One entry per SLA of the scenario: {name, metric, max|min, value, met}. Throws ScenarioError
// at the SLA's line when its metric is not in the results.
nlohmann::json judgeSlas(const Scenario& scenario, const nlohmann::json& variant);

}  // namespace schedlab
