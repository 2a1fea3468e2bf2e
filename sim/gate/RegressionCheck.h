// The CI gate: compares a run's results.json with a baseline results.json, figure by figure.
// Simulated figures are deterministic, so any difference is a change of model or scenario; the
// gate fails only when a latency, cost or loss figure got worse by more than the tolerance.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace schedlab {

enum class Verdict { Unchanged, Within, Better, Worse, Missing, New };
const char* verdictName(Verdict v);

struct CheckRow {
  std::string variant;
  std::string metric;   // dotted path inside the variant
  double baseline = 0;  // NaN when absent
  double now = 0;       // NaN when absent
  double change = 0;    // relative: (now - baseline) / |baseline|; +-inf from zero
  Verdict verdict = Verdict::Unchanged;
};

struct CheckReport {
  std::vector<CheckRow> rows;
  // Rows that held a figure of the run to one of the baseline (a missing or new one is not).
  size_t compared() const;
  bool failed() const;  // any Worse or Missing, or nothing compared: a gate that compared nothing did not pass
};

// Why `j` cannot be a results.json to compare (not an object; no variants, or an empty list; a
// variant that is not an object with a string name and an object of metrics), or "" when it can.
std::string resultsDocumentProblem(const nlohmann::json& j);
// A results document (a baseline or a run's results.json) from its text. Throws
// std::invalid_argument when the text is not JSON (a syntax error, a number past a double's range).
nlohmann::json parseResultsDocument(const std::string& text);

// Every gated figure of every baseline variant. `tolerance` is relative (0.05 = 5 %).
// REQUIRES: resultsDocumentProblem() is "" for both documents.
// Throws std::invalid_argument naming the figure when a baseline figure is not a number.
CheckReport compareResults(const nlohmann::json& baseline, const nlohmann::json& now, double tolerance);

// The gated figures of one variant: latency summaries (mean, p50, p95, p99) overall, per DAG and
// per instance; the loop; cost (worker-hours, DB core-hours, DB CPU, queries, DB size); losses,
// failures and SLA misses. Each with whether a higher value is worse.
struct GatedMetric {
  std::string path;
  bool higherIsWorse = true;
  bool eitherWay = false;  // neither direction is better (a count of what the model did): any change beyond
                           // the tolerance is a regression
};
std::vector<GatedMetric> gatedMetrics(const nlohmann::json& variant);

}  // namespace schedlab
