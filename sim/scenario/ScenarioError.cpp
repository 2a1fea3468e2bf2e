#include "scenario/ScenarioError.h"

namespace schedlab {
namespace {

std::string format(const std::string& file, int line, int column, const std::string& field,
                   const std::string& message) {
  std::string out = file;
  if (line > 0) out.append(":").append(std::to_string(line)).append(":").append(std::to_string(column));
  out.append(": ");
  if (!field.empty()) out.append(field).append(": ");
  return out.append(message);
}

}  // namespace

ScenarioError::ScenarioError(const std::string& file, int line, int column, const std::string& field,
                             const std::string& message)
    : std::runtime_error(format(file, line, column, field, message)) {}

}  // namespace schedlab
