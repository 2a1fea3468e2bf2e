// A metadata DB on simulated cores (SimGridQueryService) for a test's actors, started in the
// process runIsolated() forked for the test: never destroyed, as the engine it runs on.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>

#include "engine/SimGridQueryService.h"
#include "model/MetadataDb.h"

namespace schedlab::test {

// `calibration`: a calibration's JSON text; `coreSpeed`: metadb.core_speed.
inline MetadataDb& simulatedDb(int cores, double networkRtt, const char* calibration, double coreSpeed = 1) {
  MetadbConfig cfg;
  cfg.cores = cores;
  cfg.networkRtt = networkRtt;
  cfg.coreSpeed = coreSpeed;
  auto model = QueryCostModel::fromJson(nlohmann::json::parse(calibration), "test");
  return *new MetadataDb(cfg, model, cfg.initialRows, std::make_unique<SimGridQueryService>(cfg));
}

}  // namespace schedlab::test
