// When a DAG's runs fall due: never (externally triggered), once (Airflow's @once: a single run
// at its start_date, due at once), every fixed interval, or on a cron expression. Times are absolute Unix seconds
// (UTC), as Airflow's execution dates are.
#pragma once

#include <array>
#include <bitset>
#include <optional>
#include <string>

namespace schedlab {

class Schedule {
 public:
  enum class Kind { None, Once, Interval, Cron };

  static Schedule none();
  // @once: every time is its own first point, and no point follows one.
  static Schedule once();
  static Schedule interval(double periodSeconds, double anchor);
  // Five-field cron ("m h dom mon dow") or a preset (@hourly, @daily, @weekly, @monthly, @yearly).
  // nullopt with a reason in *error when the expression is malformed or can never fire.
  static std::optional<Schedule> cron(const std::string& expression, std::string* error);

  Kind kind() const { return kind_; }
  // The first schedule point at or after t.
  double firstAtOrAfter(double t) const;
  // The last schedule point before t (for a point t, the one before it); -inf without one.
  double lastBefore(double t) const;
  // The schedule point following the point `point`.
  double after(double point) const;
  // When the run of the point `point` falls due: the end of its interval (the next point); for
  // @once, the point itself.
  double dueAt(double point) const { return kind_ == Kind::Once ? point : after(point); }
  // Mean spacing of points (seconds); used for reporting and sanity checks.
  double nominalPeriod() const;
  // The same schedule moved later by `seconds` (replicas of one DAG spread over a window).
  Schedule shifted(double seconds) const;
  const std::string& text() const { return text_; }
  bool operator==(const Schedule&) const = default;

 private:
  // A cron that fires at all fires within 8 years (a 29th of February may skip a century year).
  static constexpr int kSearchDays = 9 * 366;
  bool dayMatches(int month, int mday, int wday) const;

  Kind kind_ = Kind::None;
  double period_ = 0;  // Interval
  double anchor_ = 0;  // Interval: a point of the schedule
  double shift_ = 0;   // Cron: offset added to every point
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> daysOfMonth_;  // 1..31
  std::bitset<13> months_;       // 1..12
  std::bitset<7> daysOfWeek_;    // 0 = Sunday
  bool domRestricted_ = false, dowRestricted_ = false;
  std::string text_;
};

}  // namespace schedlab
