// One simulation run of one scenario variant on SimGrid: builds the platform (metadata DB host,
// scheduler hosts, worker hosts), starts the actors, runs to the horizon and gathers Results.
//
// SimGrid allows one engine per process, so run() is meant to be called in a process of its own
// (see Isolated.h); the CLI runs each variant that way.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

#include "scenario/Scenario.h"

namespace schedlab {

struct SimulationOutput {
  nlohmann::json variant;      // {"name", "config", "metrics", "metrics_by_dag", "sim"}
  std::string taskInstancesCsv;  // rows without header, variant column first
  std::string timeseriesCsv;     // rows without header, variant column first
  std::string poolTimeseriesCsv;  // rows without header, variant column first
  std::string scalingCsv;         // rows without header, variant column first

  // As one JSON document, to cross from the process that simulated it.
  nlohmann::json toJson() const;
  static SimulationOutput fromJson(const nlohmann::json& j);
};

struct SimulationOptions {
  bool progress = false;  // a progress line on stderr after the first wall second
};

SimulationOutput runSimulation(const Scenario& scenario, const SimulationOptions& options);

extern const char* const kTaskInstancesCsvHeader;
extern const char* const kTimeseriesCsvHeader;
extern const char* const kPoolTimeseriesCsvHeader;
extern const char* const kScalingCsvHeader;

}  // namespace schedlab
