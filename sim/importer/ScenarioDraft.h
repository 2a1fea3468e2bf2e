// The scenario `schedlab import` writes for a deployment: its DAGs, task graphs, schedules (or
// the observed trigger times as trace streams), per-task durations (the observed tries, or a
// lognormal fitted to them when there are many), retries and failure rates, pools, queues, run
// and task limits and its history's rows, over the observed span; with comments saying where
// each came from, and what the source could not tell (scheduler and executor settings, hardware)
// left at schedlab's defaults.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "importer/Deployment.h"
#include "importer/ObservedFigures.h"
#include "importer/YamlDraft.h"

namespace schedlab {

// Most observed durations a task's `empirical` distribution lists; with more, a lognormal is fitted.
inline constexpr size_t kMaxEmpiricalDurations = 200;

struct ScenarioDraft {
  YamlDraft yaml;
  // Files beside scenario.yaml: trace streams, "triggers/<dag>.csv" -> content.
  std::map<std::string, std::string> files;
};

// REQUIRES: span == observedSpan(d). `name`: the scenario's name; its one variant is `variant`.
ScenarioDraft draftScenario(const Deployment& d, const ObservedSpan& span, const std::string& name,
                            const std::string& variant);

}  // namespace schedlab
