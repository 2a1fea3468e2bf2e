// A metadata DB served by a live PostgreSQL: each actor thread has its own connection (as each
// Airflow process has) and sends the catalog's statements (LiveStatements) with the run's real ids
// and states written in as literals, as psycopg2 sends Airflow's, so the server parses and plans
// each one as it does for Airflow. The client's own work per statement
// (scheduler.client_cost_per_query) is spent as a sleep beside them, as the simulator does; the
// network round trip and the DB time are real.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "live/LiveRuntime.h"
#include "model/Ids.h"
#include "model/QueryCatalog.h"
#include "model/QueryService.h"
#include "pg/LiveStatements.h"
#include "scenario/Scenario.h"

namespace schedlab {

class WorkflowState;
struct QueryEntry;

class LiveQueryService final : public QueryService {
 public:
  // `conninfo` and `schema`: where the tables are. `serverPid`: the postmaster's pid when the
  // server runs on this machine (its backends' CPU is read per statement), else 0;
  // `countsServer`: its processes' CPU time is this DB's busy time (one of the DBs a server
  // holds counts it). `firstJobId`: the id of the first LocalTaskJob row it inserts.
  LiveQueryService(LiveRuntime& rt, std::string conninfo, std::string schema, const MetadbConfig& config, int serverPid,
                   bool countsServer, long long firstJobId);
  ~LiveQueryService() override;

  // The state whose runs and task instances the queries are about (set before the run starts);
  // read only, under the runtime's lock. `calendarStart`: the scenario's run.start, the date of
  // time 0 in its execution dates; the rows' execution dates put time 0 at the wall clock's
  // start instead, so that they are as real as their start and end dates (now()).
  void attach(WorkflowState& state, double calendarStart) {
    state_ = &state;
    calendarStart_ = calendarStart;
  }
  double serve(const QueryBatch& batch, double clientSecondsPerStatement) override;
  // The server's CPU so far (0 when it runs elsewhere or another DB counts it), the harness's own
  // backends left out.
  double busySeconds() const override;
  // A backend of the harness's own (a sampler's, a probe's), whose CPU is not the run's:
  // `backendSeconds` gives its CPU so far, called from any thread.
  // REQUIRES: called before the run starts; what it reads outlives every later busySeconds() call.
  void leaveOut(std::function<double()> backendSeconds) { leftOut_.push_back(std::move(backendSeconds)); }
  bool needsSubjects() const override { return true; }

  // Statements sent so far, and the seconds they took per query type (round trips included, and
  // a connection's start with its first statement).
  long long statementsSent() const { return sent_; }
  // Connections opened so far (one per actor's thread): each a backend started and ended.
  long long connectionsOpened() const { return opened_; }
  // Of them, those whose backend's CPU was read (the server on this machine), and the CPU seconds
  // their backends spent up to their first answers (the connect's own statements), as calibrate's
  // connections.start_backend_s counts one.
  long long startsMeasured() const { return startsMeasured_; }
  double startBackendSeconds() const { return static_cast<double>(startBackendNanos_) / 1e9; }
  const std::array<double, kQueryTypeCount>& secondsByType() const { return seconds_; }
  // The CPU seconds the server's backends spent on them per query type (/proc), when the server
  // runs on this machine.
  const std::array<double, kQueryTypeCount>& cpuSecondsByType() const { return cpuSeconds_; }

 private:
  struct Call {
    int statement;  // index into the statement list of its type
    QueryType type;
    std::vector<std::string> params;
  };
  void resolve(const QueryEntry& e, std::vector<Call>& calls);
  std::string param(LiveParam p, const QueryEntry& e, DagId dag, RunId run, TiId ti);
  std::string runDate(RunId run) const;  // its execution_date literal

  LiveRuntime& rt_;
  std::string conninfo_, schema_;
  SemaphorePtr pool_;
  int serverPid_;
  bool countsServer_;
  WorkflowState* state_ = nullptr;
  std::vector<std::function<double()>> leftOut_;
  double calendarStart_ = 0;
  std::map<TiId, long long> jobOfTi_;  // the LocalTaskJob of each running try
  long long nextJob_;
  size_t nextEventTi_ = 0;
  long long sent_ = 0;
  std::atomic<long long> opened_{0};  // the threads open theirs outside the model's lock
  std::atomic<long long> startsMeasured_{0}, startBackendNanos_{0};
  std::array<double, kQueryTypeCount> seconds_{}, cpuSeconds_{};
};

}  // namespace schedlab
