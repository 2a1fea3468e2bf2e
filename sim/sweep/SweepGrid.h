// A sweep's grid: parameters (each a list or a range of values) x variants x seeds, expanded
// into numbered points in one fixed order, so that any shard of it names the same points.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace schedlab {

struct SweepParam {
  std::string key;                  // a --set path, e.g. executor.workers
  std::vector<std::string> values;  // as --set takes them
};

// "KEY=V1,V2,V3" or "KEY=LO..HI" or "KEY=LO..HI:STEP" (numbers; STEP defaults to 1). Throws
// std::invalid_argument naming what is wrong.
SweepParam parseSweepParam(const std::string& text);

// "LO..HI" or "LO..HI:STEP" into its values; integers print without a decimal point.
std::vector<std::string> expandRange(const std::string& range, const std::string& what);

struct SweepPoint {
  size_t index = 0;
  std::vector<std::pair<std::string, std::string>> params;  // key, value in the order given
  std::string variant;
  uint64_t seed = 0;
};

// Every combination: the first parameter varies slowest, then variants, then seeds.
std::vector<SweepPoint> expandGrid(const std::vector<SweepParam>& params, const std::vector<std::string>& variants,
                                   const std::vector<uint64_t>& seeds);

// "I/N" (1 <= I <= N) as {I, N}. Throws std::invalid_argument.
std::pair<int, int> parseShard(const std::string& text);

// The points shard I of N runs: every N-th, starting at the (I-1)-th.
std::vector<SweepPoint> shardOf(const std::vector<SweepPoint>& points, int shard, int shards);

}  // namespace schedlab
