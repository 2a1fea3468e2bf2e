// What the live checks need of a live run's harness (its wait sampler and yardsticks): its
// statements took the live DB's core beside the run's, so the simulations set beside it serve
// them too (metadb.other_clients), and compare the DB's CPU without them, as the live run counts it.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <string>

namespace schedlab::test {

// A `schedlab run` argument serving a live variant's harness as metadb.other_clients.
// REQUIRES: `liveVariant` is a live result's variant with sim.harness_clients.
inline std::string harnessAsOtherClients(const nlohmann::json& liveVariant) {
  std::string list;
  char entry[96];
  for (const auto& c : liveVariant.at("sim").at("harness_clients")) {
    std::snprintf(entry, sizeof entry, "%s{every: %.6fs, cpu: %.6fs}", list.empty() ? "" : ", ",
                  c.at("every_s").get<double>(), c.at("cpu_s").get<double>());
    list += entry;
  }
  return " --set 'metadb.other_clients=[" + list + "]'";
}

// A variant's db_cpu_utilization less its other clients' share, over a window of `seconds`.
// REQUIRES: `variant` is a result's variant (its config echoed).
inline double runsOwnDbCpu(const nlohmann::json& variant, double seconds) {
  const auto& m = variant.at("metrics");
  const double others = m.at("db_cpu_seconds_by_part").value("other_clients", 0.0);
  return m.at("db_cpu_utilization").get<double>() -
         others / (seconds * variant.at("config").at("metadb").at("cores").get<double>());
}

// Writes to `path` a copy of `calibration` whose backend start runs at the speed a start yardstick
// gives (a live run's sim.start_probe_backend_cpu_s: a backend's own CPU to its first answer, against
// the calibration's connections.start_backend_s), the postmaster's fork and the end as calibrated,
// for a simulation at metadb.core_speed `coreSpeed` (which divides the start as every DB cost).
// REQUIRES: `calibration` has connections.start_s, setup_s and start_backend_s; coreSpeed > 0.
inline void writeCalibrationWithStartsAt(const nlohmann::json& calibration, double startBackendSeconds,
                                         double coreSpeed, const std::string& path) {
  nlohmann::json copy = calibration;
  nlohmann::json& c = copy.at("connections");
  const double start = c.at("start_s").get<double>();
  const double at = (start - c.at("start_backend_s").get<double>() + startBackendSeconds) * coreSpeed;
  c["setup_s"] = c.at("setup_s").get<double>() + at - start;
  c["start_s"] = at;
  std::ofstream(path) << copy.dump();
}

}  // namespace schedlab::test
