// Durations, rates and sizes as written in scenario files: "30s", "5m", "7d", "30/h", "4GiB".
#pragma once

#include <optional>
#include <string>

namespace schedlab {

// Seconds for a duration string; a bare number means seconds. nullopt when malformed.
std::optional<double> parseDuration(const std::string& text);

// Events per second for a rate string: "30/h", "0.5/min", "2/s", or a bare number (per second).
std::optional<double> parseRate(const std::string& text);

// Bytes for a size string: "512MiB", "4GiB", "1.5TB" (KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB
// of 1024), or a bare number of bytes. nullopt when malformed.
std::optional<double> parseBytes(const std::string& text);

// A short human form, e.g. 90 -> "1.5m", 0.25 -> "250ms".
std::string formatDuration(double seconds);

}  // namespace schedlab
