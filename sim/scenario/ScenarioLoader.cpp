#include "scenario/ScenarioLoader.h"

#include <fnmatch.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "scenario/Duration.h"

namespace schedlab {
namespace {

// Where an error is reported: the file, and the field path leading to a node.
struct Context {
  std::string file;

  [[noreturn]] void fail(const YAML::Node& node, const std::string& path,
                         const std::string& message) const {
    const YAML::Mark mark = node.IsDefined() ? node.Mark() : YAML::Mark::null_mark();
    if (mark.is_null() || mark.line < 0)
      throw ScenarioError(file + " (--set)", 0, 0, path, message);
    throw ScenarioError(file, mark.line + 1, mark.column + 1, path, message);
  }
};

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

// A YAML mapping whose keys are consumed one by one; finish() rejects the keys nobody asked for.
class Fields {
 public:
  Fields(const Context& ctx, const YAML::Node& node, std::string path)
      : ctx_(ctx), node_(node), path_(std::move(path)) {
    if (node_.IsNull() || !node_.IsDefined()) return;
    if (!node_.IsMap()) ctx_.fail(node_, path_, "expected a mapping");
  }

  bool has(const std::string& key) const { return node_.IsMap() && node_[key].IsDefined(); }
  YAML::Node raw(const std::string& key) {
    used_.insert(key);
    return node_.IsMap() ? node_[key] : YAML::Node();
  }
  std::string path(const std::string& key) const { return join(path_, key); }
  const Context& ctx() const { return ctx_; }
  const YAML::Node& node() const { return node_; }

  std::string text(const std::string& key, const std::string& fallback) {
    YAML::Node n = raw(key);
    if (!n.IsDefined() || n.IsNull()) return fallback;
    if (!n.IsScalar()) ctx_.fail(n, path(key), "expected a string");
    return n.Scalar();
  }

  double number(const std::string& key, double fallback, double min = -INFINITY,
                double max = INFINITY) {
    YAML::Node n = raw(key);
    if (!n.IsDefined() || n.IsNull()) return fallback;
    double v = 0;
    if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) || !std::isfinite(v))
      ctx_.fail(n, path(key), "expected a number, got '" + scalarText(n) + "'");
    checkRange(n, key, v, min, max);
    return v;
  }

  int integer(const std::string& key, int fallback, int min = 0, int max = 1 << 30) {
    YAML::Node n = raw(key);
    if (!n.IsDefined() || n.IsNull()) return fallback;
    long long v = 0;
    if (!n.IsScalar() || !YAML::convert<long long>::decode(n, v))
      ctx_.fail(n, path(key), "expected a whole number, got '" + scalarText(n) + "'");
    checkRange(n, key, static_cast<double>(v), min, max);
    return static_cast<int>(v);
  }

  bool boolean(const std::string& key, bool fallback) {
    YAML::Node n = raw(key);
    if (!n.IsDefined() || n.IsNull()) return fallback;
    bool v = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v))
      ctx_.fail(n, path(key), "expected true or false, got '" + scalarText(n) + "'");
    return v;
  }

  double duration(const std::string& key, double fallback, double min = 0) {
    YAML::Node n = raw(key);
    if (!n.IsDefined() || n.IsNull()) return fallback;
    return durationOf(n, path(key), min);
  }

  double bytes(const std::string& key, double fallback) {
    YAML::Node n = raw(key);
    if (!n.IsDefined() || n.IsNull()) return fallback;
    auto v = n.IsScalar() ? parseBytes(n.Scalar()) : std::nullopt;
    if (!v) ctx_.fail(n, path(key), "'" + scalarText(n) + "' is not a size (use B, MB, GB, MiB, GiB: 512MiB, 4GiB)");
    if (*v < 0) ctx_.fail(n, path(key), "negative size '" + n.Scalar() + "'");
    return *v;
  }

  double durationOf(const YAML::Node& n, const std::string& p, double min = 0) const {
    if (!n.IsScalar()) ctx_.fail(n, p, "expected a duration such as 30s, 5m, 2h or 7d");
    auto v = parseDuration(n.Scalar());
    if (!v) ctx_.fail(n, p, "'" + n.Scalar() + "' is not a duration (use ms, s, m, h, d: 30s, 5m, 7d)");
    if (*v < min)
      ctx_.fail(n, p, *v < 0 ? "negative duration '" + n.Scalar() + "'"
                             : "duration '" + n.Scalar() + "' too small (at least " + formatDuration(min) + ")");
    return *v;
  }

  template <typename E>
  E choice(const std::string& key, E fallback, const std::vector<std::pair<std::string, E>>& names) {
    YAML::Node n = raw(key);
    if (!n.IsDefined() || n.IsNull()) return fallback;
    std::string allowed;
    for (auto& [name, value] : names) {
      if (n.IsScalar() && n.Scalar() == name) return value;
      allowed += (allowed.empty() ? "" : ", ") + name;
    }
    ctx_.fail(n, path(key), "'" + scalarText(n) + "' is not one of: " + allowed);
  }

  void finish() const {
    if (!node_.IsMap()) return;
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      std::string key = it->first.as<std::string>();
      if (!used_.count(key)) ctx_.fail(it->first, join(path_, key), "unknown key");
    }
  }

 private:
  static std::string scalarText(const YAML::Node& n) { return n.IsScalar() ? n.Scalar() : "(not a scalar)"; }
  void checkRange(const YAML::Node& n, const std::string& key, double v, double min, double max) const {
    if (v < min) ctx_.fail(n, path(key), "must be at least " + fmt(min) + ", got " + n.Scalar());
    if (v > max) ctx_.fail(n, path(key), "must be at most " + fmt(max) + ", got " + n.Scalar());
  }
  static std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
  }

  const Context& ctx_;
  YAML::Node node_;
  std::string path_;
  std::set<std::string> used_;
};

// ---- merging variants and --set overrides ----------------------------------------------------

// Lists of named entries (dags, triggers, instances, worker pools) merge by name; `remove: true`
// drops an entry. An autoscaler is replaced as a whole: a new policy does not inherit the old
// one's settings.
bool mergesByName(const std::string& key) {
  return key == "dags" || key == "triggers" || key == "instances" || key == "pools" || key == "faults";
}
bool replacedWhole(const std::string& key) { return key == "autoscaler"; }

void mergeInto(YAML::Node base, const YAML::Node& over, const std::string& key = "");

void mergeNamedList(YAML::Node base, const YAML::Node& over) {
  for (const auto& item : over) {
    std::string name = item.IsMap() && item["name"] ? item["name"].as<std::string>() : "";
    bool remove = item.IsMap() && item["remove"] && item["remove"].as<bool>(false);
    bool found = false;
    for (size_t i = 0; i < base.size(); ++i) {
      if (!name.empty() && base[i].IsMap() && base[i]["name"] &&
          base[i]["name"].as<std::string>() == name) {
        found = true;
        if (remove) {
          base.remove(i);
        } else {
          mergeInto(base[i], item);
        }
        break;
      }
    }
    if (!found && !remove) base.push_back(item);
  }
}

void mergeInto(YAML::Node base, const YAML::Node& over, const std::string& key) {
  for (auto it = over.begin(); it != over.end(); ++it) {
    std::string k = it->first.as<std::string>();
    const YAML::Node& value = it->second;
    YAML::Node target = base[k];
    if (value.IsMap() && target.IsMap() && !replacedWhole(k)) {
      mergeInto(target, value, k);
    } else if (value.IsSequence() && target.IsSequence() && mergesByName(k)) {
      mergeNamedList(target, value);
    } else {
      base[k] = value;
    }
  }
  (void)key;
}

// A copy with no source position, so errors in it are reported as coming from --set.
YAML::Node detached(const YAML::Node& n) {
  if (n.IsScalar()) return YAML::Node(n.Scalar());
  if (n.IsSequence()) {
    YAML::Node out(YAML::NodeType::Sequence);
    for (const auto& x : n) out.push_back(detached(x));
    return out;
  }
  if (n.IsMap()) {
    YAML::Node out(YAML::NodeType::Map);
    for (auto it = n.begin(); it != n.end(); ++it) out[it->first.Scalar()] = detached(it->second);
    return out;
  }
  return YAML::Node();
}

