// Children run side by side: each result lands at its index, an error names its child, and a
// failure stops what has not started.
#include "engine/Isolated.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include "support/TestSupport.h"

using schedlab::runIsolatedEach;

TEST(Isolated, EachChildsResultLandsAtItsIndex) {
  const pid_t self = ::getpid();
  std::vector<size_t> ended;
  int ticks = 0;
  auto out = runIsolatedEach(
      7, 3,
      [](size_t i) {
        ::usleep(static_cast<useconds_t>((7 - i) * 20000));  // later ones end first
        return std::to_string(i) + ":" + std::to_string(::getpid()) + std::string(100000 * i, 'x');
      },
      [&] { ++ticks; }, [&](size_t i) { ended.push_back(i); });
  ASSERT_EQ(out.size(), 7u);
  std::set<std::string> pids;
  for (size_t i = 0; i < out.size(); ++i) {
    ASSERT_EQ(out[i].substr(0, out[i].find(':')), std::to_string(i));
    const size_t colon = out[i].find(':');
    const std::string pid = out[i].substr(colon + 1, out[i].find_first_not_of("0123456789", colon + 1) - colon - 1);
    EXPECT_NE(pid, std::to_string(self));
    pids.insert(pid);
    EXPECT_EQ(std::count(out[i].begin(), out[i].end(), 'x'), static_cast<long>(100000 * i));  // read whole
  }
  EXPECT_EQ(pids.size(), 7u);  // a process each
  std::sort(ended.begin(), ended.end());
  EXPECT_EQ(ended, (std::vector<size_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_GT(ticks, 0);
}

TEST(Isolated, AtMostJobsAtOnceAndThatManyTogether) {
  const auto dir = schedlab::test::tempDir();
  // Each child marks itself running; the first two wait (up to 20 s) to see each other, every
  // child counts how many run, and leaves.
  auto out = runIsolatedEach(6, 2, [&](size_t i) {
    const auto mine = dir / std::to_string(i);
    std::ofstream(mine).put('1');
    bool met = i >= 2;
    for (int k = 0; !met && k < 2000; ++k, ::usleep(10000)) met = std::filesystem::exists(dir / std::to_string(1 - i));
    size_t running = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++running;
    std::filesystem::remove(mine);
    return std::string(met ? "met " : "alone ") + std::to_string(running);
  });
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(out[0].substr(0, 4), "met ");
  EXPECT_EQ(out[1].substr(0, 4), "met ");
  for (const auto& r : out) EXPECT_LE(std::stoi(r.substr(r.find(' ') + 1)), 2) << r;
  std::filesystem::remove_all(dir);
}

TEST(Isolated, TheTailStartsEarlyBesideTheRoundBeforeIt) {
  // 5 children, 2 at a time with the tail early: the first 2 run together; once one of them ends
  // fewer than 2 are left to start after the next, so the last 3 start and run together. Each
  // waits (up to 20 s) to see the others of its round running, then for all of them to have
  // seen it, and returns how many it saw running.
  const auto dir = schedlab::test::tempDir();
  const auto count = [&](const std::string& prefix) {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.path().filename().string().starts_with(prefix)) ++n;
    return n;
  };
  const auto waitFor = [&](const std::string& prefix, size_t n) {
    size_t seen = 0;
    for (int k = 0; k < 2000 && (seen = count(prefix)) < n; ++k) ::usleep(10000);
    return seen;
  };
  auto out = runIsolatedEach(5, schedlab::JobLimit(2, true), [&](size_t i) {
    const auto mine = dir / ("run-" + std::to_string(i));
    std::ofstream(mine).put('1');
    const size_t together = i < 2 ? 2 : 3;
    const std::string round = i < 2 ? "seen-first-" : "seen-last-";
    const size_t seen = waitFor("run-", together);
    std::ofstream(dir / (round + std::to_string(i))).put('1');
    waitFor(round, together);
    std::filesystem::remove(mine);
    return std::to_string(seen);
  });
  std::filesystem::remove_all(dir);
  EXPECT_EQ(out, (std::vector<std::string>{"2", "2", "3", "3", "3"}));
}

TEST(Isolated, AFailureNamesItsChildAndStopsWhatHasNotStarted) {
  const auto dir = schedlab::test::tempDir();
  try {
    runIsolatedEach(5, 1, [&](size_t i) -> std::string {
      std::ofstream(dir / std::to_string(i)).put('1');
      if (i == 1) throw std::runtime_error("variant 1 went wrong");
      return "ok";
    });
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "variant 1 went wrong");
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "0"));
  EXPECT_TRUE(std::filesystem::exists(dir / "1"));
  EXPECT_FALSE(std::filesystem::exists(dir / "2"));
  std::filesystem::remove_all(dir);
}

TEST(Isolated, AFailureStopsTheChildrenStillRunningAndSaysWhichFailed) {
  const auto start = std::chrono::steady_clock::now();
  try {
    runIsolatedEach(3, 2, [](size_t i) -> std::string {
      if (i == 1) ::_exit(3);  // dies without a word
      ::sleep(60);
      return "ok";
    });
    FAIL() << "no error";
  } catch (const schedlab::IsolatedFailure& e) {
    EXPECT_EQ(e.index, 1u);
    EXPECT_STREQ(e.what(), "simulation process ended without a result");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));  // child 0 was stopped
  try {
    runIsolatedEach(1, 1, [](size_t) -> std::string {
      ::raise(SIGKILL);
      return "ok";
    });
    FAIL() << "no error";
  } catch (const schedlab::IsolatedFailure& e) {
    EXPECT_STREQ(e.what(), "simulation process died with signal 9");
  }
}
