// The resolved configuration of a scenario variant as JSON (results.json "config"): every field
// with the value the simulation used, defaults included; durations in seconds.
#pragma once

#include <nlohmann/json.hpp>

#include "scenario/Scenario.h"

namespace schedlab {

nlohmann::json toJson(const Scenario& s);

}  // namespace schedlab
