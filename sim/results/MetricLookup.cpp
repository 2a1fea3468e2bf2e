#include "results/MetricLookup.h"

#include "results/MetricSchema.h"
#include "scenario/ScenarioError.h"

namespace schedlab {

const nlohmann::json* metricNode(const nlohmann::json& variant, const std::string& path) {
  const nlohmann::json* node = &variant;
  for (const std::string& key : metricPathParts(path)) {
    if (!node->is_object() || !node->contains(key)) return nullptr;
    node = &node->at(key);
  }
  return node;
}

std::optional<double> metricValue(const nlohmann::json& variant, const std::string& path) {
  const nlohmann::json* node = &variant;
  for (const std::string& key : metricPathParts(path)) {
    if (!node->is_object() || !node->contains(key)) return std::nullopt;
    // An empty latency summary holds zeros that were never measured.
    if (node->contains("count") && node->at("count").is_number() && node->at("count").get<double>() == 0 &&
        key != "count")
      return std::nullopt;
    node = &node->at(key);
  }
  if (!node->is_number()) return std::nullopt;
  return node->get<double>();
}

namespace {

// Why `path` names no number results.json can hold, or "".
std::string slaMetricProblem(const std::string& path) {
  const std::vector<std::string> parts = metricPathParts(path);
  // The loader has checked the head and the owner's name.
  unsigned scope = kRunScope;
  size_t k = 1;
  if (parts[0] == "metrics_by_dag") scope = kDagScope, k = 2;
  if (parts[0] == "metrics_by_instance") scope = kInstanceScope, k = 2;
  if (k >= parts.size()) return "it names no metric";
  const Metric* m = findMetric(parts[k]);
  if (!m) return "no metric '" + parts[k] + "' (`schedlab schema` lists them)";
  if (!(m->scopes & scope))
    return "'" + parts[k] + "' is not kept " + (scope == kDagScope ? "per DAG" : "per instance");
  const size_t rest = parts.size() - k - 1;
  const std::string part = rest ? parts[k + 1] : "";
  switch (m->shape) {
    case Shape::Scalar:
      if (rest) return "'" + parts[k] + "' is a single number, with no '" + part + "'";
      return "";
    case Shape::Summary:
      for (const char* stat : {"count", "mean", "p50", "p90", "p95", "p99", "max"})
        if (rest == 1 && part == stat) return "";
      return "'" + parts[k] + "' is a latency summary: add one of .mean .p50 .p90 .p95 .p99 .max .count";
    case Shape::EndMax:
      if (rest == 1 && (part == "end" || part == "max")) return "";
      return "'" + parts[k] + "' is {end, max}: add .end or .max";
    case Shape::Object:
      if (rest >= 1) return "";
      return "'" + parts[k] + "' is a table of parts: name one";
    case Shape::Text:
      break;
  }
  return "'" + parts[k] + "' is text, not a number";
}

}  // namespace

void checkSlaMetrics(const Scenario& scenario) {
  for (const Sla& sla : scenario.slas)
    if (std::string why = slaMetricProblem(sla.bound.metric); !why.empty())
      throw ScenarioError(scenario.sourcePath, sla.line, sla.column, "slas." + sla.name + ".metric",
                          "no figure '" + sla.bound.metric + "' in results.json: " + why);
}

nlohmann::json judgeSlas(const Scenario& scenario, const nlohmann::json& variant) {
  nlohmann::json out = nlohmann::json::array();
  for (const Sla& sla : scenario.slas) {
    auto value = metricValue(variant, sla.bound.metric);
    if (!value) {
      // A path that names no figure at all is a typo; a latency nobody measured is a miss.
      std::string parent = sla.bound.metric.substr(0, sla.bound.metric.rfind('.'));
      auto count = metricValue(variant, parent + ".count");
      bool unmeasured = count && *count == 0;
      if (!unmeasured)
        throw ScenarioError(scenario.sourcePath, sla.line, sla.column, "slas." + sla.name + ".metric",
                            "no figure '" + sla.bound.metric + "' in results.json");
    }
    nlohmann::json j = {{"name", sla.name},
                        {"metric", sla.bound.metric},
                        {sla.bound.atMost ? "max" : "min", sla.bound.limit},
                        {"value", value ? nlohmann::json(*value) : nlohmann::json(nullptr)},
                        {"met", value && sla.bound.satisfiedBy(*value)}};
    out.push_back(j);
  }
  return out;
}

}  // namespace schedlab
