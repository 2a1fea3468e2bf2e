#include "scenario/MetricConstraint.h"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "scenario/Duration.h"

namespace schedlab {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

std::string MetricConstraint::text() const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", limit);
  return metric + (atMost ? "<=" : ">=") + buf;
}

std::optional<double> parseLimit(const std::string& raw) {
  std::string text = trim(raw);
  if (text.empty()) return std::nullopt;
  if (text.back() == '%') {
    std::string number = trim(text.substr(0, text.size() - 1));
    char* end = nullptr;
    double v = std::strtod(number.c_str(), &end);
    if (number.empty() || *end != '\0') return std::nullopt;
    return v / 100.0;
  }
  return parseDuration(text);  // a bare number, or a duration in seconds
}

MetricConstraint parseConstraint(const std::string& text) {
  MetricConstraint c;
  size_t op = text.find("<=");
  c.atMost = op != std::string::npos;
  if (!c.atMost) op = text.find(">=");
  if (op == std::string::npos)
    throw std::invalid_argument("'" + text + "' is not a constraint (write metric.path<=value or metric.path>=value)");
  c.metric = trim(text.substr(0, op));
  if (auto wrong = checkMetricPath(c.metric)) throw std::invalid_argument("'" + text + "': " + *wrong);
  std::string value = text.substr(op + 2);
  auto limit = parseLimit(value);
  if (!limit)
    throw std::invalid_argument("'" + text + "': '" + trim(value) +
                                "' is not a number, a duration (3s, 250ms) or a percentage (50%)");
  c.limit = *limit;
  return c;
}

std::vector<std::string> metricPathParts(const std::string& path) {
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

std::optional<std::string> checkMetricPath(const std::string& path) {
  const std::vector<std::string> parts = metricPathParts(path);
  for (const auto& p : parts)
    if (p.empty()) return "metric path '" + path + "' has an empty segment";
  const std::string& head = parts[0];
  if (head == "metrics" && parts.size() >= 2) return std::nullopt;
  if ((head == "metrics_by_dag" || head == "metrics_by_instance") && parts.size() >= 3) return std::nullopt;
  return "metric path '" + path +
         "' must start with metrics.NAME, metrics_by_dag.DAG.NAME or metrics_by_instance.INSTANCE.NAME";
}

}  // namespace schedlab
