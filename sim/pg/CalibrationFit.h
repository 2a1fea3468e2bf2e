// Turns live measurements into the calibration file the simulator reads (QueryCostModel). Each
// measured shape's DB time is the CPU its backends spent on it sent as Airflow sends it (or, when
// the server's processes are not on this machine, its latency minus the round trips a `SELECT 1`
// costs, plus the planning Airflow's unprepared SQL costs); it and the pages are fitted as
// fixed + per_decade * log10(table rows) over the sizes by least squares; the SELECT of a run's
// task instances at 40 and 10 rows gives the cost per row returned, the archiving DELETE the cost
// per row deleted. Each catalog query type takes its own statements' measured CPU, fitted the
// same way, where it has them (LiveStatements, 1.10), else the fit of the shape that sends the
// same SQL; its pages always come from that shape.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "pg/Calibrator.h"

namespace schedlab {

struct ShapeFit {
  std::string key;  // "<layout>/<shape>"
  double fixed = 0, perDecade = 0, perRowReturned = 0, perRowScanned = 0;
  double minDecades = 0;         // log10(1 + the table's rows) at the smallest size measured
  std::vector<double> errorPct;  // |fit - measured| / measured per size
};

struct CalibrationFitResult {
  nlohmann::json calibration;   // the file's content
  std::vector<ShapeFit> time;   // seconds
  std::vector<ShapeFit> pages;  // pages
  std::vector<ShapeFit> types;  // seconds per query of a catalog type from its own statements
};

// `provenance` goes under "measured" (command, date, machine) beside the measurements.
CalibrationFitResult fitCalibration(const CalibrationMeasurements& m, nlohmann::json provenance);

// The calibration's "client_costs" from measureClientCost's result: per type the scheduler sends,
// {fixed_s, per_row_s, per_row_of, measured_as}, and the libraries measured. Throws
// std::runtime_error when a type is missing.
nlohmann::json clientCostsJson(const nlohmann::json& measured);

}  // namespace schedlab
