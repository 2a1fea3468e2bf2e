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

// Where a throwaway cluster and this process run: when every variant gives its DB fewer cores
// (metadb.cores) than this machine has, the DB on CPUs 0 … cores-1 and schedlab's own threads on
// the rest, so the live DB has exactly the cores the simulated one has. Empty: anywhere.
struct LiveCpus {
  std::string db, self;              // taskset's lists, e.g. "0" and "1"
  int selfFirst = 0, selfLast = -1;  // self's CPUs, first to last
};
LiveCpus liveCpus(const std::vector<Scenario>& variants);
// The same for a DB of `dbCores` cores: empty when that is not fewer than this machine's.
LiveCpus liveCpus(int dbCores);
// Pins this process's threads, and those it starts later, to `cpus.self`. Throws
// std::runtime_error when the system refuses.
void pinThisProcess(const LiveCpus& cpus);

// Runs `sc` for `duration` seconds (its horizon is ignored). With run.loops_csv the loops' rows
// go to `loopsPath` (RunResult::loopsFile). Its tables are in schemas of its own, named by
// `variantIndex` and the variant (`<prefix>_live_<index>_<variant>_<db>`).
RunResult runLive(const Scenario& sc, BenchDatabase& db, double duration, const std::string& loopsPath = "",
                  int variantIndex = 0);

}  // namespace schedlab
