// The CSV writers of a set of runs: task_instances.csv, timeseries.csv, pool_timeseries.csv and
// scaling.csv, each a header and one row per record, the variant first.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "results/RunResult.h"

namespace schedlab {

std::string taskInstancesCsv(const std::vector<RunResult>& runs);
// loops.csv to `out`: the header, then each run's rows copied from its loopsFile.
void writeLoopsCsv(std::ostream& out, const std::vector<RunResult>& runs);
// task_instances.csv to `out`: each run's rows from memory, or copied from its triesFile.
// Throws std::runtime_error when a tries file cannot be read.
void writeTaskInstancesCsv(std::ostream& out, const std::vector<RunResult>& runs);
// One row of task_instances.csv, with its newline.
std::string taskInstanceCsvRow(const std::string& variant, const TaskTryRow& row);
std::string timeseriesCsv(const std::vector<RunResult>& runs);
std::string poolTimeseriesCsv(const std::vector<RunResult>& runs);
// airflow3's API server, every sample interval (rows only for airflow3 variants).
std::string apiTimeseriesCsv(const std::vector<RunResult>& runs);
std::string scalingCsv(const std::vector<RunResult>& runs);

}  // namespace schedlab