// Applies "a.b.c=value". A path segment on a list picks the entry with that name (or index).
void applySet(const Context& ctx, YAML::Node root, const std::string& assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ScenarioError(ctx.file + " (--set)", 0, 0, assignment, "expected path.to.key=value");
  std::string path = assignment.substr(0, eq);
  YAML::Node value;
  try {
    value = detached(YAML::Load(assignment.substr(eq + 1)));
  } catch (const YAML::Exception& e) {
    throw ScenarioError(ctx.file + " (--set)", 0, 0, path, "value is not valid YAML: " + e.msg);
  }
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    auto dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  std::function<void(YAML::Node, size_t)> walk = [&](YAML::Node node, size_t i) {
    const std::string& part = parts[i];
    bool last = i + 1 == parts.size();
    if (node.IsSequence()) {
      for (size_t j = 0; j < node.size(); ++j) {
        YAML::Node item = node[j];
        if ((item.IsMap() && item["name"] && item["name"].as<std::string>() == part) || std::to_string(j) == part) {
          if (last) throw ScenarioError(ctx.file + " (--set)", 0, 0, path, "cannot replace a whole list entry");
          walk(item, i + 1);
          return;
        }
      }
      throw ScenarioError(ctx.file + " (--set)", 0, 0, path, "no entry named '" + part + "'");
    }
    if (node.IsDefined() && !node.IsNull() && !node.IsMap())
      throw ScenarioError(ctx.file + " (--set)", 0, 0, path, "'" + part + "' is inside a scalar");
    if (last) {
      node[part] = value;
      return;
    }
    if (!node[part] || node[part].IsNull()) node[part] = YAML::Node(YAML::NodeType::Map);
    walk(node[part], i + 1);
  };
  walk(root, 0);
}

// ---- field readers ---------------------------------------------------------------------------

std::optional<double> parseDate(const std::string& text) {
  std::tm tm{};
  for (const char* fmt : {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"}) {
    tm = std::tm{};
    const char* end = strptime(text.c_str(), fmt, &tm);
    if (end && (*end == '\0' || *end == 'Z')) return static_cast<double>(timegm(&tm));
  }
  return std::nullopt;
}

Distribution readDistribution(const Context& ctx, const YAML::Node& n, const std::string& path) {
  Fields helper(ctx, YAML::Node(), path);
  if (n.IsScalar()) return Distribution::constant(helper.durationOf(n, path));
  if (!n.IsMap() || n.size() != 1)
    ctx.fail(n, path,
             "expected a duration (30s) or one of {constant: D}, {exponential: MEAN}, "
             "{lognormal: {median: D, sigma: S}}, {uniform: [MIN, MAX]}, {empirical: [D, ...]}");
  std::string kind = n.begin()->first.as<std::string>();
  YAML::Node v = n.begin()->second;
  std::string p = join(path, kind);
  Distribution d;
  if (kind == "constant") {
    d = Distribution::constant(helper.durationOf(v, p));
  } else if (kind == "exponential") {
    d.kind = Distribution::Kind::Exponential;
    d.a = helper.durationOf(v, p, 1e-9);
  } else if (kind == "lognormal") {
    Fields f(ctx, v, p);
    d.kind = Distribution::Kind::Lognormal;
    if (!f.has("median")) ctx.fail(v, p, "needs median");
    d.a = f.duration("median", 0, 1e-9);
    d.b = f.number("sigma", 0.5, 0, 10);
    f.finish();
  } else if (kind == "uniform") {
    if (!v.IsSequence() || v.size() != 2) ctx.fail(v, p, "expected [MIN, MAX]");
    d.kind = Distribution::Kind::Uniform;
    d.a = helper.durationOf(v[0], p + "[0]");
    d.b = helper.durationOf(v[1], p + "[1]");
    if (d.b < d.a) ctx.fail(v, p, "MAX is smaller than MIN");
  } else if (kind == "empirical") {
    if (!v.IsSequence() || v.size() == 0) ctx.fail(v, p, "expected a non-empty list of durations");
    d.kind = Distribution::Kind::Empirical;
    for (size_t i = 0; i < v.size(); ++i)
      d.values.push_back(helper.durationOf(v[i], p + "[" + std::to_string(i) + "]"));
  } else {
    ctx.fail(n.begin()->first, p,
             "unknown distribution (constant, exponential, lognormal, uniform, empirical)");
  }
  return d;
}

// `monitoring: {alert_poll_interval, alert_threshold}`: the heartbeat alert.
void readMonitoring(const Context& ctx, const YAML::Node& node, Scenario& s) {
  if (!node.IsDefined() || node.IsNull()) return;
  Fields f(ctx, node, "monitoring");
  MonitoringConfig& m = s.monitoring;
  m.enabled = f.boolean("enabled", true);
  m.alertPollInterval = f.duration("alert_poll_interval", m.alertPollInterval, 1e-3);
  m.alertThreshold = f.duration("alert_threshold", m.alertThreshold, 1e-3);
  f.finish();
}

// How a dead scheduler process comes back: restart_after (a supervisor) or restart_after_alert
// (a person paged by the heartbeat alert); `fallback` when neither is given (< 0: it does not).
void readRestart(const Context& ctx, Fields& f, const std::string& p, const Scenario& s, Fault& fault, double fallback) {
  fault.restartAfter = fallback;
  if (f.has("restart_after") && f.has("restart_after_alert"))
    ctx.fail(f.raw("restart_after_alert"), p + ".restart_after_alert",
             "give either restart_after (a supervisor) or restart_after_alert (a person paged), not both");
  if (f.has("restart_after")) fault.restartAfter = f.duration("restart_after", 0);
  if (f.has("restart_after_alert")) {
    if (!s.monitoring.enabled)
      ctx.fail(f.raw("restart_after_alert"), p + ".restart_after_alert",
               "needs an alert to respond to: add a monitoring section (alert_poll_interval, alert_threshold)");
    fault.restartAfterAlert = f.duration("restart_after_alert", 0);
    fault.restartAfter = -1;
  }
}

// A scheduler_crash: {instance, replica (1-based, as task_instances.csv names them), restart_after
// | restart_after_alert}. Its window lasts until the process is back (or the end of the run).
void readSchedulerCrash(const Context& ctx, Fields& f, const std::string& p, const Scenario& s, Fault& fault) {
  const std::string inst = f.text("instance", s.instances.front().name);
  auto it = std::find_if(s.instances.begin(), s.instances.end(), [&](const InstanceDef& d) { return d.name == inst; });
  if (it == s.instances.end()) ctx.fail(f.raw("instance"), p + ".instance", "unknown scheduler instance '" + inst + "'");
  fault.instance = static_cast<int>(it - s.instances.begin());
  fault.replica = f.integer("replica", 1, 1, s.scheduler.replicas) - 1;
  readRestart(ctx, f, p, s, fault, -1);
  if (f.has("duration"))
    ctx.fail(f.raw("duration"), p + ".duration", "a scheduler_crash lasts until its scheduler is back: no duration");
}

// `faults:` — each {kind, at, ...}: worker_crash {pool, count}, db_failover {duration},
// broker_outage {duration}.
void readFaults(const Context& ctx, const YAML::Node& list, Scenario& s) {
  using K = Fault::Kind;
  if (!list.IsDefined() || list.IsNull()) return;
  if (!list.IsSequence()) ctx.fail(list, "faults", "expected a list of faults");
  std::map<std::string, int> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = "faults[" + std::to_string(i) + "]";
    Fields f(ctx, list[i], p);
    Fault fault;
    if (!f.has("kind"))
      ctx.fail(list[i], p + ".kind", "a fault needs a kind (worker_crash, db_failover, broker_outage, scheduler_crash)");
    fault.kind = f.choice<K>("kind", K::DbFailover,
                             {{"worker_crash", K::WorkerCrash}, {"db_failover", K::DbFailover},
                              {"broker_outage", K::BrokerOutage}, {"scheduler_crash", K::SchedulerCrash}});
    const char* kind = faultKindName(fault.kind);
    fault.name = f.text("name", "");
    if (fault.name.empty()) {
      int n = ++seen[kind];
      fault.name = n == 1 ? kind : std::string(kind) + "_" + std::to_string(n);
    }
    if (!f.has("at")) ctx.fail(list[i], p + ".at", "a fault needs a time (at: 3h)");
    fault.at = f.duration("at", 0);
    if (fault.kind == K::WorkerCrash) {
      fault.pool = f.text("pool", s.executor.pools.front().name);
      auto pool = std::find_if(s.executor.pools.begin(), s.executor.pools.end(),
                               [&](const WorkerPoolConfig& w) { return w.name == fault.pool; });
      if (pool == s.executor.pools.end()) ctx.fail(f.raw("pool"), p + ".pool", "unknown worker pool '" + fault.pool + "'");
      fault.count = f.integer("count", 1, 1, 10000);
      // Until zombie detection has failed the crashed hosts' tries.
      fault.duration = f.duration("duration", s.scheduler.zombieTaskThreshold + s.scheduler.zombieDetectionInterval, 1e-3);
    } else if (fault.kind == K::SchedulerCrash) {
      readSchedulerCrash(ctx, f, p, s, fault);
    } else {
      if (!f.has("duration")) ctx.fail(list[i], p + ".duration", "a " + std::string(kind) + " needs a duration");
      fault.duration = f.duration("duration", 0, 1e-3);
      if (fault.kind == K::DbFailover) {
        fault.failsQueries = f.choice<bool>("mode", false, {{"wait", false}, {"error", true}});
        // A scheduler that exits on the errors comes back as Airflow's systemd unit restarts it
        // (Restart=always, RestartSec=5s), unless told otherwise.
        if (fault.failsQueries) readRestart(ctx, f, p, s, fault, 5);
      }
    }
    fault.afterWindow = f.duration("after_window", fault.afterWindow, 1e-3);
    f.finish();
    s.faults.push_back(fault);
  }
}

