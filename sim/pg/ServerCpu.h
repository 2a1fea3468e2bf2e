// Where the database's CPU goes: the CPU time of PostgreSQL's processes, read from /proc on this
// machine (the scheduler's time on a core, in nanoseconds, rather than the 10 ms ticks of
// /proc/PID/stat), and pg_stat_statements' execution and planning times, the parts of a
// statement's cost PostgreSQL itself accounts for.
#pragma once

#include <pqxx/pqxx>

#include <map>
#include <string>

namespace schedlab {

// CPU seconds process `pid` has run so far (/proc/PID/schedstat), or -1 when it is not visible.
double processRunSeconds(int pid);

// CPU seconds (user + system, to the clock tick) of the children process `pid` has waited for,
// 0 when it is not visible: a server's ended backends.
double reapedChildrenSeconds(int pid);

// Waits (at most `limit` seconds) until the server `pid`'s children number no more than `count`:
// its ended backends reaped, their CPU in reapedChildrenSeconds. Returns how many there are.
int awaitServerChildren(int pid, int count, double limit);
// CPU seconds of server `pid` so far: the postmaster and every live child to the nanosecond, plus
// the children it has reaped.
double serverSeconds(int pid);
// How many children process `pid` has now.
int serverChildren(int pid);
// Server `pid`'s own processes alive now (WAL writer, checkpointer, background writer,
// autovacuum launcher and workers, ...: its children told apart by their titles; not the
// postmaster, client backends, parallel or other background workers) and the CPU seconds each has
// run so far, to the nanosecond; none when not visible.
std::map<int, double> serverOwnProcesses(int pid);
// CPU seconds server `pid`'s own processes alive now have run since `then` (serverOwnProcesses at
// an earlier moment): one started since counts from 0; one that ended since (an autovacuum worker)
// is left out, its CPU reaped into the postmaster's.
double serverOwnSecondsSince(int pid, const std::map<int, double>& then);

// The CPU time of the server process behind one connection.
class BackendCpu {
 public:
  explicit BackendCpu(pqxx::connection& c);
  // The backend runs on this machine and its CPU time can be read.
  bool visible() const { return visible_; }
  // REQUIRES: visible().
  double seconds() const;
  int pid() const { return pid_; }

 private:
  int pid_ = 0;
  bool visible_ = false;
};

// What the harness's own statements (the speed probe's) begin with: StatementStats leaves them out.
constexpr const char* kHarnessMark = "/* schedlab harness */ ";

// pg_stat_statements' totals: what the server spent executing and planning the statements sent
// since the last reset().
class StatementStats {
 public:
  // Throws std::runtime_error naming shared_preload_libraries when the server does not load the
  // module, and CREATE EXTENSION when the database lacks it. `server`: how to name the server.
  StatementStats(pqxx::connection& c, const std::string& server);
  void reset();
  struct Totals {
    double execSeconds = 0, planSeconds = 0;
    long long calls = 0;
  };
  // The statements since reset(), this module's own queries left out.
  Totals totals();

 private:
  pqxx::connection& c_;
  std::string schema_;  // where the extension's objects are
};

// Server settings that make a throwaway cluster load pg_stat_statements (planning tracked too).
const char* const kStatementStatsSettings[] = {"shared_preload_libraries=pg_stat_statements",
                                               "pg_stat_statements.track_planning=on"};

}  // namespace schedlab
