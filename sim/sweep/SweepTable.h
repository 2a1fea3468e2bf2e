// sweep.csv: one row per grid point (parameter values x variant), each key figure as its mean
// over the seeds and the half-width of its 95 % confidence interval (Student's t).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "sweep/SweepGrid.h"

namespace schedlab {

struct PointResult {
  SweepPoint point;
  nlohmann::json variant;  // that point's variant entry of its results.json
};

struct MeanCi {
  double mean = 0;
  double ci95 = 0;  // half-width; NaN with fewer than two samples
  size_t n = 0;
};

// Mean and 95 % confidence half-width of a sample (t-distribution with n-1 degrees of freedom).
MeanCi meanCi(const std::vector<double>& samples);

// The figures sweep.csv always has, then `extra` (e.g. --subject-to metrics, the scenario's SLAs).
std::vector<std::string> sweepMetrics(const std::vector<std::string>& extra);

// The CSV text, rows in the order of their first point; `paramKeys` name the parameter columns.
std::string sweepCsv(const std::vector<std::string>& paramKeys, const std::vector<PointResult>& results,
                     const std::vector<std::string>& metrics);

// The mean over seeds of `metric` for the points of one (params, variant) group; NaN if absent.
double groupMean(const std::vector<PointResult>& group, const std::string& metric);

}  // namespace schedlab
