// The metadata DB's cores alone, on a manual clock: statements served one at a time per core, in
// the order they arrive, whichever client's chain they belong to.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "model/CoreQueue.h"

using schedlab::CoreQueue;

namespace {

// One statement of `seconds`, arriving `gap` after it is sent.
CoreQueue::Chain one(double seconds, double gap = 0) {
  return {.statements = 1, .firstSeconds = seconds, .seconds = seconds, .gap = gap};
}

}  // namespace

TEST(CoreQueue, AStatementOnAFreeCoreEndsAfterItsServiceTime) {
  CoreQueue cores(1);
  const auto id = cores.send(0, one(0.5, 1.0));
  EXPECT_FALSE(cores.progress(id).known);
  EXPECT_NEAR(cores.progress(id).end, 1.5, 1e-12);  // the earliest it can be
  EXPECT_DOUBLE_EQ(cores.busySeconds(1.2), 0.2);    // under way
  const auto p = cores.progress(id);
  EXPECT_TRUE(p.known);
  EXPECT_DOUBLE_EQ(p.end, 1.5);
  EXPECT_DOUBLE_EQ(p.atCore, 0.5);
  EXPECT_DOUBLE_EQ(cores.busySeconds(9.0), 0.5);
}

TEST(CoreQueue, StatementsThatMeetWaitTheirTurnOnOneCoreAndTakeAFreeOne) {
  CoreQueue one(1), two(2);
  std::vector<CoreQueue::ChainId> a, b;
  for (int i = 0; i < 3; ++i) a.push_back(one.send(0, ::one(0.3))), b.push_back(two.send(0, ::one(0.3)));
  one.advanceTo(0);
  two.advanceTo(0);
  EXPECT_DOUBLE_EQ(one.progress(a[2]).end, 0.9);  // after the two before it
  EXPECT_DOUBLE_EQ(one.progress(a[2]).atCore, 0.9);
  EXPECT_DOUBLE_EQ(two.progress(b[1]).end, 0.3);  // the second core
  EXPECT_DOUBLE_EQ(two.progress(b[2]).end, 0.6);  // waits for one of them
  EXPECT_DOUBLE_EQ(two.busySeconds(0.45), 0.75);
}

TEST(CoreQueue, AChainsLaterStatementsComeAfterThoseOthersSentMeanwhile) {
  // One core. Chain A: 3 statements of 1 s, each sent 0.5 s after the one before is answered:
  // [0.5, 1.5), then sent at 2. B's one statement of 1 s, sent at 1.2, waits for A's first and
  // holds the core over [1.5, 2.5): A's second waits for it, [2.5, 3.5), and A's third, sent at
  // 4, ends at 5.
  CoreQueue cores(1);
  const auto a = cores.send(0, {.statements = 3, .firstSeconds = 1, .seconds = 1, .gap = 0.5});
  EXPECT_NEAR(cores.progress(a).end, 4.5, 1e-12);  // alone
  cores.advanceTo(1.2);
  const auto b = cores.send(1.2, one(1));
  cores.advanceTo(3.9);
  EXPECT_DOUBLE_EQ(cores.progress(b).end, 2.5);
  EXPECT_DOUBLE_EQ(cores.progress(b).atCore, 1.3);
  EXPECT_FALSE(cores.progress(a).known);  // its third is sent at 4: still to come
  EXPECT_NEAR(cores.progress(a).end, 5.0, 1e-12);
  cores.advanceTo(5);
  EXPECT_TRUE(cores.progress(a).known);
  EXPECT_DOUBLE_EQ(cores.progress(a).end, 5.0);
  EXPECT_DOUBLE_EQ(cores.progress(a).atCore, 1 + 1.5 + 1);
}

TEST(CoreQueue, ABackendsStartGivesWayToStatementsWithinItsBound) {
  // A stream of 300 statements of 1 ms back to back holds one core from 0; a start of 3 slices of
  // 1 ms and a statement of 1 ms is sent at 0.5 ms.
  auto run = [](double givesWay, double* streamEnd) {
    CoreQueue cores(1);
    const auto stream = cores.send(0, {.statements = 300, .firstSeconds = 0.001, .seconds = 0.001});
    cores.advanceTo(0.0005);
    const auto start = cores.send(0.0005, {.slices = 3,
                                           .sliceSeconds = 0.001,
                                           .sliceGivesWay = givesWay,
                                           .statements = 1,
                                           .firstSeconds = 0.001,
                                           .seconds = 0.001});
    cores.advanceTo(1);
    *streamEnd = cores.progress(stream).end;
    return cores.progress(start).end;
  };
  double streamEnd = 0;
  // Giving way for nothing, each slice queues as a statement: they alternate with the stream's.
  EXPECT_NEAR(run(0, &streamEnd), 0.008, 1e-12);
  EXPECT_NEAR(streamEnd, 0.304, 1e-12);
  // Giving way for up to 100 ms, a slice waits that long, then takes its turn.
  EXPECT_NEAR(run(0.1, &streamEnd), 0.304, 1e-12);
  EXPECT_NEAR(streamEnd, 0.302, 1e-12);  // two slices came between its statements, at 101 and 203 ms
}

