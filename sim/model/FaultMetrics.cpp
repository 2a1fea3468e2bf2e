#include "model/FaultMetrics.h"

#include <algorithm>
#include <cmath>

#include "model/ApiServer.h"
#include "model/SlaMisses.h"
#include "model/Triggerer.h"
#include "results/LatencyStats.h"
#include "results/MetricSchema.h"

namespace schedlab {
namespace {

// Seconds from a fault to `at`, null when it never happened (-1).
nlohmann::json after(double at, double from) {
  return at >= 0 ? nlohmann::json(roundMetric(at - from)) : nlohmann::json(nullptr);
}

// Transitions that happened in [from, to) and SLA deadlines in it.
nlohmann::json window(SimContext& ctx, double from, double to, double end) {
  const MetricsRecorder& rec = ctx.recorder;
  std::vector<double> samples;
  for (size_t k = 0; k < rec.all.transition.size(); ++k)
    if (rec.transitionAt[k] >= from && rec.transitionAt[k] < to) samples.push_back(rec.all.transition[k]);
  long long misses = 0;
  for (long long m : countSlaMisses(ctx.state, std::max(from, ctx.scenario.run.warmup), std::min(to, end))) misses += m;
  return nlohmann::json{{"from_s", from},
                        {"to_s", std::min(to, end)},
                        {metric::kTaskTransitionLatency.name(), toJson(summarize(samples))},
                        {metric::kSlaMisses.name(), misses}};
}

// A scheduler crash: its window lasts until a process runs the crashed scheduler again (or the end).
nlohmann::json crashFigures(const SchedulerJobs& jobs, int k, const Fault& f, double end, double& to) {
  const SchedulerJobs::Crash* crash = nullptr;
  for (const auto& c : jobs.crashes())
    if (c.fault == k) crash = &c;
  to = crash && crash->backAt >= 0 ? crash->backAt : end;
  return {{metric::kSchedulerBackAfter.name(), after(crash ? crash->backAt : -1, f.at)},
          {metric::kSchedulerUnavailable.name(), roundMetric(jobs.unavailableSecondsOf(k, end))},
          {metric::kOutageDetectedAfter.name(), after(crash ? crash->alertAt : -1, f.at)},
          {metric::kOrphansTakenOverAfter.name(), after(crash ? crash->sweptAt : -1, f.at)},
          {metric::kOrphanedTasksAdopted.name(), crash ? crash->adopted : 0},
          {metric::kOrphanedTasksCleared.name(), crash ? crash->reset : 0}};
}

// A failover refusing connections: the schedulers that exited on its errors (each restart that
// met the DB still away exits again).
nlohmann::json failoverFigures(const SchedulerJobs& jobs, int k, const Fault& f, double end) {
  long long exits = 0;
  double back = -1;
  for (const auto& c : jobs.crashes())
    if (c.fault == k) {
      ++exits;
      back = std::max(back, c.backAt < 0 ? end : c.backAt);
    }
  return {{"mode", "error"},
          {metric::kSchedulerExits.name(), exits},
          {metric::kSchedulerUnavailable.name(), roundMetric(jobs.unavailableSecondsOf(k, end))},
          {metric::kSchedulersBackAfter.name(),
           exits > 0 && back < end ? nlohmann::json(roundMetric(back - f.at)) : nlohmann::json(nullptr)}};
}

}  // namespace

void addFaultMetrics(SimContext& ctx, const SchedulerJobs& jobs, double end, RunResult& out) {
  const Scenario& sc = ctx.scenario;
  nlohmann::json byFault = nlohmann::json::object();
  for (size_t k = 0; k < sc.faults.size(); ++k) {
    const Fault& f = sc.faults[k];
    double to = f.at + f.duration;
    nlohmann::json extra = nlohmann::json::object();
    if (f.kind == Fault::Kind::SchedulerCrash) extra = crashFigures(jobs, static_cast<int>(k), f, end, to);
    if (f.kind == Fault::Kind::DbFailover && f.failsQueries) extra = failoverFigures(jobs, static_cast<int>(k), f, end);
    nlohmann::json j = {{"kind", faultKindName(f.kind)},
                        {"during", window(ctx, f.at, to, end)},
                        {"after", window(ctx, to, to + f.afterWindow, end)}};
    if (ctx.api) {  // what the API server's trouble cost: tries killed on failed heartbeats
      const std::string key = metric::kTriesFailedOnHeartbeats.name();
      j["during"][key] = ctx.api->triesFailedOnHeartbeatsIn(f.at, to);
      j["after"][key] = ctx.api->triesFailedOnHeartbeatsIn(to, to + f.afterWindow);
    }
    if (f.kind == Fault::Kind::TriggererCrash && ctx.triggerer)
      j[metric::kTriggersOrphaned.name()] = ctx.triggerer->triggersOrphanedBy(static_cast<int>(k));
    j.update(extra);
    byFault[f.name] = j;
  }
  out.metrics[metric::kByFault.name()] = byFault;
}

}  // namespace schedlab
