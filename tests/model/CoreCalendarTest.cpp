// The metadata DB's cores alone: statements served one at a time per core, in turn, and booked
// ahead by a batch's later statements without holding others up.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

#include "model/CoreCalendar.h"

using schedlab::CoreCalendar;

TEST(CoreCalendar, AStatementOnAFreeCoreEndsAfterItsServiceTime) {
  CoreCalendar cores(1);
  EXPECT_DOUBLE_EQ(cores.book(0, 1.0, 0.5), 1.5);
  EXPECT_DOUBLE_EQ(cores.busySeconds(1.2), 0.2);  // under way
  EXPECT_DOUBLE_EQ(cores.busySeconds(9.0), 0.5);
}

TEST(CoreCalendar, StatementsThatMeetWaitTheirTurnOnOneCore) {
  CoreCalendar cores(1);
  EXPECT_DOUBLE_EQ(cores.book(0, 0, 0.3), 0.3);
  EXPECT_DOUBLE_EQ(cores.book(0, 0, 0.3), 0.6);
  EXPECT_DOUBLE_EQ(cores.book(0.1, 0.1, 0.3), 0.9);
  EXPECT_DOUBLE_EQ(cores.busySeconds(0.9), 0.9);
}

TEST(CoreCalendar, AStatementTakesACoreThatIsFree) {
  CoreCalendar cores(2);
  EXPECT_DOUBLE_EQ(cores.book(0, 0, 1.0), 1.0);
  EXPECT_DOUBLE_EQ(cores.book(0, 0, 1.0), 1.0);    // the second core
  EXPECT_DOUBLE_EQ(cores.book(0, 0.5, 1.0), 2.0);  // waits for one of them
  EXPECT_DOUBLE_EQ(cores.busySeconds(1.0), 2.0);
  EXPECT_DOUBLE_EQ(cores.busySeconds(1.5), 2.5);
}

TEST(CoreCalendar, ALaterBookingFillsTheFreeTimeAroundEarlierOnes) {
  CoreCalendar cores(1);
  // A batch booked ahead: statements at 1.0 and 2.5.
  EXPECT_DOUBLE_EQ(cores.book(0, 1.0, 0.5), 1.5);
  EXPECT_DOUBLE_EQ(cores.book(0, 2.5, 0.5), 3.0);
  // Another client's statement at 1.2 waits for the first, then runs in the gap.
  EXPECT_DOUBLE_EQ(cores.book(0, 1.2, 0.5), 2.0);
  // One longer than the gap left starts in it and ends after the booked 2.5-3.0: the core never
  // idles while a statement waits.
  EXPECT_DOUBLE_EQ(cores.book(0, 1.9, 1.0), 3.5);
  EXPECT_DOUBLE_EQ(cores.busySeconds(2.25), 1.25);  // 1.0-2.25 without a break
  EXPECT_DOUBLE_EQ(cores.busySeconds(4.0), 2.5);
}

TEST(CoreCalendar, BookedAsTheyArriveItIsAFirstComeFirstServedQueue) {
  // Poisson arrivals of statements with exponential service on 3 cores at 80 % load, each
  // booked when it arrives: every end must be the FCFS queue's, computed here from each core's
  // next free time (the arrival waits for the earliest).
  std::mt19937_64 rng(7);
  std::exponential_distribution<double> gap(2400.0), service(1000.0);
  CoreCalendar cores(3);
  std::vector<double> freeAt(3, 0.0);
  double now = 0, busy = 0;
  for (int i = 0; i < 50000; ++i) {
    now += gap(rng);
    const double s = service(rng);
    auto core = std::min_element(freeAt.begin(), freeAt.end());
    const double expected = std::max(now, *core) + s;
    *core = expected;
    busy += s;
    ASSERT_NEAR(cores.book(now, now, s), expected, 1e-9) << "statement " << i;
  }
  const double end = *std::max_element(freeAt.begin(), freeAt.end());
  EXPECT_NEAR(cores.busySeconds(end), busy, 1e-6);  // the forgotten bookings' time is kept
}

TEST(CoreCalendar, ABatchBookedAheadEndsAsItWouldStatementByStatementOnAnIdleCore) {
  CoreCalendar cores(1);
  double t = 0;
  for (int i = 0; i < 10; ++i) t = cores.book(0, t + 0.001, 0.0002);
  EXPECT_NEAR(t, 10 * 0.0012, 1e-12);
  EXPECT_NEAR(cores.busySeconds(t), 10 * 0.0002, 1e-12);
}

