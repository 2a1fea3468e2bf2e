// The subcommands of `schedlab`. Each takes the arguments after its name and returns the exit
// code; bad input is thrown (BadInput, ScenarioError) and turned into exit code 2 by main.
#pragma once

#include <string>
#include <vector>

namespace schedlab::cli {

using Args = std::vector<std::string>;

int cmdRun(const Args& args);        // simulate a scenario's variants into a results directory
int cmdValidate(const Args& args);   // check a scenario file only
int cmdCheck(const Args& args);      // the CI gate: results vs a baseline
int cmdReport(const Args& args);     // HTML + Markdown report of results directories
int cmdSweep(const Args& args);      // a parameter grid, in parallel, with capacity search
int cmdMerge(const Args& args);      // join the shards of a sweep
int cmdCalibrate(const Args& args);  // measure query costs on a live PostgreSQL into a calibration file
int cmdLive(const Args& args);       // run a scenario's model for real against a live PostgreSQL
int cmdImport(const Args& args);     // a scenario and observed figures from a real Airflow deployment
int cmdSchema(const Args& args);     // the result names, units and directions

}  // namespace schedlab::cli
