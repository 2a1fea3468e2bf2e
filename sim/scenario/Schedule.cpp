#include "scenario/Schedule.h"

#include <cmath>
#include <ctime>
#include <sstream>
#include <vector>

namespace schedlab {
namespace {

// Parses one cron field ("*", "*/5", "1,15", "1-5", "0-30/10") into bits [lo, hi].
template <size_t N>
bool parseField(const std::string& field, int lo, int hi, std::bitset<N>* bits, bool* restricted) {
  *restricted = field != "*";
  std::stringstream items(field);
  std::string item;
  while (std::getline(items, item, ',')) {
    if (item.empty()) return false;
    int step = 1;
    auto slash = item.find('/');
    std::string range = item.substr(0, slash);
    if (slash != std::string::npos) {
      try {
        step = std::stoi(item.substr(slash + 1));
      } catch (...) {
        return false;
      }
      if (step <= 0) return false;
    }
    int from = lo, to = hi;
    if (range != "*") {
      auto dash = range.find('-');
      try {
        from = std::stoi(range.substr(0, dash));
        to = dash == std::string::npos ? (slash == std::string::npos ? from : hi) : std::stoi(range.substr(dash + 1));
      } catch (...) {
        return false;
      }
    }
    if (from < lo || to > hi || from > to) return false;
    for (int v = from; v <= to; v += step) bits->set(static_cast<size_t>(v));
  }
  return true;
}

std::tm toUtc(double t) {
  std::time_t s = static_cast<std::time_t>(std::floor(t));
  std::tm tm{};
  gmtime_r(&s, &tm);
  return tm;
}

}  // namespace

Schedule Schedule::none() {
  Schedule s;
  s.text_ = "none";
  return s;
}

Schedule Schedule::interval(double periodSeconds, double anchor) {
  Schedule s;
  s.kind_ = Kind::Interval;
  s.period_ = periodSeconds;
  s.anchor_ = anchor;
  s.text_ = "every " + std::to_string(periodSeconds) + "s";
  return s;
}

std::optional<Schedule> Schedule::cron(const std::string& expression, std::string* error) {
  std::string expr = expression;
  if (expr == "@hourly")
    expr = "0 * * * *";
  else if (expr == "@daily" || expr == "@midnight")
    expr = "0 0 * * *";
  else if (expr == "@weekly")
    expr = "0 0 * * 0";
  else if (expr == "@monthly")
    expr = "0 0 1 * *";
  else if (expr == "@yearly" || expr == "@annually")
    expr = "0 0 1 1 *";
  std::stringstream in(expr);
  std::vector<std::string> fields;
  std::string f;
  while (in >> f) fields.push_back(f);
  if (fields.size() != 5) {
    *error = "a cron expression needs 5 fields (minute hour day-of-month month day-of-week), got " +
             std::to_string(fields.size());
    return std::nullopt;
  }
  Schedule s;
  s.kind_ = Kind::Cron;
  s.text_ = expression;
  bool ignored = false;
  if (!parseField(fields[0], 0, 59, &s.minutes_, &ignored) || !parseField(fields[1], 0, 23, &s.hours_, &ignored) ||
      !parseField(fields[2], 1, 31, &s.daysOfMonth_, &s.domRestricted_) ||
      !parseField(fields[3], 1, 12, &s.months_, &ignored)) {
    *error = "malformed cron expression '" + expression + "'";
    return std::nullopt;
  }
  std::string dow = fields[4];
  std::bitset<8> dowBits;
  if (!parseField(dow, 0, 7, &dowBits, &s.dowRestricted_)) {
    *error = "malformed cron expression '" + expression + "'";
    return std::nullopt;
  }
  for (int d = 0; d < 7; ++d) s.daysOfWeek_[d] = dowBits[d] || (d == 0 && dowBits[7]);
  return s;
}

double Schedule::firstAtOrAfter(double t) const {
  switch (kind_) {
    case Kind::None:
      return INFINITY;
    case Kind::Interval: {
      // A microsecond of slack absorbs rounding in Unix-second doubles.
      double k = std::ceil((t - anchor_ - 1e-6) / period_);
      return anchor_ + k * period_;
    }
    case Kind::Cron:
      break;
  }
  // Cron: walk forward minute by minute, skipping whole days and hours that cannot match.
  double base = t - shift_;
  double minute = std::ceil((base - 1e-6) / 60.0) * 60.0;
  for (int guard = 0; guard < 5 * 366 * 24 * 60; ++guard) {
    std::tm tm = toUtc(minute);
    bool domOk = daysOfMonth_[tm.tm_mday], dowOk = daysOfWeek_[tm.tm_wday];
    // Vixie cron: when both day fields are restricted, either may match.
    bool dayOk = (domRestricted_ && dowRestricted_) ? (domOk || dowOk) : (domOk && dowOk);
    if (!months_[tm.tm_mon + 1] || !dayOk) {
      minute += 86400.0 - (tm.tm_hour * 3600.0 + tm.tm_min * 60.0);
      continue;
    }
    if (!hours_[tm.tm_hour]) {
      minute += 3600.0 - tm.tm_min * 60.0;
      continue;
    }
    if (!minutes_[tm.tm_min]) {
      minute += 60.0;
      continue;
    }
    return minute + shift_;
  }
  return INFINITY;
}

double Schedule::nominalPeriod() const {
  switch (kind_) {
    case Kind::None:
      return INFINITY;
    case Kind::Interval:
      return period_;
    case Kind::Cron:
      break;
  }
  // Average over a year of points from a fixed reference date (2020-01-01).
  const double start = 1577836800.0, end = start + 366 * 86400.0;
  double p = firstAtOrAfter(start);
  int n = 0;
  double first = p, last = p;
  while (p < end && n < 100000) {
    last = p;
    ++n;
    p = after(p);
  }
  return n > 1 ? (last - first) / (n - 1) : 366 * 86400.0;
}

Schedule Schedule::shifted(double seconds) const {
  Schedule s = *this;
  if (kind_ == Kind::Interval) s.anchor_ += seconds;
  if (kind_ == Kind::Cron) s.shift_ += seconds;
  return s;
}

}  // namespace schedlab