TEST(CoreQueue, SingleStatementsAreAFirstComeFirstServedQueue) {
  // Poisson arrivals of statements with exponential service on 3 cores at 80 % load: every end
  // must be the FCFS queue's, computed here from each core's next free time (the arrival waits
  // for the earliest).
  std::mt19937_64 rng(7);
  std::exponential_distribution<double> gap(2400.0), service(1000.0);
  CoreQueue cores(3);
  std::vector<double> freeAt(3, 0.0);
  double now = 0, busy = 0;
  for (int i = 0; i < 50000; ++i) {
    now += gap(rng);
    const double s = service(rng);
    auto core = std::min_element(freeAt.begin(), freeAt.end());
    const double expected = std::max(now, *core) + s;
    *core = expected;
    busy += s;
    const auto id = cores.send(now, one(s));
    cores.advanceTo(now);
    ASSERT_TRUE(cores.progress(id).known);
    ASSERT_NEAR(cores.progress(id).end, expected, 1e-9) << "statement " << i;
    cores.release(id);
  }
  const double end = *std::max_element(freeAt.begin(), freeAt.end());
  EXPECT_NEAR(cores.busySeconds(end), busy, 1e-6);
}

TEST(CoreQueue, AdvancedOftenOrSeldomItServesAlike) {
  // Clients send chains (starts giving way or not, first statements of their own, gaps of none) at random times, asking
  // where they stand at random times in between or only when they send: the same ends, bit for bit; and each chain's
  // earliest end, asked before, is never after its end.
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  struct Send {
    double at;
    CoreQueue::Chain chain;
  };
  std::vector<Send> sends;
  double t = 0;
  for (int i = 0; i < 3000; ++i) {
    t += unit(rng) * 0.004;
    CoreQueue::Chain c{.statements = 1 + static_cast<int>(unit(rng) * 20),
                       .firstSeconds = unit(rng) < 0.1 ? 0.0 : unit(rng) * 0.002,
                       .seconds = unit(rng) < 0.1 ? 0.0 : unit(rng) * 0.001,
                       .gap = unit(rng) < 0.2 ? 0.0 : unit(rng) * 0.002};
    if (unit(rng) < 0.1) {  // a backend's start first
      c.slices = 1 + static_cast<int>(unit(rng) * 20);
      c.sliceSeconds = 0.001;
      c.sliceGivesWay = unit(rng) < 0.5 ? 0.0 : unit(rng) * 0.05;
    }
    sends.push_back({t, c});
  }
  for (int cores = 1; cores <= 2; ++cores) {
    CoreQueue often(cores), seldom(cores);
    std::vector<CoreQueue::ChainId> a, b;
    std::vector<double> earliest;
    double asked = 0;
    int waited = 0;
    for (const Send& s : sends) {
      while (asked + 0.0007 < s.at) often.advanceTo(asked += 0.0007);
      often.advanceTo(s.at);
      a.push_back(often.send(s.at, s.chain));
      b.push_back(seldom.send(s.at, s.chain));
      earliest.push_back(often.progress(a.back()).end);
    }
    often.advanceTo(1e9);
    seldom.advanceTo(1e9);
    for (size_t i = 0; i < sends.size(); ++i) {
      const auto p = often.progress(a[i]), q = seldom.progress(b[i]);
      ASSERT_TRUE(p.known && q.known);
      ASSERT_EQ(p.end, q.end) << cores << " cores, chain " << i;
      ASSERT_EQ(p.atCore, q.atCore) << cores << " cores, chain " << i;
      ASSERT_LE(earliest[i] - 1e-9, p.end) << cores << " cores, chain " << i;
      if (p.end > earliest[i] + 1e-9) ++waited;
    }
    EXPECT_GT(waited, 300) << "the chains seldom met";
    EXPECT_EQ(often.busySeconds(1e9), seldom.busySeconds(1e9));
  }
}
