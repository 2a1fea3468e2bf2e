#include "gate/RegressionCheck.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "results/MetricLookup.h"
#include "results/MetricSchema.h"

namespace schedlab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const char* const kStats[] = {"mean", "p50", "p95", "p99"};

// A scope's gated summaries (metrics, one DAG's, one instance's), each by its mean and percentiles.
void addSummaries(std::vector<GatedMetric>& out, const nlohmann::json& scope, const std::string& prefix) {
  for (const Metric* m : metricSchema()) {
    const std::string key(m->key);
    if (m->gated && m->shape == Shape::Summary && scope.contains(key) && scope[key].value("count", 0) > 0)
      for (const char* s : kStats) out.push_back({prefix + "." + key + "." + s, m->better == Better::Lower});
  }
}

const nlohmann::json& member(const nlohmann::json& j, const char* key) {
  static const nlohmann::json empty = nlohmann::json::object();
  return j.contains(key) ? j[key] : empty;
}

}  // namespace

nlohmann::json parseResultsDocument(const std::string& text) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(e.what());
  }
}

std::string resultsDocumentProblem(const nlohmann::json& j) {
  if (!j.is_object()) return std::string("expected a results.json object, got a JSON ") + j.type_name();
  if (j.contains("scenario") && !j["scenario"].is_string()) return "\"scenario\" is not a string";
  if (!j.contains("variants") || !j["variants"].is_array()) return "no \"variants\" list";
  if (j["variants"].empty()) return "\"variants\" is empty: there is nothing to compare";
  for (size_t i = 0; i < j["variants"].size(); ++i) {
    const nlohmann::json& v = j["variants"][i];
    const std::string where = "variants[" + std::to_string(i) + "]";
    if (!v.is_object()) return where + " is a JSON " + v.type_name() + ", expected an object";
    if (!v.contains("name") || !v["name"].is_string()) return where + " has no string \"name\"";
    if (!v.contains("metrics") || !v["metrics"].is_object())
      return where + " ('" + v["name"].get<std::string>() + "') has no \"metrics\" object";
  }
  return "";
}

const char* verdictName(Verdict v) {
  switch (v) {
    case Verdict::Unchanged:
      return "same";
    case Verdict::Within:
      return "within";
    case Verdict::Better:
      return "better";
    case Verdict::Worse:
      return "WORSE";
    case Verdict::Missing:
      return "MISSING";
    case Verdict::New:
      return "new";
  }
  return "?";
}

size_t CheckReport::compared() const {
  size_t n = 0;
  for (const auto& r : rows) n += r.verdict != Verdict::Missing && r.verdict != Verdict::New;
  return n;
}

bool CheckReport::failed() const {
  for (const auto& r : rows)
    if (r.verdict == Verdict::Worse || r.verdict == Verdict::Missing) return true;
  return compared() == 0;
}

std::vector<GatedMetric> gatedMetrics(const nlohmann::json& variant) {
  std::vector<GatedMetric> out;
  const nlohmann::json& m = member(variant, "metrics");
  addSummaries(out, m, "metrics");
  // Costs and losses, in the schema's order.
  for (const Metric* g : metricSchema()) {
    const std::string key(g->key);
    if (!g->gated || g->shape == Shape::Summary || !m.contains(key)) continue;
    out.push_back({runPath(*g, g->shape == Shape::EndMax ? "max" : ""), g->better == Better::Lower,
                   g->better == Better::Neither});
  }
  for (auto& [dag, scope] : member(variant, "metrics_by_dag").items())
    addSummaries(out, scope, "metrics_by_dag." + dag);
  for (auto& [inst, scope] : member(variant, "metrics_by_instance").items())
    addSummaries(out, scope, "metrics_by_instance." + inst);
  return out;
}

CheckReport compareResults(const nlohmann::json& baseline, const nlohmann::json& now, double tolerance) {
  CheckReport report;
  auto findVariant = [](const nlohmann::json& results, const std::string& name) -> const nlohmann::json* {
    for (const auto& v : member(results, "variants"))
      if (v.value("name", "") == name) return &v;
    return nullptr;
  };
  for (const auto& base : member(baseline, "variants")) {
    const std::string name = base.value("name", "");
    const nlohmann::json* cur = findVariant(now, name);
    if (!cur) {
      report.rows.push_back({name, "(variant)", kNaN, kNaN, kNaN, Verdict::Missing});
      continue;
    }
    std::vector<GatedMetric> metrics = gatedMetrics(base);
    // The scenario's SLAs: the number missed must not grow.
    auto misses = [](const nlohmann::json& v) {
      double n = 0;
      for (const auto& s : member(v, "slas")) n += s.value("met", false) ? 0 : 1;
      return n;
    };
    for (const GatedMetric& g : metrics) {
      CheckRow row{name, g.path, kNaN, kNaN, 0, Verdict::Unchanged};
      auto b = metricValue(base, g.path);
      auto c = metricValue(*cur, g.path);
      if (!b) {
        // An empty latency summary has nothing to hold the run to; a figure that is not a number
        // is a damaged baseline, not a figure to skip.
        const nlohmann::json* node = metricNode(base, g.path);
        if (node && !node->is_number())
          throw std::invalid_argument("variant '" + name + "': " + g.path + " is " + node->type_name() +
                                      ", expected a number");
        continue;
      }
      row.baseline = *b;
      if (!c) {
        row.change = kNaN;
        row.verdict = Verdict::Missing;
        report.rows.push_back(row);
        continue;
      }
      row.now = *c;
      double diff = *c - *b;
      if (diff == 0) {
        row.change = 0;
      } else if (*b == 0) {
        row.change = diff > 0 ? INFINITY : -INFINITY;
      } else {
        row.change = diff / std::fabs(*b);
      }
      double worsening = g.eitherWay ? std::fabs(row.change) : g.higherIsWorse ? row.change : -row.change;
      if (diff == 0)
        row.verdict = Verdict::Unchanged;
      else if (worsening > tolerance)
        row.verdict = Verdict::Worse;
      else if (worsening < -tolerance)
        row.verdict = Verdict::Better;
      else
        row.verdict = Verdict::Within;
      report.rows.push_back(row);
    }
    if (!member(base, "slas").empty()) {
      CheckRow sla{name, "slas_missed", misses(base), misses(*cur), 0, Verdict::Unchanged};
      if (sla.now > sla.baseline) sla.verdict = Verdict::Worse;
      if (sla.now < sla.baseline) sla.verdict = Verdict::Better;
      sla.change = sla.baseline == 0 ? (sla.now > 0 ? INFINITY : 0) : (sla.now - sla.baseline) / sla.baseline;
      report.rows.push_back(sla);
    }
  }
  for (const auto& v : member(now, "variants"))
    if (!findVariant(baseline, v.value("name", "")))
      report.rows.push_back({v.value("name", ""), "(variant)", kNaN, kNaN, kNaN, Verdict::New});
  return report;
}

}  // namespace schedlab
