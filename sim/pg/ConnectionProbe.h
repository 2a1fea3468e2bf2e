// What a client connection costs PostgreSQL beyond its statements: starting and ending its backend
// (measured as the CPU of the postmaster's children it has reaped, so the backend's whole life
// counts, less its statements' backend CPU), its statements' CPU on the new backend, and waking it
// after the connection sat idle (a probe statement's backend CPU at several idle times: the longer
// the backend slept, the less of its memory is still in the CPU's caches).
#pragma once

#include <functional>
#include <vector>

#include "pg/BenchDatabase.h"

namespace schedlab {

struct ConnectionProbePlan {
  int connections = 100;  // opened, used once and closed, one after another
  // What connection i sends before it closes (empty: SELECT 1): a task runner's statements, so
  // that its backend builds the caches and touches the buffers a live one's does.
  std::function<void(pqxx::connection&, int i)> work;
  // The idle times a probe statement is sent after (ascending; the first is the pace the per-type
  // costs are measured at), the connections that send it at once, and how long each is measured.
  std::vector<double> idleSeconds = {0.001, 0.01, 0.1, 1.0};
  std::vector<int> clients = {4, 4, 16, 32};
  double seconds = 2;  // per idle time, at least two idle periods
  // Connections sending the probe statement, each after a pause of busyPace, all through the starts
  // measured, as a DB-bound live run's hundreds of connections keep its core busy beside its
  // connections' starts. Measured alternately (the readers paused every other start; PostgreSQL
  // 15 on one core here): a start beside 24 readers at 2 ms cost 1.36-1.39x one beside none,
  // beside 4 at 1 ms 1.16-1.18x, and beside the DB-bound live run 1.26-1.46x (the run paused every
  // other start). 0: measured on an idle server.
  int busyClients = 24;
  double busyPace = 0.002;
};

struct ConnectionProbeResult {
  // Per connection: its backend's start and end (the postmaster's and its reaped children's CPU
  // less workSeconds; < 0: the server's processes are not on this machine), and its work's backend
  // CPU counted as a live run counts its statements' (from after connecting to the last answer).
  double setupSeconds = -1;
  // Of it, what the client waits for: the backend's CPU up to its first answer (the connect's
  // own statements included) and the postmaster's while it forked it. The rest is the end, at
  // the close. < 0: not measured.
  double startSeconds = -1;
  // Of startSeconds, the backend's own CPU up to its first answer (the postmaster's fork left
  // out), as a live run measures its connections' (sim.connection_start_backend_cpu_s).
  double startBackendSeconds = -1;
  double workSeconds = 0;
  // The connections reading meanwhile (ConnectionProbePlan::busyClients that ran) and their pause.
  int busyClients = 0;
  double busyPace = 0;
  std::vector<double> idleSeconds, statementSeconds;
};

// REQUIRES: `h` loaded in `layout`. Empty figures when the server's processes cannot be read.
ConnectionProbeResult probeConnections(BenchDatabase& db, SchemaLayout layout, const History& h,
                                       const ConnectionProbePlan& plan);

}  // namespace schedlab
