#include "scenario/yaml/Fields.h"

#include <ctime>

#include "scenario/Duration.h"
#include "scenario/Scenario.h"
#include "scenario/ScenarioError.h"

namespace schedlab::yaml {

void Context::fail(const YAML::Node& node, const std::string& path, const std::string& message) const {
  const YAML::Mark mark = node.IsDefined() ? node.Mark() : YAML::Mark::null_mark();
  if (mark.is_null() || mark.line < 0) {
    for (const std::string& set : sets) {
      const std::string target = set.substr(0, set.find('='));
      // A set path names list entries by name, the error path by name or index: compare heads.
      if (path.rfind(target, 0) == 0 || target.rfind(path, 0) == 0)
        throw ScenarioError(file + " (--set)", 0, 0, path, message);
    }
    throw ScenarioError(file, 0, 0, path, message);
  }
  throw ScenarioError(file, mark.line + 1, mark.column + 1, path, message);
}

bool isAirflowKey(const std::string& text) {
  if (text.empty() || text.size() > 250) return false;
  for (char c : text)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
          c == '-'))
      return false;
  return true;
}

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

Fields::Fields(const Context& ctx, const YAML::Node& node, std::string path)
    : ctx_(ctx), node_(node), path_(std::move(path)) {
  if (node_.IsNull() || !node_.IsDefined()) return;
  if (!node_.IsMap()) ctx_.fail(node_, path_, "expected a mapping");
}

bool Fields::has(const std::string& key) const { return node_.IsMap() && node_[key].IsDefined(); }

YAML::Node Fields::raw(const std::string& key) {
  used_.insert(key);
  // Looked up through a const node: yaml-cpp's non-const operator[] allocates a key and a value
  // node in the document for every key that is not there (20 KB a task at load, kept to the end).
  // A missing key gives an undefined node of its own, as the non-const lookup did.
  if (!node_.IsMap()) return YAML::Node();
  const YAML::Node& map = node_;
  YAML::Node found = map[key];
  return found.IsDefined() ? found : YAML::Node(YAML::NodeType::Undefined);
}

std::string Fields::text(const std::string& key, const std::string& fallback) {
  YAML::Node n = raw(key);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  if (!n.IsScalar()) ctx_.fail(n, path(key), "expected a string");
  return n.Scalar();
}

double Fields::number(const std::string& key, double fallback, double min, double max) {
  YAML::Node n = raw(key);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  double v = 0;
  if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) || !std::isfinite(v))
    ctx_.fail(n, path(key), "expected a number, got '" + scalarText(n) + "'");
  checkRange(n, key, v, min, max);
  return v;
}

int Fields::integer(const std::string& key, int fallback, int min, int max) {
  YAML::Node n = raw(key);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  long long v = 0;
  if (!n.IsScalar() || !YAML::convert<long long>::decode(n, v))
    ctx_.fail(n, path(key), "expected a whole number, got '" + scalarText(n) + "'");
  checkRange(n, key, static_cast<double>(v), min, max);
  return static_cast<int>(v);
}

bool Fields::boolean(const std::string& key, bool fallback) {
  YAML::Node n = raw(key);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  bool v = false;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v))
    ctx_.fail(n, path(key), "expected true or false, got '" + scalarText(n) + "'");
  return v;
}

double Fields::duration(const std::string& key, double fallback, double min) {
  YAML::Node n = raw(key);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  return durationOf(n, path(key), min);
}

double Fields::measuredOrDuration(const std::string& key, double fallback) {
  if (has(key) && raw(key).IsScalar() && raw(key).Scalar() == "measured") return kMeasuredClientCost;
  return duration(key, fallback);
}

double Fields::bytes(const std::string& key, double fallback) {
  YAML::Node n = raw(key);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  auto v = n.IsScalar() ? parseBytes(n.Scalar()) : std::nullopt;
  if (!v) ctx_.fail(n, path(key), "'" + scalarText(n) + "' is not a size (use B, MB, GB, MiB, GiB: 512MiB, 4GiB)");
  if (*v < 0) ctx_.fail(n, path(key), "negative size '" + n.Scalar() + "'");
  return *v;
}

double Fields::durationOf(const YAML::Node& n, const std::string& p, double min) const {
  if (!n.IsScalar()) ctx_.fail(n, p, "expected a duration such as 30s, 5m, 2h or 7d");
  auto v = parseDuration(n.Scalar());
  if (!v) ctx_.fail(n, p, "'" + n.Scalar() + "' is not a duration (use ms, s, m, h, d: 30s, 5m, 7d)");
  if (*v < min)
    ctx_.fail(n, p,
              *v < 0 ? "negative duration '" + n.Scalar() + "'"
                     : "duration '" + n.Scalar() + "' too small (at least " + formatDuration(min) + ")");
  return *v;
}

void Fields::finish() const {
  if (!node_.IsMap()) return;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    std::string key = it->first.as<std::string>();
    if (!used_.count(key)) ctx_.fail(it->first, join(path_, key), "unknown key");
  }
}

std::string Fields::scalarText(const YAML::Node& n) { return n.IsScalar() ? n.Scalar() : "(not a scalar)"; }

void Fields::checkRange(const YAML::Node& n, const std::string& key, double v, double min, double max) const {
  auto fmt = [](double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return std::string(buf);
  };
  if (v < min) ctx_.fail(n, path(key), "must be at least " + fmt(min) + ", got " + n.Scalar());
  if (v > max) ctx_.fail(n, path(key), "must be at most " + fmt(max) + ", got " + n.Scalar());
}

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
    ctx.fail(n.begin()->first, p, "unknown distribution (constant, exponential, lognormal, uniform, empirical)");
  }
  return d;
}

double rateOf(const Context& ctx, const YAML::Node& n, const std::string& path) {
  auto r = n.IsScalar() ? parseRate(n.Scalar()) : std::nullopt;
  if (!r || *r < 0) ctx.fail(n, path, "expected a rate such as 30/h, 0.5/min or 2/s");
  return *r;
}

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

void failOnDuplicateName(const Context& ctx, const YAML::Node& list, const std::string& path, const std::string& what) {
  std::set<std::string> seen;
  for (size_t k = 0; k < list.size(); ++k)
    if (!seen.insert(list[k].Scalar()).second)
      ctx.fail(list[k], path, "duplicate " + what + " '" + list[k].Scalar() + "'");
}

std::map<std::string, double> readInitialRows(const Context& ctx, const YAML::Node& node, const std::string& path) {
  static const std::set<std::string> tables = {"task_instance", "dag_run", "job", "xcom", "log"};
  std::map<std::string, double> out;
  Fields rows(ctx, node, path);
  if (!node.IsMap()) return out;
  for (auto it = rows.node().begin(); it != rows.node().end(); ++it) {
    std::string table = it->first.as<std::string>();
    if (!tables.count(table))
      ctx.fail(it->first, rows.path(table), "unknown table (task_instance, dag_run, job, xcom, log)");
    out[table] = rows.number(table, 0, 0);
  }
  return out;
}

}  // namespace schedlab::yaml
