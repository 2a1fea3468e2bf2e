// How long a query keeps a metadata-DB core busy: a per-type function of rows scanned, rows
// returned and the size of the table it reads, with coefficients from a calibration file.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <string>

#include "model/QueryCatalog.h"

namespace schedlab {

struct QueryCost {
  double fixed = 0;          // seconds per query
  double perRowScanned = 0;  // seconds per row read
  double perRowReturned = 0; // seconds per row sent back
  double perDecade = 0;      // seconds per factor of 10 in the table's rows (index depth)
};

class QueryCostModel {
 public:
  // Throws std::runtime_error naming the file and field when the calibration is malformed.
  static QueryCostModel fromFile(const std::string& path);
  static QueryCostModel fromJson(const nlohmann::json& j, const std::string& origin);
  // The calibration compiled into schedlab (sim/calibration/default.json).
  static QueryCostModel shipped();

  double seconds(QueryType type, double rowsScanned, double rowsReturned, double tableRows) const {
    const QueryCost& c = costs_[static_cast<size_t>(type)];
    return c.fixed + c.perRowScanned * rowsScanned + c.perRowReturned * rowsReturned +
           c.perDecade * decades(tableRows);
  }
  const QueryCost& cost(QueryType type) const { return costs_[static_cast<size_t>(type)]; }
  double bytesPerRow(Table t) const { return bytesPerRow_[static_cast<size_t>(t)]; }
  const std::string& origin() const { return origin_; }
  const nlohmann::json& provenance() const { return provenance_; }

 private:
  static double decades(double rows);
  std::array<QueryCost, kQueryTypeCount> costs_{};
  std::array<double, static_cast<size_t>(Table::Count)> bytesPerRow_{};
  std::string origin_;
  nlohmann::json provenance_;
};

}  // namespace schedlab
