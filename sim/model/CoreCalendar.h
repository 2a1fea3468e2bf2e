// The metadata DB's cores as a calendar of the statements they serve. A core runs one statement
// at a time to its end: a backend process answers a statement of well under a millisecond within
// one slice of the OS scheduler's time, so statements that meet wait for each other (first come,
// first served) rather than share the core. Measured against PostgreSQL on one core, 6 parsing
// processes at 53 % of it: sharing the core (processor sharing) made the simulated queueing about
// twice the live one; serving in turn matched it.
//
// A caller books a whole batch of statements when it sends the first, each at the time its
// client would send it. A statement booked later fills the core's free time from its arrival on,
// around those booked before it: the core never idles while a statement waits, as it would if
// the statement waited for a gap long enough to hold it whole (at 53 % of one core that made the
// waits those of a busier DB).
#pragma once

#include <cstddef>
#include <limits>
#include <vector>

namespace schedlab {

// (The private helpers declared inline are defined, forced inline, in CoreCalendar.cpp: a
// statement's booking runs through them, and the calls cost 7 % of a day of metadb-growth.)
class CoreCalendar {
 public:
  // REQUIRES: cores >= 1.
  explicit CoreCalendar(int cores);

  // Books `seconds` of service on the core where it ends soonest, from `at` on (the
  // lowest-numbered among equals), and returns when it ends. Bookings that end before `now` are
  // forgotten (their time is kept as busy seconds).
  // REQUIRES: now >= the `now` of every earlier call; at >= now; seconds >= 0.
  double book(double now, double at, double seconds);

  // Books a client's chain of `n` statements as n calls of book() would: the first arrives at
  // `from` + `gap` and takes `firstSeconds`, each other arrives `gap` after the one before it ends
  // and takes `seconds` (a statement of no time is not booked and ends where it arrives). Adds
  // each statement's time from arrival to end to `*atCore` and returns when the last one ends.
  // REQUIRES: as book(), with at = from + gap; gap >= 0; n >= 0.
  double bookChain(double now, double from, double gap, int n, double firstSeconds, double seconds, double* atCore);

  // Core-seconds of service before `now`, summed over the cores.
  // REQUIRES: now >= the `now` of the last book().
  double busySeconds(double now) const;

  int cores() const { return static_cast<int>(cores_.size()); }

 private:
  // Trivially copyable (a std::pair is not), so that a booking inserted among many moves the
  // later ones in one memmove rather than one by one.
  struct Booking {
    double start, end;
  };
  // A chain booked on a free core whose later statements are not in `busy` yet: a scheduler's
  // loop books a thousand statements ahead at once, and every statement another client sends
  // meanwhile lands among them. They are added (in order, by the same arithmetic appendChain()
  // used) as the calendar's searches reach them, so that inserting is cheap near the present.
  struct Pending {
    int next = 0, n = 0;  // statements next…n-1 to add; next is one of some time, or n
    double t = 0;         // where the statement before `next` ended (or the chain's start)
    double gap = 0, firstSeconds = 0, seconds = 0;
    double lastEnd = 0;  // the end of its last statement of some time
    bool active() const { return next < n; }
    double nextStart() const { return t + gap; }
  };
  struct Core {
    std::vector<Booking> busy;  // [start, end), sorted, disjoint, not touching
    size_t first = 0;           // busy[first…] are not forgotten
    size_t hint = 0;            // where the last booking went: the next search starts there
    // The `now` of its last forget(): forgetting again at the same time finds nothing to forget
    // (a booking since ends after it). A chain's statements are booked at one `now`.
    double forgotAt = -std::numeric_limits<double>::infinity();
    // After busy's last booking; none of it starts before a time the calendar was asked about
    // (every one that does is in busy), and busy's bookings all end before its next starts.
    Pending pending;
  };
  using Bookings = std::vector<Booking>;
  static inline Bookings::const_iterator firstUnder(const Core& core, double at);
  // When a statement of `seconds` from `at` on would end on `core`, and the first booking still
  // under way at `at` there (where booking it starts).
  struct Slot {
    double end = 0;
    size_t first = 0;
  };
  static inline Slot slotOn(Core& core, double at, double seconds);
  // Adds the pending chain's next statement to busy.
  static void addPending(Core& core);
  // Adds the pending statements that start at or before `t`.
  static void addPendingUntil(Core& core, double t);
  // Whether a statement with `left` seconds still to serve from `t` on, at the end of busy,
  // reaches the pending chain's next statement (and so must see it in busy).
  static bool reachesPending(const Core& core, double t, double left);
  static void skipEmpty(Pending& p);
  // Books [start, end) before booking i; returns the index of the booking that holds it.
  static inline size_t occupy(Core& core, size_t i, double start, double end);
  void forget(Core& core, double now);
  // book(), inlined into bookChain()'s statement-by-statement path.
  inline double bookOne(double now, double at, double seconds);
  // bookChain() when core 0 is free from the chain's first arrival on: then every statement of it
  // is served there without waiting (the next arrives after the one before it ends).
  // REQUIRES: n >= 1.
  double appendChain(double from, double gap, int n, double firstSeconds, double seconds, double* atCore);

  // Mutable: busySeconds() adds the pending statements it sums (which changes no figure).
  mutable std::vector<Core> cores_;
  double forgotten_ = 0;  // service time of forgotten bookings
};

}  // namespace schedlab
