#include "model/SlaMisses.h"

#include "results/MetricSchema.h"

namespace schedlab {

std::vector<long long> countSlaMisses(WorkflowState& state, double warmup, double horizon) {
  const Scenario& sc = state.scenario();
  std::vector<long long> misses(sc.dags.size(), 0);
  auto judged = [&](double deadline) { return deadline >= warmup && deadline <= horizon; };
  for (RunId r : IdRange<RunId>(state.runCount())) {
    const DagRun& run = state.run(r);
    if (run.external) continue;
    const size_t def = state.dag(run.dag).def.index();
    const DagDef& d = sc.dags[def];
    if (d.sla >= 0 && judged(run.dueAt + d.sla) && (run.ended < 0 || run.ended > run.dueAt + d.sla)) misses[def]++;
    for (size_t t = 0; t < d.tasks.size(); ++t) {
      const double sla = d.tasks[t].sla;
      if (sla < 0 || !judged(run.dueAt + sla)) continue;
      const TaskInstance& ti = state.ti(run.firstTi + t);
      if (ti.state != TiState::Success || ti.ended > run.dueAt + sla) misses[def]++;
    }
  }
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