TEST(CoreCalendar, AChainBookedAtOnceEndsExactlyAsItsStatementsBookedOneByOne) {
  // bookChain() takes a short cut when core 0 is free; every figure must stay bit for bit that of
  // book() called per statement, whether the chain waits, touches an earlier booking or has
  // statements of no time.
  for (int cores = 1; cores <= 3; ++cores) {
    CoreCalendar chained(cores), single(cores);
    std::mt19937_64 rng(7 + static_cast<unsigned>(cores));
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    double now = 0;
    int unwaited = 0, waited = 0;
    for (int b = 0; b < 20000; ++b) {
      now += unit(rng) < 0.3 ? 0.0 : unit(rng) * 0.02;
      const int n = static_cast<int>(unit(rng) * 12);
      const double gap = unit(rng) < 0.2 ? 0.0 : unit(rng) * 0.002;
      const double first = unit(rng) < 0.1 ? 0.0 : unit(rng) * 0.003;
      const double each = unit(rng) < 0.1 ? 0.0 : unit(rng) * 0.001;
      double atCoreChained = 0, atCoreSingle = 0, t = now;
      for (int i = 0; i < n; ++i) {
        t += gap;
        const double db = i == 0 ? first : each;
        if (db > 0) {
          const double sent = t;
          t = single.book(now, t, db);
          atCoreSingle += t - sent;
        }
      }
      const double end = chained.bookChain(now, now, gap, n, first, each, &atCoreChained);
      ASSERT_EQ(end, t) << cores << " cores, batch " << b;
      ASSERT_EQ(atCoreChained, atCoreSingle) << cores << " cores, batch " << b;
      double alone = now;  // the chain's end on an idle DB
      for (int i = 0; i < n; ++i)
        alone = (i == 0 ? first : each) > 0 ? alone + gap + (i == 0 ? first : each) : alone + gap;
      ++(end == alone ? unwaited : waited);
      // The time served so far too, chains' statements still ahead or not.
      if (b % 97 == 0) {
        const double at = now + unit(rng) * 0.01;
        ASSERT_EQ(chained.busySeconds(at), single.busySeconds(at)) << cores << " cores, batch " << b;
      }
    }
    EXPECT_EQ(chained.busySeconds(now + 100), single.busySeconds(now + 100));
    std::printf("%d cores: %d chains served without a wait, %d waited\n", cores, unwaited, waited);
    EXPECT_GT(unwaited, 2000) << "the chains seldom found a core free";
    EXPECT_GT(waited, 1000) << "the chains seldom waited";
  }
}

TEST(CoreCalendar, AChainNobodyBookedAmongIsForgottenAsItsStatementsBookedOneByOne) {
  // Chains that end before anything else is booked are summed without passing through the
  // calendar's list; those whose statements meet (no gap between them, or one of no time) and a
  // statement that meets a chain's end count as the one booking they make.
  CoreCalendar chained(1), single(1);
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  double now = 1000.0 / 3;  // not a round number: the sums round
  for (int b = 0; b < 5000; ++b) {
    const int n = 1 + static_cast<int>(unit(rng) * 20);
    const double gap = unit(rng) < 0.4 ? 0.0 : unit(rng) * 0.002;
    const double first = unit(rng) < 0.1 ? 0.0 : unit(rng) * 0.003;
    const double each = unit(rng) < 0.1 ? 0.0 : unit(rng) * 0.001;
    double atCoreChained = 0, t = now;
    for (int i = 0; i < n; ++i) {
      t += gap;
      const double db = i == 0 ? first : each;
      if (db > 0) t = single.book(now, t, db);
    }
    const double end = chained.bookChain(now, now, gap, n, first, each, &atCoreChained);
    ASSERT_EQ(end, t) << "chain " << b;
    if (unit(rng) < 0.3) {  // another statement, meeting the chain's end
      const double e = unit(rng) * 0.001;
      ASSERT_EQ(chained.book(now, end, e), single.book(now, end, e)) << "chain " << b;
    }
    now = end + (unit(rng) < 0.5 ? 0.0 : unit(rng) * 0.01);
  }
  // (Asked in between, the calendar would add every statement up to then to its list.)
  EXPECT_EQ(chained.busySeconds(now + 1), single.busySeconds(now + 1));
}
