// Children run side by side: each result lands at its index, an error names its child, and a
// failure stops what has not started.
#include "engine/Isolated.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
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
  EXPECT_EQ(ended.size(), 7u);
  EXPECT_GT(ticks, 0);
}

TEST(Isolated, AtMostJobsAtOnce) {
  const auto dir = schedlab::test::tempDir();
  // Each child marks itself running, looks at how many are, and leaves.
  auto out = runIsolatedEach(6, 2, [&](size_t i) {
    const auto mine = dir / std::to_string(i);
    std::ofstream(mine).put('1');
    ::usleep(50000);
    size_t running = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++running;
    std::filesystem::remove(mine);
    return std::to_string(running);
  });
  for (const auto& r : out) EXPECT_LE(std::stoi(r), 2);
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
  EXPECT_THROW(runIsolatedEach(2, 2,
                               [](size_t i) -> std::string {
                                 if (i == 0) ::_exit(3);  // dies without a word
                                 return "ok";
                               }),
               std::runtime_error);
}
