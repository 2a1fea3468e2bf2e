#include "sweep/SweepTable.h"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "results/MetricLookup.h"
#include "results/MetricSchema.h"
#include "util/CsvField.h"

namespace schedlab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string cell(double v) {
  if (std::isnan(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// A CSV field: quoted when it holds a separator or a quote.
std::string field(const std::string& s) { return csvField(s); }

}  // namespace

MeanCi meanCi(const std::vector<double>& samples) {
  MeanCi r;
  r.n = samples.size();
  if (samples.empty()) return {kNaN, kNaN, 0};
  double sum = 0;
  for (double x : samples) sum += x;
  r.mean = sum / static_cast<double>(r.n);
  if (r.n < 2) {
    r.ci95 = kNaN;
    return r;
  }
  double ss = 0;
  for (double x : samples) ss += (x - r.mean) * (x - r.mean);
  double sd = std::sqrt(ss / static_cast<double>(r.n - 1));
  boost::math::students_t t(static_cast<double>(r.n - 1));
  r.ci95 = boost::math::quantile(t, 0.975) * sd / std::sqrt(static_cast<double>(r.n));
  return r;
}

std::vector<std::string> sweepMetrics(const std::vector<std::string>& extra) {
  using namespace metric;
  std::vector<std::string> out = {runPath(kTaskTransitionLatency, "mean"),
                                  runPath(kTaskTransitionLatency, "p50"),
                                  runPath(kTaskTransitionLatency, "p95"),
                                  runPath(kTaskTransitionLatency, "p99"),
                                  runPath(kScheduleDelay, "p95"),
                                  runPath(kDagrunDuration, "p95"),
                                  runPath(kTriggerToDone, "p95"),
                                  runPath(kSchedulerLoopDuration, "mean"),
                                  runPath(kDbQueriesPerLoop, "mean"),
                                  runPath(kDbCpuUtilization),
                                  runPath(kWorkerHours),
                                  runPath(kTasksSucceeded),
                                  runPath(kTasksLost)};
  for (const auto& e : extra)
    if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
  return out;
}

double groupMean(const std::vector<PointResult>& group, const std::string& metric) {
  std::vector<double> xs;
  for (const auto& r : group)
    if (auto v = metricValue(r.variant, metric)) xs.push_back(*v);
  return xs.size() == group.size() && !xs.empty() ? meanCi(xs).mean : kNaN;
}

std::string sweepCsv(const std::vector<std::string>& paramKeys, const std::vector<PointResult>& results,
                     const std::vector<std::string>& metrics) {
  // Group by (parameter values, variant), keeping the order of each group's first point.
  std::vector<std::vector<PointResult>> groups;
  std::map<std::string, size_t> groupOf;
  std::vector<const PointResult*> ordered;
  for (const auto& r : results) ordered.push_back(&r);
  std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->point.index < b->point.index; });
  for (const PointResult* r : ordered) {
    std::string key = r->point.variant;
    for (const auto& [k, v] : r->point.params) key += '\x1f' + k + '=' + v;
    auto [it, fresh] = groupOf.emplace(key, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(*r);
  }
  std::string csv;
  for (const auto& k : paramKeys) csv += field(k) + ",";
  csv += "variant,seeds";
  for (const auto& m : metrics) csv.append(",").append(field(m + ".mean")).append(",").append(field(m + ".ci95"));
  csv += "\n";
  for (const auto& g : groups) {
    for (const auto& [k, v] : g.front().point.params) csv += field(v) + ",";
    csv += field(g.front().point.variant) + "," + std::to_string(g.size());
    for (const auto& m : metrics) {
      std::vector<double> xs;
      for (const auto& r : g)
        if (auto v = metricValue(r.variant, m)) xs.push_back(*v);
      MeanCi s = meanCi(xs);
      csv.append(",").append(cell(s.mean)).append(",").append(cell(s.ci95));
    }
    csv += "\n";
  }
  return csv;
}

}  // namespace schedlab
