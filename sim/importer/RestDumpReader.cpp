#include "importer/RestDumpReader.h"

#include <fnmatch.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "importer/DueTimes.h"
#include "importer/ImportError.h"
#include "importer/SerializedDag.h"
#include "importer/TaskGraph.h"
#include "scenario/Schedule.h"

namespace fs = std::filesystem;

namespace schedlab {
namespace {

using Json = nlohmann::json;

// Where an entry came from, for errors: "dag_runs.json: dag_runs[3]".
struct Origin {
  std::string file, list;
  size_t index;
  std::string at() const { return file + ": " + list + "[" + std::to_string(index) + "]"; }
};

const Json& required(const Json& entry, std::initializer_list<const char*> keys, const Origin& o) {
  for (const char* k : keys)
    if (entry.contains(k) && !entry[k].is_null()) return entry[k];
  std::string names;
  for (const char* k : keys) names += (names.empty() ? "" : " or ") + std::string(k);
  throw ImportError(o.at() + ": missing field " + names);
}

std::string requiredText(const Json& entry, std::initializer_list<const char*> keys, const Origin& o) {
  const Json& v = required(entry, keys, o);
  if (!v.is_string()) throw ImportError(o.at() + ": " + *keys.begin() + " is not a string");
  return v.get<std::string>();
}

// The first of `keys` present and not null.
const Json* optional(const Json& entry, std::initializer_list<const char*> keys) {
  for (const char* k : keys)
    if (entry.contains(k) && !entry[k].is_null()) return &entry[k];
  return nullptr;
}

double timeField(const Json& entry, std::initializer_list<const char*> keys) {
  const Json* v = optional(entry, keys);
  return v && v->is_string() ? parseIsoTime(v->get<std::string>()) : kNoTime;
}

std::string textField(const Json& entry, std::initializer_list<const char*> keys) {
  const Json* v = optional(entry, keys);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

int intField(const Json& entry, std::initializer_list<const char*> keys, int otherwise) {
  const Json* v = optional(entry, keys);
  return v && v->is_number() ? v->get<int>() : otherwise;
}

// The REST API's TimeDelta ({"__type": "TimeDelta", days, seconds, microseconds}) in seconds.
double timeDelta(const Json& v) {
  if (!v.is_object()) return kNoTime;
  return v.value("days", 0.0) * 86400 + v.value("seconds", 0.0) + v.value("microseconds", 0.0) / 1e6;
}

// v1's schedule_interval ({"__type": "TimeDelta" | "CronExpression" | "RelativeDelta", …} or null);
// v2's timetable_summary (a cron expression or preset, a timedelta's str() such as "0:05:00", or
// "None").
ObservedSchedule scheduleOf(const Json& dag) {
  ObservedSchedule s;
  if (dag.contains("schedule_interval")) {
    const Json& v = dag["schedule_interval"];
    if (v.is_null()) {
      s.kind = ObservedSchedule::Kind::None;
    } else if (v.is_object() && v.value("__type", "") == "TimeDelta") {
      s.kind = ObservedSchedule::Kind::Interval;
      s.seconds = timeDelta(v);
    } else if (v.is_object() && v.value("__type", "") == "CronExpression") {
      s = scheduleFromJson(v.value("value", Json()));
    }
    return s;
  }
  if (dag.contains("timetable_summary")) s = scheduleFromSummary(textField(dag, {"timetable_summary"}));
  return s;
}

bool isExternal(const Json& run) {
  const std::string type = textField(run, {"run_type"});
  if (!type.empty()) return type != "scheduled" && type != "backfill";
  const Json* ext = optional(run, {"external_trigger"});
  return ext && ext->is_boolean() && ext->get<bool>();
}

}  // namespace

double parseIsoTime(const std::string& text) {
  std::tm tm{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) rest = strptime(text.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  if (!rest) return kNoTime;
  double t = static_cast<double>(timegm(&tm));
  if (*rest == '.') {
    char* end = nullptr;
    t += std::strtod(rest, &end);
    rest = end;
  }
  if (*rest == 'Z' || *rest == '\0') return t;
  int hh = 0, mm = 0;
  const char sign = *rest;
  if ((sign == '+' || sign == '-') && std::sscanf(rest + 1, "%d:%d", &hh, &mm) >= 1) {
    const double offset = hh * 3600.0 + mm * 60.0;
    return sign == '+' ? t - offset : t + offset;
  }
  return kNoTime;
}

namespace {
Deployment readDump(const std::string& dirName, double since, const std::string& dagPattern);
}  // namespace

Deployment readRestDump(const std::string& dirName, double since, const std::string& dagPattern) {
  try {
    return readDump(dirName, since, dagPattern);
  } catch (const nlohmann::json::exception& e) {  // a field of another type than the API's
    throw ImportError("--rest-dump " + dirName + ": a field is not of the type the REST API gives it: " + e.what());
  }
}

namespace {
Deployment readDump(const std::string& dirName, double since, const std::string& dagPattern) {
  const fs::path dir(dirName);
  if (!fs::is_directory(dir)) throw ImportError("--rest-dump " + dirName + ": no such directory");
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw ImportError("--rest-dump " + dirName + ": no .json files");

  struct Entry {
    Json value;
    Origin origin;
  };
  std::vector<Entry> dags, runs, tis;
  std::map<std::string, std::vector<Entry>> tasks;  // dag id -> its tasks
  bool v2 = false;
  for (const fs::path& f : files) {
    Json doc;
    try {
      std::ifstream in(f);
      doc = Json::parse(in);
    } catch (const Json::exception& e) {
      throw ImportError(f.string() + ": not JSON: " + e.what());
    }
    if (!doc.is_object()) throw ImportError(f.string() + ": expected an object with a list (dags, dag_runs, …)");
    bool any = false;
    for (const char* list : {"dags", "dag_runs", "task_instances", "tasks"}) {
      if (!doc.contains(list)) continue;
      any = true;
      if (!doc[list].is_array()) throw ImportError(f.string() + ": " + list + " is not a list");
      for (size_t i = 0; i < doc[list].size(); ++i) {
        Entry e{doc[list][i], {f.string(), list, i}};
        if (!e.value.is_object()) throw ImportError(e.origin.at() + ": not an object");
        const std::string l = list;
        if (l == "dags") {
          v2 |= e.value.contains("timetable_summary");
          dags.push_back(std::move(e));
        } else if (l == "dag_runs") {
          v2 |= e.value.contains("run_after");
          runs.push_back(std::move(e));
        } else if (l == "task_instances") {
          tis.push_back(std::move(e));
        } else {
          tasks[f.stem().string()].push_back(std::move(e));
        }
      }
    }
    if (!any) throw ImportError(f.string() + ": none of the lists dags, dag_runs, task_instances, tasks");
  }
  if (dags.empty()) throw ImportError("--rest-dump " + dirName + ": no dags list (save GET /api/v1/dags)");
  if (runs.empty()) throw ImportError("--rest-dump " + dirName + ": no dag_runs list (save …/dags/~/dagRuns)");

  Deployment d;
  d.source = "REST dump " + dirName;
  d.layout = v2 ? "airflow3" : "airflow2";
  d.airflowVersion = v2 ? "3.x (REST API v2)" : "2.x (REST API v1)";
  std::map<std::string, size_t> index;
  for (const Entry& e : dags) {
    const std::string id = requiredText(e.value, {"dag_id"}, e.origin);
    if (!dagPattern.empty() && ::fnmatch(dagPattern.c_str(), id.c_str(), 0) != 0) continue;
    if (index.count(id)) continue;
    ObservedDag dag;
    dag.id = id;
    const Json* paused = optional(e.value, {"is_paused"});
    dag.paused = paused && paused->is_boolean() && paused->get<bool>();
    dag.schedule = scheduleOf(e.value);
    dag.maxActiveRuns = intField(e.value, {"max_active_runs"}, -1);
    dag.maxActiveTasks = intField(e.value, {"max_active_tasks"}, -1);
    index[id] = d.dags.size();
    d.dags.push_back(std::move(dag));
  }
  // The window ends at the newest time the dump holds.
  double newest = kNoTime;
  auto note = [&](double t) {
    if (known(t) && (!known(newest) || t > newest)) newest = t;
  };
  std::map<std::pair<std::string, std::string>, std::pair<size_t, size_t>> runIndex;
  std::vector<std::pair<size_t, ObservedRun>> read;
  for (const Entry& e : runs) {
    const std::string dagId = requiredText(e.value, {"dag_id"}, e.origin);
    ObservedRun r;
    r.runId = requiredText(e.value, {"dag_run_id", "run_id"}, e.origin);
    r.state = requiredText(e.value, {"state"}, e.origin);
    r.external = isExternal(e.value);
    r.logicalDate = timeField(e.value, {"logical_date", "execution_date", "run_after"});
    r.dueAt = r.external ? timeField(e.value, {"run_after", "logical_date", "execution_date"})
                         : timeField(e.value, {"data_interval_end"});
    r.started = timeField(e.value, {"start_date"});
    r.ended = timeField(e.value, {"end_date"});
    for (double t : {r.started, r.ended, timeField(e.value, {"queued_at"})}) note(t);
    auto it = index.find(dagId);
    if (it != index.end()) read.emplace_back(it->second, std::move(r));
  }
  for (const Entry& e : tis) {
    for (const char* k : {"start_date", "end_date", "queued_when"}) note(timeField(e.value, {k}));
  }
  if (!known(newest)) throw ImportError("--rest-dump " + dirName + ": no run has a start_date");
  d.windowEnd = newest;
  d.windowStart = newest - since;
  for (auto& [k, r] : read) {
    const double at = known(r.started) ? r.started : r.logicalDate;
    if (!known(at) || at < d.windowStart) continue;
    ObservedDag& dag = d.dags[k];
    if (runIndex.count({dag.id, r.runId})) continue;  // the same run in two saved pages
    runIndex[{dag.id, r.runId}] = {k, dag.runs.size()};
    dag.runs.push_back(std::move(r));
  }
  for (const Entry& e : tis) {
    const std::string dagId = requiredText(e.value, {"dag_id"}, e.origin);
    const std::string runId = requiredText(e.value, {"dag_run_id", "run_id"}, e.origin);
    ObservedTaskInstance ti;
    ti.taskId = requiredText(e.value, {"task_id"}, e.origin);
    auto it = runIndex.find({dagId, runId});
    if (it == runIndex.end()) continue;
    ti.state = textField(e.value, {"state"});
    ti.mapIndex = intField(e.value, {"map_index"}, -1);
    ti.tryNumber = intField(e.value, {"try_number"}, 0);
    ti.maxTries = intField(e.value, {"max_tries"}, -1);
    ti.queued = timeField(e.value, {"queued_when", "queued_dttm"});
    ti.started = timeField(e.value, {"start_date"});
    ti.ended = timeField(e.value, {"end_date"});
    const std::string pool = textField(e.value, {"pool"});
    if (!pool.empty()) ti.pool = pool;
    ti.poolSlots = intField(e.value, {"pool_slots"}, 1);
    const std::string queue = textField(e.value, {"queue"});
    if (!queue.empty()) ti.queue = queue;
    ti.operatorName = textField(e.value, {"operator", "operator_name"});
    ti.hostname = textField(e.value, {"hostname"});
    d.dags[it->second.first].runs[it->second.second].tis.push_back(std::move(ti));
  }
  for (ObservedDag& dag : d.dags) {
    std::sort(dag.runs.begin(), dag.runs.end(), [](const ObservedRun& a, const ObservedRun& b) {
      return (known(a.logicalDate) ? a.logicalDate : a.started) < (known(b.logicalDate) ? b.logicalDate : b.started);
    });
    auto t = tasks.find(dag.id);
    if (t == tasks.end()) {
      inferTaskGraph(dag);
      continue;
    }
    std::map<std::string, std::vector<std::string>> downstream;
    for (const Entry& e : t->second) {
      ObservedTask task;
      task.id = requiredText(e.value, {"task_id"}, e.origin);
      const Json* down = optional(e.value, {"downstream_task_ids"});
      if (!down || !down->is_array()) throw ImportError(e.origin.at() + ": missing field downstream_task_ids");
      for (const Json& x : *down)
        if (x.is_string()) downstream[task.id].push_back(x.get<std::string>());
      task.retries = intField(e.value, {"retries"}, -1);
      task.pool = textField(e.value, {"pool"});
      task.queue = textField(e.value, {"queue"});
      task.poolSlots = intField(e.value, {"pool_slots"}, 0);
      if (const Json* delay = optional(e.value, {"retry_delay"})) task.retryDelay = timeDelta(*delay);
      task.triggerRule = textField(e.value, {"trigger_rule"});
      dag.tasks.push_back(std::move(task));
    }
    for (const ObservedTask& parent : std::vector<ObservedTask>(dag.tasks))
      for (const std::string& child : downstream[parent.id])
        for (ObservedTask& c : dag.tasks)
          if (c.id == child) c.upstream.push_back(parent.id);
    dag.graphInferred = false;
    dag.graphSource = "the REST API's task list";
  }
  std::vector<ObservedDag> ran;
  for (ObservedDag& dag : d.dags)
    if (!dag.runs.empty()) ran.push_back(std::move(dag));
  d.dags = std::move(ran);
  if (d.dags.empty())
    throw ImportError("--rest-dump " + dirName + ": no DAG run in the window (widen --since or --dags)");
  for (ObservedDag& dag : d.dags) fillDueTimes(dag);
  return d;
}
}  // namespace

}  // namespace schedlab
