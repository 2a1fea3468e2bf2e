// One printed line for the live checks: the task_instance updates the calibration's per-type
// measurements made against a live run's, and how many of each were heap-only (no index entry
// written: the row's state unchanged), with the dead row versions the live table held at its end.
// A heap-only update writes no index entry and costs the server less (165-183 against 219-234 us
// measured apart): this is the state of the tables the two sides' statement costs were measured in.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

namespace schedlab::test {

// REQUIRES: `calibrationFile` is a calibration's JSON, `liveRun` a live variant's `sim` section.
inline std::string taskInstanceTableLine(const nlohmann::json& calibrationFile, const nlohmann::json& liveRun) {
  long long calUpdates = 0, calHot = 0;
  // Held in a local: a range-for over a temporary's items() would outlive it.
  const nlohmann::json measured = calibrationFile["measured"].value("task_instance_updates", nlohmann::json::object());
  for (const auto& [where, u] : measured.items())
    if (where.rfind("airflow1.10/", 0) == 0) {
      calUpdates += u["updates"].get<long long>();
      calHot += u["hot_updates"].get<long long>();
    }
  const auto& t = liveRun["task_instance_table"];
  const long long updates = t["updates"], hot = t["hot_updates"], live = t["live_tuples"], dead = t["dead_tuples"];
  char line[320];
  std::snprintf(line, sizeof line,
                "task_instance updates heap-only (no index entry): calibration %.0f %% of %lld, live run %.0f %% of "
                "%lld; the live table at its end: %.2f dead row versions per live row, %lld autovacuums",
                calUpdates > 0 ? 100.0 * static_cast<double>(calHot) / static_cast<double>(calUpdates) : 0.0,
                calUpdates, updates > 0 ? 100.0 * static_cast<double>(hot) / static_cast<double>(updates) : 0.0,
                updates, live > 0 ? static_cast<double>(dead) / static_cast<double>(live) : 0.0,
                t["autovacuums"].get<long long>());
  return line;
}

}  // namespace schedlab::test
