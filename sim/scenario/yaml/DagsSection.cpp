#include "scenario/yaml/Sections.h"

#include <algorithm>
#include <cstdio>

#include "scenario/Duration.h"
#include "scenario/yaml/TaskList.h"

namespace schedlab::yaml {

namespace {

// Canonical: what only a sensor or a trigger_dagrun task means stays at its default on the others
// (task_defaults may set it for every task of a DAG).
void clearUnusedFields(TaskDef& task) {
  const TaskDef plain;
  if (task.kind != OperatorKind::Sensor) {
    task.waitsFor = plain.waitsFor;
    task.pokeInterval = plain.pokeInterval;
    task.sensorTimeout = plain.sensorTimeout;
    task.sensorMode = plain.sensorMode;
  }
  if (task.kind != OperatorKind::TriggerDagRun) task.triggerDag = plain.triggerDag;
  if (task.kind != OperatorKind::Task) {  // a sensor defers with mode: deferrable
    task.defers = plain.defers;
    task.deferAfter = plain.deferAfter;
    task.deferFor = plain.deferFor;
  }
}

// Something can run the task: a worker pool serves its queue (celery), or a node pool serves it
// with nodes its pod's requests fit (kubernetes).
void checkPlacement(const Context& ctx, const YAML::Node& dag, const std::string& tp, const ExecutorConfig& e,
                    const TaskDef& task) {
  if (!task.executor.empty()) {
    if (e.kind != ExecutorKind::Several)
      ctx.fail(dag, tp + ".executor", "a task picks its executor among several: executor.kind: [celery, kubernetes]");
    if (std::none_of(e.executors.begin(), e.executors.end(),
                     [&](ExecutorKind k) { return task.executor == executorKindName(k); }))
      ctx.fail(dag, tp + ".executor", "'" + task.executor + "' is not one of executor.kind's executors");
  }
  const ExecutorKind runs = e.executorOf(task);
  if (runs == ExecutorKind::Celery &&
      std::none_of(e.pools.begin(), e.pools.end(), [&](const WorkerPoolConfig& w) { return w.serves(task.queue); }))
    ctx.fail(dag, tp + ".queue", "no worker pool serves queue '" + task.queue + "' (executor.pools[].queues)");
  if (runs != ExecutorKind::Kubernetes) return;
  bool served = false, fits = false;
  for (const NodePoolConfig& np : e.kubernetes.nodePools) {
    if (!np.serves(task.queue)) continue;
    served = true;
    fits |= np.maxNodes > 0 && np.cores >= task.cpuRequest && np.memory >= task.memoryRequest;
  }
  if (!served)
    ctx.fail(dag, tp + ".queue", "no node pool serves queue '" + task.queue + "' (executor.node_pools[].queues)");
  if (!fits) {
    char what[160];
    std::snprintf(what, sizeof what,
                  "its pod's requests (cpu %g, memory %.3g GiB) fit no node of a node pool serving queue '",
                  task.cpuRequest, task.memoryRequest / (1 << 30));
    ctx.fail(dag, tp + ".resources", std::string(what) + task.queue + "'");
  }
}

// One DAG of `dags:` (the i-th).
void readDag(const Context& ctx, const YAML::Node& dags, size_t i, const TaskDef& scenarioDefaults, Scenario& s,
             References& refs) {
  std::string p = "dags[" + std::to_string(i) + "]";
  DagDef d;
  if (!dags[i].IsMap() || !dags[i]["name"] || !dags[i]["name"].IsScalar()) ctx.fail(dags[i], p, "a DAG needs a name");
  d.name = dags[i]["name"].Scalar();
  if (!isAirflowKey(d.name))
    ctx.fail(dags[i]["name"], p + ".name",
             "'" + d.name + "' is not a dag_id: letters, digits, '_', '.' and '-', at most 250 (as Airflow's)");
  if (refs.dagNodes.count(d.name)) ctx.fail(dags[i]["name"], p + ".name", "duplicate DAG name '" + d.name + "'");
  refs.dagNodes[d.name] = dags[i];
  p = "dags." + d.name;
  Fields f(ctx, dags[i], p);
  f.text("name", "");
  f.raw("remove");
  d.count = f.integer("count", 1, 1, 100000);
  d.spread = f.duration("spread", 0);
  d.catchup = f.boolean("catchup", true);
  d.dependsOnPast = f.boolean("depends_on_past", false);
  d.sla = f.duration("sla", -1);
  d.maxActiveRuns = f.integer("max_active_runs", s.scheduler.maxActiveRunsPerDag, 1);
  d.maxActiveTasks = f.integer("max_active_tasks", s.scheduler.maxActiveTasksPerDag, 1);
  d.parseCost = f.duration("parse_cost", s.scheduler.dagFileParseCost);
  // A date (2020-01-01) or an offset from run.start (-7d), in Unix seconds.
  auto date = [&](const char* key, const char* expected) {
    YAML::Node n = f.raw(key);
    std::optional<double> v = n.IsScalar() ? parseDate(n.Scalar()) : std::nullopt;
    if (!v && n.IsScalar()) {
      auto rel = parseDuration(n.Scalar());
      if (rel) v = s.run.start + *rel;
    }
    if (!v) ctx.fail(n, p + "." + key, expected);
    return *v;
  };
  d.startDate = f.has("start_date")
                    ? date("start_date", "expected a date (2020-01-01) or an offset from run.start (-7d)")
                    : s.run.start;
  if (f.has("end_date")) {
    d.endDate = date("end_date", "expected a date (2020-01-02) or an offset from run.start (6h)");
    if (d.endDate < d.startDate)
      ctx.fail(f.raw("end_date"), p + ".end_date", "before the DAG's start_date: it would never run");
  }
  YAML::Node sched = f.raw("schedule");
  if (sched.IsMap()) {
    // {assets: [a, b]}: a run once each has an event (Airflow's AssetAll of them).
    Fields a(ctx, sched, p + ".schedule");
    if (!a.has("assets")) ctx.fail(sched, p + ".schedule.assets", "missing: the assets the DAG waits for");
    if (s.scheduler.model == SchedulerModel::Airflow1)
      ctx.fail(sched, p + ".schedule", "assets (datasets) came with Airflow 2.4 (the scheduler model is airflow1)");
    d.scheduleAssets = readNames(ctx, a.raw("assets"), p + ".schedule.assets", "asset name");
    failOnDuplicateName(ctx, a.raw("assets"), p + ".schedule.assets", "asset");
    refs.assetSchedules.push_back({a.raw("assets"), p + ".schedule.assets"});
    a.finish();
  } else if (sched.IsDefined() && !sched.IsNull()) {
    if (!sched.IsScalar())
      ctx.fail(sched, p + ".schedule", "expected none, @once, an interval (10s) or a cron expression");
    std::string text = sched.Scalar();
    if (text == "none") {
      d.schedule = Schedule::none();
    } else if (text == "@once") {
      d.schedule = Schedule::once();
    } else if (auto interval = parseDuration(text)) {
      if (*interval <= 0) ctx.fail(sched, p + ".schedule", "an interval must be positive");
      d.schedule = Schedule::interval(*interval, d.startDate);
    } else {
      std::string error;
      auto cron = Schedule::cron(text, &error);
      if (!cron) ctx.fail(sched, p + ".schedule", error + " (or use none, @once, or an interval such as 10s)");
      d.schedule = *cron;
    }
  }
  TaskDef defaults = scenarioDefaults;
  if (f.has("task_defaults")) {
    Fields td(ctx, f.raw("task_defaults"), p + ".task_defaults");
    readTaskFields(td, defaults, s.scheduler.model);
    td.finish();
  }
  if (!f.has("tasks"))
    ctx.fail(f.node(), p + ".tasks", "a DAG needs tasks: a non-empty list of {id: ...} or {shape: ...}");
  readTasks(ctx, f.raw("tasks"), p + ".tasks", defaults, s.scheduler.model, d);
  f.finish();
  for (size_t t = 0; t < d.tasks.size(); ++t) {
    auto& task = d.tasks[t];
    clearUnusedFields(task);
    std::string tp = p + ".tasks." + task.id;
    checkPlacement(ctx, dags[i], tp, s.executor, task);
    if (task.pool != "default_pool" && !s.scheduler.pools.count(task.pool)) {
      std::string known = "default_pool";
      for (const auto& [name, slots] : s.scheduler.pools) known += ", " + name;
      ctx.fail(dags[i], tp + ".pool", "unknown pool '" + task.pool + "' (defined: " + known + "; scheduler.pools)");
    }
    if (task.kind == OperatorKind::TriggerDagRun && task.triggerDag.empty())
      ctx.fail(dags[i], tp, "a trigger_dagrun task needs trigger_dag: the DAG it starts");
    if (task.kind == OperatorKind::Sensor && !task.waitsFor.empty())
      refs.sensors.push_back({dags[i], tp + ".waits_for=" + task.waitsFor});
    if (task.kind == OperatorKind::TriggerDagRun)
      refs.triggers.push_back({dags[i], tp + ".trigger_dag=" + task.triggerDag});
  }
  s.dags.push_back(std::move(d));
}

}  // namespace

void readDagsSection(const Context& ctx, Fields& top, Scenario& s, References& refs) {
  const YAML::Node& root = top.node();
  YAML::Node dags = top.raw("dags");
  if (!dags.IsDefined() || dags.IsNull() || !dags.IsSequence() || dags.size() == 0)
    ctx.fail(dags.IsDefined() ? dags : root, "dags", "expected a non-empty list of DAGs");
  // The scenario's `task_defaults:`, under each DAG's own.
  TaskDef defaults;
  if (top.has("task_defaults")) {
    Fields td(ctx, top.raw("task_defaults"), "task_defaults");
    readTaskFields(td, defaults, s.scheduler.model);
    td.finish();
  }
  for (size_t i = 0; i < dags.size(); ++i) readDag(ctx, dags, i, defaults, s, refs);
}

}  // namespace schedlab::yaml
