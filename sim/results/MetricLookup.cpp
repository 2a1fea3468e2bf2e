#include "results/MetricLookup.h"

#include "scenario/ScenarioError.h"

namespace schedlab {

std::optional<double> metricValue(const nlohmann::json& variant, const std::string& path) {
  const nlohmann::json* node = &variant;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object() || !node->contains(key)) return std::nullopt;
    // An empty latency summary holds zeros that were never measured.
    if (node->contains("count") && node->at("count").is_number() && node->at("count").get<double>() == 0 &&
        key != "count")
      return std::nullopt;
    node = &node->at(key);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (!node->is_number()) return std::nullopt;
  return node->get<double>();
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