// `autoscaler: {policy: fixed | cpu_target | queue_depth | keda, period, cooldown, target, step,
// shutdown: graceful | hard}` of a worker pool.
void readAutoscaler(const Context& ctx, const YAML::Node& node, const std::string& path, WorkerPoolConfig& w) {
  using P = AutoscalerConfig::Policy;
  Fields f(ctx, node, path);
  AutoscalerConfig& a = w.autoscaler;
  if (!f.has("policy")) ctx.fail(node, path + ".policy", "an autoscaler needs a policy (fixed, cpu_target, queue_depth, keda)");
  a.policy = f.choice<P>("policy", P::Fixed,
                         {{"fixed", P::Fixed}, {"cpu_target", P::CpuTarget}, {"queue_depth", P::QueueDepth}, {"keda", P::Keda}});
  // KEDA polls every 30 s and scales in after a 300 s cooldown by default; AWS target tracking
  // and step scaling evaluate one-minute CloudWatch periods.
  a.period = f.duration("period", a.policy == P::Keda ? 30 : 60, 1e-3);
  a.cooldown = f.duration("cooldown", a.cooldown);
  a.cpuTarget = f.number("target", a.cpuTarget, 0.01, 1);
  if (f.has("target") && a.policy != P::CpuTarget)
    ctx.fail(f.raw("target"), path + ".target", "only the cpu_target policy has a target");
  a.step = f.integer("step", a.step, 1, 10000);
  a.graceful = f.choice<bool>("shutdown", true, {{"graceful", true}, {"hard", false}});
  f.finish();
}

// How a worker starts a try: `task_start: fork` (0.4 s, Airflow 2's default) or `interpreter` (a
// new Python interpreter, 1.5 s: execute_tasks_new_python_interpreter, PR #11372's measurement),
// or `task_start_overhead: D` for a measured figure.
double readTaskStart(Fields& f, double fallback) {
  if (f.has("task_start") && f.has("task_start_overhead"))
    f.ctx().fail(f.raw("task_start"), f.path("task_start"), "give either task_start or task_start_overhead");
  if (f.has("task_start"))
    return f.choice<double>("task_start", fallback, {{"fork", 0.4}, {"interpreter", 1.5}});
  return f.duration("task_start_overhead", fallback);
}

// Task fields shared by explicit tasks, shape groups and DAG-level task_defaults.
void readTaskFields(Fields& f, TaskDef& t) {
  if (f.has("kind"))
    t.kind = f.choice<OperatorKind>("kind", t.kind,
                                    {{"task", OperatorKind::Task},
                                     {"sensor", OperatorKind::Sensor},
                                     {"trigger_dagrun", OperatorKind::TriggerDagRun}});
  if (f.has("duration")) t.duration = readDistribution(f.ctx(), f.raw("duration"), f.path("duration"));
  t.retries = f.integer("retries", t.retries, 0, 1000);
  t.retryDelay = f.duration("retry_delay", t.retryDelay);
  t.sla = f.duration("sla", t.sla);
  t.failureProbability = f.number("failure_probability", t.failureProbability, 0, 1);
  t.pool = f.text("pool", t.pool);
  t.queue = f.text("queue", t.queue);
  t.cpu = f.number("cpu", t.cpu, 0, 1);
  t.priorityWeight = f.integer("priority_weight", t.priorityWeight, -1000000, 1000000);
  t.waitsFor = f.text("waits_for", t.waitsFor);
  t.pokeInterval = f.duration("poke_interval", t.pokeInterval, 1e-3);
  t.sensorTimeout = f.duration("timeout", t.sensorTimeout, 1e-3);
  t.triggerDag = f.text("trigger_dag", t.triggerDag);
  t.rescheduleMode = f.choice<bool>("mode", t.rescheduleMode, {{"poke", false}, {"reschedule", true}});
}

struct PendingDeps {
  int task;
  std::vector<std::string> names;
  YAML::Node node;
  std::string path;
};

// A DAG's `tasks:` list, entry by entry: a shape expands to a group of tasks; an entry without
// `deps` follows the previous entry's leaves; explicit deps are resolved once every id is known.
class TaskListReader {
 public:
  TaskListReader(const Context& ctx, const TaskDef& defaults, DagDef& dag) : ctx_(ctx), defaults_(defaults), dag_(dag) {}

  void entry(const YAML::Node& node, const std::string& p) {
    Fields f(ctx_, node, p);
    if (f.has("shape")) {
      shapeEntry(f, node, p);
    } else {
      taskEntry(f, node, p);
    }
  }

  void resolveDeps() {
    for (auto& pending : explicitDeps_) {
      for (auto& name : pending.names) {
        auto it = std::find_if(dag_.tasks.begin(), dag_.tasks.end(), [&](auto& t) { return t.id == name; });
        if (it == dag_.tasks.end()) ctx_.fail(pending.node, pending.path, "unknown task '" + name + "'");
        dag_.tasks[pending.task].upstream.push_back(static_cast<int>(it - dag_.tasks.begin()));
      }
    }
  }

  std::map<std::string, YAML::Node> idNodes;  // each task's entry, for errors

 private:
  int addTask(TaskDef t, const YAML::Node& node, const std::string& p) {
    if (idNodes.count(t.id)) ctx_.fail(node, p, "duplicate task id '" + t.id + "'");
    idNodes[t.id] = node;
    dag_.tasks.push_back(std::move(t));
    return static_cast<int>(dag_.tasks.size()) - 1;
  }

  void shapeEntry(Fields& f, const YAML::Node& node, const std::string& p) {
    enum class Shape { Chain, FanOutIn, Layered };
    Shape shape = f.choice<Shape>("shape", Shape::Chain,
                                  {{"chain", Shape::Chain}, {"fan_out_in", Shape::FanOutIn}, {"layered", Shape::Layered}});
    TaskDef proto = defaults_;
    readTaskFields(f, proto);
    std::string prefix = f.text("prefix", "task");
    std::vector<std::vector<int>> layers;
    int width = 1, depth = 1;
    if (shape == Shape::Chain) {
      depth = f.integer("count", 1, 1, 100000);
    } else if (shape == Shape::FanOutIn) {
      width = f.integer("width", 1, 1, 100000);
      depth = 3;  // head, width parallel tasks, tail
    } else {
      width = f.integer("width", 1, 1, 10000);
      depth = f.integer("depth", 1, 1, 10000);
    }
    f.finish();
    int n = 0;
    for (int layer = 0; layer < depth; ++layer) {
      int w = (shape == Shape::FanOutIn && layer != 1) ? 1 : width;
      std::vector<int> ids;
      for (int k = 0; k < w; ++k) {
        TaskDef t = proto;
        char buf[32];
        std::snprintf(buf, sizeof buf, "_%02d", ++n);
        t.id = prefix + buf;
        t.upstream = layers.empty() ? previousLeaves_ : layers.back();
        ids.push_back(addTask(t, node, p));
      }
      layers.push_back(ids);
    }
    previousLeaves_ = layers.back();
  }

