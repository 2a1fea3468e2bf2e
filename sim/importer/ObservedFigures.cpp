#include "importer/ObservedFigures.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <vector>

#include "importer/ImportError.h"
#include "results/LatencyStats.h"
#include "results/MetricSchema.h"

namespace schedlab {
namespace {

// One population's samples, as the model's LatencySamples.
struct Samples {
  std::vector<double> transition, scheduleDelay, dagrunDuration, doneAfterDue, queued;
};

void addLatencies(nlohmann::json& scope, Samples s) {
  std::sort(s.transition.begin(), s.transition.end());
  nlohmann::json transition = toJson(summarizeSorted(s.transition));
  transition["cdf"] = cdfJson(s.transition);
  scope[metric::kTaskTransitionLatency.name()] = transition;
  scope[metric::kScheduleDelay.name()] = toJson(summarize(s.scheduleDelay));
  scope[metric::kDagrunDuration.name()] = toJson(summarize(s.dagrunDuration));
  scope[metric::kDagrunDoneAfterDue.name()] = toJson(summarize(s.doneAfterDue));
  scope[metric::kQueuedDuration.name()] = toJson(summarize(s.queued));
}

bool finished(const std::string& state) { return state == "success" || state == "failed"; }

}  // namespace

ObservedSpan observedSpan(const Deployment& d) {
  double first = kNoTime, last = kNoTime;
  auto later = [&](double t) {
    if (known(t) && t <= d.windowEnd && (!known(last) || t > last)) last = t;
  };
  for (const ObservedDag& dag : d.dags)
    for (const ObservedRun& r : dag.runs) {
      const double begin = known(r.dueAt) ? std::min(r.dueAt, known(r.started) ? r.started : r.dueAt) : r.started;
      if (known(begin) && (!known(first) || begin < first)) first = begin;
      later(r.started);
      later(r.ended);
      for (const ObservedTaskInstance& ti : r.tis) {
        later(ti.queued);
        later(ti.started);
        later(ti.ended);
      }
    }
  if (!known(first) || !known(last))
    throw ImportError("no DAG run in the window has started yet (nothing to measure): widen --since");
  ObservedSpan span;
  span.start = std::max(first, known(d.windowStart) ? d.windowStart : first);
  span.end = std::max(last, span.start + 1);
  span.warmup = std::min(1800.0, span.length() / 10);
  return span;
}

RunResult observedResult(const Deployment& d, const ObservedSpan& span, const std::string& variant) {
  RunResult out;
  out.variant = variant;
  const double from = span.start + span.warmup, to = span.end;
  auto inside = [&](double t) { return known(t) && t >= from && t <= to; };
  auto inSpan = [&](double t) { return known(t) && t >= span.start && t <= to; };
  Samples all;
  long long runsCreated = 0, runsSucceeded = 0, runsFailed = 0;
  long long tisCreated = 0, tisSucceeded = 0, tisFailed = 0, tisUpstreamFailed = 0, inFlight = 0, negative = 0;
  for (const ObservedDag& dag : d.dags) {
    Samples mine;
    std::map<std::string, std::vector<std::string>> upstream;
    for (const ObservedTask& t : dag.tasks) upstream[t.id] = t.upstream;
    for (const ObservedRun& r : dag.runs) {
      const double created = known(r.started) ? r.started : r.dueAt;
      if (known(created) && created >= span.start && created <= to) ++runsCreated;
      if (!r.external && known(r.dueAt) && inside(r.started)) mine.scheduleDelay.push_back(r.started - r.dueAt);
      if (finished(r.state) && inside(r.ended)) {
        if (known(r.started)) mine.dagrunDuration.push_back(r.ended - r.started);
        if (known(r.dueAt)) mine.doneAfterDue.push_back(r.ended - r.dueAt);
      }
      // Counts, as the model's, over the whole span.
      if (finished(r.state) && inSpan(r.ended)) ++(r.state == "success" ? runsSucceeded : runsFailed);
      std::map<std::string, double> endOf;
      for (const ObservedTaskInstance& ti : r.tis)
        if (known(ti.ended))
          endOf[ti.taskId] = std::max(endOf.count(ti.taskId) ? endOf[ti.taskId] : ti.ended, ti.ended);
      for (const ObservedTaskInstance& ti : r.tis) {
        ++tisCreated;
        const double endedAt = known(ti.ended) ? ti.ended : kNoTime;
        if (ti.state == "success" && inSpan(endedAt)) ++tisSucceeded;
        if (ti.state == "failed" && inSpan(endedAt)) ++tisFailed;
        if (ti.state == "upstream_failed") ++tisUpstreamFailed;
        if (ti.state == "running" || ti.state == "queued" || ti.state == "scheduled") ++inFlight;
        if (!inside(ti.started)) continue;
        if (known(ti.queued) && ti.started >= ti.queued) mine.queued.push_back(ti.started - ti.queued);
        if (ti.tryNumber > 1) continue;  // only the first try is a transition, and only the last is kept
        auto ups = upstream.find(ti.taskId);
        if (ups == upstream.end() || ups->second.empty()) continue;
        double lastUpstream = kNoTime;
        bool complete = true;
        for (const std::string& u : ups->second) {
          auto e = endOf.find(u);
          if (e == endOf.end()) {
            complete = false;
            break;
          }
          if (!known(lastUpstream) || e->second > lastUpstream) lastUpstream = e->second;
        }
        if (!complete) continue;
        if (ti.started < lastUpstream) {
          ++negative;
          continue;
        }
        mine.transition.push_back(ti.started - lastUpstream);
      }
    }
    for (auto field : {&Samples::transition, &Samples::scheduleDelay, &Samples::dagrunDuration, &Samples::doneAfterDue,
                       &Samples::queued})
      (all.*field).insert((all.*field).end(), (mine.*field).begin(), (mine.*field).end());
    addLatencies(out.dag(dag.id), std::move(mine));
  }
  addLatencies(out.metrics, all);
  using namespace metric;
  out.metrics[kDagrunsCreated.name()] = runsCreated;
  out.metrics[kDagrunsSucceeded.name()] = runsSucceeded;
  out.metrics[kDagrunsFailed.name()] = runsFailed;
  out.metrics[kTasksCreated.name()] = tisCreated;
  out.metrics[kTasksSucceeded.name()] = tisSucceeded;
  out.metrics[kTasksFailed.name()] = tisFailed + tisUpstreamFailed;
  out.metrics[kTasksUpstreamFailed.name()] = tisUpstreamFailed;
  out.metrics[kTasksInFlightAtEnd.name()] = inFlight;
  out.run = {{"source", d.source},
             {"schema", d.layout},
             {"alembic_revision", d.schemaRevision},
             {"airflow_version", d.airflowVersion},
             {"span_start_unix_s", span.start},
             {"span_end_unix_s", span.end},
             {"horizon_s", roundMetric(span.length())},
             {"warmup_s", roundMetric(span.warmup)},
             {"transitions_dropped_below_zero", negative}};
  return out;
}

}  // namespace schedlab
