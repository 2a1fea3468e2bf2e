#include "scenario/Schedule.h"

#include <algorithm>
#include <cmath>
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

// The UTC calendar fields of a Unix time, by arithmetic: gmtime_r takes the time-zone lock and
// walks tz data on every call, and a cron's next point may look at hundreds of days.
struct Civil {
  int month;  // 1..12
  int mday;   // 1..31
  int wday;   // 0 = Sunday
  int hour, minute;
};

Civil toUtc(double t) {
  const long long s = static_cast<long long>(std::floor(t));
  long long days = s / 86400, sod = s % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  Civil c{};
  c.hour = static_cast<int>(sod / 3600);
  c.minute = static_cast<int>(sod % 3600 / 60);
  c.wday = static_cast<int>(((days + 4) % 7 + 7) % 7);  // 1970-01-01 was a Thursday
  // Days since 1970-01-01 to a proleptic Gregorian date, counting in 400-year eras from March 1st
  // so that the leap day ends a year.
  const long long z = days + 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const long long doe = z - era * 146097;                                       // [0, 146096]
  const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const long long mp = (5 * doy + 2) / 153;                                     // March = 0
  c.mday = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return c;
}

// The lowest set bit at or above `from`, or N.
template <size_t N>
int nextSet(const std::bitset<N>& bits, int from) {
  for (int i = from; i < static_cast<int>(N); ++i)
    if (bits[static_cast<size_t>(i)]) return i;
  return static_cast<int>(N);
}

// The highest set bit at or below `from`, or -1.
template <size_t N>
int prevSet(const std::bitset<N>& bits, int from) {
  for (int i = std::min(from, static_cast<int>(N) - 1); i >= 0; --i)
    if (bits[static_cast<size_t>(i)]) return i;
  return -1;
}

}  // namespace

Schedule Schedule::none() {
  Schedule s;
  s.text_ = "none";
  return s;
}

Schedule Schedule::once() {
  Schedule s;
  s.kind_ = Kind::Once;
  s.text_ = "@once";
  return s;
}

double Schedule::after(double point) const { return kind_ == Kind::Once ? INFINITY : firstAtOrAfter(point + 1e-3); }

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
  if (s.domRestricted_ && !s.dowRestricted_) {
    // Only the day of the month decides: some month of the expression must have one of its days.
    static constexpr int kLongest[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool fires = false;
    for (int m = 1; m <= 12 && !fires; ++m)
      for (int d = 1; d <= kLongest[m] && !fires; ++d)
        fires = s.months_[static_cast<size_t>(m)] && s.daysOfMonth_[static_cast<size_t>(d)];
    if (!fires) {
      *error = "cron expression '" + expression + "' never fires: none of its months has any of its days";
      return std::nullopt;
    }
  }
  return s;
}

bool Schedule::dayMatches(int month, int mday, int wday) const {
  if (!months_[static_cast<size_t>(month)]) return false;
  bool domOk = daysOfMonth_[static_cast<size_t>(mday)], dowOk = daysOfWeek_[static_cast<size_t>(wday)];
  // Vixie cron: when both day fields are restricted, either may match.
  return (domRestricted_ && dowRestricted_) ? (domOk || dowOk) : (domOk && dowOk);
}

double Schedule::firstAtOrAfter(double t) const {
  switch (kind_) {
    case Kind::None:
      return INFINITY;
    case Kind::Once:
      return t;
    case Kind::Interval: {
      // A microsecond of slack absorbs rounding in Unix-second doubles.
      double k = std::ceil((t - anchor_ - 1e-6) / period_);
      return anchor_ + k * period_;
    }
    case Kind::Cron:
      break;
  }
  // Cron: from the first whole minute at or after t, skip whole days that cannot match, then jump
  // to the day's next allowed hour and the hour's next allowed minute. Minutes stay whole numbers
  // of seconds, so every point is exact.
  double base = t - shift_;
  double minute = std::ceil((base - 1e-6) / 60.0) * 60.0;
  for (int day = 0; day < kSearchDays; ++day) {
    Civil c = toUtc(minute);
    const double intoDay = c.hour * 3600.0 + c.minute * 60.0;
    if (dayMatches(c.month, c.mday, c.wday)) {
      int h = hours_[static_cast<size_t>(c.hour)] ? c.hour : nextSet(hours_, c.hour + 1);
      int m = h == c.hour ? nextSet(minutes_, c.minute) : nextSet(minutes_, 0);
      if (h == c.hour && m == 60) {  // no allowed minute left in this hour
        h = nextSet(hours_, c.hour + 1);
        m = nextSet(minutes_, 0);
      }
      if (h < 24) return minute - intoDay + h * 3600.0 + m * 60.0 + shift_;
    }
    minute += 86400.0 - intoDay;
  }
  return INFINITY;
}

double Schedule::lastBefore(double t) const {
  switch (kind_) {
    case Kind::None:
    case Kind::Once:
      return -INFINITY;
    case Kind::Interval: {
      double k = std::ceil((t - anchor_ - 1e-6) / period_);
      return anchor_ + (k - 1) * period_;
    }
    case Kind::Cron:
      break;
  }
  // The mirror of firstAtOrAfter: the last whole minute before its first candidate, walking back.
  double base = t - shift_;
  double minute = std::ceil((base - 1e-6) / 60.0) * 60.0 - 60.0;
  for (int day = 0; day < kSearchDays; ++day) {
    Civil c = toUtc(minute);
    const double intoDay = c.hour * 3600.0 + c.minute * 60.0;
    if (dayMatches(c.month, c.mday, c.wday)) {
      int h = hours_[static_cast<size_t>(c.hour)] ? c.hour : prevSet(hours_, c.hour - 1);
      int m = h == c.hour ? prevSet(minutes_, c.minute) : prevSet(minutes_, 59);
      if (h == c.hour && m < 0) {  // no allowed minute left in this hour
        h = prevSet(hours_, c.hour - 1);
        m = prevSet(minutes_, 59);
      }
      if (h >= 0) return minute - intoDay + h * 3600.0 + m * 60.0 + shift_;
    }
    minute -= intoDay + 60.0;  // 23:59 of the day before
  }
  return -INFINITY;
}

double Schedule::nominalPeriod() const {
  switch (kind_) {
    case Kind::None:
    case Kind::Once:
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
