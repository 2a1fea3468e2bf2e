#include "sweep/SweepGrid.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace schedlab {
namespace {

std::optional<double> number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (*end != '\0' || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string show(double v) {
  char buf[32];
  if (v == std::round(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

}  // namespace

std::vector<std::string> expandRange(const std::string& range, const std::string& what) {
  size_t dots = range.find("..");
  size_t colon = range.find(':', dots == std::string::npos ? 0 : dots);
  auto lo = number(range.substr(0, dots));
  auto hi = number(range.substr(dots + 2, colon == std::string::npos ? std::string::npos : colon - dots - 2));
  auto step = colon == std::string::npos ? std::optional<double>(1.0) : number(range.substr(colon + 1));
  if (!lo || !hi || !step)
    throw std::invalid_argument(what + ": '" + range + "' is not a range (LO..HI or LO..HI:STEP, numbers)");
  if (*step <= 0) throw std::invalid_argument(what + ": the step must be positive");
  if (*hi < *lo) throw std::invalid_argument(what + ": the range is empty (HI < LO)");
  std::vector<std::string> out;
  for (int i = 0;; ++i) {
    double v = *lo + i * *step;
    if (v > *hi + 1e-9 * std::max(1.0, std::fabs(*hi))) break;
    out.push_back(show(v));
    if (out.size() > 100000) throw std::invalid_argument(what + ": more than 100000 values");
  }
  return out;
}

SweepParam parseSweepParam(const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw std::invalid_argument("--param '" + text + "': expected KEY=V1,V2 or KEY=LO..HI[:STEP]");
  SweepParam p;
  p.key = text.substr(0, eq);
  std::string values = text.substr(eq + 1);
  if (values.find("..") != std::string::npos && values.find(',') == std::string::npos) {
    p.values = expandRange(values, "--param " + p.key);
    return p;
  }
  size_t start = 0;
  while (true) {
    size_t comma = values.find(',', start);
    std::string v = values.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (v.empty()) throw std::invalid_argument("--param '" + text + "': an empty value");
    p.values.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return p;
}

std::vector<SweepPoint> expandGrid(const std::vector<SweepParam>& params, const std::vector<std::string>& variants,
                                   const std::vector<uint64_t>& seeds) {
  std::vector<std::vector<std::pair<std::string, std::string>>> combos = {{}};
  for (const auto& p : params) {
    std::vector<std::vector<std::pair<std::string, std::string>>> next;
    for (const auto& c : combos)
      for (const auto& v : p.values) {
        next.push_back(c);
        next.back().push_back({p.key, v});
      }
    combos = std::move(next);
  }
  std::vector<SweepPoint> out;
  for (const auto& c : combos)
    for (const auto& variant : variants)
      for (uint64_t seed : seeds) out.push_back({out.size(), c, variant, seed});
  return out;
}

std::pair<int, int> parseShard(const std::string& text) {
  size_t slash = text.find('/');
  auto i = slash == std::string::npos ? std::nullopt : number(text.substr(0, slash));
  auto n = slash == std::string::npos ? std::nullopt : number(text.substr(slash + 1));
  if (!i || !n || *i != std::round(*i) || *n != std::round(*n) || *n < 1 || *i < 1 || *i > *n)
    throw std::invalid_argument("--shard '" + text + "': expected I/N with 1 <= I <= N, e.g. 2/8");
  return {static_cast<int>(*i), static_cast<int>(*n)};
}

std::vector<SweepPoint> shardOf(const std::vector<SweepPoint>& points, int shard, int shards) {
  std::vector<SweepPoint> out;
  for (const auto& p : points)
    if (static_cast<int>(p.index % static_cast<size_t>(shards)) == shard - 1) out.push_back(p);
  return out;
}

}  // namespace schedlab
