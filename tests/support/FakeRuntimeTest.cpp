// The fake runtime itself: actors in time order on a manual clock, semaphores, timeouts, compute.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/FakeRuntime.h"

using schedlab::test::FakeRuntime;

TEST(FakeRuntime, ActorsRunInTimeOrderOnAManualClock) {
  FakeRuntime rt;
  std::vector<std::string> log;
  rt.spawn("a", [&] {
    rt.sleepFor(10);
    log.push_back("a@" + std::to_string(static_cast<int>(rt.now())));
  });
  rt.spawn("b", [&] {
    rt.sleepUntil(5);
    log.push_back("b@" + std::to_string(static_cast<int>(rt.now())));
    rt.sleepFor(5);  // due with a at 10, but later in line
    log.push_back("b@" + std::to_string(static_cast<int>(rt.now())));
  });
  rt.runUntil(7);
  EXPECT_EQ(log, (std::vector<std::string>{"b@5"}));
  EXPECT_EQ(rt.now(), 7);
  rt.runUntil(100);
  EXPECT_EQ(log, (std::vector<std::string>{"b@5", "a@10", "b@10"}));
  EXPECT_EQ(rt.actorsAlive(), 0u);
}

TEST(FakeRuntime, SemaphoresBlockWakeAndTimeOut) {
  FakeRuntime rt;
  auto sem = rt.semaphore(0);
  double gotAt = -1, timedOutAt = -1;
  bool timedOut = false;
  rt.spawn("waiter", [&] {
    sem->acquire();
    gotAt = rt.now();
    timedOut = sem->acquireTimeout(3);
    timedOutAt = rt.now();
  });
  rt.spawn("releaser", [&] {
    rt.sleepFor(4);
    sem->release();
  });
  rt.runUntil(100);
  EXPECT_EQ(gotAt, 4);
  EXPECT_TRUE(timedOut);
  EXPECT_EQ(timedOutAt, 7);
  EXPECT_TRUE(sem->tryAcquire() == false);
  sem->release();
  EXPECT_TRUE(sem->tryAcquire());
}

TEST(FakeRuntime, AReleaseBeforeTheTimeoutGrantsAndItsTimeoutNeverWakesAgain) {
  FakeRuntime rt;
  auto sem = rt.semaphore(0);
  bool timedOut = true;
  double gotAt = -1, sleptTo = -1;
  rt.spawn("waiter", [&] {
    timedOut = sem->acquireTimeout(10);
    gotAt = rt.now();
    rt.sleepFor(20);  // the stale timeout at 10 s must not end this sleep early
    sleptTo = rt.now();
  });
  rt.spawn("releaser", [&] {
    rt.sleepFor(2);
    sem->release();
  });
  rt.runUntil(100);
  EXPECT_FALSE(timedOut);
  EXPECT_EQ(gotAt, 2);
  EXPECT_EQ(sleptTo, 22);
}

TEST(FakeRuntime, BlockingOutsideAnActorIsRefused) {
  FakeRuntime rt;
  EXPECT_THROW(rt.sleepFor(1), std::logic_error);
  EXPECT_THROW(rt.semaphore(0)->acquireTimeout(1), std::logic_error);
}

TEST(FakeRuntime, ComputeTakesItsCoreSecondsAndStopUnwindsWaitingActors) {
  FakeRuntime rt;
  bool unwound = false;
  struct Flag {
    bool& f;
    ~Flag() { f = true; }
  };
  rt.spawn("worker", [&] {
    rt.compute(2, 1.5);
    Flag flag{unwound};
    rt.semaphore(0)->acquire();  // never released
  });
  rt.runUntil(10);
  EXPECT_EQ(rt.computedSeconds(2), 1.5);
  EXPECT_EQ(rt.actorsAlive(), 1u);
  rt.stop();
  EXPECT_TRUE(unwound);
  EXPECT_EQ(rt.actorsAlive(), 0u);
}

TEST(FakeRuntime, AnActorsExceptionReachesTheTest) {
  FakeRuntime rt;
  rt.spawn("thrower", [&] {
    rt.sleepFor(1);
    throw std::runtime_error("boom");
  });
  EXPECT_THROW(rt.runUntil(2), std::runtime_error);
}
