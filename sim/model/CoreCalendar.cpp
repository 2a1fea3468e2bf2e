#include "model/CoreCalendar.h"

#include <algorithm>

namespace schedlab {

CoreCalendar::CoreCalendar(int cores) : cores_(static_cast<size_t>(std::max(1, cores))) {}

void CoreCalendar::skipEmpty(Pending& p) {
  // A statement of no time is not booked; the next leaves `gap` after it arrived.
  while (p.next < p.n && (p.next == 0 ? p.firstSeconds : p.seconds) <= 0) {
    p.t += p.gap;
    ++p.next;
  }
}

void CoreCalendar::addPending(Core& core) {
  Pending& p = core.pending;
  p.t += p.gap;
  const double end = p.t + (p.next == 0 ? p.firstSeconds : p.seconds);
  occupy(core, core.busy.size(), p.t, end);
  p.t = end;
  ++p.next;
  skipEmpty(p);
}

void CoreCalendar::addPendingUntil(Core& core, double t) {
  while (core.pending.active() && core.pending.nextStart() <= t) addPending(core);
}

bool CoreCalendar::reachesPending(const Core& core, double t, double left) {
  return core.pending.active() && !(core.pending.nextStart() - t >= left);  // as slotOn() tests a booking
}

[[gnu::always_inline]] inline CoreCalendar::Slot CoreCalendar::slotOn(Core& core, double at, double seconds) {
  addPendingUntil(core, at);
  const size_t first = static_cast<size_t>(firstUnder(core, at) - core.busy.begin());
  double t = at, left = seconds;
  for (size_t i = first;; ++i) {
    while (i == core.busy.size() && reachesPending(core, t, left)) {
      addPending(core);
      // A pending statement that meets the booking just passed joins it: passed again, longer.
      if (i == core.busy.size()) t = std::max(t, core.busy.back().end);
    }
    if (i == core.busy.size()) break;
    const Booking& b = core.busy[i];
    const double gap = b.start - t;
    if (gap >= left) break;
    left -= std::max(0.0, gap);
    t = std::max(t, b.end);
  }
  return {t + left, first};
}

[[gnu::always_inline]] inline CoreCalendar::Bookings::const_iterator CoreCalendar::firstUnder(const Core& core,
                                                                                              double at) {
  // The first booking still under way at `at` (their ends are sorted as their starts are). Many
  // statements come after every booking (the core is free from then on, or the caller's own
  // previous statement is the last).
  if (core.first == core.busy.size() || core.busy.back().end <= at) return core.busy.end();
  // Otherwise mostly among a long chain another client booked ahead, next to where the previous
  // statement went (the next of the same chain, or another client's near the present): galloping
  // from there, forward or back.
  const auto ended = [at](const Booking& b) { return b.end <= at; };
  const auto begin = core.busy.begin() + static_cast<std::ptrdiff_t>(core.first);
  const auto last = core.busy.end() - 1;  // not ended
  auto from = core.busy.begin() + static_cast<std::ptrdiff_t>(std::clamp(core.hint, core.first, core.busy.size() - 1));
  std::ptrdiff_t step = 1;
  if (ended(*from)) {  // the answer is after `from`, at most `last`
    auto lo = from;    // ended
    while (step <= last - lo && ended(*(lo + step))) {
      lo += step;
      step *= 2;
    }
    return std::partition_point(lo + 1, lo + std::min(step, last - lo) + 1, ended);
  }
  auto hi = from;  // not ended: the answer is `hi` or before it, at least `begin`
  while (step <= hi - begin && !ended(*(hi - step))) {
    hi -= step;
    step *= 2;
  }
  return std::partition_point(hi - std::min(step, hi - begin), hi, ended);
}

void CoreCalendar::forget(Core& core, double now) {
  if (now == core.forgotAt) return;
  core.forgotAt = now;
  Pending& p = core.pending;
  // A pending statement that meets busy's last booking is one booking with it, as if it had been
  // in busy all along: added before either could be forgotten alone.
  while (p.active() && core.first < core.busy.size() && p.nextStart() == core.busy.back().end) addPending(core);
  double forgotten = forgotten_;  // summed in a register, in the same order
  const auto forgetEnded = [&] {
    while (core.first < core.busy.size() && core.busy[core.first].end <= now) {
      forgotten += core.busy[core.first].end - core.busy[core.first].start;
      ++core.first;
    }
  };
  forgetEnded();
  if (core.first == core.busy.size()) {
    // Pending statements that ended with nothing booked among them: summed as they would be from
    // busy, without passing through it; not one that meets the statement before or after it (the
    // two would be one booking).
    double before = core.busy.empty() ? -1 : core.busy.back().end;
    while (p.active()) {
      if (p.next > 0 && p.seconds > 0) {
        // Every statement from here takes `seconds`: the same steps, the chain's figures in
        // registers and each start added once (a start that meets the end before it stopped the
        // step before). This loop runs once per statement a client sent.
        const int n = p.n;
        const double gap = p.gap, seconds = p.seconds;
        double t = p.t, start = t + gap;
        int next = p.next;
        if (start != before) {
          while (true) {
            const double end = start + seconds;
            if (end > now) break;
            const double nextStart = end + gap;
            if (next + 1 < n && nextStart == end) break;
            forgotten += end - start;
            t = end;
            if (++next == n) break;
            start = nextStart;
          }
        }
        p.t = t;
        p.next = next;
        break;
      }
      const double start = p.nextStart();
      const double end = start + (p.next == 0 ? p.firstSeconds : p.seconds);
      if (end > now || start == before) break;
      Pending after = p;
      after.t = end;
      ++after.next;
      skipEmpty(after);
      if (after.active() && after.nextStart() == end) break;
      forgotten += end - start;
      p = after;
      before = end;
    }
  }
  addPendingUntil(core, now);
  forgetEnded();
  forgotten_ = forgotten;
  if (core.first > 64 && 2 * core.first > core.busy.size()) {
    core.busy.erase(core.busy.begin(), core.busy.begin() + static_cast<std::ptrdiff_t>(core.first));
    core.first = 0;
  }
}

double CoreCalendar::book(double now, double at, double seconds) { return bookOne(now, at, seconds); }

[[gnu::always_inline]] inline double CoreCalendar::bookOne(double now, double at, double seconds) {
  if (seconds <= 0) return at;
  size_t best = 0;
  Slot slot;
  for (size_t c = 0; c < cores_.size(); ++c) {
    if (cores_[c].forgotAt != now) forget(cores_[c], now);  // (a chain after its first statement: it is)
    const Slot s = slotOn(cores_[c], at, seconds);
    if (c == 0 || s.end < slot.end) best = c, slot = s;
    if (s.end <= at + seconds) break;  // served without waiting: no core does better
  }
  // The gaps from `at` on filled in turn until the statement is served.
  Core& core = cores_[best];
  size_t i = slot.first;
  double t = at, left = seconds;
  while (true) {  // the same steps as slotOn(), which added the pending statements they reach
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
    const double lastEnd = core.pending.active()            ? core.pending.lastEnd
                           : core.first == core.busy.size() ? -1
                                                            : core.busy.back().end;
    if (lastEnd <= from + gap) return appendChain(from, gap, n, firstSeconds, seconds, atCore);
  }
  double t = from;
  for (int i = 0; i < n; ++i) {
    t += gap;
    const double db = i == 0 ? firstSeconds : seconds;
    if (db > 0) {
      const double sent = t;
      t = bookOne(now, t, db);
      *atCore += t - sent;
    }
  }
  return t;
}

double CoreCalendar::appendChain(double from, double gap, int n, double firstSeconds, double seconds, double* atCore) {
  // The steps of book() on a free core 0: [t, t + db) booked after every other booking. They go
  // to busy as the calendar reaches them (Pending); here only their figures.
  Core& core = cores_[0];
  while (core.pending.active()) addPending(core);        // all of it ends before this chain starts
  double t = from + gap, lastEnd = 0, served = *atCore;  // (summed in a register, in the same order)
  if (firstSeconds > 0) {
    const double end = t + firstSeconds;
    served += end - t;
    t = end;
    lastEnd = end;
  }
  if (seconds > 0) {  // (the others are alike: one loop for them, without the first's tests)
    for (int i = 1; i < n; ++i) {
      t += gap;
      const double end = t + seconds;
      served += end - t;
      t = end;
    }
    if (n > 1) lastEnd = t;
  } else {
    for (int i = 1; i < n; ++i) t += gap;
  }
  *atCore = served;
  // Its first statement may start at `now`: the next forget() adds it then.
  core.forgotAt = -std::numeric_limits<double>::infinity();
  core.pending = {
      .next = 0, .n = n, .t = from, .gap = gap, .firstSeconds = firstSeconds, .seconds = seconds, .lastEnd = lastEnd};
  skipEmpty(core.pending);
  return t;
}

[[gnu::always_inline]] inline size_t CoreCalendar::occupy(Core& core, size_t i, double start, double end) {
  core.hint = i;  // (an index near the booking: where the next search starts)
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
  for (Core& core : cores_) addPendingUntil(core, now);
  for (const Core& core : cores_)
    for (size_t i = core.first; i < core.busy.size() && core.busy[i].start < now; ++i)
      s += std::min(core.busy[i].end, now) - core.busy[i].start;
  return s;
}

}  // namespace schedlab
