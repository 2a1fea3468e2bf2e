#include "model/SlaMisses.h"

namespace schedlab {

std::vector<long long> countSlaMisses(WorkflowState& state, double warmup, double horizon) {
  const Scenario& sc = state.scenario();
  std::vector<long long> misses(sc.dags.size(), 0);
  auto judged = [&](double deadline) { return deadline >= warmup && deadline <= horizon; };
  for (size_t r = 0; r < state.runCount(); ++r) {
    const DagRun& run = state.run(static_cast<int>(r));
    if (run.external) continue;
    const int def = state.dags()[run.dag].def;
    const DagDef& d = sc.dags[def];
    if (d.sla >= 0 && judged(run.dueAt + d.sla) && (run.ended < 0 || run.ended > run.dueAt + d.sla)) misses[def]++;
    for (size_t t = 0; t < d.tasks.size(); ++t) {
      const double sla = d.tasks[t].sla;
      if (sla < 0 || !judged(run.dueAt + sla)) continue;
      const TaskInstance& ti = state.ti(run.firstTi + static_cast<int>(t));
      if (ti.state != TiState::Success || ti.ended > run.dueAt + sla) misses[def]++;
    }
  }
  return misses;
}

}  // namespace schedlab
