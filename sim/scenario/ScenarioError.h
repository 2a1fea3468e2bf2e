// Bad input, reported as FILE:LINE:COL: path.to.field: what is wrong (exit code 2).
#pragma once

#include <stdexcept>
#include <string>

namespace schedlab {

class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(const std::string& file, int line, int column, const std::string& field, const std::string& message)
      : std::runtime_error(format(file, line, column, field, message)) {}

 private:
  static std::string format(const std::string& file, int line, int column, const std::string& field,
                            const std::string& message) {
    std::string where = file;
    if (line > 0) where += ":" + std::to_string(line) + ":" + std::to_string(column);
    return where + ": " + (field.empty() ? std::string() : field + ": ") + message;
  }
};

}  // namespace schedlab
