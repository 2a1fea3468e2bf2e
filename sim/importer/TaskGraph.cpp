#include "importer/TaskGraph.h"

#include <algorithm>
#include <map>
#include <vector>

namespace schedlab {

void inferTaskGraph(ObservedDag& dag) {
  // Each task's start offsets within its runs, for the order; and each run's spans by task.
  std::map<std::string, std::vector<double>> offsets;
  for (const ObservedRun& r : dag.runs) {
    double first = kNoTime;
    for (const ObservedTaskInstance& ti : r.tis)
      if (known(ti.started) && (!known(first) || ti.started < first)) first = ti.started;
    for (const ObservedTaskInstance& ti : r.tis)
      offsets[ti.taskId].push_back(known(ti.started) ? ti.started - first : 1e18);
  }
  std::vector<std::pair<double, std::string>> order;
  for (auto& [id, xs] : offsets) {
    std::nth_element(xs.begin(), xs.begin() + static_cast<long>(xs.size() / 2), xs.end());
    order.emplace_back(xs[xs.size() / 2], id);
  }
  std::sort(order.begin(), order.end());
  const size_t n = order.size();
  std::map<std::string, size_t> index;
  dag.tasks.clear();
  for (size_t i = 0; i < n; ++i) {
    index[order[i].second] = i;
    ObservedTask t;
    t.id = order[i].second;
    dag.tasks.push_back(std::move(t));
  }
  dag.graphInferred = true;
  if (n > kInferMaxTasks) return;

  // together[a][b]: runs where both started; before[a][b]: of those, runs where a ended before b started.
  std::vector<std::vector<int>> together(n, std::vector<int>(n, 0)), before(n, std::vector<int>(n, 0));
  const size_t firstRun = dag.runs.size() > kInferMaxRuns ? dag.runs.size() - kInferMaxRuns : 0;
  for (size_t k = firstRun; k < dag.runs.size(); ++k) {
    std::vector<std::pair<size_t, const ObservedTaskInstance*>> ran;
    for (const ObservedTaskInstance& ti : dag.runs[k].tis)
      if (known(ti.started)) ran.emplace_back(index[ti.taskId], &ti);
    for (const auto& [a, ta] : ran)
      for (const auto& [b, tb] : ran) {
        if (a == b) continue;
        ++together[a][b];
        // A task is queued only once its upstreams are done: B queued before A ended rules A out
        // (independent tasks that ran one after the other for want of a slot stay apart).
        const double ready = known(tb->queued) ? std::min(tb->queued, tb->started) : tb->started;
        if (known(ta->ended) && ta->ended <= ready) ++before[a][b];
      }
  }
  std::vector<std::vector<char>> edge(n, std::vector<char>(n, 0));
  for (size_t a = 0; a < n; ++a)
    for (size_t b = 0; b < n; ++b) edge[a][b] = together[a][b] > 0 && before[a][b] == together[a][b];
  for (size_t b = 0; b < n; ++b)
    for (size_t a = 0; a < n; ++a) {
      if (!edge[a][b]) continue;
      bool direct = true;
      for (size_t c = 0; c < n && direct; ++c) direct = !(edge[a][c] && edge[c][b]);
      if (direct) dag.tasks[b].upstream.push_back(dag.tasks[a].id);
    }
  for (ObservedTask& t : dag.tasks) std::sort(t.upstream.begin(), t.upstream.end());  // not the run's order
}

}  // namespace schedlab
