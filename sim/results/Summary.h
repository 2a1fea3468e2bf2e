// The terminal summary of a results document: one line per variant (and per scheduler instance
// when there are several), one per SLA naming the variants that meet it, then the results path.
// Figures are formatted by their unit in the metric schema.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

namespace schedlab {

// REQUIRES: `results` as resultsJson builds it, with each variant's "slas" judged.
void printSummary(std::FILE* out, const nlohmann::json& results, const std::string& dir);

}  // namespace schedlab
