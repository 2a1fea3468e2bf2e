#include "model/WorkflowMetrics.h"
#include "model/SchedulerNumbering.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "results/LatencyStats.h"
#include "results/MetricSchema.h"

namespace schedlab {
namespace {

// The latency summaries of one population into `scope`.
void addLatencies(nlohmann::json& scope, const LatencySamples& s) {
  std::vector<double> sorted = s.transition.toVector();  // sorted once for the summary and the CDF
  sortSamples(sorted);
  nlohmann::json transition = toJson(summarizeSorted(sorted));
  transition["cdf"] = cdfJson(sorted);
  scope[metric::kTaskTransitionLatency.name()] = transition;
  scope[metric::kScheduleDelay.name()] = toJson(summarize(s.scheduleDelay.toVector()));
  scope[metric::kDagrunDuration.name()] = toJson(summarize(s.dagrunDuration.toVector()));
  scope[metric::kDagrunDoneAfterDue.name()] = toJson(summarize(s.dagrunDoneAfterDue.toVector()));
  scope[metric::kTriggerToStart.name()] = toJson(summarize(s.triggerToStart.toVector()));
  scope[metric::kTriggerToDone.name()] = toJson(summarize(s.triggerToDone.toVector()));
  scope[metric::kQueuedDuration.name()] = toJson(summarize(s.queued.toVector()));
}

// The latency summaries of each population, made once: with one DAG definition, or one per
// scheduler instance, the run's, its DAG's and its instance's are the same samples.
using LatencySummaries = std::map<const LatencySamples*, nlohmann::json>;

// The same, for a population that outlives `made` (a pooled one made per call has no place there).
void addLatencies(nlohmann::json& scope, const LatencySamples& s, LatencySummaries& made) {
  if (auto it = made.find(&s); it != made.end()) {
    scope.update(it->second);
    return;
  }
  nlohmann::json summaries;
  addLatencies(summaries, s);
  scope.update(summaries);
  made.emplace(&s, std::move(summaries));
}

void addCounts(SimContext& ctx, nlohmann::json& m) {
  const MetricsRecorder& rec = ctx.recorder;
  const long long inFlight = ctx.state.tisInFlight();
  const long long failed = rec.tasksFailed + rec.tasksUpstreamFailed;
  m[metric::kTasksCreated.name()] = rec.tasksCreated;
  m[metric::kTasksSucceeded.name()] = rec.tasksSucceeded;
  m[metric::kTasksFailed.name()] = failed;
  m[metric::kTasksUpstreamFailed.name()] = rec.tasksUpstreamFailed;
  m[metric::kTasksInFlightAtEnd.name()] = inFlight;
  m[metric::kTasksLost.name()] = rec.tasksCreated - rec.tasksSucceeded - failed - inFlight;
  m[metric::kDagrunsCreated.name()] = rec.dagrunsCreated;
  m[metric::kDagrunsSucceeded.name()] = rec.dagrunsSucceeded;
  m[metric::kDagrunsFailed.name()] = rec.dagrunsFailed;
  m[metric::kTriggerArrivals.name()] = rec.triggerArrivals;
  m[metric::kSensorReschedules.name()] = rec.sensorReschedules;
  if (ctx.scenario.scheduler.model != SchedulerModel::Airflow1)
    m[metric::kCriticalSectionBusy.name()] = rec.criticalSectionBusy;
  m[metric::kDagrunsRecreatedByCatchup.name()] = rec.dagrunsRecreatedByCatchup;
}

// Per scheduler instance: its DAGs' latencies pooled, and its loop.
void addInstances(SimContext& ctx, RunResult& out, LatencySummaries& made) {
  const Scenario& sc = ctx.scenario;
  MetricsRecorder& rec = ctx.recorder;
  for (size_t i = 0; i < sc.instances.size(); ++i) {
    LatencySamples pooled;
    const LatencySamples* samples = &pooled;
    if (rec.oneDagDef) {
      if (sc.dags[0].instance == static_cast<int>(i)) samples = &rec.all;  // no copy of a long run's samples
    } else {
      for (size_t d = 0; d < sc.dags.size(); ++d) {
        if (sc.dags[d].instance != static_cast<int>(i)) continue;
        const LatencySamples& s = rec.ofDagDef(static_cast<int>(d));
        for (auto field : {&LatencySamples::transition, &LatencySamples::scheduleDelay, &LatencySamples::dagrunDuration,
                           &LatencySamples::dagrunDoneAfterDue, &LatencySamples::triggerToStart,
                           &LatencySamples::triggerToDone, &LatencySamples::queued})
          for (size_t k = 0; k < (s.*field).size(); ++k) (pooled.*field).push_back((s.*field)[k]);
      }
    }
    nlohmann::json& scope = out.instance(sc.instances[i].name);
    if (samples == &pooled)
      addLatencies(scope, pooled);
    else
      addLatencies(scope, *samples, made);
    scope[metric::kSchedulerLoopDuration.name()] = toJson(summarize(rec.loopDurationsByInstance[static_cast<int>(i)]));
    scope[metric::kDbQueriesPerLoop.name()] = toJson(summarize(rec.queriesPerLoopByInstance[static_cast<int>(i)]));
  }
}

}  // namespace

std::string runId(const DagRun& run, const Scenario& sc) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s__%.0f_%d", run.external ? "manual" : "scheduled", run.executionDate - sc.run.start,
                run.ordinal);
  return buf;
}

