#include "scenario/Duration.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace schedlab {
namespace {

std::optional<double> unitSeconds(const std::string& unit) {
  if (unit.empty() || unit == "s" || unit == "sec") return 1.0;
  if (unit == "ms") return 1e-3;
  if (unit == "us") return 1e-6;
  if (unit == "m" || unit == "min") return 60.0;
  if (unit == "h") return 3600.0;
  if (unit == "d") return 86400.0;
  if (unit == "w") return 7 * 86400.0;
  return std::nullopt;
}

// Splits "12.5ms" into 12.5 and "ms"; nullopt when there is no leading number.
std::optional<std::pair<double, std::string>> splitNumber(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const char* begin = text.c_str();
  char* end = nullptr;
  double value = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(value)) return std::nullopt;
  std::string unit(end);
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  return std::make_pair(value, unit);
}

}  // namespace

std::optional<double> parseDuration(const std::string& text) {
  auto parts = splitNumber(text);
  if (!parts) return std::nullopt;
  auto unit = unitSeconds(parts->second);
  if (!unit) return std::nullopt;
  const double seconds = parts->first * *unit;
  if (!std::isfinite(seconds)) return std::nullopt;  // 1e308d overflows
  return seconds;
}

std::optional<double> parseRate(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) {
    auto parts = splitNumber(text);
    if (!parts || !parts->second.empty()) return std::nullopt;
    return parts->first;
  }
  auto count = splitNumber(text.substr(0, slash));
  if (!count || !count->second.empty()) return std::nullopt;
  std::string per = text.substr(slash + 1);
  auto perSeconds = parseDuration(per);
  if (!perSeconds) {
    perSeconds = unitSeconds(per);  // "30/h": a unit alone means one of it
  }
  if (!perSeconds || *perSeconds <= 0) return std::nullopt;
  const double rate = count->first / *perSeconds;
  if (!std::isfinite(rate)) return std::nullopt;
  return rate;
}

std::optional<double> parseBytes(const std::string& text) {
  auto parts = splitNumber(text);
  if (!parts) return std::nullopt;
  static const std::pair<const char*, double> units[] = {
      {"", 1},      {"B", 1},        {"KB", 1e3},        {"MB", 1e6},           {"GB", 1e9},
      {"TB", 1e12}, {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0}};
  for (auto& [name, factor] : units)
    if (parts->second == name) {
      const double bytes = parts->first * factor;
      if (!std::isfinite(bytes)) return std::nullopt;
      return bytes;
    }
  return std::nullopt;
}

std::string formatDuration(double seconds) {
  char buf[64];
  double a = std::fabs(seconds);
  if (a < 1.0)
    std::snprintf(buf, sizeof buf, "%.3gms", seconds * 1e3);
  else if (a < 120.0)
    std::snprintf(buf, sizeof buf, "%.3gs", seconds);
  else if (a < 7200.0)
    std::snprintf(buf, sizeof buf, "%.3gm", seconds / 60);
  else if (a < 172800.0)
    std::snprintf(buf, sizeof buf, "%.3gh", seconds / 3600);
  else
    std::snprintf(buf, sizeof buf, "%.3gd", seconds / 86400);
  return buf;
}

}  // namespace schedlab