  void taskEntry(Fields& f, const YAML::Node& node, const std::string& p) {
    if (!f.has("id")) ctx_.fail(node, p, "a task needs an id (or a shape for a group of tasks)");
    TaskDef t = defaults_;
    t.id = f.text("id", "");
    readTaskFields(f, t);
    bool hasDeps = f.has("deps");
    std::vector<std::string> deps;
    if (hasDeps) {
      YAML::Node d = f.raw("deps");
      if (!d.IsSequence()) ctx_.fail(d, f.path("deps"), "expected a list of task ids");
      for (const auto& x : d) deps.push_back(x.as<std::string>());
    }
    f.finish();
    t.upstream = hasDeps ? std::vector<int>{} : previousLeaves_;
    int idx = addTask(t, node, p);
    if (hasDeps) explicitDeps_.push_back({idx, deps, node["deps"], p + ".deps"});
    previousLeaves_ = {idx};
  }

  const Context& ctx_;
  const TaskDef& defaults_;
  DagDef& dag_;
  std::vector<int> previousLeaves_;
  std::vector<PendingDeps> explicitDeps_;
};

// Orders a DAG's tasks topologically (Kahn); what is left over sits on a cycle.
void sortTasks(const Context& ctx, const std::string& path, std::map<std::string, YAML::Node>& idNodes, DagDef& dag) {
  size_t n = dag.tasks.size();
  std::vector<int> indegree(n, 0), order;
  std::vector<std::vector<int>> downstream(n);
  for (size_t t = 0; t < n; ++t)
    for (int u : dag.tasks[t].upstream) {
      if (u == static_cast<int>(t))
        ctx.fail(idNodes[dag.tasks[t].id], path, "task '" + dag.tasks[t].id + "' depends on itself");
      downstream[u].push_back(static_cast<int>(t));
      ++indegree[t];
    }
  for (size_t t = 0; t < n; ++t)
    if (indegree[t] == 0) order.push_back(static_cast<int>(t));
  for (size_t k = 0; k < order.size(); ++k)
    for (int d : downstream[order[k]])
      if (--indegree[d] == 0) order.push_back(d);
  if (order.size() != n) {
    for (size_t t = 0; t < n; ++t)
      if (indegree[t] > 0)
        ctx.fail(idNodes[dag.tasks[t].id], path + ".deps",
                 "a cycle in deps through task '" + dag.tasks[t].id + "'");
  }
  std::vector<int> position(n);
  for (size_t k = 0; k < n; ++k) position[order[k]] = static_cast<int>(k);
  std::vector<TaskDef> sorted(n);
  for (size_t t = 0; t < n; ++t) {
    TaskDef task = dag.tasks[t];
    for (int& u : task.upstream) u = position[u];
    std::sort(task.upstream.begin(), task.upstream.end());
    task.upstream.erase(std::unique(task.upstream.begin(), task.upstream.end()), task.upstream.end());
    sorted[position[t]] = std::move(task);
  }
  dag.tasks = std::move(sorted);
}

void readTasks(const Context& ctx, const YAML::Node& list, const std::string& path,
               const TaskDef& defaults, DagDef& dag) {
  if (!list.IsSequence() || list.size() == 0)
    ctx.fail(list, path, "expected a non-empty list of tasks ({id: ...}) or shapes ({shape: ...})");
  TaskListReader reader(ctx, defaults, dag);
  for (size_t i = 0; i < list.size(); ++i) reader.entry(list[i], path + "[" + std::to_string(i) + "]");
  reader.resolveDeps();
  sortTasks(ctx, path, reader.idNodes, dag);
}

// A rate as scenario files write it ("30/h", "0.5/min", a bare number per second).
double rateOf(const Context& ctx, const YAML::Node& n, const std::string& path) {
  auto r = n.IsScalar() ? parseRate(n.Scalar()) : std::nullopt;
  if (!r || *r < 0) ctx.fail(n, path, "expected a rate such as 30/h, 0.5/min or 2/s");
  return *r;
}

// A trace file: one arrival per line, its first comma-separated field a time since the run's
// start (seconds, or a duration such as 90s or 1.5h); blank lines, '#' comments and a header
// line are skipped. Errors name the trace file's line.
std::vector<double> readTrace(const std::string& path, const std::string& field) {
  std::ifstream in(path);
  if (!in) throw ScenarioError(path, 0, 0, field, "cannot read the trace file");
  std::vector<double> times;
  std::string line;
  int lineNo = 0;
  bool headerSkipped = false;
  while (std::getline(in, line)) {
    ++lineNo;
    std::string first = line.substr(0, line.find(','));
    first.erase(0, first.find_first_not_of(" \t\r"));
    first.erase(first.find_last_not_of(" \t\r") + 1);
    if (first.empty() || first[0] == '#') continue;
    auto t = parseDuration(first);
    if (!t && times.empty() && !headerSkipped) {  // a header line before the first time
      headerSkipped = true;
      continue;
    }
    if (!t || *t < 0) throw ScenarioError(path, lineNo, 1, field, "'" + first + "' is not a time since the start (e.g. 90 or 1.5h)");
    times.push_back(*t);
  }
  if (times.empty()) throw ScenarioError(path, 0, 0, field, "the trace holds no arrivals");
  return times;
}

// How a trigger stream's events arrive: `kind` and its fields.
void readArrivals(const Context& ctx, Fields& f, const YAML::Node& entry, const std::string& p, TriggerStream& t) {
  static const std::vector<std::pair<std::string, TriggerStream::Kind>> kinds = {
      {"poisson", TriggerStream::Kind::Poisson},
      {"profile", TriggerStream::Kind::Profile},
      {"burst", TriggerStream::Kind::Burst},
      {"trace", TriggerStream::Kind::Trace}};
  t.kind = f.choice("kind", TriggerStream::Kind::Poisson, kinds);
  switch (t.kind) {
    case TriggerStream::Kind::Poisson: {
      YAML::Node rate = f.raw("rate");
      if (!rate.IsDefined()) ctx.fail(entry, p + ".rate", "a Poisson stream needs a rate (e.g. 30/h)");
      t.ratePerSecond = rateOf(ctx, rate, p + ".rate");
      break;
    }
    case TriggerStream::Kind::Profile: {
      YAML::Node rates = f.raw("rates");
      if (!rates.IsSequence() || rates.size() != 24)
        ctx.fail(rates.IsDefined() ? rates : entry, p + ".rates",
                 "a profile needs 24 rates, one per hour of day from 00:00 (e.g. [2/h, 1/h, ...])");
      for (size_t h = 0; h < 24; ++h) t.hourlyRates.push_back(rateOf(ctx, rates[h], p + ".rates[" + std::to_string(h) + "]"));
      break;
    }
    case TriggerStream::Kind::Burst: {
      t.burstCount = f.integer("count", 1, 1, 1000000);
      if (f.has("every")) t.burstEvery = f.duration("every", 0, 1e-3);
      YAML::Node at = f.raw("at");
      if (at.IsDefined()) {
        if (!at.IsSequence()) ctx.fail(at, p + ".at", "expected a list of times, e.g. [2h, 5h30m]");
        for (size_t k = 0; k < at.size(); ++k) t.burstTimes.push_back(f.durationOf(at[k], p + ".at[" + std::to_string(k) + "]"));
      }
      if (t.burstTimes.empty() && t.burstEvery <= 0)
        ctx.fail(entry, p, "a burst stream needs `at: [times]` or `every: duration`");
      break;
    }
    case TriggerStream::Kind::Trace: {
      std::string file = f.text("file", "");
      if (file.empty()) ctx.fail(entry, p + ".file", "a trace stream needs `file:` (a CSV of arrival times)");
      if (std::filesystem::path(file).is_relative())
        file = (std::filesystem::path(ctx.file).parent_path() / file).string();
      t.traceTimes = readTrace(file, p + ".file");
      break;
    }
  }
}

