#include "model/ApiServer.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "results/LatencyStats.h"
#include "results/MetricSchema.h"

namespace schedlab {

const char* apiRouteName(ApiRoute route) {
  static const char* const names[] = {"ti_run",          "ti_state",     "ti_heartbeat",  "xcom_set",
                                      "dag_run_trigger", "variable_get", "connection_get"};
  static_assert(std::size(names) == kApiRouteCount);
  return names[static_cast<size_t>(route)];
}

std::vector<WorkerHost> apiServerHosts(const Scenario& sc) {
  std::vector<WorkerHost> hosts;
  if (sc.scheduler.model != SchedulerModel::Airflow3) return hosts;
  // Full speed, and each brownout's share of it.
  std::vector<double> speeds = {1.0};
  for (const Fault& f : sc.faults)
    if (f.kind == Fault::Kind::ApiServerBrownout && std::find(speeds.begin(), speeds.end(), f.capacity) == speeds.end())
      speeds.push_back(f.capacity);
  for (int i = 0; i < sc.apiServer.instances; ++i)
    hosts.push_back({"api-server-" + std::to_string(i + 1), sc.apiServer.effectiveCores(), speeds});
  return hosts;
}

ApiServer::ApiServer(SimContext& ctx, int firstHost)
    : ctx_(ctx),
      firstHost_(firstHost),
      instances_(static_cast<size_t>(ctx.scenario.apiServer.instances)),
      cpuAtWarmup_(instances_.size(), 0) {
  for (Instance& i : instances_) i.waiting = ctx.rt.semaphore(0);
}

void ApiServer::start() {
  const ApiServerConfig& a = ctx_.scenario.apiServer;
  for (const Fault& f : ctx_.scenario.faults) {
    if (f.kind != Fault::Kind::ApiServerBrownout) continue;
    ctx_.rt.spawn("api-server-brownout", [this, &f] {
      ctx_.rt.sleepUntil(f.at);
      for (size_t i = 0; i < instances_.size(); ++i) ctx_.rt.setComputeSpeed(hostOf(i), f.capacity);
      ctx_.rt.sleepUntil(f.at + f.duration);
      for (size_t i = 0; i < instances_.size(); ++i) ctx_.rt.setComputeSpeed(hostOf(i), 1.0);
    });
  }
  for (size_t i = 0; i < instances_.size(); ++i)
    for (int k = 0; k < a.workers * kApiThreadsPerWorker; ++k)
      ctx_.rt.spawn("api-server-thread", [this, i] { serve(i); });
  if (a.backgroundRate <= 0) return;
  ctx_.rt.spawn("api-background-load", [this] {
    const ApiServerConfig& a = ctx_.scenario.apiServer;
    Rng rng(ctx_.seed(), "api_server.background_load");
    const double end = a.backgroundEnd < 0 ? ctx_.scenario.run.horizon : a.backgroundEnd;
    for (double at = a.backgroundStart + rng.exponential(1 / a.backgroundRate); at < end;
         at += rng.exponential(1 / a.backgroundRate)) {
      ctx_.rt.sleepUntil(at);
      if (down(at)) continue;  // the UI cannot reach it either
      enqueue({a.backgroundCost, nullptr, QueryBatch(ctx_.db(InstanceId(0))), nullptr});
    }
  });
}

void ApiServer::enqueue(Request r) {
  Instance& i = instances_[next_++ % instances_.size()];
  i.queue.push_back(std::move(r));
  i.waiting->release();
}

void ApiServer::serve(size_t i) {
  Instance& inst = instances_[i];
  while (true) {
    inst.waiting->acquire();
    Request r = std::move(inst.queue.front());
    inst.queue.pop_front();
    ctx_.rt.compute(hostOf(i), r.cpu);
    if (r.db) r.db->execute(r.sql);  // on the request's thread: a sync route holds it through its SQL
    if (r.answered) r.answered->release();
  }
}

bool ApiServer::call(ApiRoute route, MetadataDb& db, const QueryBatch& sql, Rng& rng) {
  const WorkersConfig& w = ctx_.scenario.workers;
  for (int k = 1;; ++k) {
    if (attempt(route, db, sql)) return true;
    if (k >= w.executionApiRetries) return false;
    // tenacity's wait_random_exponential(min, max): U(min, clamp(2^(k-1), min, max)).
    const double high = std::clamp(std::ldexp(1.0, k - 1), w.retryWaitMin, w.retryWaitMax);
    ctx_.rt.sleepFor(w.retryWaitMin + rng.uniform() * (high - w.retryWaitMin));
  }
}

bool ApiServer::attempt(ApiRoute route, MetadataDb& db, const QueryBatch& sql) {
  const ApiServerConfig& a = ctx_.scenario.apiServer;
  const double t0 = ctx_.now(), timeout = ctx_.scenario.workers.executionApiTimeout;
  const bool counted = ctx_.recorder.counts(t0);
  if (counted) ++requests_;
  const double perStatement =
      a.clientCostPerStatement == kMeasuredClientCost
          ? db.clientCost(QueryType::TiCurrentState, 1, 1)  // one single-row ORM statement, as measured
          : a.clientCostPerStatement;
  ctx_.rt.sleepFor(a.networkRtt);
  if (down(ctx_.now())) {  // connection refused
    if (counted) ++failures_;
    ++failuresSinceSample_;
    return false;
  }
  const double framework = a.requestCost == kMeasuredClientCost ? db.model().apiRequestCost() : a.requestCost;
  SemaphorePtr answered = ctx_.rt.semaphore(0);
  enqueue({framework + perStatement * sql.queries(), &db, sql, answered});
  // acquireTimeout: true when the time passed first (the client gave up; the request is served anyway).
  if (answered->acquireTimeout(std::max(0.0, t0 + timeout - ctx_.now()))) {
    if (counted) ++failures_;
    ++failuresSinceSample_;
    return false;
  }
  if (counted) latency_[static_cast<size_t>(route)].push_back(ctx_.now() - t0);
  sinceSample_.push_back(ctx_.now() - t0);
  return true;
}

bool ApiServer::down(double t) const {
  for (const Fault& f : ctx_.scenario.faults)
    if (f.kind == Fault::Kind::ApiServerOutage && t >= f.at && t < f.at + f.duration) return true;
  return false;
}

void ApiServer::tryFailedOnHeartbeats() { killedAt_.push_back(ctx_.now()); }

long long ApiServer::triesFailedOnHeartbeatsIn(double from, double to) const {
  return std::count_if(killedAt_.begin(), killedAt_.end(), [&](double t) { return t >= from && t < to; });
}

void ApiServer::tryStarted() {
  if (ctx_.recorder.counts(ctx_.now())) ++tries_;
}

void ApiServer::markWarmup() {
  warmupAt_ = ctx_.now();
  for (size_t i = 0; i < cpuAtWarmup_.size(); ++i)
    cpuAtWarmup_[i] = ctx_.rt.computedSeconds(firstHost_ + static_cast<int>(i));
}

void ApiServer::sample(double now, RunResult& out) {
  double cpu = 0;
  size_t queued = 0;
  for (size_t i = 0; i < instances_.size(); ++i) {
    cpu += ctx_.rt.computedSeconds(hostOf(i));
    queued += instances_[i].queue.size();
  }
  const double interval = now - lastSampleAt_;
  const double capacity = interval * static_cast<double>(instances_.size()) * ctx_.scenario.apiServer.effectiveCores();
  std::sort(sinceSample_.begin(), sinceSample_.end());
  out.apiSamples.push_back({now, capacity > 0 ? roundMetric((cpu - cpuAtSample_) / capacity) : 0,
                            interval > 0 ? roundMetric(static_cast<double>(sinceSample_.size()) / interval) : 0,
                            sinceSample_.empty() ? 0 : roundMetric(percentile(sinceSample_, 95)),
                            static_cast<double>(failuresSinceSample_), static_cast<double>(queued)});
  sinceSample_.clear();
  failuresSinceSample_ = 0;
  lastSampleAt_ = now;
  cpuAtSample_ = cpu;
}

void ApiServer::contribute(double end, RunResult& out) const {
  const ApiServerConfig& a = ctx_.scenario.apiServer;
  nlohmann::json& m = out.metrics;
  std::vector<double> all;
  nlohmann::json byRoute = nlohmann::json::object();
  for (size_t r = 0; r < kApiRouteCount; ++r) {
    if (latency_[r].empty()) continue;
    latency_[r].appendTo(all);
    byRoute[apiRouteName(static_cast<ApiRoute>(r))] = toJson(summarize(latency_[r].toVector()));
  }
  nlohmann::json latency = toJson(summarize(std::move(all)));
  latency["by_route"] = byRoute;
  m[metric::kApiRequestLatency.name()] = latency;
  double busy = 0;
  for (size_t i = 0; i < cpuAtWarmup_.size(); ++i)
    busy += ctx_.rt.computedSeconds(firstHost_ + static_cast<int>(i)) - cpuAtWarmup_[i];
  const double window = end - warmupAt_;
  const double capacity = window * a.instances * a.effectiveCores();
  m[metric::kApiServerUtilization.name()] = roundMetric(capacity > 0 ? busy / capacity : 0);
  m[metric::kTriesFailedOnHeartbeats.name()] = triesFailedOnHeartbeatsIn(warmupAt_, INFINITY);
  m[metric::kApiRequestsPerTry.name()] = roundMetric(tries_ > 0 ? static_cast<double>(requests_) / tries_ : 0);
  m[metric::kApiRequestFailures.name()] = failures_;
  if (a.pricePerHostHour >= 0) out.cost.add(a.pricePerHostHour * a.instances * end / 3600);
}

}  // namespace schedlab
