// The scenario reader's shared field helpers: where an error is reported (Context), a YAML
// mapping read key by key (Fields), and the value forms several sections share (dates, rates,
// distributions, name lists, initial table rows). Internal to the scenario layer's YAML readers.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "scenario/Distribution.h"

namespace schedlab::yaml {

// Where an error is reported: the file, and the field path leading to a node.
struct Context {
  std::string file;
  std::vector<std::string> sets;  // the --set assignments applied, "path.to.key=value"

  // Throws ScenarioError at the node's line and column. A node without a position came from a
  // --set when one set its path, else it is missing: then the file and the path are named.
  [[noreturn]] void fail(const YAML::Node& node, const std::string& path, const std::string& message) const;
};

// Airflow's rule for a dag_id or task_id (KEY_REGEX ^[\w.-]+$, at most 250 characters), in
// ASCII: letters, digits, '_', '.' and '-'.
bool isAirflowKey(const std::string& text);

// "path.key", or "key" at the top.
std::string join(const std::string& path, const std::string& key);

// A YAML mapping whose keys are consumed one by one; finish() rejects the keys nobody asked for.
// Every reader returns `fallback` for a missing or null key and fails with the key's path otherwise.
class Fields {
 public:
  // REQUIRES: node is a mapping, null or undefined (anything else fails).
  Fields(const Context& ctx, const YAML::Node& node, std::string path);

  bool has(const std::string& key) const;
  YAML::Node raw(const std::string& key);  // marks the key read
  std::string path(const std::string& key) const { return join(path_, key); }
  const Context& ctx() const { return ctx_; }
  const YAML::Node& node() const { return node_; }

  std::string text(const std::string& key, const std::string& fallback);
  double number(const std::string& key, double fallback, double min = -INFINITY, double max = INFINITY);
  int integer(const std::string& key, int fallback, int min = 0, int max = 1 << 30);
  bool boolean(const std::string& key, bool fallback);
  double duration(const std::string& key, double fallback, double min = 0);  // seconds
  // `measured` (taken from the calibration: kMeasuredClientCost) or a duration in seconds.
  double measuredOrDuration(const std::string& key, double fallback);
  double bytes(const std::string& key, double fallback);
  // A node that must be a duration of at least `min` seconds.
  double durationOf(const YAML::Node& n, const std::string& p, double min = 0) const;
  // One of `names`, each with its value.
  template <typename E>
  E choice(const std::string& key, E fallback, const std::vector<std::pair<std::string, E>>& names);

  // Fails on the first key of the mapping no reader asked for.
  void finish() const;

 private:
  static std::string scalarText(const YAML::Node& n);
  void checkRange(const YAML::Node& n, const std::string& key, double v, double min, double max) const;

  const Context& ctx_;
  YAML::Node node_;
  std::string path_;
  std::set<std::string> used_;
};

template <typename E>
E Fields::choice(const std::string& key, E fallback, const std::vector<std::pair<std::string, E>>& names) {
  YAML::Node n = raw(key);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  std::string allowed;
  for (auto& [name, value] : names) {
    if (n.IsScalar() && n.Scalar() == name) return value;
    allowed += (allowed.empty() ? "" : ", ") + name;
  }
  std::string message = "'";
  message.append(scalarText(n)).append("' is not one of: ").append(allowed);
  ctx_.fail(n, path(key), message);
}

// Visits every entry of a named list (instances, triggers, slas) with its fields, its node, its
// index and its path (`section.NAME`), once its name is known to be present and unique. Consumes
// `remove`, which only variant merging uses, and rejects the keys the visitor did not read.
template <typename Visit>
void forEachNamedEntry(const Context& ctx, const YAML::Node& list, const std::string& section, const std::string& what,
                       Visit visit) {
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

// A date (2020-01-01, 2020-01-01T06:00:00, UTC) as Unix seconds; nullopt when malformed.
std::optional<double> parseDate(const std::string& text);

// A duration (30s) or {constant | exponential | lognormal | uniform | empirical: …}.
Distribution readDistribution(const Context& ctx, const YAML::Node& n, const std::string& path);

// A rate as scenario files write it ("30/h", "0.5/min", a bare number per second), per second.
double rateOf(const Context& ctx, const YAML::Node& n, const std::string& path);

// A non-empty list of names (`what`: "queue name", "DAG name pattern"), each a non-empty scalar.
std::vector<std::string> readNames(const Context& ctx, const YAML::Node& list, const std::string& path,
                                   const std::string& what);

// Fails at the second of two equal names in `list` (a list readNames accepted).
void failOnDuplicateName(const Context& ctx, const YAML::Node& list, const std::string& path, const std::string& what);

// {table: rows} for the metadata tables the model knows.
std::map<std::string, double> readInitialRows(const Context& ctx, const YAML::Node& node, const std::string& path);

}  // namespace schedlab::yaml