// Visits every entry of a named list (instances, triggers, slas) with its fields, its node, its
// index and its path (`section.NAME`), once its name is known to be present and unique. Consumes
// `remove`, which only variant merging uses, and rejects the keys the visitor did not read.
template <typename Visit>
void forEachNamedEntry(const Context& ctx, const YAML::Node& list, const std::string& section,
                       const std::string& what, Visit visit) {
  std::set<std::string> names;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string path = section + "[" + std::to_string(i) + "]";
    Fields f(ctx, list[i], path);
    std::string name = f.text("name", "");
    if (name.empty()) ctx.fail(list[i], path, "a " + what + " needs a name");
    if (!names.insert(name).second) ctx.fail(list[i], path, "duplicate " + what + " '" + name + "'");
    f.raw("remove");
    visit(f, list[i], i, section + "." + name, name);
    f.finish();
  }
}

// A non-empty list of names (`what`: "queue name", "DAG name pattern"), each a non-empty scalar.
std::vector<std::string> readNames(const Context& ctx, const YAML::Node& list, const std::string& path,
                                   const std::string& what) {
  if (!list.IsSequence() || list.size() == 0) ctx.fail(list, path, "expected a non-empty list of " + what + "s");
  std::vector<std::string> names;
  for (size_t k = 0; k < list.size(); ++k) {
    if (!list[k].IsScalar() || list[k].Scalar().empty())
      ctx.fail(list[k], path + "[" + std::to_string(k) + "]", "expected a " + what);
    names.push_back(list[k].Scalar());
  }
  return names;
}

// One entry of `executor.pools`; what it does not say comes from the executor's own settings.
WorkerPoolConfig readWorkerPool(const Context& ctx, Fields& f, const std::string& p, const std::string& name,
                                const ExecutorConfig& e) {
  WorkerPoolConfig w;
  w.name = name;
  YAML::Node q = f.raw("queues");
  if (q.IsDefined() && !q.IsNull()) w.queues = readNames(ctx, q, p + ".queues", "queue name");
  w.hardware = f.text("hardware", "");
  w.workerConcurrency = f.integer("worker_concurrency", e.workerConcurrency, 1, 10000);
  w.cores = f.integer("cores", w.workerConcurrency, 1, 100000);
  w.workers = f.integer("workers", 1, 0, 10000);
  w.minWorkers = f.integer("min_workers", w.workers, 0, 10000);
  w.maxWorkers = f.integer("max_workers", std::max(w.workers, w.minWorkers), 0, 10000);
  if (w.minWorkers > w.workers || w.workers > w.maxWorkers)
    ctx.fail(f.has("min_workers") ? f.raw("min_workers") : f.raw("max_workers"), p + ".workers",
             "expected min_workers <= workers <= max_workers");
  w.bootTime = f.duration("boot_time", 0);
  if (f.has("autoscaler")) readAutoscaler(ctx, f.raw("autoscaler"), p + ".autoscaler", w);
  w.taskStartOverhead = readTaskStart(f, e.taskStartOverhead);
  w.pricePerWorkerHour = f.number("price_per_worker_hour", e.pricePerWorkerHour, 0);
  return w;
}

std::map<std::string, double> readInitialRows(const Context& ctx, const YAML::Node& node, const std::string& path) {
  static const std::set<std::string> tables = {"task_instance", "dag_run", "job", "xcom", "log"};
  std::map<std::string, double> out;
  Fields rows(ctx, node, path);
  if (!node.IsMap()) return out;
  for (auto it = rows.node().begin(); it != rows.node().end(); ++it) {
    std::string table = it->first.as<std::string>();
    if (!tables.count(table)) ctx.fail(it->first, rows.path(table), "unknown table (task_instance, dag_run, job, xcom, log)");
    out[table] = rows.number(table, 0, 0);
  }
  return out;
}

// `instances:` partitions the DAGs among independent schedulers. Every DAG belongs to exactly one:
// the instance whose `dags` patterns match its name, else the one instance that lists no patterns.
void readInstances(const Context& ctx, const YAML::Node& list, Scenario& s) {
  if (!list.IsDefined() || list.IsNull()) {
    s.instances = {InstanceDef{}};
    return;
  }
  if (!list.IsSequence() || list.size() == 0)
    ctx.fail(list, "instances", "expected a non-empty list of {name, dags: [patterns], metadb: shared|own}");
  int catchAll = -1;
  std::vector<YAML::Node> patternNodes;
  forEachNamedEntry(ctx, list, "instances", "instance", [&](Fields& f, const YAML::Node& entry, size_t i,
                                                            const std::string& p, const std::string& name) {
    InstanceDef inst;
    inst.name = name;
    YAML::Node dags = f.raw("dags");
    if (dags.IsDefined() && !dags.IsNull()) {
      inst.dagPatterns = readNames(ctx, dags, p + ".dags", "DAG name pattern");
    } else {
      if (catchAll >= 0)
        ctx.fail(entry, p + ".dags", "only one instance may omit dags (it takes every DAG the others do not)");
      catchAll = static_cast<int>(i);
    }
    patternNodes.push_back(dags.IsDefined() ? dags : entry);
    std::string db = f.text("metadb", "shared");
    if (db != "shared" && db != "own") ctx.fail(f.raw("metadb"), p + ".metadb", "'" + db + "' is not one of: shared, own");
    inst.ownMetadb = db == "own";
    if (f.has("initial_rows")) {
      if (!inst.ownMetadb)
        ctx.fail(f.raw("initial_rows"), p + ".initial_rows", "only an instance with metadb: own has its own history");
      inst.initialRows = readInitialRows(ctx, f.raw("initial_rows"), p + ".initial_rows");
    }
    s.instances.push_back(std::move(inst));
  });
  for (auto& d : s.dags) {
    std::vector<int> matches;
    for (size_t i = 0; i < s.instances.size(); ++i)
      for (auto& pattern : s.instances[i].dagPatterns)
        if (fnmatch(pattern.c_str(), d.name.c_str(), 0) == 0) {
          matches.push_back(static_cast<int>(i));
          break;
        }
    if (matches.size() > 1)
      ctx.fail(patternNodes[matches[1]], "instances." + s.instances[matches[1]].name + ".dags",
               "DAG '" + d.name + "' also matches instance '" + s.instances[matches[0]].name + "'");
    if (matches.empty() && catchAll < 0)
      ctx.fail(list, "instances", "DAG '" + d.name + "' matches no instance (give one instance no dags: list)");
    d.instance = matches.empty() ? catchAll : matches[0];
  }
}

void readArchiving(const Context& ctx, const YAML::Node& node, Scenario& s) {
  if (!node.IsDefined() || node.IsNull()) return;
  Fields f(ctx, node, "archiving");
  auto& a = s.archiving;
  a.enabled = f.boolean("enabled", true);
  a.interval = f.duration("interval", a.interval, 1);
  a.retention = f.duration("retention", a.retention);
  a.byStartDate = f.choice<bool>("age_column", false, {{"execution_date", false}, {"start_date", true}});
  a.keepLastRun = f.boolean("keep_last_run", a.keepLastRun);
  if (f.has("tables")) {
    static const std::set<std::string> tables = {"task_instance", "dag_run", "job", "xcom", "log"};
    YAML::Node t = f.raw("tables");
    if (!t.IsSequence() || t.size() == 0) ctx.fail(t, "archiving.tables", "expected a non-empty list of tables");
    a.tables.clear();
    for (size_t i = 0; i < t.size(); ++i) {
      if (!t[i].IsScalar() || !tables.count(t[i].Scalar()))
        ctx.fail(t[i], "archiving.tables[" + std::to_string(i) + "]",
                 "unknown table (task_instance, dag_run, job, xcom, log)");
      a.tables.push_back(t[i].Scalar());
    }
  }
  f.finish();
}

