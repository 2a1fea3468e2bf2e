// What `schedlab run` and `schedlab live` share: loading a scenario with its calibration checked,
// whose summary is results/Summary.h.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "cli/CommandLine.h"
#include "scenario/ScenarioLoader.h"

namespace schedlab::cli {

// The scenario a run-like command names: its file, --set overrides, --seed N (as run.seed) and
// --variant selections.
LoadRequest scenarioRequest(const ParsedCommand& parsed);

// Loads the scenario and checks each variant's calibration file, so bad input fails before any
// run starts.
std::vector<Scenario> loadChecked(const LoadRequest& req);

}  // namespace schedlab::cli
