// Where a metadata DB's queries are served: the simulator's SimGrid host (round trips and
// client work as delays, DB time as work on the host's cores) or a live PostgreSQL that runs
// the real statements (`schedlab live`).
#pragma once

namespace schedlab {

class QueryBatch;
struct ConnectionCost;

// Core-seconds of a simulated server's work by what it was for.
struct DbWork {
  double statements = 0;        // the cost model's, the statements' own
  double wakeUps = 0;           // connections' wake-ups after idling
  double connectionStarts = 0;  // backends' starts
  // Backends' ends, owed from their connections' start until they close (with their actors, at
  // the run's end): not served on the cores during the run.
  double connectionEnds = 0;
  double serverProcesses = 0;  // the server's own processes (the WAL writer's flushes)
  double otherClients = 0;     // clients other than Airflow's (metadb.other_clients)
};

class QueryService {
 public:
  virtual ~QueryService() = default;
  // Blocks the calling actor for the round trips, the client's own work per statement (the ORM
  // building statements and mapping rows), the wait for a connection and the service. Returns
  // the statements' response time summed: each from when the client sent it to its answer (the
  // round trip, the wait for a core, the service and reads from disk, and on a connection's first
  // its start; not the client's work nor the wait for a pooled connection).
  virtual double serve(const QueryBatch& batch, double clientSecondsPerStatement) = 0;
  // What each connection costs a simulated server beyond its statements (each actor holds one
  // connection per DB, as each Airflow process does); a live server pays its own.
  virtual void chargeConnections(const ConnectionCost& /*cost*/) {}
  // A statement of `cpuSeconds` from a client other than Airflow's, sent now; the caller does not
  // wait for it. A live server serves its real other clients (the harness's) instead: none here.
  // REQUIRES: cpuSeconds >= 0.
  virtual void serveOtherClient(double /*cpuSeconds*/) {}
  // Core-seconds of DB work done since the start.
  virtual double busySeconds() const = 0;
  // The work booked since the start by what it was for (a simulated server: a live one's is
  // measured as the run ends).
  virtual DbWork workByPart() const { return {}; }
  // Whether batches must record what each query is about (the run, the task instances), so the
  // service can send the real statements.
  virtual bool needsSubjects() const { return false; }
};

}  // namespace schedlab
