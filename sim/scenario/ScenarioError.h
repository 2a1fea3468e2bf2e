// Bad input, reported as FILE:LINE:COL: path.to.field: what is wrong (exit code 2).
#pragma once

#include <stdexcept>
#include <string>

namespace schedlab {

class ScenarioError : public std::runtime_error {
 public:
  // line and column 0: the file as a whole (or a --set override); field empty: no field.
  ScenarioError(const std::string& file, int line, int column, const std::string& field, const std::string& message);
};

}  // namespace schedlab
