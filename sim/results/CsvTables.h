// The CSV writers of a set of runs: task_instances.csv, timeseries.csv, pool_timeseries.csv and
// scaling.csv, each a header and one row per record, the variant first.
#pragma once

#include <string>
#include <vector>

#include "results/RunResult.h"

namespace schedlab {

std::string taskInstancesCsv(const std::vector<RunResult>& runs);
std::string timeseriesCsv(const std::vector<RunResult>& runs);
std::string poolTimeseriesCsv(const std::vector<RunResult>& runs);
std::string scalingCsv(const std::vector<RunResult>& runs);

}  // namespace schedlab
