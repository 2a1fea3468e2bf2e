#include "scenario/yaml/Sections.h"

#include <algorithm>

namespace schedlab::yaml {

// `slas:` a list of {name, metric, max | min}; the metric path must name a DAG or instance of the
// scenario where it names one.
void readSlasSection(const Context& ctx, Fields& top, Scenario& s) {
  const YAML::Node list = top.raw("slas");
  if (!list.IsDefined() || list.IsNull()) return;
  if (!list.IsSequence()) ctx.fail(list, "slas", "expected a list of {name, metric, max or min}");
  forEachNamedEntry(
      ctx, list, "slas", "SLA",
      [&](Fields& f, const YAML::Node& entry, size_t, const std::string& p, const std::string& name) {
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

}  // namespace schedlab::yaml
