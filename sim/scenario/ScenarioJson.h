// The resolved configuration of a scenario variant as JSON (results.json "config"): the canonical
// Scenario, every field with the value the simulation used, defaults included; durations in
// seconds. scenarioFromJson reads it back: scenarioFromJson(toJson(s)) == s for every loaded
// scenario, except where it was read from (Scenario::sourcePath, Sla::line and column).
#pragma once

#include <nlohmann/json.hpp>

#include "scenario/Scenario.h"

namespace schedlab {

nlohmann::json toJson(const Scenario& s);

// Throws std::invalid_argument naming the field when `config` is not such a configuration.
Scenario scenarioFromJson(const nlohmann::json& config);

// The names the JSON form (and the scenario file) gives to the model's enumerations.
const char* operatorKindName(OperatorKind k);
const char* triggerKindName(TriggerStream::Kind k);
const char* autoscalerPolicyName(AutoscalerConfig::Policy p);

}  // namespace schedlab
