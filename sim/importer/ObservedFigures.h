// What a deployment actually did, as the figures `schedlab run` writes: task transition latency,
// queued duration, schedule delay, DAG run duration and done-after-due, computed from the
// source's timestamps (per DAG as well), and run and task counts. The same definitions as the
// model's (results/MetricSchema), so a replay of the imported scenario compares figure for figure.
#pragma once

#include <string>

#include "importer/Deployment.h"
#include "results/RunResult.h"

namespace schedlab {

// The span the figures and the replay cover: the first run's due time (or start) in the window to
// the last thing recorded, and the warm-up excluded from latencies at its start (a replay starts
// with nothing in flight): a tenth of the span, at most 30 minutes.
struct ObservedSpan {
  double start = 0, end = 0, warmup = 0;
  double length() const { return end - start; }
};

// Throws ImportError when no run of `d` has a time in its window (only queued runs, say).
ObservedSpan observedSpan(const Deployment& d);

// The figures of `d` over `span`, as variant `variant` of a results document. Samples are taken
// as the model takes them: each at the moment it is complete (a transition and a queued duration
// at the task's start, a schedule delay at the run's start, a run's duration at its end), and
// only after the warm-up. A transition needs the task's first try (try_number 1) and its
// upstreams' ends; a sample below zero (an inferred graph's false edge) is dropped.
RunResult observedResult(const Deployment& d, const ObservedSpan& span, const std::string& variant);

}  // namespace schedlab