// `slas:` a list of {name, metric, max | min}; the metric path must name a DAG or instance of the
// scenario where it names one.
void readSlas(const Context& ctx, const YAML::Node& list, Scenario& s) {
  if (!list.IsDefined() || list.IsNull()) return;
  if (!list.IsSequence()) ctx.fail(list, "slas", "expected a list of {name, metric, max or min}");
  forEachNamedEntry(ctx, list, "slas", "SLA", [&](Fields& f, const YAML::Node& entry, size_t,
                                                   const std::string& p, const std::string& name) {
    Sla sla;
    sla.name = name;
    sla.line = entry.Mark().line + 1;
    sla.column = entry.Mark().column + 1;
    YAML::Node metric = f.raw("metric");
    if (!metric.IsDefined() || !metric.IsScalar())
      ctx.fail(entry, p + ".metric", "an SLA needs a metric, e.g. metrics.task_transition_latency_s.p95");
    sla.bound.metric = metric.Scalar();
    if (auto wrong = checkMetricPath(sla.bound.metric)) ctx.fail(metric, p + ".metric", *wrong);
    std::string head = sla.bound.metric.substr(0, sla.bound.metric.find('.'));
    std::string owner = sla.bound.metric.substr(head.size() + 1);
    owner = owner.substr(0, owner.find('.'));
    if (head == "metrics_by_dag" && s.dagIndex(owner) < 0)
      ctx.fail(metric, p + ".metric", "unknown DAG '" + owner + "'");
    if (head == "metrics_by_instance" &&
        std::none_of(s.instances.begin(), s.instances.end(), [&](auto& x) { return x.name == owner; }))
      ctx.fail(metric, p + ".metric", "unknown instance '" + owner + "'");
    if (f.has("max") == f.has("min")) ctx.fail(entry, p, "give exactly one of max: or min:");
    std::string key = f.has("max") ? "max" : "min";
    YAML::Node limit = f.raw(key);
    auto v = limit.IsScalar() ? parseLimit(limit.Scalar()) : std::nullopt;
    if (!v) ctx.fail(limit, p + "." + key, "expected a number, a duration (3s, 250ms) or a percentage (50%)");
    sla.bound.atMost = key == "max";
    sla.bound.limit = *v;
    s.slas.push_back(std::move(sla));
  });
}

// What a scenario's sections refer to across sections, checked once every section is read.
struct References {
  std::map<std::string, YAML::Node> dagNodes;  // the DAGs by name
  std::vector<std::pair<YAML::Node, std::string>> sensors, triggers;  // "path=name" of each reference
};

void readRunSection(const Context& ctx, Fields& top, Scenario& s) {
  Fields f(ctx, top.raw("run"), "run");
  s.run.horizon = f.duration("horizon", s.run.horizon, 1e-3);
  s.run.warmup = f.duration("warmup", s.run.warmup);
  if (s.run.warmup >= s.run.horizon)
    ctx.fail(f.raw("warmup"), "run.warmup", "must be shorter than run.horizon");
  s.run.seed = static_cast<uint64_t>(f.integer("seed", 1, 0, 2147483647));
  s.run.sampleInterval = f.duration("sample_interval", s.run.sampleInterval, 1e-3);
  s.run.taskInstancesCsv = f.boolean("task_instances_csv", true);
  if (f.has("start")) {
    YAML::Node n = f.raw("start");
    auto d = n.IsScalar() ? parseDate(n.Scalar()) : std::nullopt;
    if (!d) ctx.fail(n, "run.start", "expected a date such as 2020-01-01 or 2020-01-01T06:00:00");
    s.run.start = *d;
  }
  f.finish();
}

void readSchedulerSection(const Context& ctx, Fields& top, Scenario& s) {
  Fields f(ctx, top.raw("scheduler"), "scheduler");
  auto& c = s.scheduler;
  c.model = f.choice<SchedulerModel>("model", c.model,
                                     {{"airflow1", SchedulerModel::Airflow1},
                                      {"airflow2", SchedulerModel::Airflow2}});
  bool a1 = c.model == SchedulerModel::Airflow1;
  // Airflow 1.10.12 queried per task; AIRFLOW-3607 (1.10.13, 2.0) made it one query per DAG run.
  c.queryMode = f.choice<QueryMode>("query_mode", a1 ? QueryMode::PerTask : QueryMode::PerDag,
                                    {{"per_task", QueryMode::PerTask}, {"per_dag", QueryMode::PerDag}});
  if (!a1 && c.queryMode == QueryMode::PerTask)
    ctx.fail(f.raw("query_mode"), "scheduler.query_mode",
             "per_task exists only in the airflow1 model (Airflow 2 evaluates deps in memory)");
  c.notPreviouslySkippedDep = f.boolean("not_previously_skipped_dep", false);
  c.parallelism = f.integer("parallelism", c.parallelism, 1);
  c.maxActiveTasksPerDag = f.integer("max_active_tasks_per_dag", c.maxActiveTasksPerDag, 1);
  c.maxActiveRunsPerDag = f.integer("max_active_runs_per_dag", c.maxActiveRunsPerDag, 1);
  c.maxTisPerQuery = f.integer("max_tis_per_query", c.maxTisPerQuery, 1);
  c.maxDagrunsToCreatePerLoop = f.integer("max_dagruns_to_create_per_loop", c.maxDagrunsToCreatePerLoop, 1);
  c.maxDagrunsPerLoopToSchedule =
      f.integer("max_dagruns_per_loop_to_schedule", c.maxDagrunsPerLoopToSchedule, 1);
  c.idleSleepTime = f.duration("scheduler_idle_sleep_time", c.idleSleepTime);
  c.parsingProcesses = f.integer("parsing_processes", c.parsingProcesses, 1, 256);
  // 0 in 1.10 (files re-parsed back to back), 30 s from 2.0.1.
  c.minFileProcessInterval = f.duration("min_file_process_interval", a1 ? 0 : 30);
  c.dagFileParseCost = f.duration("dag_file_parse_cost", c.dagFileParseCost);
  c.clientCostPerQuery = f.duration("client_cost_per_query", c.clientCostPerQuery);
  c.schedulerHeartbeatSec = f.duration("scheduler_heartbeat_sec", c.schedulerHeartbeatSec, 1e-3);
  c.jobHeartbeatSec = f.duration("job_heartbeat_sec", c.jobHeartbeatSec, 1e-3);
  c.zombieTaskThreshold = f.duration("scheduler_zombie_task_threshold", c.zombieTaskThreshold, 1e-3);
  c.zombieDetectionInterval = f.duration("zombie_detection_interval", c.zombieDetectionInterval, 1e-3);
  c.scheduleAfterTaskExecution = f.boolean("schedule_after_task_execution", !a1);
  if (a1 && c.scheduleAfterTaskExecution)
    ctx.fail(f.raw("schedule_after_task_execution"), "scheduler.schedule_after_task_execution",
             "the mini-scheduler exists only in the airflow2 model");
  c.defaultPoolSlots = f.integer("default_pool_slots", c.defaultPoolSlots, 1);
  c.replicas = f.integer("replicas", 1, 1, 64);
  if (a1 && c.replicas > 1)
    ctx.fail(f.raw("replicas"), "scheduler.replicas", "several active schedulers exist only in the airflow2 model");
  c.healthCheckThreshold = f.duration("scheduler_health_check_threshold", c.healthCheckThreshold, 1e-3);
  c.pricePerHostHour = f.number("price_per_host_hour", c.pricePerHostHour, 0);
  c.orphanedTasksCheckInterval = f.duration("orphaned_tasks_check_interval", c.orphanedTasksCheckInterval, 1e-3);
  if (f.has("hot_standby")) {
    Fields h(ctx, f.raw("hot_standby"), "scheduler.hot_standby");
    c.hotStandby = true;
    c.standbyPollInterval = h.duration("poll_interval", c.standbyPollInterval, 1e-3);
    c.standbyTakeoverAfter = h.duration("takeover_after", c.healthCheckThreshold, 1e-3);
    h.finish();
    if (c.replicas > 1)
      ctx.fail(f.raw("hot_standby"), "scheduler.hot_standby",
               "a hot standby backs a single active scheduler; with replicas the others carry on");
  }
  if (f.has("pools")) {
    Fields pools(ctx, f.raw("pools"), "scheduler.pools");
    for (auto it = pools.node().begin(); it != pools.node().end(); ++it) {
      std::string name = it->first.as<std::string>();
      c.pools[name] = pools.integer(name, 1, 1);
    }
  }
  f.finish();
}

