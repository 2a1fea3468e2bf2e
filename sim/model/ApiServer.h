// airflow3's API server: the Execution API between a try's supervisor (the Task SDK) and the
// metadata DB, as Airflow 3.1 serves it (api_fastapi/execution_api/routes/). Its instances are
// compute hosts of the runtime, min(workers, cores) cores each. A request is a round trip, then
// waits in its instance's queue (the next instance in turn) for one of its threads (FastAPI runs
// sync routes on anyio's pool of 40 threads per worker process), computes on the instance's cores
// shared by the requests holding a thread (the framework's cost and the route's statements
// through the ORM), and runs the route's SQL on the DB holding its thread. A call is retried as the Task SDK's client
// retries it. Owns its metrics: request latency per route, timeouts, utilisation, requests per try.
#pragma once

#include <array>
#include <deque>
#include <vector>

#include "model/Executor.h"
#include "model/SimContext.h"
#include "results/RunResult.h"
#include "results/SampleSeries.h"
#include "util/Random.h"

namespace schedlab {

// The Execution API routes a try calls.
enum class ApiRoute { TiRun, TiState, TiHeartbeat, XcomSet, DagRunTrigger, VariableGet, ConnectionGet, Count };
// As results.json names them: "ti_run", "ti_state", ...
const char* apiRouteName(ApiRoute route);
inline constexpr size_t kApiRouteCount = static_cast<size_t>(ApiRoute::Count);
// anyio's default thread limiter: sync routes run on at most 40 threads per worker process.
inline constexpr int kApiThreadsPerWorker = 40;

// The API server's instances as compute hosts (none unless the scheduler model is airflow3).
std::vector<WorkerHost> apiServerHosts(const Scenario& sc);

class ApiServer {
 public:
  // REQUIRES: the runtime's compute hosts from `firstHost` on are apiServerHosts(ctx.scenario).
  ApiServer(SimContext& ctx, int firstHost);
  // Spawns its instances' request threads and the background load's arrivals, if any.
  // REQUIRES: called once, before the runtime runs.
  void start();

  // One call of a supervisor: attempts until one is answered within `[workers]
  // execution_api_timeout`, at most execution_api_retries, with tenacity's random exponential
  // wait (drawn from `rng`) between them. True when answered. A request the client gave up on is
  // still served (its CPU, its SQL on `db`), as uvicorn serves it.
  bool call(ApiRoute route, MetadataDb& db, const QueryBatch& sql, Rng& rng);
  // A try started: the denominator of api_requests_per_try.
  void tryStarted();
  // A try its supervisor killed (now) after max_failed_heartbeats failed heartbeats.
  void tryFailedOnHeartbeats();
  long long triesFailedOnHeartbeatsIn(double from, double to) const;

  // REQUIRES: markWarmup once when the warm-up ends; sample at each sample time, in order;
  // contribute once, at the end.
  void markWarmup();
  void sample(double now, RunResult& out);
  void contribute(double end, RunResult& out) const;

 private:
  // A request waiting for a thread of its instance; background ones have no SQL and no waiter.
  struct Request {
    double cpu;
    MetadataDb* db;
    QueryBatch sql;
    SemaphorePtr answered;
  };
  struct Instance {
    std::deque<Request> queue;  // FIFO, as the event loop hands requests to the thread pool
    SemaphorePtr waiting;       // one per request in the queue
  };
  // One HTTP request; true when answered within the timeout.
  bool attempt(ApiRoute route, MetadataDb& db, const QueryBatch& sql);
  void enqueue(Request r);
  // An api_server_outage refuses connections at `t`.
  bool down(double t) const;
  // A thread of instance `i`: serves its requests one after the other.
  void serve(size_t i);
  int hostOf(size_t instance) const { return firstHost_ + static_cast<int>(instance); }

  SimContext& ctx_;
  const int firstHost_;
  size_t next_ = 0;  // the instance the load balancer gives the next request
  std::vector<Instance> instances_;
  std::array<SampleSeries, kApiRouteCount> latency_;
  long long requests_ = 0, failures_ = 0, tries_ = 0;
  std::vector<double> killedAt_;  // when tries were killed on failed heartbeats
  double warmupAt_ = 0;
  std::vector<double> cpuAtWarmup_;
  // Since the last sample: answered attempts' latencies, failures, CPU.
  std::vector<double> sinceSample_;
  long long failuresSinceSample_ = 0;
  double lastSampleAt_ = 0, cpuAtSample_ = 0;
};

}  // namespace schedlab