void addWorkflowMetrics(SimContext& ctx, RunResult& out) {
  const Scenario& sc = ctx.scenario;
  MetricsRecorder& rec = ctx.recorder;
  LatencySummaries made;
  addLatencies(out.metrics, rec.all, made);
  out.metrics[metric::kSchedulerLoopDuration.name()] = toJson(summarize(rec.loopDurations));
  out.metrics[metric::kDbQueriesPerLoop.name()] = toJson(summarize(rec.queriesPerLoop));
  addCounts(ctx, out.metrics);
  addInstances(ctx, out, made);
  for (size_t d = 0; d < sc.dags.size(); ++d) {
    const LatencySamples& s = rec.ofDagDef(static_cast<int>(d));
    nlohmann::json& scope = out.dag(sc.dags[d].name);
    addLatencies(scope, s, made);
    scope[metric::kDbQueriesPerPass.name()] = toJson(summarize(s.queriesPerPass));
    scope[metric::kDagrunsRecreatedByCatchup.name()] = rec.dagrunsRecreatedByDef[static_cast<int>(d)];
  }
}

void addSampleRuns(SimContext& ctx, RunResult& out) {
  // One finished run per DAG definition of several tasks, of median duration among the sampled
  // ones, with its tries: what a Gantt chart of "a typical run" needs.
  const Scenario& sc = ctx.scenario;
  WorkflowState& state = ctx.state;
  const MetricsRecorder& rec = ctx.recorder;
  for (const auto& [def, count] : rec.sampledRunsByDef) {
    if (sc.dags[def].tasks.size() < 2) continue;
    std::vector<std::pair<double, int>> finished;
    for (int r : rec.sampledRuns) {
      const DagRun& run = state.run(RunId(r));
      if (state.dag(run.dag).def == DefId(def) && run.ended >= 0) finished.push_back({run.ended - run.created, r});
    }
    if (finished.empty()) continue;
    std::sort(finished.begin(), finished.end());
    const RunId chosen(finished[finished.size() / 2].second);
    nlohmann::json tries = nlohmann::json::array();
    for (const TryRecord& t : rec.sampleTries) {
      if (RunId(t.run) != chosen) continue;
      tries.push_back({sc.dags[def].tasks[t.task].id, t.tryNumber, t.state, roundMetric(t.created),
                       roundMetric(t.scheduled), roundMetric(t.queued), roundMetric(t.started), roundMetric(t.ended)});
    }
    out.sampleRuns[sc.dags[def].name] = {
        {"dag_id", state.dag(state.run(chosen).dag).id},
        {"run_id", runId(state.run(chosen), sc)},
        {"duration_s", roundMetric(finished[finished.size() / 2].first)},
        {"columns", {"task_id", "try", "state", "created_s", "scheduled_s", "queued_s", "started_s", "ended_s"}},
        {"tries", tries}};
  }
}

TaskTryRow taskTryRow(SimContext& ctx, const std::vector<WorkerHost>& hosts, const TryRecord& r) {
  const Scenario& sc = ctx.scenario;
  WorkflowState& state = ctx.state;
  const Dag& dag = state.dag(DagId(r.dag));
  return {dag.id,
          runId(state.run(RunId(r.run)), sc),
          sc.dags[dag.def.index()].tasks[r.task].id,
          r.tryNumber,
          r.state,
          r.created,
          r.scheduled,
          r.queued,
          r.started,
          r.ended,
          r.host >= 0 ? hosts[static_cast<size_t>(r.host)].name : "",
          SchedulerNumbering(sc).name(SchedulerId(r.queuedBy))};
}

void addTaskTries(SimContext& ctx, const std::vector<WorkerHost>& hosts, RunResult& out) {
  out.tries.reserve(ctx.recorder.tries.size());
  for (const TryRecord& r : ctx.recorder.tries) out.tries.push_back(taskTryRow(ctx, hosts, r));
}

void sampleWorkflow(SimContext& ctx, TimeSeriesRow& row) {
  MetricsRecorder& rec = ctx.recorder;
  row.loopDuration = rec.intervalLoops > 0 ? rec.intervalLoopSeconds / rec.intervalLoops : 0;
  row.queriesPerLoop = rec.intervalLoops > 0 ? rec.intervalQueries / rec.intervalLoops : 0;
  row.runningTasks = ctx.state.runningTasks();
  rec.intervalLoopSeconds = rec.intervalLoops = rec.intervalQueries = 0;
}

}  // namespace schedlab