void readMetadbSection(const Context& ctx, Fields& top, Scenario& s) {
  Fields f(ctx, top.raw("metadb"), "metadb");
  auto& m = s.metadb;
  m.cores = f.integer("cores", m.cores, 1, 1024);
  m.poolSize = f.integer("pool_size", m.poolSize, 0, 100000);
  m.networkRtt = f.duration("network_rtt", m.networkRtt);
  m.cacheBytes = f.bytes("cache", m.cacheBytes);
  m.pageReadLatency = f.duration("page_read_latency", m.pageReadLatency);
  m.pricePerCoreHour = f.number("price_per_core_hour", m.pricePerCoreHour, 0);
  m.calibration = f.text("calibration", "");
  if (!m.calibration.empty() && std::filesystem::path(m.calibration).is_relative())
    m.calibration = (std::filesystem::path(ctx.file).parent_path() / m.calibration).string();
  if (f.has("initial_rows")) m.initialRows = readInitialRows(ctx, f.raw("initial_rows"), "metadb.initial_rows");
  f.finish();
}

void readExecutorSection(const Context& ctx, Fields& top, Scenario& s) {
  Fields f(ctx, top.raw("executor"), "executor");
  auto& e = s.executor;
  e.kind = f.choice<ExecutorKind>("kind", e.kind, {{executorKindName(ExecutorKind::Celery), ExecutorKind::Celery}});
  e.brokerLatency = f.duration("broker_latency", e.brokerLatency);
  if (f.has("pools") && f.has("workers"))
    ctx.fail(f.raw("workers"), "executor.workers",
             "give either workers (one pool serving every queue) or pools, not both");
  e.workers = f.integer("workers", e.workers, 1, 10000);
  e.workerConcurrency = f.integer("worker_concurrency", e.workerConcurrency, 1, 10000);
  e.taskStartOverhead = readTaskStart(f, e.taskStartOverhead);
  e.pricePerWorkerHour = f.number("price_per_worker_hour", e.pricePerWorkerHour, 0);
  e.acksLate = f.boolean("acks_late", e.acksLate);
  e.visibilityTimeout = f.duration("visibility_timeout", e.visibilityTimeout, 1e-3);
  if (f.has("broker_outage")) {
    Fields o(ctx, f.raw("broker_outage"), "executor.broker_outage");
    e.outageAt = o.duration("at", 0);
    e.outageDuration = o.duration("duration", 0, 1e-3);
    if (!o.has("duration")) ctx.fail(f.raw("broker_outage"), "executor.broker_outage.duration", "an outage needs a duration");
    o.finish();
  }
  if (f.has("deploy")) {
    Fields d(ctx, f.raw("deploy"), "executor.deploy");
    YAML::Node at = d.raw("at");
    if (!at.IsSequence() || at.size() == 0)
      ctx.fail(at.IsDefined() ? at : f.raw("deploy"), "executor.deploy.at", "expected a list of times, e.g. [14h]");
    for (size_t k = 0; k < at.size(); ++k) {
      auto t = at[k].IsScalar() ? parseDuration(at[k].Scalar()) : std::nullopt;
      if (!t || *t < 0) ctx.fail(at[k], "executor.deploy.at[" + std::to_string(k) + "]", "expected a time such as 14h");
      e.deployAt.push_back(*t);
    }
    e.deployGraceful = d.choice<bool>("shutdown", true, {{"graceful", true}, {"hard", false}});
    d.finish();
  }
  e.pools.clear();
  YAML::Node pools = f.raw("pools");
  if (pools.IsDefined() && !pools.IsNull()) {
    if (!pools.IsSequence() || pools.size() == 0)
      ctx.fail(pools, "executor.pools", "expected a non-empty list of worker pools");
    forEachNamedEntry(ctx, pools, "executor.pools", "worker pool",
                      [&](Fields& pf, const YAML::Node&, size_t, const std::string& p, const std::string& name) {
                        e.pools.push_back(readWorkerPool(ctx, pf, p, name, e));
                      });
  } else {
    WorkerPoolConfig w;
    w.workers = w.minWorkers = w.maxWorkers = e.workers;
    w.workerConcurrency = e.workerConcurrency;
    w.cores = e.workerConcurrency;
    w.taskStartOverhead = e.taskStartOverhead;
    w.pricePerWorkerHour = e.pricePerWorkerHour;
    e.pools.push_back(w);
  }
  if (e.totalWorkers() == 0) ctx.fail(pools, "executor.pools", "no pool has a worker");
  f.finish();
}

// One DAG of `dags:` (the i-th).
void readDag(const Context& ctx, const YAML::Node& dags, size_t i, Scenario& s, References& refs) {
  std::string p = "dags[" + std::to_string(i) + "]";
  DagDef d;
  if (!dags[i].IsMap() || !dags[i]["name"] || !dags[i]["name"].IsScalar())
    ctx.fail(dags[i], p, "a DAG needs a name");
  d.name = dags[i]["name"].Scalar();
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
  d.startDate = s.run.start;
  if (f.has("start_date")) {
    YAML::Node n = f.raw("start_date");
    std::optional<double> v = n.IsScalar() ? parseDate(n.Scalar()) : std::nullopt;
    if (!v && n.IsScalar()) {
      auto rel = parseDuration(n.Scalar());
      if (rel) v = s.run.start + *rel;
    }
    if (!v) ctx.fail(n, p + ".start_date", "expected a date (2020-01-01) or an offset from run.start (-7d)");
    d.startDate = *v;
  }
  YAML::Node sched = f.raw("schedule");
  if (sched.IsDefined() && !sched.IsNull()) {
    if (!sched.IsScalar()) ctx.fail(sched, p + ".schedule", "expected none, an interval (10s) or a cron expression");
    std::string text = sched.Scalar();
    if (text == "none") {
      d.schedule = Schedule::none();
    } else if (auto interval = parseDuration(text)) {
      if (*interval <= 0) ctx.fail(sched, p + ".schedule", "an interval must be positive");
      d.schedule = Schedule::interval(*interval, d.startDate);
    } else {
      std::string error;
      auto cron = Schedule::cron(text, &error);
      if (!cron) ctx.fail(sched, p + ".schedule", error + " (or use none, or an interval such as 10s)");
      d.schedule = *cron;
    }
  }
  TaskDef defaults;
  if (f.has("task_defaults")) {
    Fields td(ctx, f.raw("task_defaults"), p + ".task_defaults");
    readTaskFields(td, defaults);
    td.finish();
  }
  readTasks(ctx, f.raw("tasks"), p + ".tasks", defaults, d);
  f.finish();
  for (size_t t = 0; t < d.tasks.size(); ++t) {
    auto& task = d.tasks[t];
    std::string tp = p + ".tasks." + task.id;
    const auto& pools = s.executor.pools;
    if (std::none_of(pools.begin(), pools.end(), [&](const WorkerPoolConfig& w) { return w.serves(task.queue); }))
      ctx.fail(dags[i], tp + ".queue", "no worker pool serves queue '" + task.queue + "' (executor.pools[].queues)");
    if (task.kind == OperatorKind::TriggerDagRun && task.triggerDag.empty())
      ctx.fail(dags[i], tp, "a trigger_dagrun task needs trigger_dag: the DAG it starts");
    if (task.kind == OperatorKind::Sensor && !task.waitsFor.empty()) refs.sensors.push_back({dags[i], tp + ".waits_for=" + task.waitsFor});
    if (task.kind == OperatorKind::TriggerDagRun)
      refs.triggers.push_back({dags[i], tp + ".trigger_dag=" + task.triggerDag});
  }
  s.dags.push_back(std::move(d));
}

void readDagsSection(const Context& ctx, Fields& top, const YAML::Node& root, Scenario& s, References& refs) {
  YAML::Node dags = top.raw("dags");
  if (!dags.IsDefined() || dags.IsNull() || !dags.IsSequence() || dags.size() == 0)
    ctx.fail(dags.IsDefined() ? dags : root, "dags", "expected a non-empty list of DAGs");
  for (size_t i = 0; i < dags.size(); ++i) readDag(ctx, dags, i, s, refs);
}

