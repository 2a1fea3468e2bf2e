// Durations and rates as written in scenario files: "30s", "5m", "1.5h", "7d", "250ms".
#pragma once

#include <optional>
#include <string>

namespace schedlab {

// Seconds for a duration string; a bare number means seconds. nullopt when malformed.
std::optional<double> parseDuration(const std::string& text);

// Events per second for a rate string: "30/h", "0.5/min", "2/s", or a bare number (per second).
std::optional<double> parseRate(const std::string& text);

// A short human form, e.g. 90 -> "1.5m", 0.25 -> "250ms".
std::string formatDuration(double seconds);

}  // namespace schedlab
