// A baseline as `check` reads it against a run's results: compared, or refused as bad input
// (not JSON, not a results document, a figure that is not a number) with std::invalid_argument.
#include <stdexcept>

#include "fuzz/FuzzSupport.h"
#include "gate/RegressionCheck.h"

namespace {
const nlohmann::json& run() {
  static const nlohmann::json j = nlohmann::json::parse(R"({"scenario": "x", "variants": [{"name": "v",
    "metrics": {"task_transition_latency_s": {"count": 100, "mean": 1.0, "p50": 1.0, "p95": 4.0, "p99": 9.0},
                "worker_hours": 10, "tasks_lost": 0, "tasks_succeeded": 100},
    "metrics_by_dag": {"etl": {"task_transition_latency_s": {"count": 10, "mean": 1.0, "p50": 1.0, "p95": 2.0,
                                                             "p99": 3.0}}},
    "slas": [{"name": "s", "met": true}]}]})");
  return j;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  schedlab::fuzz::holds<std::invalid_argument>([&] {
    const nlohmann::json baseline = schedlab::parseResultsDocument(std::string(data, data + size));
    if (std::string why = schedlab::resultsDocumentProblem(baseline); !why.empty()) throw std::invalid_argument(why);
    schedlab::compareResults(baseline, run(), 0.05);
    schedlab::compareResults(run(), baseline, 0.05);  // the same document as a run's results
  });
  return 0;
}