// Arrival streams.
void readTriggersSection(const Context& ctx, Fields& top, Scenario& s, const References& refs) {
  YAML::Node triggers = top.raw("triggers");
  if (triggers.IsDefined() && !triggers.IsNull()) {
    if (!triggers.IsSequence()) ctx.fail(triggers, "triggers", "expected a list of arrival streams");
    forEachNamedEntry(ctx, triggers, "triggers", "trigger stream", [&](Fields& f, const YAML::Node& entry, size_t,
                                                                        const std::string& p, const std::string& name) {
      TriggerStream t;
      t.name = name;
      readArrivals(ctx, f, entry, p, t);
      t.start = f.duration("start", 0);
      t.end = f.has("end") ? f.duration("end", 0) : -1;
      t.dag = f.text("dag", "");
      if (!t.dag.empty() && !refs.dagNodes.count(t.dag))
        ctx.fail(entry["dag"], p + ".dag", "unknown DAG '" + t.dag + "'");
      s.triggers.push_back(t);
    });
  }
}

void checkReferences(const Context& ctx, const Scenario& s, const References& refs) {
  for (auto& [node, ref] : refs.sensors) {
    std::string name = ref.substr(ref.find('=') + 1);
    bool found = std::any_of(s.triggers.begin(), s.triggers.end(), [&](auto& t) { return t.name == name; });
    if (!found) ctx.fail(node, ref.substr(0, ref.find('=')), "unknown trigger stream '" + name + "'");
  }
  for (auto& [node, ref] : refs.triggers) {
    std::string name = ref.substr(ref.find('=') + 1);
    if (!refs.dagNodes.count(name)) ctx.fail(node, ref.substr(0, ref.find('=')), "unknown DAG '" + name + "'");
  }
}

Scenario readScenario(const Context& ctx, const YAML::Node& root, const std::string& variant) {
  Scenario s;
  s.variant = variant;
  s.sourcePath = ctx.file;
  s.name = std::filesystem::path(ctx.file).stem().string();
  Fields top(ctx, root, "");
  s.name = top.text("name", s.name);
  s.description = top.text("description", "");
  top.raw("variants");  // handled by the caller

  readRunSection(ctx, top, s);
  readSchedulerSection(ctx, top, s);
  readMetadbSection(ctx, top, s);
  readExecutorSection(ctx, top, s);
  References refs;
  readDagsSection(ctx, top, root, s, refs);
  readTriggersSection(ctx, top, s, refs);
  readInstances(ctx, top.raw("instances"), s);
  readArchiving(ctx, top.raw("archiving"), s);
  readMonitoring(ctx, top.raw("monitoring"), s);
  readFaults(ctx, top.raw("faults"), s);
  readSlas(ctx, top.raw("slas"), s);
  checkReferences(ctx, s, refs);
  top.finish();
  return s;
}

YAML::Node loadFile(const Context& ctx) {
  if (!std::filesystem::exists(ctx.file)) throw ScenarioError(ctx.file, 0, 0, "", "no such file");
  try {
    YAML::Node root = YAML::LoadFile(ctx.file);
    if (!root.IsMap()) ctx.fail(root, "", "a scenario file is a YAML mapping (dags:, scheduler:, ...)");
    return root;
  } catch (const YAML::ParserException& e) {
    throw ScenarioError(ctx.file, e.mark.line + 1, e.mark.column + 1, "", "YAML syntax: " + e.msg);
  } catch (const YAML::BadFile&) {
    throw ScenarioError(ctx.file, 0, 0, "", "cannot read file");
  }
}

struct VariantSpec {
  std::string name;
  YAML::Node node;
};

std::vector<VariantSpec> readVariants(const Context& ctx, const YAML::Node& root) {
  std::vector<VariantSpec> out;
  YAML::Node v = root["variants"];
  if (!v.IsDefined() || v.IsNull()) return {{"base", YAML::Node(YAML::NodeType::Map)}};
  if (!v.IsSequence() || v.size() == 0) ctx.fail(v, "variants", "expected a non-empty list of {name: ..., overrides}");
  std::set<std::string> names;
  for (size_t i = 0; i < v.size(); ++i) {
    std::string p = "variants[" + std::to_string(i) + "]";
    if (!v[i].IsMap() || !v[i]["name"]) ctx.fail(v[i], p, "a variant needs a name");
    std::string name = v[i]["name"].as<std::string>();
    if (!names.insert(name).second) ctx.fail(v[i]["name"], p + ".name", "duplicate variant '" + name + "'");
    out.push_back({name, v[i]});
  }
  return out;
}

}  // namespace

int Scenario::dagIndex(const std::string& n) const {
  for (size_t i = 0; i < dags.size(); ++i)
    if (dags[i].name == n) return static_cast<int>(i);
  return -1;
}

std::vector<std::string> variantNames(const std::string& path) {
  Context ctx{path};
  std::vector<std::string> names;
  for (auto& v : readVariants(ctx, loadFile(ctx))) names.push_back(v.name);
  return names;
}

std::vector<Scenario> loadScenario(const LoadRequest& request) {
  Context ctx{request.path};
  YAML::Node root = loadFile(ctx);
  std::vector<VariantSpec> variants = readVariants(ctx, root);
  for (auto& wanted : request.variants) {
    bool known = std::any_of(variants.begin(), variants.end(), [&](auto& v) { return v.name == wanted; });
    if (!known) {
      std::string list;
      for (auto& v : variants) list += (list.empty() ? "" : ", ") + v.name;
      throw ScenarioError(ctx.file, 0, 0, "variants", "unknown variant '" + wanted + "' (defined: " + list + ")");
    }
  }
  // A variant may extend an earlier one: `extends: NAME` applies NAME's overrides first.
  std::function<void(YAML::Node, const std::vector<VariantSpec>&, const VariantSpec&, int)> apply =
      [&](YAML::Node base, const std::vector<VariantSpec>& variants, const VariantSpec& v, int depth) {
    if (depth > 32) ctx.fail(v.node, "variants." + v.name + ".extends", "extends chain too long (a cycle?)");
    Fields f(ctx, v.node, "variants." + v.name);
    if (f.has("extends")) {
      std::string parent = f.text("extends", "");
      auto it = std::find_if(variants.begin(), variants.end(), [&](auto& x) { return x.name == parent; });
      if (it == variants.end() || it->name == v.name)
        ctx.fail(v.node["extends"], "variants." + v.name + ".extends", "unknown variant '" + parent + "'");
      apply(base, variants, *it, depth + 1);
    }
    YAML::Node overrides(YAML::NodeType::Map);
    for (auto it = v.node.begin(); it != v.node.end(); ++it) {
      std::string key = it->first.as<std::string>();
      if (key == "name" || key == "extends" || key == "description") continue;
      static const std::set<std::string> sections = {"dags", "triggers",  "scheduler", "metadb", "executor",
                                                     "run",  "instances", "archiving", "faults", "monitoring"};
      if (!sections.count(key))
        ctx.fail(it->first, "variants." + v.name + "." + key,
                 "unknown key (a variant overrides dags, triggers, scheduler, metadb, executor, run, "
                 "instances, archiving, faults or monitoring)");
      overrides[key] = it->second;
    }
    mergeInto(base, overrides);
  };
  std::vector<Scenario> out;
  for (auto& v : variants) {
    if (!request.variants.empty() &&
        std::find(request.variants.begin(), request.variants.end(), v.name) == request.variants.end())
      continue;
    // A fresh parse per variant: merging shares nodes (and so keeps their line numbers), so
    // no variant may see another's changes.
    YAML::Node merged = loadFile(ctx);
    std::vector<VariantSpec> fresh = readVariants(ctx, merged);
    merged.remove("variants");
    apply(merged, fresh, *std::find_if(fresh.begin(), fresh.end(), [&](auto& x) { return x.name == v.name; }), 0);
    for (auto& set : request.sets) applySet(ctx, merged, set);
    Scenario s = readScenario(ctx, merged, v.name);
    if (v.node["description"]) s.description = v.node["description"].as<std::string>();
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace schedlab
