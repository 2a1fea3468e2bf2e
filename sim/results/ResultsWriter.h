// Writes a run's outputs into its results directory: results.json, task_instances.csv and
// timeseries.csv. Each file is written to a temporary name first and renamed into place only
// when all of them are complete, so a failed run never leaves a half-written result.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "engine/Simulation.h"

namespace schedlab {

extern const char* const kSchedlabVersion;

nlohmann::json resultsJson(const std::string& scenario, uint64_t seed, const std::vector<SimulationOutput>& runs);
void writeResults(const std::string& dir, const nlohmann::json& results, const std::vector<SimulationOutput>& runs);
// Writes `content` to `path` through a temporary file and a rename.
void writeFileAtomically(const std::string& path, const std::string& content);

}  // namespace schedlab
