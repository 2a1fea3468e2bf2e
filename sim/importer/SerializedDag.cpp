#include "importer/SerializedDag.h"

#include <cstdio>
#include <map>

#include "scenario/Schedule.h"

namespace schedlab {
namespace {

using Json = nlohmann::json;

// A serialized value's payload: {"__type": …, "__var": X} -> X.
const Json& unwrap(const Json& v) {
  if (v.is_object() && v.contains("__var") && v.contains("__type")) return v["__var"];
  return v;
}

std::string typeOf(const Json& v) { return v.is_object() ? v.value("__type", std::string()) : std::string(); }

// The first of `keys` the object has, unwrapped; null when none.
const Json& field(const Json& o, std::initializer_list<const char*> keys) {
  static const Json null;
  if (!o.is_object()) return null;
  for (const char* k : keys)
    if (o.contains(k)) return unwrap(o[k]);
  return null;
}

double seconds(const Json& v) {
  const Json& x = unwrap(v);
  return x.is_number() ? x.get<double>() : kNoTime;
}

std::string text(const Json& v) { return v.is_string() ? v.get<std::string>() : std::string(); }

}  // namespace

ObservedSchedule scheduleFromJson(const Json& v) {
  ObservedSchedule s;
  if (v.is_null()) {
    s.kind = ObservedSchedule::Kind::None;
    return s;
  }
  if (v.is_string()) {
    const std::string t = v.get<std::string>();
    if (t == "None" || t == "null" || t.empty()) {
      s.kind = ObservedSchedule::Kind::None;
    } else if (t == "@once") {
      s.kind = ObservedSchedule::Kind::Once;
    } else {
      std::string error;  // a cron or preset; else a timetable's summary ("Dataset", "@continuous")
      if (Schedule::cron(t, &error)) {
        s.kind = ObservedSchedule::Kind::Cron;
        s.text = t;
      }
    }
    return s;
  }
  if (!v.is_object()) return s;
  const std::string type = typeOf(v);
  if (type == "timedelta" || type == "relativedelta") {
    if (type == "timedelta" && unwrap(v).is_number()) {
      s.kind = ObservedSchedule::Kind::Interval;
      s.seconds = unwrap(v).get<double>();
    }
    return s;
  }
  if (v.value("type", std::string()) == "timedelta" && v.contains("attrs")) {  // 1.10's Interval column
    const Json& a = v["attrs"];
    s.kind = ObservedSchedule::Kind::Interval;
    s.seconds = a.value("days", 0.0) * 86400 + a.value("seconds", 0.0) + a.value("microseconds", 0.0) / 1e6;
    return s;
  }
  // A timetable, by its class name's end.
  auto endsWith = [&](const std::string& suffix) {
    return type.size() >= suffix.size() && type.compare(type.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  const Json& var = unwrap(v);
  if (endsWith("NullTimetable")) {
    s.kind = ObservedSchedule::Kind::None;
  } else if (endsWith("OnceTimetable")) {
    s.kind = ObservedSchedule::Kind::Once;
  } else if (endsWith("CronDataIntervalTimetable") || endsWith("CronTriggerTimetable")) {
    s.kind = ObservedSchedule::Kind::Cron;
    s.text = text(field(var, {"expression"}));
    if (s.text.empty()) s.kind = ObservedSchedule::Kind::Unknown;
  } else if (endsWith("DeltaDataIntervalTimetable") || endsWith("DeltaTriggerTimetable")) {
    const double d = seconds(field(var, {"delta"}));
    if (known(d)) {
      s.kind = ObservedSchedule::Kind::Interval;
      s.seconds = d;
    }
  }
  return s;
}

ObservedSchedule scheduleFromSummary(const std::string& summary) {
  ObservedSchedule s;
  if (summary.empty() || summary == "None") {
    s.kind = ObservedSchedule::Kind::None;
    return s;
  }
  // Python's str(timedelta): "[N day[s], ]H:MM:SS[.ffffff]".
  int days = 0, h = 0, m = 0;
  double sec = 0;
  char rest = 0;
  std::string clock = summary;
  const size_t comma = summary.find(", ");
  if (summary.find(" day") != std::string::npos && comma != std::string::npos) {
    if (std::sscanf(summary.c_str(), "%d", &days) != 1) days = 0;
    clock = summary.substr(comma + 2);
  }
  if (std::sscanf(clock.c_str(), "%d:%d:%lf%c", &h, &m, &sec, &rest) == 3) {
    s.kind = ObservedSchedule::Kind::Interval;
    s.seconds = days * 86400.0 + h * 3600.0 + m * 60.0 + sec;
    return s;
  }
  s = scheduleFromJson(summary);
  std::string error;
  if (s.kind == ObservedSchedule::Kind::Cron && !Schedule::cron(s.text, &error))
    s.kind = ObservedSchedule::Kind::Unknown;
  return s;
}

bool readSerializedDag(const Json& data, ObservedDag& dag) {
  const Json& d = field(data, {"dag"});
  const Json& tasks = field(d, {"tasks"});
  if (!tasks.is_array()) return false;
  // 3.1 (__version 3): what a task leaves out is client_defaults.tasks', before the schema's.
  const Json& defaults = field(field(data, {"client_defaults"}), {"tasks"});
  std::vector<ObservedTask> out;
  std::map<std::string, std::vector<std::string>> downstream;
  for (const Json& wrapped : tasks) {
    Json t = unwrap(wrapped);
    if (defaults.is_object() && t.is_object())
      for (auto it = defaults.begin(); it != defaults.end(); ++it)
        if (!t.contains(it.key())) t[it.key()] = it.value();
    ObservedTask task;
    task.id = text(field(t, {"task_id", "_task_id"}));
    if (task.id.empty()) continue;
    task.operatorName = text(field(t, {"task_type", "_task_type"}));
    task.pool = text(field(t, {"pool"}));
    task.queue = text(field(t, {"queue"}));
    task.triggerRule = text(field(t, {"trigger_rule"}));
    task.executor = text(field(t, {"executor"}));
    const Json& retries = field(t, {"retries"});
    if (retries.is_number()) task.retries = retries.get<int>();
    const Json& slots = field(t, {"pool_slots"});
    if (slots.is_number()) task.poolSlots = slots.get<int>();
    task.retryDelay = seconds(field(t, {"retry_delay"}));
    const Json& down = field(t, {"downstream_task_ids", "_downstream_task_ids"});
    if (down.is_array())
      for (const Json& x : down)
        if (x.is_string()) downstream[task.id].push_back(x.get<std::string>());
    out.push_back(std::move(task));
  }
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < out.size(); ++i) index[out[i].id] = i;
  for (const ObservedTask& t : out)
    for (const std::string& child : downstream[t.id]) {
      auto it = index.find(child);
      if (it != index.end()) out[it->second].upstream.push_back(t.id);
    }
  dag.tasks = std::move(out);
  dag.graphInferred = false;
  dag.graphSource = "the serialized DAG";
  for (const char* key : {"timetable", "schedule_interval"}) {
    if (!d.contains(key)) continue;
    ObservedSchedule s = scheduleFromJson(d[key]);
    if (s.kind != ObservedSchedule::Kind::Unknown) {
      dag.schedule = s;
      break;
    }
  }
  const Json& tz = field(d, {"timezone"});
  if (tz.is_string()) dag.timezone = tz.get<std::string>();
  if (tz.is_number())
    dag.timezone = "UTC" + std::string(tz.get<double>() < 0 ? "" : "+") + std::to_string(tz.get<int>()) + "s";
  const Json& runs = field(d, {"max_active_runs"});
  if (runs.is_number()) dag.maxActiveRuns = runs.get<int>();
  const Json& active = field(d, {"max_active_tasks", "_max_active_tasks", "concurrency", "_concurrency"});
  if (active.is_number()) dag.maxActiveTasks = active.get<int>();
  return true;
}

}  // namespace schedlab
