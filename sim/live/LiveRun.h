// `schedlab live`'s run of one scenario variant against a live PostgreSQL: Airflow 1.10's tables
// in a fresh schema per metadata DB (with the scenario's initial history, its DAGs, the default
// pool and the scheduler's job), the model's actors on threads in wall-clock time (LiveRuntime)
// sending the catalog's real statements (LiveQueryService), for `duration` seconds. Results have
// the simulator's format; what the database itself reports replaces what the model assumed: DB
// time per query type, CPU (throwaway cluster only), buffer cache hits and table sizes.
#pragma once

#include <string>
#include <vector>

#include "pg/BenchDatabase.h"
#include "results/RunResult.h"
#include "scenario/Scenario.h"

namespace schedlab {

// Why a scenario variant cannot run live; empty when it can.
std::vector<std::string> liveUnsupported(const Scenario& sc);

// Server settings a throwaway cluster needs for this scenario (connections for every actor).
std::vector<std::string> liveClusterSettings(const Scenario& sc);

// Runs `sc` for `duration` seconds (its horizon is ignored). With run.loops_csv the loops' rows
// go to `loopsPath` (RunResult::loopsFile).
RunResult runLive(const Scenario& sc, BenchDatabase& db, double duration, const std::string& loopsPath = "");

}  // namespace schedlab
