// Collects what a simulation run observes: latency samples (overall and per DAG definition),
// counters and one record per task try. The run turns them into its result at the end.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "results/LatencyStats.h"
#include "results/SampleSeries.h"

namespace schedlab {

struct TryRecord {
  int dag;  // DAG instance
  int run;
  int task;
  int tryNumber;
  const char* state;
  double created, scheduled, queued, started, ended;  // -1 when it did not happen
  int host;                                           // worker host (runtime numbering), -1 when it never ran
  int queuedBy = -1;                                  // scheduler id that queued it, -1 when none did
};

// Latency samples of one population (all DAGs, or one DAG definition).
struct LatencySamples {
  SampleSeries transition, scheduleDelay, dagrunDuration, dagrunDoneAfterDue, triggerToStart, triggerToDone, queued;
  CountedSamples queriesPerPass;  // scheduler-side statements per DAG file pass (or per DAG per loop)
};

class MetricsRecorder {
 public:
  explicit MetricsRecorder(double warmup) : warmup_(warmup) {}
  bool counts(double t) const { return t >= warmup_; }

  LatencySamples all;
  // With one DAG definition its samples are `all`'s: set before the first sample, they are kept
  // once (a long run's latency samples are much of its memory).
  bool oneDagDef = false;
  // REQUIRES: def is a DAG definition's index.
  const LatencySamples& ofDagDef(int def) { return oneDagDef ? all : byDagDef[def]; }
  std::vector<double> loopDurations, queriesPerLoop;
  std::map<int, std::vector<double>> loopDurationsByInstance, queriesPerLoopByInstance;
  std::vector<TryRecord> tries;
  bool recordTries = true;  // run.task_instances_csv: long runs may skip the per-try rows
  // When set, recorded tries go here (a file, as they end) instead of into `tries`.
  std::function<void(const TryRecord&)> tryStream;
  void addTry(const TryRecord& r) {
    if (recordTries) {
      if (tryStream)
        tryStream(r);
      else
        tries.push_back(r);
    }
    if (sampledRuns.count(r.run)) sampleTries.push_back(r);
  }
  // A few runs per DAG definition, created from `sampleFrom` on, keep their tries even when
  // task_instances.csv is skipped: results.json shows one of them (the report's Gantt chart).
  static constexpr int kSampleRunsPerDag = 9;
  double sampleFrom = 0;
  std::map<int, int> sampledRunsByDef;
  std::set<int> sampledRuns;
  std::vector<TryRecord> sampleTries;
  void considerSample(int def, int run, double created) {
    if (created >= sampleFrom && sampledRunsByDef[def] < kSampleRunsPerDag) {
      sampledRunsByDef[def]++;
      sampledRuns.insert(run);
    }
  }
  long long tasksCreated = 0, tasksSucceeded = 0, tasksFailed = 0, tasksUpstreamFailed = 0;
  long long dagrunsCreated = 0, dagrunsSucceeded = 0, dagrunsFailed = 0;
  long long triggerArrivals = 0;
  long long sensorReschedules = 0;    // reschedule-mode pokes that found nothing
  long long criticalSectionBusy = 0;  // 2.x: critical sections skipped, another scheduler held the pool rows
  long long dagrunsRecreatedByCatchup = 0;
  std::map<int, long long> dagrunsRecreatedByDef;
  std::map<int, long long>
      schedulerQueries;  // per instance: every scheduler-side query (airflow1 counts them per pass)
  // Per-interval accumulators for the time series.
  double intervalLoopSeconds = 0, intervalLoops = 0, intervalQueries = 0;

  void transition(int def, double now, double v) {
    add(&LatencySamples::transition, def, now, v);
    if (keepTransitionTimes && counts(now)) transitionAt.push_back(now);
  }
  // When each sample of all.transition was taken: only the fault windows need it (a run without
  // faults keeps one double fewer per task instance).
  bool keepTransitionTimes = true;
  SampleSeries transitionAt;
  void scheduleDelay(int def, double now, double v) { add(&LatencySamples::scheduleDelay, def, now, v); }
  void dagrunDuration(int def, double now, double v) { add(&LatencySamples::dagrunDuration, def, now, v); }
  void dagrunDoneAfterDue(int def, double now, double v) { add(&LatencySamples::dagrunDoneAfterDue, def, now, v); }
  void triggerToStart(int def, double now, double v) { add(&LatencySamples::triggerToStart, def, now, v); }
  void triggerToDone(int def, double now, double v) { add(&LatencySamples::triggerToDone, def, now, v); }
  void queuedDuration(int def, double now, double v) { add(&LatencySamples::queued, def, now, v); }
  // Summarized per DAG definition only (`all`'s are those of the one definition, when there is one).
  void queriesPerPass(int def, double now, int queries) {
    if (counts(now)) (oneDagDef ? all : byDagDef[def]).queriesPerPass.add(queries);
  }
  void loop(int instance, double now, double duration, double queries) {
    intervalLoopSeconds += duration;
    intervalLoops += 1;
    intervalQueries += queries;
    if (!counts(now)) return;
    loopDurations.push_back(duration);
    queriesPerLoop.push_back(queries);
    loopDurationsByInstance[instance].push_back(duration);
    queriesPerLoopByInstance[instance].push_back(queries);
  }

 private:
  void add(SampleSeries LatencySamples::*field, int def, double now, double v) {
    if (!counts(now)) return;
    (all.*field).push_back(v);
    if (!oneDagDef) (byDagDef[def].*field).push_back(v);
  }
  std::map<int, LatencySamples> byDagDef;
  double warmup_;
};

}  // namespace schedlab
