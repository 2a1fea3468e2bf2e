// The live runtime runs one actor at a time, like SimGrid: model code between two blocking calls
// is never interleaved with another actor's, sleeps last as long as asked, semaphores count,
// and the end of a run stops every actor wherever it waits.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "live/LiveRuntime.h"

using namespace schedlab;

TEST(LiveRuntime, OneActorRunsModelCodeAtATime) {
  LiveRuntime rt;
  int inside = 0, overlaps = 0, steps = 0;
  for (int a = 0; a < 8; ++a) {
    rt.spawn("actor", [&] {
      while (true) {
        ++inside;
        // Long enough for another thread to get in if the lock did not keep it out.
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        if (inside != 1) ++overlaps;
        --inside;
        ++steps;
        rt.sleepFor(0.001);
      }
    });
  }
  rt.run(0.5);
  EXPECT_EQ(overlaps, 0);
  EXPECT_GT(steps, 100);
}

TEST(LiveRuntime, SleepsLastAsLongAsAskedOnTheRunsClock) {
  LiveRuntime rt;
  double woke = -1, wokeAt = -1;
  rt.spawn("sleeper", [&] {
    rt.sleepFor(0.2);
    woke = rt.now();
    rt.sleepUntil(0.5);
    wokeAt = rt.now();
  });
  rt.run(1.0);
  EXPECT_GE(woke, 0.2);
  EXPECT_LT(woke, 0.45);
  EXPECT_GE(wokeAt, 0.5);
  EXPECT_LT(wokeAt, 0.75);
}

TEST(LiveRuntime, SemaphoresCountAndTimeOut) {
  LiveRuntime rt;
  SemaphorePtr s = rt.semaphore(0);
  int consumed = 0;
  bool timedOut = false, gotLate = false;
  rt.spawn("consumer", [&] {
    for (int i = 0; i < 5; ++i) {
      s->acquire();
      ++consumed;
    }
    timedOut = s->acquireTimeout(0.1);  // nothing more for 0.1 s
    gotLate = !s->acquireTimeout(2.0);  // the producer's last release comes at 0.3 s
  });
  rt.spawn("producer", [&] {
    for (int i = 0; i < 5; ++i) s->release();
    rt.sleepUntil(0.3);
    s->release();
  });
  rt.run(1.0);
  EXPECT_EQ(consumed, 5);
  EXPECT_TRUE(timedOut);
  EXPECT_TRUE(gotLate);
}

TEST(LiveRuntime, TheEndStopsActorsWhereverTheyWaitAndActorErrorsReachTheCaller) {
  {
    LiveRuntime rt;
    SemaphorePtr never = rt.semaphore(0);
    bool pastWait = false, pastSleep = false, pastOutside = false;
    rt.spawn("waits", [&] {
      never->acquire();
      pastWait = true;
    });
    rt.spawn("sleeps", [&] {
      rt.sleepFor(3600);
      pastSleep = true;
    });
    rt.spawn("queries", [&] {
      rt.outside([] { std::this_thread::sleep_for(std::chrono::milliseconds(400)); });
      pastOutside = true;  // the run ended during the call: nothing after it runs
    });
    auto t0 = std::chrono::steady_clock::now();
    rt.run(0.2);
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 5.0);
    EXPECT_FALSE(pastWait);
    EXPECT_FALSE(pastSleep);
    EXPECT_FALSE(pastOutside);
  }
  LiveRuntime rt;
  rt.spawn("fails", [&] {
    rt.sleepFor(0.05);
    throw std::runtime_error("connection lost");
  });
  rt.spawn("sleeps", [&] { rt.sleepFor(3600); });
  try {
    rt.run(30);
    FAIL() << "the actor's error was swallowed";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("connection lost"), std::string::npos);
  }
}
