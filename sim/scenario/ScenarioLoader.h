// Reads a scenario file, applies a variant's overrides and command-line --set overrides, and
// checks every field, producing one validated Scenario per variant.
#pragma once

#include <string>
#include <vector>

#include "scenario/Scenario.h"
#include "scenario/ScenarioError.h"

namespace schedlab {

struct LoadRequest {
  std::string path;
  std::vector<std::string> sets;      // "path.to.key=value", applied after the variant's overrides
  std::vector<std::string> variants;  // empty: all variants in file order
};

// Throws ScenarioError on any bad input; never returns a partly valid scenario.
std::vector<Scenario> loadScenario(const LoadRequest& request);

// The names of the variants a file defines ("base" when it defines none).
std::vector<std::string> variantNames(const std::string& path);

}  // namespace schedlab
