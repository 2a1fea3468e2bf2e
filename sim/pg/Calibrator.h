// What `schedlab calibrate` measures on a live PostgreSQL: every query shape of both schema
// layouts at several history sizes (single client, Google Benchmark), the pages each touches and
// the time PostgreSQL takes to plan it (EXPLAIN (ANALYZE, BUFFERS)), table sizes, the cost of a page read from disk
// (throwaway cluster only: the server restarted with its files dropped from the OS page cache), and pgbench's rate for
// a trivial prepared SELECT beside the harness's, to show the harness is not the bottleneck.
#pragma once

#include <nlohmann/json.hpp>

#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "pg/BenchDatabase.h"
#include "pg/ConnectionProbe.h"
#include "pg/ContentionCheck.h"
#include "pg/SpeedProbe.h"

namespace schedlab {

struct CalibrationPlan {
  std::vector<long long> sizes = {10000, 100000, 1000000};  // task instances
  // Schema layouts measured: airflow1.10 and airflow2.5 always (the calibration's base), airflow3.1
  // for its "airflow3" section.
  std::vector<SchemaLayout> layouts = {std::begin(kSchemaLayouts), std::end(kSchemaLayouts)};
  double minTime = 0.5;       // seconds per benchmark
  int rounds = 3;             // passes over every shape and size; each figure is their median
  std::string benchmarkOut;   // Google Benchmark JSON written here when not empty
  double pgbenchSeconds = 2;  // length of each round's pgbench run
  std::vector<int> contentionClients = {2, 4};
  double contentionSeconds = 3;  // per client count
  int dbCores = 0;               // the server's cores for the contention model; 0: this machine's
  // The scheduler-side cost (SQLAlchemy, ClientCost.h): executions per operation and row count,
  // on the 1.10 layout at the middle size; 0: not measured.
  int clientRepeat = 30;
  int apiRequests = 2000, apiRounds = 5;  // the API server's request-cost proxy
  // Seconds each shape and each catalog type's statements run, per layout and size, sent as
  // Airflow sends them (literal arguments, parsed and planned every time; each statement followed
  // by the client's own work, serverCpuPace; serverCpuClients connections at once) while their
  // backends' CPU time is read from /proc. 0: not measured.
  double serverCpuSeconds = 0.5;
  double serverCpuPace = 0.001;
  int serverCpuClients = 4;
  // What a connection costs the server beyond its statements (its backend's start and end, its
  // wake-up after idling), on the 1.10 layout at the largest size, when serverCpuSeconds > 0.
  ConnectionProbePlan connections;
};

struct CalibrationMeasurements {
  std::vector<long long> sizes;
  // Keyed "<layout>/tis:<size>/<shape>", as the benchmarks are named.
  std::map<std::string, double> latency;  // seconds per execution, one client, median of the rounds
  std::map<std::string, double> pages;    // pages touched (shared hit + read), median over DAGs probed
  // Seconds PostgreSQL spends parsing and planning the shape's SQL sent with literal arguments,
  // as psycopg2 sends Airflow's (the prepared benchmarks do not pay it; Airflow does).
  std::map<std::string, double> planning;
  // Where the DB's time goes, per execution of a shape or (keyed "type:<name>", 1.10 layout) of
  // a catalog type's statements, sent as Airflow sends them: the backends' CPU seconds (/proc),
  // and of them what pg_stat_statements counts as execution and as planning (the rest: the
  // protocol, parsing, the transaction, the statement's start and end, a woken backend's cold
  // caches). Empty when the server's processes are not on this machine.
  std::map<std::string, double> serverCpu, serverExec, serverPlan;
  // The server's own processes' CPU seconds per execution meanwhile (keyed as serverCpu; throwaway
  // server only): with commits asynchronous, the WAL writer flushing each write's commit record.
  std::map<std::string, double> serverProcesses;
  // Keyed "<layout>/tis:<size>/<table>".
  std::map<std::string, double> tableRows, tableBytes;
  std::vector<double> coldPageRead;  // seconds per page read from disk, per round
  double pgbenchTps = 0, harnessTps = 0;
  std::vector<ContentionResult> contention;  // at the middle size, 1.10 layout
  long long contentionSize = 0;
  int dbCores = 0;
  std::string server;
  nlohmann::json clientCost;          // measureClientCost's result; null when not measured
  nlohmann::json apiRequestCost;      // measureApiRequestCost's result; measured with the client cost
  ConnectionProbeResult connections;  // setupSeconds < 0: not measured
  // The per-type keys (as serverCpu's) of the units each probed connection sent once: its work's
  // cost at the per-type costs, which its workSeconds on a new backend exceeds.
  std::vector<std::string> connectionWork;
  // The backends' CPU per execution of a catalog type's statements (keyed as serverCpu) sent
  // afterIdleSeconds after the connection's previous statement, as a task runner sends its
  // start after its slot waited: measured with the connections, for the types sent so.
  std::map<std::string, double> serverCpuAfterIdle;
  // Per "<layout>/tis:<size>", the task_instance updates since its history was loaded (mostly the
  // per-type measurements') and of them the heap-only ones (pg_stat_user_tables' HOT updates: no
  // index entry written, as when a statement sets the state a row already has).
  struct UpdateCounts {
    long long updates = 0, heapOnly = 0;
  };
  std::map<std::string, UpdateCounts> taskInstanceUpdates;
  double afterIdleSeconds = 0;
  // The server's speed yardstick (SpeedProbe.h) at the calibration's start and end, CPU seconds a
  // statement; < 0: not measured (a server elsewhere).
  double speedProbeStart = -1, speedProbeEnd = -1;
  // The same sent all through the per-type server-CPU measurements (SpeedProbeThread, its pace):
  // the server's speed while they were taken, which a live run's SpeedProbeThread compares with.
  SpeedProbeThread::Reading speedProbeDuring;
  // And the task-instance yardstick in bursts at their pace (SpeedProbeBursts), as a live run
  // sends it all through its run; throwaway server only.
  SpeedProbeThread::Reading speedProbeBursts;
  // The bursts second by second, the measurements' windows one after another (speedSpread):
  // where the speed moved within the calibration.
  std::vector<SpeedProbeThread::Reading> speedProbeBurstSeconds;
};

std::string measurementKey(SchemaLayout layout, long long size, const std::string& what);

CalibrationMeasurements measureCalibration(BenchDatabase& db, const CalibrationPlan& plan);

}  // namespace schedlab
