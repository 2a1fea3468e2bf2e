// The results directory of a set of runs: results.json (the results document), task_instances.csv,
// timeseries.csv, pool_timeseries.csv and scaling.csv. Each file is written to a temporary name
// first and renamed into place only when all of them are complete, so a failed run never leaves a
// half-written result.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "results/RunResult.h"

namespace schedlab {

extern const char* const kSchedlabVersion;

// A variant's entry of results.json: name, description, config, metrics, metrics_by_dag,
// metrics_by_instance, metrics_by_pool, sample_runs and sim.
nlohmann::json variantJson(const RunResult& run);
// The results document: {schedlab_version, scenario, seed, variants}.
nlohmann::json resultsJson(const std::string& scenario, uint64_t seed, const std::vector<RunResult>& runs);
// REQUIRES: `results` is resultsJson of `runs` (with whatever the command added).
void writeResults(const std::string& dir, const nlohmann::json& results, const std::vector<RunResult>& runs);
// Writes `content` to `path` through a temporary file and a rename.
void writeFileAtomically(const std::string& path, const std::string& content);

}  // namespace schedlab
