#include "model/SlaMisses.h"

#include "results/MetricSchema.h"

namespace schedlab {

std::vector<long long> countSlaMisses(WorkflowState& state, double warmup, double horizon) {
  const Scenario& sc = state.scenario();
  std::vector<long long> misses(sc.dags.size(), 0);
  auto count = [&](const std::vector<SlaDeadline>& deadlines) {
    for (const SlaDeadline& s : deadlines)
      if (s.missed && s.at >= warmup && s.at <= horizon) misses[s.def.index()]++;
  };
  // The finished runs' deadlines as they ended; the others' as they stand.
  count(state.finishedSlaDeadlines());
  std::vector<SlaDeadline> open;
  for (RunId r : state.activeRunIds()) state.appendSlaDeadlines(r, open);
  count(open);
  return misses;
}

void addSlaMetrics(WorkflowState& state, const Scenario& sc, double end, RunResult& out) {
  const std::string key(metric::kSlaMisses.key);
  const std::vector<long long> misses = countSlaMisses(state, sc.run.warmup, end);
  long long total = 0;
  for (size_t d = 0; d < misses.size(); ++d) {
    total += misses[d];
    out.dag(sc.dags[d].name)[key] = misses[d];
  }
  out.metrics[key] = total;
}

}  // namespace schedlab
