#include "importer/ScenarioDraft.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "scenario/Duration.h"
#include "scenario/Schedule.h"

namespace schedlab {
namespace {

using DraftJson = YamlDraft::Json;

std::string isoDate(double unixSeconds) {
  const auto t = static_cast<std::time_t>(std::floor(unixSeconds));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

// A duration as scenario files write it, exact to the millisecond: "5m", "90s", "1.234s".
std::string durationText(double seconds) {
  const long long ms = std::llround(seconds * 1000);
  struct Unit {
    long long ms;
    const char* name;
  };
  for (Unit u : {Unit{86400000, "d"}, Unit{3600000, "h"}, Unit{60000, "m"}, Unit{1000, "s"}})
    if (ms != 0 && ms % u.ms == 0) return std::to_string(ms / u.ms) + u.name;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fs", static_cast<double>(ms) / 1000);
  return buf;
}

// A file name for a DAG id (Airflow allows '.' and '-' besides letters, digits and '_').
std::string fileSafe(const std::string& id) {
  std::string out = id;
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') c = '_';
  return out;
}

std::string mostCommon(const std::map<std::string, int>& counts) {
  std::string best;
  int n = -1;
  for (const auto& [value, c] : counts)
    if (c > n) best = value, n = c;
  return best;
}

// What the runs say of one task.
struct TaskObservations {
  std::vector<double> durations;  // of tries that ran to an end
  long long tries = 0, failedTries = 0;
  int maxTries = -1;
  std::map<std::string, int> pools, queues;
};

DraftJson durationJson(std::vector<double> xs, std::string* comment) {
  if (xs.empty()) {
    *comment = "never ran to an end in the window: a placeholder";
    return "1s";
  }
  for (double& x : xs) x = std::max(x, 0.001);
  if (xs.size() <= kMaxEmpiricalDurations) {
    *comment = std::to_string(xs.size()) + " observed tries";
    DraftJson list = DraftJson::array();
    for (double x : xs) list.push_back(durationText(x));
    return DraftJson{{"empirical", list}};
  }
  double mean = 0, var = 0;
  for (double x : xs) mean += std::log(x);
  mean /= static_cast<double>(xs.size());
  for (double x : xs) var += (std::log(x) - mean) * (std::log(x) - mean);
  var /= static_cast<double>(xs.size() - 1);
  char sigma[32];
  std::snprintf(sigma, sizeof sigma, "%.4f", std::sqrt(var));
  *comment = "lognormal fitted to " + std::to_string(xs.size()) + " observed tries";
  return DraftJson{{"lognormal", {{"median", durationText(std::exp(mean))}, {"sigma", std::stod(sigma)}}}};
}

const char* modelOf(const std::string& layout) {
  if (layout == "airflow1.10") return "airflow1";
  if (layout == "airflow3") return "airflow3";
  return "airflow2";
}

// Interval or cron from the source; else the median spacing of the scheduled runs' dates (then
// *effective says so).
DraftJson scheduleJson(const ObservedDag& dag, std::string* comment, ObservedSchedule* effective) {
  *effective = dag.schedule;
  switch (dag.schedule.kind) {
    case ObservedSchedule::Kind::None:
      *comment = "externally triggered (the observed triggers are a trace stream)";
      return "none";
    case ObservedSchedule::Kind::Once:
      return "@once";
    case ObservedSchedule::Kind::Interval:
      return durationText(dag.schedule.seconds);
    case ObservedSchedule::Kind::Cron:
      return dag.schedule.text;
    case ObservedSchedule::Kind::Unknown:
      break;
  }
  std::vector<double> dates, gaps;
  for (const ObservedRun& r : dag.runs)
    if (!r.external && known(r.logicalDate)) dates.push_back(r.logicalDate);
  std::sort(dates.begin(), dates.end());
  for (size_t i = 1; i < dates.size(); ++i) gaps.push_back(dates[i] - dates[i - 1]);
  if (gaps.empty()) {
    *comment = "the source gives no schedule and too few scheduled runs to infer one";
    return "none";
  }
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<long>(gaps.size() / 2), gaps.end());
  *comment = "the source gives no schedule: the median spacing of its runs";
  effective->kind = ObservedSchedule::Kind::Interval;
  effective->seconds = gaps[gaps.size() / 2];
  return durationText(effective->seconds);
}

}  // namespace

ScenarioDraft draftScenario(const Deployment& d, const ObservedSpan& span, const std::string& name,
                            const std::string& variant) {
  ScenarioDraft out;
  YamlDraft& y = out.yaml;
  DraftJson& root = y.root();
  y.header("Imported by `schedlab import` from " + d.source + "\n" +
           (d.schemaRevision.empty()
                ? ""
                : "(alembic revision " + d.schemaRevision + ": Airflow " + d.airflowVersion + ")\n") +
           "over " + isoDate(span.start) + " to " + isoDate(span.end) + " UTC.\n" +
           "From the deployment: DAGs, task graphs, schedules, durations, retries and failure rates, pools, queues,\n" +
           "run and task limits, history rows. Not in it: the scheduler's and executor's settings and the hardware,\n" +
           "left at schedlab's defaults (marked below); set them with --set, as for `schedlab run`.");
  root["name"] = name;
  root["description"] = "What " + d.source + " ran over " + durationText(std::round(span.length())) +
                        ", for a replay beside its observed figures";

  DraftJson& run = root["run"];
  run["start"] = isoDate(span.start);
  run["horizon"] = durationText(std::ceil(span.end - std::floor(span.start)));
  run["warmup"] = durationText(std::round(span.warmup * 1000) / 1000);
  y.comment("run.warmup", "the observed figures leave out the same warm-up");
  run["seed"] = 1;
  long long tis = 0;
  for (const ObservedDag& dag : d.dags)
    for (const ObservedRun& r : dag.runs) tis += static_cast<long long>(r.tis.size());
  if (tis > 200000) run["task_instances_csv"] = false;

  DraftJson& scheduler = root["scheduler"];
  scheduler["model"] = modelOf(d.layout);
  y.comment("scheduler.model", d.schemaRevision.empty() ? "from the REST API's field names"
                                                        : "from the schema (alembic " + d.schemaRevision + ")");
  y.comment("scheduler",
            "Not in the source: every other scheduler setting is schedlab's default (Airflow's),\n"
            "e.g. --set scheduler.parsing_processes=4 --set scheduler.parallelism=64");
  // Airflow's -1 is an unlimited pool (2.x); a pool of 0 slots runs nothing, which schedlab
  // cannot hold: one slot, said so.
  std::string clamped;
  auto slotsOf = [&](const std::string& pool, int slots) {
    if (slots >= 1) return slots;
    clamped += (clamped.empty() ? "" : ", ") + pool + " (" + std::to_string(slots) + ")";
    return slots < 0 ? 1000000 : 1;
  };
  auto defaultPool = d.pools.find("default_pool");
  if (defaultPool != d.pools.end()) {
    scheduler["default_pool_slots"] = slotsOf("default_pool", defaultPool->second);
    y.comment("scheduler.default_pool_slots", "slot_pool");
  }
  DraftJson pools = DraftJson::object();
  for (const auto& [pool, slots] : d.pools)
    if (pool != "default_pool") pools[pool] = slotsOf(pool, slots);

  // Per task, what its runs show.
  std::map<std::string, std::map<std::string, TaskObservations>> seen;  // dag -> task -> observations
  double peakRunning = 0;
  std::map<std::string, int> hosts;
  {
    std::vector<std::pair<double, int>> edges;
    for (const ObservedDag& dag : d.dags)
      for (const ObservedRun& r : dag.runs)
        for (const ObservedTaskInstance& ti : r.tis) {
          TaskObservations& o = seen[dag.id][ti.taskId];
          if (known(ti.started) && known(ti.ended) && (ti.state == "success" || ti.state == "failed"))
            o.durations.push_back(ti.ended - ti.started);
          if (ti.state == "success" || ti.state == "failed") {
            o.tries += std::max(1, ti.tryNumber);
            o.failedTries += std::max(1, ti.tryNumber) - (ti.state == "success" ? 1 : 0);
          }
          o.maxTries = std::max(o.maxTries, ti.maxTries);
          ++o.pools[ti.pool];
          ++o.queues[ti.queue];
          if (!ti.hostname.empty()) ++hosts[ti.hostname];
          if (known(ti.started)) {
            edges.emplace_back(ti.started, 1);
            edges.emplace_back(known(ti.ended) ? ti.ended : span.end, -1);
          }
        }
    std::sort(edges.begin(), edges.end());
    int running = 0;
    for (const auto& [t, delta] : edges) peakRunning = std::max<double>(peakRunning, running += delta);
  }

  DraftJson& executor = root["executor"];
  executor["kind"] = "celery";
  executor["workers"] = 4;
  executor["worker_concurrency"] = 16;
  y.comment("executor",
            "Not in the source: the executor, its workers and their hardware are schedlab's defaults.\n"
            "Observed: at most " +
                std::to_string(static_cast<long long>(peakRunning)) + " tries running at once, on " +
                std::to_string(hosts.size()) + " hostname(s); e.g. --set executor.workers=8");

  if (!d.tableRows.empty()) {
    DraftJson rows = DraftJson::object();
    for (const auto& [table, n] : d.tableRows)
      if (n >= 1) rows[table] = static_cast<long long>(n);
    if (!rows.empty()) {
      root["metadb"]["initial_rows"] = rows;
      y.comment("metadb",
                "Not in the source: its host (cores, cache) is schedlab's default. History at the span's "
                "start: the tables' rows");
    }
  }

  DraftJson triggers = DraftJson::array();
  DraftJson dags = DraftJson::array();
  std::string skipped;
  for (const ObservedDag& dag : d.dags) {
    if (dag.tasks.empty()) {  // runs without a task instance and no task list: nothing to simulate
      skipped += (skipped.empty() ? "" : ", ") + dag.id;
      continue;
    }
    const size_t k = dags.size();
    const std::string p = "dags." + std::to_string(k);
    DraftJson entry = DraftJson::object();
    entry["name"] = dag.id;
    std::string why;
    ObservedSchedule schedule;
    entry["schedule"] = scheduleJson(dag, &why, &schedule);
    if (schedule.kind == ObservedSchedule::Kind::Cron && !dag.timezone.empty() && dag.timezone != "UTC")
      why += std::string(why.empty() ? "" : "; ") + "its DAG's timezone is " + dag.timezone +
             ", schedlab's crons are UTC: shift the hours by hand";
    if (!why.empty()) y.comment(p + ".schedule", why);
    // The first scheduled run's point: the schedule's point before its due time (an interval
    // timetable's logical date; a trigger timetable's run falls due at its own date).
    double firstDue = kNoTime, firstDate = kNoTime;
    std::vector<double> triggerTimes;
    for (const ObservedRun& r : dag.runs) {
      if (!r.external && known(r.dueAt) && (!known(firstDue) || r.dueAt < firstDue)) firstDue = r.dueAt;
      if (!r.external && known(r.logicalDate) && (!known(firstDate) || r.logicalDate < firstDate))
        firstDate = r.logicalDate;
      if (r.external) {
        const double at = known(r.dueAt) ? r.dueAt : r.started;
        if (known(at) && at >= span.start && at <= span.end) triggerTimes.push_back(at - std::floor(span.start));
      }
    }
    double firstPoint = firstDate;
    if (known(firstDue) && schedule.kind == ObservedSchedule::Kind::Interval) {
      firstPoint = firstDue - schedule.seconds;
    } else if (known(firstDue) && schedule.kind == ObservedSchedule::Kind::Cron) {
      std::string error;
      if (auto cron = Schedule::cron(schedule.text, &error)) firstPoint = cron->lastBefore(firstDue);
    }
    if (entry["schedule"] != "none" && known(firstPoint)) {
      // As an offset from run.start: exact to the millisecond, where a date is to the second.
      entry["start_date"] = durationText(firstPoint - std::floor(span.start));
      entry["catchup"] = true;
      y.comment(p + ".start_date", isoDate(firstPoint) + ", the first observed run's schedule point");
    } else if (entry["schedule"] != "none") {
      entry["start_date"] = isoDate(span.start);
    }
    if (dag.maxActiveRuns > 0) {
      entry["max_active_runs"] = dag.maxActiveRuns;
    } else {
      // The source does not say (1.10 keeps it in the DAG file): how many ran at once.
      std::vector<std::pair<double, int>> edges;
      for (const ObservedRun& r : dag.runs)
        if (known(r.started)) {
          edges.emplace_back(r.started, 1);
          edges.emplace_back(known(r.ended) ? r.ended : span.end, -1);
        }
      std::sort(edges.begin(), edges.end());
      int running = 0, peak = 0;
      for (const auto& [t, delta] : edges) peak = std::max(peak, running += delta);
      y.comment(p + ".name",
                "max_active_runs not in the source; observed running at once: at most " + std::to_string(peak));
    }
    if (dag.maxActiveTasks > 0) entry["max_active_tasks"] = dag.maxActiveTasks;
    if (!triggerTimes.empty()) {
      std::sort(triggerTimes.begin(), triggerTimes.end());
      const std::string file = "triggers/" + fileSafe(dag.id) + ".csv";
      std::string csv = "# seconds since run.start: each an observed external trigger of " + dag.id + "\n";
      char buf[32];
      for (double t : triggerTimes) {
        std::snprintf(buf, sizeof buf, "%.3f\n", t);
        csv += buf;
      }
      out.files[file] = csv;
      triggers.push_back(
          DraftJson{{"name", "triggered_" + fileSafe(dag.id)}, {"kind", "trace"}, {"file", file}, {"dag", dag.id}});
    }

    DraftJson tasks = DraftJson::array();
    const auto& obs = seen[dag.id];
    for (const ObservedTask& t : dag.tasks) {
      const std::string tp = p + ".tasks." + std::to_string(tasks.size());
      DraftJson task = DraftJson::object();
      task["id"] = t.id;
      auto o = obs.find(t.id);
      const TaskObservations none;
      const TaskObservations& ob = o == obs.end() ? none : o->second;
      std::string comment;
      task["duration"] = durationJson(ob.durations, &comment);
      y.comment(tp + ".duration", comment);
      const int retries = t.retries >= 0 ? t.retries : ob.maxTries;
      if (retries > 0) task["retries"] = retries;
      if (known(t.retryDelay)) task["retry_delay"] = durationText(t.retryDelay);
      if (ob.tries > 0 && ob.failedTries > 0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4f", static_cast<double>(ob.failedTries) / static_cast<double>(ob.tries));
        task["failure_probability"] = std::stod(buf);
        y.comment(tp + ".failure_probability",
                  std::to_string(ob.failedTries) + " of " + std::to_string(ob.tries) + " tries failed");
      }
      const std::string pool = !t.pool.empty() ? t.pool : ob.pools.empty() ? "" : mostCommon(ob.pools);
      if (!pool.empty() && pool != "default_pool") {
        task["pool"] = pool;
        if (!pools.contains(pool)) pools[pool] = 128;  // a pool the slot_pool table no longer has
      }
      const std::string queue = !t.queue.empty() ? t.queue : ob.queues.empty() ? "" : mostCommon(ob.queues);
      if (!queue.empty() && queue != "default") task["queue"] = queue;
      task["deps"] = t.upstream;
      tasks.push_back(task);
    }
    entry["tasks"] = tasks;
    y.comment(p + ".tasks", dag.graphInferred ? "task graph inferred from the order the tasks ran in (the source has "
                                                "no serialized DAG or task list)"
                                              : "task graph from " + dag.graphSource);
    dags.push_back(entry);
  }
  if (!pools.empty()) {
    scheduler["pools"] = pools;
    y.comment("scheduler.pools", "slot_pool" + (clamped.empty() ? std::string()
                                                                : "; slots below 1 (" + clamped +
                                                                      "): 0 as 1, negative (unlimited) as 1000000"));
  } else if (!clamped.empty()) {
    y.comment("scheduler.default_pool_slots", "slot_pool; " + clamped + " read as unlimited (1000000) or 1");
  }
  if (!triggers.empty()) root["triggers"] = triggers;
  root["dags"] = dags;
  if (!skipped.empty()) y.comment("dags", "Left out, no task of theirs known: " + skipped);
  root["variants"] = DraftJson::array({DraftJson{{"name", variant}, {"description", "the deployment as imported"}}});
  return out;
}

}  // namespace schedlab
