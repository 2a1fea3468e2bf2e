#include "model/CoreCalendar.h"

#include <algorithm>

namespace schedlab {

CoreCalendar::CoreCalendar(int cores) : cores_(static_cast<size_t>(std::max(1, cores))) {}

CoreCalendar::Slot CoreCalendar::slotOn(const Core& core, double at, double seconds) {
  const auto first = firstUnder(core, at);
  double t = at, left = seconds;
  for (auto it = first; it != core.busy.end(); ++it) {
    const double gap = it->start - t;
    if (gap >= left) break;
    left -= std::max(0.0, gap);
    t = std::max(t, it->end);
  }
  return {t + left, static_cast<size_t>(first - core.busy.begin())};
}

CoreCalendar::Bookings::const_iterator CoreCalendar::firstUnder(const Core& core, double at) {
  // The first booking still under way at `at` (their ends are sorted as their starts are); most
  // statements come after every booking (the core is free from then on, or the caller's own
  // previous statement is the last).
  if (core.first == core.busy.size() || core.busy.back().end <= at) return core.busy.end();
  // Galloping back from the last booking: a statement that waits mostly arrives among the last
  // few bookings ahead, rarely near the first.
  const auto ended = [at](const Booking& b) { return b.end <= at; };
  const auto begin = core.busy.begin() + static_cast<std::ptrdiff_t>(core.first);
  auto hi = core.busy.end() - 1;  // not ended
  std::ptrdiff_t step = 1;
  while (step <= hi - begin && !ended(*(hi - step))) {
    hi -= step;
    step *= 2;
  }
  return std::partition_point(hi - std::min(step, hi - begin), hi, ended);
}

void CoreCalendar::forget(Core& core, double now) {
  double forgotten = forgotten_;  // summed in a register, in the same order
  while (core.first < core.busy.size() && core.busy[core.first].end <= now) {
    forgotten += core.busy[core.first].end - core.busy[core.first].start;
    ++core.first;
  }
  forgotten_ = forgotten;
  if (core.first > 64 && 2 * core.first > core.busy.size()) {
    core.busy.erase(core.busy.begin(), core.busy.begin() + static_cast<std::ptrdiff_t>(core.first));
    core.first = 0;
  }
}

double CoreCalendar::book(double now, double at, double seconds) {
  if (seconds <= 0) return at;
  size_t best = 0;
  Slot slot;
  for (size_t c = 0; c < cores_.size(); ++c) {
    forget(cores_[c], now);
    const Slot s = slotOn(cores_[c], at, seconds);
    if (c == 0 || s.end < slot.end) best = c, slot = s;
    if (s.end <= at + seconds) break;  // served without waiting: no core does better
  }
  // The gaps from `at` on filled in turn until the statement is served.
  Core& core = cores_[best];
  size_t i = slot.first;
  double t = at, left = seconds;
  while (true) {  // the same steps as slotOn()
    if (i == core.busy.size() || core.busy[i].start - t >= left) {
      occupy(core, i, t, t + left);
      break;
    }
    const double gap = core.busy[i].start - t;
    if (gap > 0) {
      i = occupy(core, i, t, core.busy[i].start);
      left -= gap;
    }
    t = std::max(t, core.busy[i].end);
    ++i;
  }
  return slot.end;
}

double CoreCalendar::bookChain(double now, double from, double gap, int n, double firstSeconds, double seconds,
                               double* atCore) {
  if (n <= 0) return from;
  if (firstSeconds > 0) {  // (book() forgets only when it books)
    Core& core = cores_[0];
    forget(core, now);
    if (core.first == core.busy.size() || core.busy.back().end <= from + gap)
      return appendChain(from, gap, n, firstSeconds, seconds, atCore);
  }
  double t = from;
  for (int i = 0; i < n; ++i) {
    t += gap;
    const double db = i == 0 ? firstSeconds : seconds;
    if (db > 0) {
      const double sent = t;
      t = book(now, t, db);
      *atCore += t - sent;
    }
  }
  return t;
}

double CoreCalendar::appendChain(double from, double gap, int n, double firstSeconds, double seconds, double* atCore) {
  // The steps of book() on a free core 0: [t, t + db) booked after every other booking.
  Core& core = cores_[0];
  double t = from;
  for (int i = 0; i < n; ++i) {
    t += gap;
    const double db = i == 0 ? firstSeconds : seconds;
    if (db <= 0) continue;
    const double end = t + db;
    occupy(core, core.busy.size(), t, end);
    *atCore += end - t;
    t = end;
  }
  return t;
}

size_t CoreCalendar::occupy(Core& core, size_t i, double start, double end) {
  // Kept disjoint and not touching: a booking that meets its neighbours joins them.
  auto& busy = core.busy;
  const bool joinsBefore = i > core.first && busy[i - 1].end == start;
  const bool joinsAfter = i < busy.size() && busy[i].start == end;
  if (joinsBefore && joinsAfter) {
    busy[i - 1].end = busy[i].end;
    busy.erase(busy.begin() + static_cast<std::ptrdiff_t>(i));
    return i - 1;
  }
  if (joinsBefore) {
    busy[i - 1].end = end;
    return i - 1;
  }
  if (joinsAfter) {
    busy[i].start = start;
    return i;
  }
  busy.insert(busy.begin() + static_cast<std::ptrdiff_t>(i), Booking{start, end});
  return i;
}

double CoreCalendar::busySeconds(double now) const {
  double s = forgotten_;
  for (const Core& core : cores_)
    for (size_t i = core.first; i < core.busy.size() && core.busy[i].start < now; ++i)
      s += std::min(core.busy[i].end, now) - core.busy[i].start;
  return s;
}

}  // namespace schedlab
